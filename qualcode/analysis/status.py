"""Where the project stands: transcripts per group, segments, and how much each coder has coded."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from ..corpus import Corpus
from ..model import ACCEPTED, SUGGESTED
from .passages import overlapped


@dataclass
class TranscriptStatus:
    id: str
    path: str
    format: str
    group: str | None
    participant: str
    role: str | None
    turns: int
    segments: int  # codable: interviewer turns excluded
    coded: dict[str, int] = field(default_factory=dict)  # coder -> segments with an accepted coding
    suggested: dict[str, int] = field(default_factory=dict)  # coder -> open suggestions


@dataclass
class Status:
    project: str
    codebook: str
    codebook_version: int | str
    themes: int
    unit: str
    coders: list[str]
    groups: dict[str, int]
    transcripts: list[TranscriptStatus]
    warnings: list[str]

    @property
    def segments(self) -> int:
        return sum(t.segments for t in self.transcripts)

    def coded_share(self, coder: str) -> float:
        total = self.segments
        return sum(t.coded.get(coder, 0) for t in self.transcripts) / total if total else 0.0

    def to_dict(self) -> dict:
        d = asdict(self)
        d["segments"] = self.segments
        d["coded_share"] = {c: round(self.coded_share(c), 4) for c in self.coders}
        return d


def status(corpus: Corpus) -> Status:
    segs = corpus.segments()
    files = defaultdict(list)
    for f in corpus.files:
        files[f.transcript_id].append(f)
    rows = []
    for t in corpus.transcripts:
        codable = [s for s in segs[t.id] if not s.is_interviewer]
        row = TranscriptStatus(t.id, t.path, t.format, t.group, t.participant, t.role, len(t.turns), len(codable))
        for f in files[t.id]:
            row.coded[f.coder] = len(overlapped(codable, [(c.start, c.end) for c in f.anchored if c.status == ACCEPTED]))
            open_ = sum(c.status == SUGGESTED for c in f.anchored)
            if open_:
                row.suggested[f.coder] = open_
        rows.append(row)
    groups = Counter(t.group or "(none)" for t in corpus.transcripts)
    return Status(str(corpus.project.root), corpus.codebook.name, corpus.codebook.version, len(corpus.codebook.themes),
                  corpus.project.unit, corpus.coders, dict(sorted(groups.items())), rows, list(corpus.warnings))
