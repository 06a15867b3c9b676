"""What a coder's decisions teach: labelled segments, hard negatives and seed examples, and what the
codebook itself says about each theme (its name, description and keywords)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..analysis.passages import overlapped
from ..corpus import Corpus
from ..model import ACCEPTED, REJECTED, SUGGESTED, Segment


@dataclass
class Examples:
    texts: list[str] = field(default_factory=list)
    positives: list[set[str]] = field(default_factory=list)  # codes a person applied
    negatives: list[set[str]] = field(default_factory=list)  # codes a person rejected here (hard negatives)
    seeds: int = 0  # how many came from codebook `examples` or definitions, not from codings
    sources: list[str] = field(default_factory=list)  # transcript id of each example ("" for a seed)
    segments: list = field(default_factory=list)  # the Segment of each example (None for a seed)
    # A theme's label or description as a seed: evidence for the words it uses, but no coding, so
    # it never makes a theme learnable on its own (see `counts`).
    definition: list[bool] = field(default_factory=list)
    theme_words: dict[str, tuple[str, ...]] = field(default_factory=dict)  # theme -> its label and keywords

    def add(self, text: str, positives: set[str], negatives: set[str], source: str = "", segment=None,
            definition: bool = False) -> None:
        self.texts.append(text)
        self.positives.append(positives)
        self.negatives.append(negatives)
        self.sources.append(source)
        self.segments.append(segment)
        self.definition.append(definition)
        if not source:
            self.seeds += 1

    def subset(self, indices) -> "Examples":
        out = Examples(theme_words=self.theme_words)
        for i in indices:
            out.add(self.texts[i], self.positives[i], self.negatives[i], self.sources[i], self.segments[i],
                    self.definition[i])
        return out

    def counts(self) -> Counter:
        """Positives of each code from codings and codebook examples (definitions aside)."""
        return Counter(c for p, d in zip(self.positives, self.definition) if not d for c in p)


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
            ex.add(seg.text, pos[seg.id], neg[seg.id] - pos[seg.id], t.id, seg)
    add_codebook_seeds(ex, corpus.codebook)
    return ex, unlabelled


def add_codebook_seeds(ex: Examples, codebook) -> None:
    """Each theme's examples as seed positives; its label and description as definition seeds; its
    label and keywords as the words the model may look for. With a few hundred coded segments, a
    theme's name carries knowledge the codings cannot yet (measured on the NHS data, macro-F1 at 10%
    0.365 -> 0.386, at 25% 0.462 -> 0.479; benchmarks/bench_assist.py)."""
    for theme in codebook.themes:
        for text in theme.examples:
            ex.add(text, {theme.id}, set())
        for text in (theme.label, theme.description):
            if text and text.strip():
                ex.add(text, {theme.id}, set(), definition=True)
        ex.theme_words[theme.id] = (theme.label, *theme.keywords)
