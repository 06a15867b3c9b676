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


def __getattr__(name: str):
    if name in _PUBLIC:
        return getattr(import_module(f".{_PUBLIC[name]}", __name__), name)
    raise AttributeError(f"module 'qualcode' has no attribute '{name}'")
