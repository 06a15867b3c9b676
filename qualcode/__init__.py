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


def _stand_in(name: str, path: list[str] | None, release):
    """A module in sys.modules standing in for `name` until one of its names is used; then
    `release()` drops the stand-ins and the real module answers. It is a package exactly when the
    real one is (`path`), so the import system asking for `__path__` loads nothing. (importlib's
    LazyLoader does not serve: the import statement itself reads the module's __spec__.)"""
    import importlib
    import sys
    import types

    stub = types.ModuleType(name, f"Stands in for {name} until it is used (see qualcode/__init__.py).")
    if path is not None:
        stub.__path__ = path

    def attribute(attr: str):
        if attr == "__path__":  # a module, not a package
            raise AttributeError(attr)
        release()
        return getattr(importlib.import_module(name), attr)

    stub.__getattr__ = attribute
    sys.modules[name] = stub
    return stub


def _release(*stubs) -> None:
    import sys

    for stub in stubs:
        if sys.modules.get(stub.__name__) is stub:
            del sys.modules[stub.__name__]


def _defer_requests() -> None:
    """No socket, ever. spaCy's CLI (see below) imports requests for `download`, and urllib3 opens
    and binds an IPv6 socket at import time to probe for IPv6 support. qualcode never downloads
    anything, so `requests` is a stand-in until any of its names is used, which nothing qualcode
    runs does."""
    import importlib.util
    import sys

    spec = None if "requests" in sys.modules else importlib.util.find_spec("requests")
    if spec is not None:
        stub = _stand_in("requests", spec.submodule_search_locations, lambda: _release(stub))


def _defer_spacy_cli() -> None:
    """spaCy's package imports its whole command line (some 30 modules, weasel's among them: a
    quarter of `import spacy`, 0.25-0.35 s here) for one name, `spacy.info`, which qualcode never
    calls. `spacy.cli` and `spacy.cli.info` are stand-ins until any name of theirs is used (or
    `spacy.info` is called); every other spaCy import is untouched."""
    import importlib
    import importlib.util
    import os
    import sys

    if "spacy" in sys.modules or "spacy.cli" in sys.modules:
        return
    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.submodule_search_locations:
        return
    cli = _stand_in("spacy.cli", [os.path.join(spec.submodule_search_locations[0], "cli")], lambda: _release(info, cli))
    info = _stand_in("spacy.cli.info", None, lambda: _release(info, cli))

    def real_info(*args, **kwargs):  # spaCy's own `from .cli.info import info` takes this
        _release(info, cli)
        return importlib.import_module("spacy.cli").info(*args, **kwargs)

    info.info = real_info


_defer_requests()
_defer_spacy_cli()


def __getattr__(name: str):
    if name in _PUBLIC:
        return getattr(import_module(f".{_PUBLIC[name]}", __name__), name)
    raise AttributeError(f"module 'qualcode' has no attribute '{name}'")
