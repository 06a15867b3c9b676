"""qualcode: code qualitative interviews from the terminal.

The library returns data; the command line (qualcode.cli) only renders it. Names are imported
on first use (PEP 562), so `import qualcode` and `qualcode --help` stay fast.
"""

from importlib import import_module

_PUBLIC = {
    "load_codebook": "codebook", "validate_text": "codebook",
    "Corpus": "corpus", "load_corpus": "corpus",
    "CodebookInvalid": "errors", "Problem": "errors", "QualcodeError": "errors",
    "Codebook": "model", "Coding": "model", "Group": "model", "Segment": "model", "Theme": "model",
    "Transcript": "model", "Turn": "model",
    "Project": "project", "open_project": "project",
    "segment_all": "segment",
    "load_transcripts": "transcripts", "read_transcript": "transcripts",
}
__all__ = sorted(_PUBLIC)


def _defer_requests() -> None:
    """No socket, ever. spaCy's package imports its CLI, whose `download` imports requests, and
    urllib3 opens and binds an IPv6 socket at import time to probe for IPv6 support. qualcode never
    downloads anything, so `requests` starts as a stand-in module that imports the real one the
    first time any of its names is used, which nothing qualcode runs does. (importlib's
    LazyLoader does not serve: the import statement itself reads the module's __spec__.)"""
    import importlib
    import importlib.util
    import sys
    import types

    if "requests" in sys.modules or importlib.util.find_spec("requests") is None:
        return
    stub = types.ModuleType("requests", "Stands in for requests until it is used (see qualcode/__init__.py).")

    def load(name: str):
        if sys.modules.get("requests") is stub:
            del sys.modules["requests"]
        return getattr(importlib.import_module("requests"), name)

    stub.__getattr__ = load
    sys.modules["requests"] = stub


_defer_requests()


def __getattr__(name: str):
    if name in _PUBLIC:
        return getattr(import_module(f".{_PUBLIC[name]}", __name__), name)
    raise AttributeError(f"module 'qualcode' has no attribute '{name}'")
