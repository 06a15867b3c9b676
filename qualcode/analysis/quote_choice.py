"""Choosing indicative quotes as a person would: pinned ones first; then passages typical of the
theme, of readable length, from as many participants as possible; never an interviewer."""

from __future__ import annotations

import re

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


def typicality(passages: list[Passage]) -> dict[tuple[str, int], float]:
    """Cosine similarity of each passage to the centre of the theme's passages in TF-IDF space
    (word 1-2-grams); all 0 when there are too few passages to have a centre."""
    if len(passages) < 3:
        return {(p.transcript_id, p.start): 0.0 for p in passages}
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    X = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english").fit_transform(
        [p.text for p in passages])
    centre = np.asarray(X.mean(axis=0)).ravel()
    norm = np.linalg.norm(centre)
    scores = (X @ centre) / norm if norm else np.zeros(X.shape[0])  # rows of X are unit length
    return {(p.transcript_id, p.start): round(float(s), 6) for p, s in zip(passages, np.asarray(scores).ravel())}


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
