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


def _defer_spacy_cli() -> None:
    """spaCy's package imports its whole command line (some 30 modules, weasel's among them: a
    quarter of `import spacy`, 0.25-0.35 s here) for one name, `spacy.info`, which qualcode never
    calls. Stand-ins for `spacy.cli` and `spacy.cli.info` load the real modules the first time
    any name of theirs is used; every other spaCy import is untouched."""
    import importlib
    import importlib.util
    import os
    import sys
    import types

    if "spacy" in sys.modules or "spacy.cli" in sys.modules:
        return
    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.submodule_search_locations:
        return
    cli = types.ModuleType("spacy.cli", "Stands in for spaCy's CLI until it is used (see qualcode/__init__.py).")
    cli.__path__ = [os.path.join(spec.submodule_search_locations[0], "cli")]  # its other modules import as usual
    info = types.ModuleType("spacy.cli.info", cli.__doc__)

    def real():
        for name, stub in (("spacy.cli.info", info), ("spacy.cli", cli)):
            if sys.modules.get(name) is stub:
                del sys.modules[name]
        return importlib.import_module("spacy.cli")

    def loads(module: str):
        def attribute(name: str):
            if name.startswith("__"):  # the import system probing (`__path__`...): not a use
                raise AttributeError(name)
            real()
            return getattr(importlib.import_module(module), name)
        return attribute

    cli.__getattr__, info.__getattr__ = loads("spacy.cli"), loads("spacy.cli.info")
    info.info = lambda *args, **kwargs: real().info(*args, **kwargs)
    sys.modules["spacy.cli"], sys.modules["spacy.cli.info"] = cli, info


_defer_requests()
_defer_spacy_cli()


def __getattr__(name: str):
    if name in _PUBLIC:
        return getattr(import_module(f".{_PUBLIC[name]}", __name__), name)
    raise AttributeError(f"module 'qualcode' has no attribute '{name}'")
