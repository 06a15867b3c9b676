"""Choosing indicative quotes as a person would: pinned ones first; then passages typical of the
theme, of readable length, from as many participants as possible; never an interviewer."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .passages import Passage

IDEAL_WORDS = (15, 90)  # a quote a reader can take in at once
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def trim(text: str, max_words: int = IDEAL_WORDS[1]) -> tuple[str, bool]:
    """Whole sentences from the start while they fit in max_words, then an ellipsis; a first
    sentence longer than that is cut at a word. Returns (text, whether anything was cut)."""
    if len(text.split()) <= max_words:
        return text, False
    kept, words = [], 0
    for sentence in _SENTENCE_END.split(text):
        n = len(sentence.split())
        if words + n > max_words:
            break
        kept.append(sentence)
        words += n
    if not kept:
        return " ".join(text.split()[:max_words]) + " …", True
    return " ".join(kept) + " …", True


_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    """scikit-learn's English stop words, read from its module file without importing the
    package (importing scikit-learn costs about a second; this list is all a summary needs)."""
    import importlib.util

    spec = importlib.util.find_spec("sklearn")
    path = Path(spec.submodule_search_locations[0]) / "feature_extraction" / "_stop_words.py"
    module = importlib.util.module_from_spec(importlib.util.spec_from_file_location("_qualcode_stop_words", path))
    module.__loader__.exec_module(module)
    return module.ENGLISH_STOP_WORDS


def typicality(passages: list[Passage]) -> dict[tuple[str, int], float]:
    """Cosine similarity of each passage to the centre of the theme's passages in TF-IDF space
    (word 1-2-grams, English stop words aside, sublinear tf, smoothed idf, unit rows: scikit-
    learn's TfidfVectorizer as configured before, computed here so a summary need not import
    scikit-learn; tests/test_quote_choice.py compares the two); all 0 when there are too few
    passages, or words other than stop words, to have a centre."""
    if len(passages) < 3:
        return {(p.transcript_id, p.start): 0.0 for p in passages}
    from math import log, sqrt

    stop = _stop_words()
    rows: list[dict[str, int]] = []
    df: dict[str, int] = {}
    for p in passages:
        words = [w for w in _TOKEN.findall(p.text.lower()) if w not in stop]
        counts: dict[str, int] = {}
        for gram in words + [f"{a} {b}" for a, b in zip(words, words[1:])]:
            counts[gram] = counts.get(gram, 0) + 1
        rows.append(counts)
        for gram in counts:
            df[gram] = df.get(gram, 0) + 1
    n = len(passages)
    idf = {g: log((1 + n) / (1 + d)) + 1 for g, d in df.items()}
    vectors = []  # sparse rows, as dicts: a theme's passages x its n-grams would not fit densely
    for counts in rows:
        v = {g: (1 + log(c)) * idf[g] for g, c in counts.items()}
        length = sqrt(sum(x * x for x in v.values()))
        vectors.append({g: x / length for g, x in v.items()} if length else {})
    centre: dict[str, float] = {}
    for v in vectors:
        for g, x in v.items():
            centre[g] = centre.get(g, 0.0) + x
    centre = {g: x / n for g, x in centre.items()}
    norm = sqrt(sum(x * x for x in centre.values()))
    return {(p.transcript_id, p.start): round(sum(x * centre[g] for g, x in v.items()) / norm, 6) if norm else 0.0
            for p, v in zip(passages, vectors)}


TYPICALITY_VERSION = "1"  # bump when typicality's computation changes


def remembered_typicality(themes: dict[str, list[Passage]], cache_dir: Path | None) -> dict[str, dict]:
    """typicality of each theme's passages, kept in the cache by a hash of the passages (where
    and what): a report is made again and again, in several formats, from unchanged codings,
    and this was half of a summary of a million coded words (0.5 s). A theme whose codings
    changed is computed afresh."""
    from ..cache import Pack, digest

    pack = Pack(cache_dir, "typicality", TYPICALITY_VERSION)
    out = {}
    for theme, passages in themes.items():
        key = digest(*(f"{p.transcript_id}\0{p.start}\0{p.text}" for p in passages))
        where = [(p.transcript_id, p.start) for p in passages]
        known = pack.get(key)
        if isinstance(known, list) and len(known) == len(where):
            out[theme] = dict(zip(where, known))
            continue
        out[theme] = typicality(passages)
        pack.put(key, [out[theme][w] for w in where])
    pack.save()
    return out


def choose(candidates: list[Passage], n: int, typical: dict[tuple[str, int], float]) -> list[Passage]:
    """Pinned first; then readable passages (15-90 words once trimmed) before short ones, the
    most typical first; one per participant before anyone is quoted twice. Deterministic: ties
    fall back to transcript and position."""
    pool = [p for p in candidates if not p.is_interviewer]
    chosen = sorted((p for p in pool if p.pinned), key=lambda p: (p.transcript_id, p.start))[:n]

    def order(p: Passage):
        short = p.words < IDEAL_WORDS[0]
        return (short, -typical.get((p.transcript_id, p.start), 0.0), p.transcript_id, p.start)

    rest = sorted((p for p in pool if not p.pinned), key=order)
    voiced = {p.participant for p in chosen}
    for p in rest:  # one each from participants not yet quoted
        if len(chosen) < n and p.participant not in voiced:
            chosen.append(p)
            voiced.add(p.participant)
    for p in rest:  # then anyone
        if len(chosen) < n and p not in chosen:
            chosen.append(p)
    return chosen
