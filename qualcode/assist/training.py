"""What a coder's decisions teach: labelled segments, hard negatives and seed examples."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..analysis.passages import overlapped
from ..corpus import Corpus
from ..model import ACCEPTED, REJECTED, SUGGESTED, Segment


@dataclass
class Examples:
    texts: list[str] = field(default_factory=list)
    positives: list[set[str]] = field(default_factory=list)  # codes a person applied
    negatives: list[set[str]] = field(default_factory=list)  # codes a person rejected here (hard negatives)
    seeds: int = 0  # how many came from codebook `examples`, not from codings
    sources: list[str] = field(default_factory=list)  # transcript id of each example ("" for a seed)
    segments: list = field(default_factory=list)  # the Segment of each example (None for a seed)

    def subset(self, indices) -> "Examples":
        return Examples([self.texts[i] for i in indices], [self.positives[i] for i in indices],
                        [self.negatives[i] for i in indices], sum(1 for i in indices if not self.sources[i]),
                        [self.sources[i] for i in indices], [self.segments[i] for i in indices])

    def count(self, code: str) -> int:
        return sum(code in p for p in self.positives)


def labelled_segments(corpus: Corpus, coder: str) -> tuple[Examples, list[Segment]]:
    """Training examples from one coder, and the codable segments nobody has decided on.

    A transcript the coder has coded anything in counts as read: its segments without a code
    are negatives for every code. Transcripts the coder has not touched are unlabelled: they
    are what suggestions are for."""
    files = {f.transcript_id: f for f in corpus.files if f.coder == coder}
    ex = Examples()
    unlabelled: list[Segment] = []
    todo = [t for t in corpus.transcripts]
    segments = corpus.segments(todo)
    for t in todo:
        codable = [s for s in segments[t.id] if not s.is_interviewer]
        f = files.get(t.id)
        decided = [c for c in f.anchored if c.status in (ACCEPTED, REJECTED)] if f else []
        if not any(c.status == ACCEPTED for c in decided):
            unlabelled.extend(codable)
            continue
        pos: dict[str, set[str]] = {s.id: set() for s in codable}
        neg: dict[str, set[str]] = {s.id: set() for s in codable}
        for c in decided:
            for seg in overlapped(codable, [(c.start, c.end)]):
                (pos if c.status == ACCEPTED else neg)[seg.id].add(c.code)
        pending = {seg.id for seg in overlapped(codable, [(c.start, c.end) for c in f.anchored if c.status == SUGGESTED])}
        for seg in codable:
            if seg.id in pending and not pos[seg.id]:
                continue  # a suggestion still waiting for a person: not known to be negative
            ex.texts.append(seg.text)
            ex.positives.append(pos[seg.id])
            ex.negatives.append(neg[seg.id] - pos[seg.id])
            ex.sources.append(t.id)
            ex.segments.append(seg)
    for theme in corpus.codebook.themes:
        for text in theme.examples:
            ex.texts.append(text)
            ex.positives.append({theme.id})
            ex.negatives.append(set())
            ex.sources.append("")
            ex.segments.append(None)
            ex.seeds += 1
    return ex, unlabelled
