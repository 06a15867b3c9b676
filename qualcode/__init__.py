"""qualcode: code qualitative interviews from the terminal.

The library returns data; the command line (qualcode.cli) only renders it.
"""

from .codebook import load_codebook, validate_text
from .corpus import Corpus, load_corpus
from .errors import CodebookInvalid, Problem, QualcodeError
from .model import Codebook, Coding, Group, Segment, Theme, Transcript, Turn
from .project import Project, open_project
from .segment import segment_all
from .transcripts import load_transcripts, read_transcript

__all__ = [
    "Codebook", "CodebookInvalid", "Coding", "Corpus", "Group", "Problem", "Project", "QualcodeError", "Segment",
    "Theme", "Transcript", "Turn", "load_codebook", "load_corpus", "load_transcripts", "open_project",
    "read_transcript", "segment_all", "validate_text",
]
