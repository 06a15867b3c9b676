"""Turns -> coding units (sentence | turn | paragraph), with a content-hash cache.

Sentences come from spaCy's rule-based sentencizer on a blank English pipeline: no model,
no download. The cache (`.qualcode/segments/`, git-ignored) is keyed by everything that
decides the result, so a second run reads JSON instead of running spaCy.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from .errors import QualcodeError, did_you_mean
from .model import Segment, Transcript, Turn
from .storage import atomic_write_text
from .transcripts.turns import paragraphs

SEGMENTER_VERSION = "1"


@lru_cache(maxsize=1)
def sentence_pipeline():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _cache_key(t: Transcript, unit: str) -> str:
    h = hashlib.sha256()
    h.update(f"{SEGMENTER_VERSION}\0{unit}\0{version('spacy')}\0".encode())
    h.update(t.body.encode("utf-8", "surrogatepass"))
    h.update(json.dumps([(x.start, x.end) for x in t.turns]).encode())
    return h.hexdigest()[:32]


def _spans(t: Transcript, unit: str, sentence_spans: dict[tuple[int, int], list[tuple[int, int]]]):
    """(turn index, local id, start, end) for every unit of the transcript."""
    out = []
    for turn in t.turns:
        if unit == "turn":
            out.append((turn.index, str(turn.index), turn.start, turn.end))
            continue
        paras = paragraphs(turn.text, turn.start)
        if unit == "paragraph":
            out.extend((turn.index, f"{turn.index}.p{k}", s, e) for k, (s, e) in enumerate(paras, 1))
            continue
        k = 0
        for para in paras:
            for s, e in sentence_spans[para]:
                k += 1
                out.append((turn.index, f"{turn.index}.{k}", s, e))
    return out


def _sentences(texts: list[str]) -> list[list[tuple[int, int]]]:
    nlp = sentence_pipeline()
    result = []
    for doc in nlp.pipe(texts, batch_size=256):
        spans = []
        for sent in doc.sents:
            raw = sent.text
            s = sent.start_char + (len(raw) - len(raw.lstrip()))
            e = s + len(raw.strip())
            if e > s:
                spans.append((s, e))
        result.append(spans)
    return result


def _make(t: Transcript, spans) -> list[Segment]:
    turns: dict[int, Turn] = {turn.index: turn for turn in t.turns}
    out = []
    for turn_index, local, s, e in spans:
        turn = turns[turn_index]
        out.append(Segment(
            id=f"{t.id}:{local}", transcript_id=t.id, turn=turn_index, start=s, end=e, text=t.body[s:e],
            speaker=turn.speaker, is_interviewer=turn.is_interviewer,
            participant=turn.participant or t.participant, group=turn.group or t.group, role=turn.role or t.role,
        ))
    return out


def segment_all(transcripts: list[Transcript], unit: str = "sentence",
                cache_dir: Path | None = None) -> dict[str, list[Segment]]:
    """Segments of every transcript, by transcript id, in document order."""
    result: dict[str, list] = {}
    todo: list[tuple[Transcript, str]] = []
    for t in transcripts:
        key = _cache_key(t, unit)
        cached = cache_dir / "segments" / f"{key}.json" if cache_dir else None
        if cached and cached.is_file():
            try:
                result[t.id] = _make(t, [tuple(x) for x in json.loads(cached.read_text(encoding="utf-8"))])
                continue
            except (ValueError, KeyError, TypeError, IndexError):
                pass  # a damaged cache entry is simply rebuilt
        todo.append((t, key))

    sentence_spans: dict[tuple[int, int], list[tuple[int, int]]] = {}
    if unit == "sentence" and todo:
        paras = [(t, p) for t, _ in todo for turn in t.turns for p in paragraphs(turn.text, turn.start)]
        found = _sentences([t.body[s:e] for t, (s, e) in paras])
        for (t, (s, e)), spans in zip(paras, found):
            sentence_spans[(id(t), s)] = [(s + a, s + b) for a, b in spans]
    for t, key in todo:
        mine = {(s, e): sentence_spans.get((id(t), s), []) for turn in t.turns
                for s, e in paragraphs(turn.text, turn.start)}
        spans = _spans(t, unit, mine)
        if cache_dir:
            atomic_write_text(cache_dir / "segments" / f"{key}.json", json.dumps(spans), durable=False)
        result[t.id] = _make(t, spans)
    return {t.id: result[t.id] for t in transcripts}


def find_segment(segments: list[Segment], sid: str) -> Segment:
    """By full id ('mps-01:12.2') or local id ('12.2')."""
    for seg in segments:
        if sid in (seg.id, seg.local_id):
            return seg
    tid = segments[0].transcript_id if segments else "?"
    raise QualcodeError(f"no segment '{sid}' in {tid}" + did_you_mean(sid, [s.local_id for s in segments]),
                        hint=f"List them with: qualcode segments {tid}")
