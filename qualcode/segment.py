"""Turns -> coding units (sentence | turn | paragraph), with a content-hash cache.

Sentences come from spaCy's rule-based sentencizer on a blank English pipeline: no model,
no download. The cache (`.qualcode/segments.json`, git-ignored) maps a hash of everything
that decides a transcript's units to their spans, so a second run reads JSON instead of
running spaCy.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from functools import lru_cache
from pathlib import Path

from .cache import Pack, digest
from .errors import QualcodeError, did_you_mean
from .model import Segment, Transcript
from .nlp import sentence_pipeline
from .perf import paused_gc
from .transcripts.turns import paragraphs

SEGMENTER_VERSION = "1"


@lru_cache(maxsize=1)
def _spacy_version() -> str:
    from importlib.metadata import (
        version,  # reading package metadata is slow: once per process
    )

    return version("spacy")


def _cache_key(t: Transcript, unit: str) -> str:
    turns = ",".join(f"{x.start}-{x.end}" for x in t.turns)
    return digest(SEGMENTER_VERSION, unit, _spacy_version(), t.body, turns)


CHUNK = 200_000  # characters per spaCy doc: bounded memory, and spaCy's max_length never reached


def _pieces(body: str, limit: int) -> list[tuple[int, str]]:
    """The body cut into docs of at most `limit` characters at paragraph breaks, each piece
    starting at a paragraph's first character (offset, text). Units never cross a paragraph and
    the sentencizer's state starts afresh at one, so the units are the same as from one doc. A
    single paragraph longer than `limit` stays whole."""
    out, lo, n = [], 0, len(body)
    while n - lo > limit:
        cut = body.rfind("\n\n", lo, lo + limit)
        if cut <= lo:
            cut = body.find("\n\n", lo + limit)
            if cut == -1:
                break
        end = cut
        while end < n and body[end].isspace():
            end += 1
        if end >= n:
            break
        out.append((lo, body[lo:end]))
        lo = end
    out.append((lo, body[lo:]))
    return out


def _sentence_starts(bodies: list[str], limit: int | None = None) -> list[list[int]]:
    """Character offsets where the sentencizer starts a sentence, one list per body.

    Each transcript body is one spaCy doc (far cheaper than a doc per paragraph), or a few for a
    very long one (see _pieces), and the starts are read as arrays rather than by building
    Span objects."""
    from spacy.attrs import IDX, SENT_START

    nlp = sentence_pipeline()
    pieces = [(b, off, text) for b, body in enumerate(bodies) for off, text in _pieces(body, limit or CHUNK)]
    longest = max((len(text) for _, _, text in pieces), default=0)
    if longest >= nlp.max_length:  # one paragraph that long: tokenizer and sentencizer need no more
        nlp.max_length = longest + 1
    out: list[list[int]] = [[] for _ in bodies]
    for doc, (b, off, _) in zip(nlp.pipe((text for _, _, text in pieces), batch_size=32), pieces):
        arr = doc.to_array([IDX, SENT_START])
        found = arr[arr[:, 1] == 1, 0]
        out[b].extend((found + off).tolist() if off else found.tolist())
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
