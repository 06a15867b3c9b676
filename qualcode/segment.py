"""Turns -> coding units (sentence | turn | paragraph), with a content-hash cache.

Sentences are those of spaCy's rule-based sentencizer on a blank English pipeline (no model,
no download), computed from spaCy's tokenization of each distinct chunk of text (see _Chunks).
The cache (`.qualcode/segments.json`, git-ignored) maps a hash of everything that decides a
transcript's units to their spans, so a second run reads JSON instead of running spaCy.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from pathlib import Path

from .cache import Pack, digest, package_version
from .errors import QualcodeError, did_you_mean
from .model import Segment, Transcript
from .nlp import sentence_pipeline
from .perf import paused_gc
from .transcripts.turns import paragraphs

SEGMENTER_VERSION = "1"


def _cache_key(t: Transcript, unit: str) -> str:
    turns = ",".join(f"{x.start}-{x.end}" for x in t.turns)
    return digest(SEGMENTER_VERSION, unit, package_version("spacy"), t.body, turns)


WORDS = re.compile(r"\S+")  # the tokenizer's own split: str.isspace(), as spaCy's Py_UCS4 test


class _Chunks:
    """What spaCy's sentencizer sees of each distinct whitespace-free chunk of text: its tokens'
    offsets and kinds (1: a sentence-final mark such as '.', 2: a token that can start a
    sentence, 0: other punctuation). spaCy's tokenizer splits text at white space and tokenizes
    each chunk on its own, so each distinct chunk is tokenized once: on interview text, a few tens
    of thousands per million words. (Its special-case matcher can make a token depend on the text
    after it in contrived strings, "b/c._" before " ."; the sentence starts were the same in every
    such case fuzzing found.)

    Why not spaCy over whole docs: its tokenizer (3.8) stops caching for the rest of a doc after
    a special case such as "can't" or a lone newline (explosion/spaCy#13950), so on real
    transcripts it re-tokenizes almost every word; and the sentencizer is a Python loop over
    every token. tests/test_segment_equivalence.py checks that the starts are exactly spaCy's."""

    def __init__(self):
        nlp = sentence_pipeline()
        self.tokenizer = nlp.tokenizer
        self.punct = frozenset(nlp.get_pipe("sentencizer").punct_chars)
        self.marks = re.compile("[" + "".join(re.escape(c) for c in sorted(self.punct)) + "]")
        self.known: dict[str, tuple] = {}

    def __getitem__(self, chunk: str) -> tuple:
        info = self.known.get(chunk)
        if info is None:
            if chunk.isalnum():  # letters and digits only: every token can start a sentence
                info = ((0, 2),)
            else:
                info = tuple((t.idx, 1 if t.text in self.punct else 0 if t.is_punct else 2)
                             for t in self.tokenizer(chunk))
            self.known[chunk] = info
        return info


def _starts_of(body: str, chunks: _Chunks) -> list[int]:
    """The sentencizer's rule, over the tokens spaCy's tokenizer would make of `body`: the first
    token starts a sentence, and so does the first token after a sentence-final mark that is
    neither punctuation nor such a mark. White space other than one space after a token is a
    token of its own (one that can start a sentence). Until a sentence-final mark is seen no
    token can start one, so the scan jumps from one such mark's chunk to the next."""
    out: list[int] = []
    seen = False  # a sentence-final mark since the last start
    first = True
    pos = 0
    n = len(body)
    append = out.append
    while True:
        if not first and not seen:  # nothing can start a sentence before the next mark
            hit = chunks.marks.search(body, pos)
            if hit is None:
                return out
            a = hit.start()
            while a > pos and not body[a - 1].isspace():
                a -= 1
            m = WORDS.match(body, a)
        else:
            m = WORDS.search(body, pos)
            if m is None:
                break
            a = m.start()
            at = pos + 1 if not first and body[pos] == " " else pos
            if at < a:  # a white-space token
                append(at)
                first = seen = False
        for off, kind in chunks[m.group()]:
            if first:
                append(a + off)
                first, seen = False, kind == 1
            elif kind == 1:
                seen = True
            elif kind == 2 and seen:
                append(a + off)
                seen = False
        pos = m.end()
    at = pos + 1 if not first and body[pos:pos + 1] == " " else pos
    if at < n:  # trailing white space, after a mark (or all there is)
        append(at)
    return out


BIG = 2_000_000  # characters to segment from which a progress bar is worth showing (about 2 s)


def _sentence_starts(bodies: list[str]) -> list[list[int]]:
    """Character offsets where spaCy's sentencizer starts a sentence, one list per body."""
    from . import busy

    chunks = _Chunks()
    out = []
    with busy.steps("Cutting transcripts into sentences", len(bodies), sum(map(len, bodies)) >= BIG) as advance:
        for body in bodies:
            out.append(_starts_of(body, chunks))
            advance(1)
    return out


def _spans(t: Transcript, unit: str, starts: list[int] | None) -> list[list]:
    """[turn index, local id, start, end] for every unit of the transcript.
    Sentences never cross a paragraph or turn boundary; white space is trimmed from each."""
    out = []
    body = t.body
    for turn in t.turns:
        index = turn.index
        if unit == "turn":
            out.append([index, str(index), turn.start, turn.end])
            continue
        paras = paragraphs(turn.text, turn.start)
        if unit == "paragraph":
            out.extend([index, f"{index}.p{k}", s, e] for k, (s, e) in enumerate(paras, 1))
            continue
        k = 0
        for lo, hi in paras:
            cuts = starts[bisect_right(starts, lo):bisect_left(starts, hi)]
            cuts.append(hi)
            a = lo
            for b in cuts:
                s, e = a, b
                while s < e and body[s].isspace():
                    s += 1
                while e > s and body[e - 1].isspace():
                    e -= 1
                if e > s:
                    k += 1
                    out.append([index, f"{index}.{k}", s, e])
                a = b
    return out


def _make(t: Transcript, spans) -> list[Segment]:
    info = {turn.index: (turn.speaker, turn.is_interviewer, turn.participant or t.participant,
                         turn.group or t.group, turn.role or t.role) for turn in t.turns}
    prefix, tid, body, new = f"{t.id}:", t.id, t.body, tuple.__new__  # the fast NamedTuple constructor
    return [new(Segment, (prefix + local, tid, turn, s, e, body[s:e]) + info[turn]) for turn, local, s, e in spans]


def segment_all(transcripts: list[Transcript], unit: str = "sentence",
                cache_dir: Path | None = None) -> dict[str, list[Segment]]:
    """Segments of every transcript, by transcript id, in document order."""
    with paused_gc(long_lived=True):
        return _segment_all(transcripts, unit, cache_dir)


def _segment_all(transcripts: list[Transcript], unit: str, cache_dir: Path | None) -> dict[str, list[Segment]]:
    pack = Pack(cache_dir, "segments", SEGMENTER_VERSION)
    result: dict[str, list] = {}
    todo: list[tuple[Transcript, str]] = []
    units = {t.id: unit_of(t, unit) for t in transcripts}
    for t in transcripts:
        key = _cache_key(t, units[t.id])
        spans = pack.get(key)
        if spans is not None:
            try:
                result[t.id] = _make(t, spans)
                continue
            except (ValueError, KeyError, TypeError):
                pass  # a damaged entry is rebuilt
        todo.append((t, key))

    need = [t for t, _ in todo if units[t.id] == "sentence"]
    starts = dict(zip((t.id for t in need), _sentence_starts([t.body for t in need]) if need else []))
    for t, key in todo:
        spans = _spans(t, units[t.id], starts.get(t.id))
        pack.put(key, spans)
        result[t.id] = _make(t, spans)
    pack.save()
    return {t.id: result[t.id] for t in transcripts}


def unit_of(t: Transcript, default: str) -> str:
    """A transcript's front matter may set its own unit (`unit: turn` for survey answers)."""
    unit = t.metadata.get("unit")
    return unit if unit in ("sentence", "turn", "paragraph") else default


def find_segment(segments: list[Segment], sid: str) -> Segment:
    """By full id ('mps-01:12.2') or local id ('12.2')."""
    for seg in segments:
        if sid in (seg.id, seg.local_id):
            return seg
    tid = segments[0].transcript_id if segments else "?"
    raise QualcodeError(f"no segment '{sid}' in {tid}" + did_you_mean(sid, [s.local_id for s in segments]),
                        hint=f"List them with: qualcode segments {tid}")
