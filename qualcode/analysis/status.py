"""Where the project stands: transcripts per group, segments, and how much each coder has coded."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..corpus import Corpus


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
    decided: dict[str, int] = field(default_factory=dict)  # coder -> segments coded or decided "no code"


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

    def decided_share(self, coder: str) -> float:
        total = self.segments
        return sum(t.decided.get(coder, 0) for t in self.transcripts) / total if total else 0.0

    def to_dict(self) -> dict:
        d = asdict(self)
        d["segments"] = self.segments
        d["coded_share"] = {c: round(self.coded_share(c), 4) for c in self.coders}
        d["decided_share"] = {c: round(self.decided_share(c), 4) for c in self.coders}
        return d


def status(corpus: Corpus) -> Status:
    # Imported here: a remembered status (status_cache) needs only the classes above.
    from .. import progress
    from ..model import ACCEPTED
    from ..store import coders as store_coders
    from .passages import Overlaps

    segs = corpus.segments()
    files = defaultdict(list)
    for f in corpus.files:
        files[f.transcript_id].append(f)
    rows = []
    codings_dir = corpus.project.codings_dir
    coders = sorted(set(corpus.coders) | {c for c in store_coders(codings_dir)
                                          if any((codings_dir / c).glob("*" + progress.SUFFIX))})
    for t in corpus.transcripts:
        codable = [s for s in segs[t.id] if not s.is_interviewer]
        row = TranscriptStatus(t.id, t.path, t.format, t.group, t.participant, t.role, len(t.turns), len(codable))
        coded_ids: dict[str, set[str]] = {}
        overlaps = Overlaps(codable)
        for f in files[t.id]:
            hit = overlaps.of([(c.start, c.end) for c in f.decided if c.status == ACCEPTED])
            row.coded[f.coder] = len(hit)
            coded_ids[f.coder] = {s.id for s in hit}
            open_ = f.pending
            if open_:
                row.suggested[f.coder] = open_
        for coder in coders:  # coded units count as decided; the record adds "no code"
            path = progress.path_for(codings_dir, coder, t.id)
            record = progress.decided(progress.read(path, corpus.project.rel(path)), codable) if path.exists() else {}
            row.decided[coder] = len(coded_ids.get(coder, set()) | set(record))
        rows.append(row)
    groups = Counter(t.group or "(none)" for t in corpus.transcripts)
    return Status(str(corpus.project.root), corpus.codebook.name, corpus.codebook.version, len(corpus.codebook.themes),
                  corpus.project.unit, coders, dict(sorted(groups.items())), rows, list(corpus.warnings))
