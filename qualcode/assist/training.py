"""What a coder's decisions teach: labelled segments, hard negatives and seed examples, and what the
codebook itself says about each theme (its name, description and keywords)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from ..analysis.passages import Overlaps
from ..corpus import Corpus
from ..model import ACCEPTED, REJECTED, Segment


class Context(NamedTuple):
    """Where a unit sits in its conversation: what the model may read beside its own words."""
    before: str = ""  # the last turn by another speaker before this unit's turn (a question, a claim)
    previous: str = ""  # the unit just before it in its own turn ("" for a turn's first)
    index: int = 0  # its place in its turn, from 0
    count: int = 1  # units in its turn


NO_CONTEXT = Context()
BEFORE_CHARS = 400  # of a long turn, its end is what the next speaker answers


def contexts(segments: list[Segment]) -> dict[str, Context]:
    """The Context of each of one transcript's units (`segments` in order, interviewer's too)."""
    turns: list[list[Segment]] = []
    for seg in segments:
        if turns and turns[-1][-1].turn == seg.turn:
            turns[-1].append(seg)
        else:
            turns.append([seg])
    out: dict[str, Context] = {}
    last_other = ""  # the last turn by someone other than the current speaker
    last_turn, last_speaker = "", object()
    for turn in turns:
        who = turn[0].speaker
        if who != last_speaker and last_turn:
            last_other = last_turn
        for k, seg in enumerate(turn):
            out[seg.id] = Context(last_other, turn[k - 1].text if k else "", k, len(turn))
        last_turn, last_speaker = " ".join(s.text for s in turn)[-BEFORE_CHARS:], who
    return out


def unit_contexts(ex: Examples, segments: list[Segment]) -> list[Context]:
    """The Context of each of these units, as labelled_segments found it (`ex.around`)."""
    return [ex.around.of(seg) for seg in segments]


class Around:
    """Each unit's Context, worked out a transcript at a time when first asked for: `rules` and
    a rules-only `suggest` never ask for the units of transcripts nobody has decided on (on a
    million words, 0.2-0.3 s of contexts nothing read)."""

    def __init__(self):
        self.segments: dict[str, list[Segment]] = {}
        self.done: dict[str, dict[str, Context]] = {}

    def add(self, transcript_id: str, segments: list[Segment]) -> None:
        """One transcript's units in order, the interviewer's too."""
        self.segments[transcript_id] = segments
        self.done.pop(transcript_id, None)

    def of_transcript(self, transcript_id: str) -> dict[str, Context]:
        done = self.done.get(transcript_id)
        if done is None:
            done = self.done[transcript_id] = contexts(self.segments.get(transcript_id, []))
        return done

    def of(self, seg: Segment) -> Context:
        return self.of_transcript(seg.transcript_id).get(seg.id, NO_CONTEXT)


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
    contexts: list[Context] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # coded | no code | rejected | passed over | seed
    around: Around = field(default_factory=Around)  # each unit's Context, undecided units too

    def add(self, text: str, positives: set[str], negatives: set[str], source: str = "", segment=None,
            definition: bool = False, context: Context = NO_CONTEXT, kind: str = "seed") -> None:
        self.texts.append(text)
        self.positives.append(positives)
        self.negatives.append(negatives)
        self.sources.append(source)
        self.segments.append(segment)
        self.definition.append(definition)
        self.contexts.append(context)
        self.kinds.append(kind)
        if not source:
            self.seeds += 1

    def subset(self, indices) -> "Examples":
        out = Examples(theme_words=self.theme_words)
        for i in indices:
            out.add(self.texts[i], self.positives[i], self.negatives[i], self.sources[i], self.segments[i],
                    self.definition[i], self.contexts[i], self.kinds[i])
        return out

    def counts(self) -> Counter:
        """Positives of each code from codings and codebook examples (definitions aside)."""
        return Counter(c for p, d in zip(self.positives, self.definition) if not d for c in p)


GAP = 2  # uncoded units between two decided ones, at most, that count as read and left uncoded


@dataclass
class Labels:
    """How many units of each kind a coder's decisions give (the counts messages report)."""
    coded: int = 0  # units with an accepted coding: positives
    no_code: int = 0  # decided "no code" in the workbench (the .decided record)
    rejected: int = 0  # only rejected suggestions on them
    passed_over: int = 0  # uncoded, between decided units no more than GAP apart
    unlabelled: int = 0

    @property
    def negatives(self) -> int:
        return self.no_code + self.rejected + self.passed_over

    def to_dict(self) -> dict:
        return {"coded_units": self.coded, "no_code_units": self.no_code, "rejected_units": self.rejected,
                "passed_over_units": self.passed_over, "unlabelled_units": self.unlabelled}


def labelled_segments(corpus: Corpus, coder: str, labels: Labels | None = None) -> tuple[Examples, list[Segment]]:
    """Training examples from one coder, and the codable units nobody has decided on.

    Positives: units an accepted coding touches. Negatives: units the coder decided "no code"
    (the workbench's record), units where only rejected suggestions sit, and uncoded units in a
    short gap (at most GAP units) between two decided units: text read on the way from one
    decision to the next. Everything else is unlabelled, also inside transcripts the coder has
    started, and is what suggestions are for: coders work through every transcript partly, and a
    long uncoded run may simply not have been read yet. A unit with an open suggestion and no
    decision is unlabelled too."""
    from .. import progress

    labels = labels if labels is not None else Labels()
    files = {f.transcript_id: f for f in corpus.files if f.coder == coder}
    ex = Examples()
    unlabelled: list[Segment] = []
    segments = corpus.segments(corpus.transcripts)
    for t in corpus.transcripts:
        codable = [s for s in segments[t.id] if not s.is_interviewer]
        ex.around.add(t.id, segments[t.id])
        f = files.get(t.id)
        path = progress.path_for(corpus.project.codings_dir, coder, t.id)
        record = progress.decided(progress.read(path, corpus.project.rel(path)), codable) if path.exists() else {}
        decided = [c for c in f.decided if c.status in (ACCEPTED, REJECTED)] if f else []
        if not decided and not record:
            unlabelled.extend(codable)
            labels.unlabelled += len(codable)
            continue
        around = ex.around.of_transcript(t.id)
        pos: dict[str, set[str]] = {s.id: set() for s in codable}
        neg: dict[str, set[str]] = {s.id: set() for s in codable}
        overlaps = Overlaps(codable)
        for c in decided:
            for seg in overlaps.of([(c.start, c.end)]):
                (pos if c.status == ACCEPTED else neg)[seg.id].add(c.code)
        pending = {seg.id for seg in overlaps.of(f.pending_spans)} if f else set()
        known = [i for i, seg in enumerate(codable) if pos[seg.id] or neg[seg.id] or seg.id in record]
        passed = set()
        for a, b in zip(known, known[1:]):
            if 1 < b - a <= GAP + 1:
                passed.update(seg.id for seg in codable[a + 1:b] if seg.id not in pending)
        for seg in codable:
            if pos[seg.id]:
                labels.coded += 1
                kind = "coded"
            elif seg.id in record:  # "none", or "coded" whose codes were taken off since
                labels.no_code += 1
                kind = "no code"
            elif neg[seg.id]:
                labels.rejected += 1
                kind = "rejected"
            elif seg.id in passed:
                labels.passed_over += 1
                kind = "passed over"
            else:
                unlabelled.append(seg)
                labels.unlabelled += 1
                continue
            ex.add(seg.text, pos[seg.id], neg[seg.id] - pos[seg.id], t.id, seg, context=around[seg.id], kind=kind)
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
