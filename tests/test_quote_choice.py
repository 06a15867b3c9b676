"""Quote typicality is computed without importing scikit-learn (a summary would pay a second for
it), and must be exactly what scikit-learn's TfidfVectorizer gave: the same scores to the sixth
decimal on the bundled example's passages and on random text, so quote choice never changes."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from qualcode.analysis.passages import Passage
from qualcode.analysis.quote_choice import typicality

REPO = Path(__file__).resolve().parents[1]


def sklearn_typicality(passages):
    from sklearn.feature_extraction.text import TfidfVectorizer

    X = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english").fit_transform(
        [p.text for p in passages])
    centre = np.asarray(X.mean(axis=0)).ravel()
    scores = (X @ centre) / np.linalg.norm(centre)
    return {(p.transcript_id, p.start): round(float(s), 6) for p, s in zip(passages, np.asarray(scores).ravel())}


def passages_of(texts):
    return [Passage(f"t{i}", i, i + len(t), t, f"P{i}", None, None, None, False, False, 1) for i, t in enumerate(texts)]


def test_typicality_is_scikit_learns_tfidf_on_real_and_random_text():
    from qualcode.transcripts import load_transcripts

    turns = [t.text for x in load_transcripts(REPO / "transcripts", REPO) for t in x.turns if not t.is_interviewer]
    rng = random.Random(3)
    for size in (3, 7, 40, len(turns)):
        sample = passages_of(rng.sample(turns, size))
        assert typicality(sample) == sklearn_typicality(sample)
    words = "the a funding funding-cuts order orders court can't we’re £5 2024 young people police CPS was is".split()
    for _ in range(30):
        texts = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 25))) for _ in range(rng.randint(3, 12))]
        if any(set(t.split()) - {"the", "a", "was", "is"} for t in texts):  # scikit-learn refuses stop words only
            assert typicality(passages_of(texts)) == sklearn_typicality(passages_of(texts))


def test_passages_of_stop_words_only_have_no_centre():
    assert set(typicality(passages_of(["The.", "It was.", "Is it?"])).values()) == {0.0}


def test_segments_that_spans_overlap_by_binary_search_are_those_a_scan_finds():
    """Overlaps (one index per transcript, asked per theme) against the plain scan, on random
    segments and spans: touching, nested, empty, beyond either end; and a list not in order."""
    import random

    from qualcode.analysis.passages import Overlaps, _scan
    from qualcode.model import Segment

    rng = random.Random(5)
    for _ in range(300):
        segments, at = [], rng.randint(0, 5)
        for k in range(rng.randint(0, 25)):
            start = at + rng.choice([0, 0, 1, 3])
            at = start + rng.randint(1, 9)
            segments.append(Segment(f"t:{k}", "t", k, start, at, "x", None, False, None, None, None))
        spans = [(a, a + rng.choice([0, 1, 2, 5, 30])) for a in (rng.randint(-3, at + 3) for _ in range(rng.randint(0, 6)))]
        assert Overlaps(segments).of(spans) == _scan(segments, spans), (segments, spans)
        shuffled = rng.sample(segments, len(segments))
        assert Overlaps(shuffled).of(spans) == _scan(shuffled, spans)
