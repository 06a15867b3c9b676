"""Which uncoded segments a person should code next to help the model most: the ones it is least
sure about, spread across transcripts and participants rather than one whole interview."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..corpus import Corpus
from ..model import Segment
from .learner import Settings, fit_cached
from .training import labelled_segments, unit_contexts


@dataclass(frozen=True)
class Pick:
    segment: Segment
    uncertainty: float  # 1 = a coin toss for some theme; 0 = sure about every theme
    closest: str | None  # the theme it was least sure about


def next_segments(corpus: Corpus, coder: str, n: int = 20, settings: Settings | None = None) -> list[Pick]:
    ex, unlabelled = labelled_segments(corpus, coder)
    if not unlabelled or n <= 0:
        return []
    model, _ = fit_cached(ex, corpus.project.cache_dir, settings)
    if model.codes:
        probs = model.probabilities([s.text for s in unlabelled], unit_contexts(ex, unlabelled))
        thresholds = np.array([model.thresholds[c] for c in model.codes])
        # Distance from each theme's decision threshold, scaled to 0..1 on that side of it.
        scale = np.where(probs >= thresholds, 1 - thresholds, thresholds)
        closeness = 1 - np.abs(probs - thresholds) / np.maximum(scale, 1e-9)
        # A theme not coded for a segment's stakeholder group is no question to ask about it.
        closeness[~model.applies(corpus.codebook, unlabelled)] = 0.0
        best = closeness.argmax(axis=1)
        scored = [Pick(s, round(float(closeness[i, best[i]]), 4), model.codes[best[i]] if closeness[i, best[i]] > 0 else None)
                  for i, s in enumerate(unlabelled)]
    else:  # nothing learned yet: every segment is equally unknown; spread is all that matters
        scored = [Pick(s, 1.0, None) for s in unlabelled]
    scored.sort(key=lambda p: (-p.uncertainty, p.segment.transcript_id, p.segment.start))
    # Round-robin over participants, each offering its most uncertain segment in turn.
    queues: dict[str, list[Pick]] = {}
    for p in scored:
        queues.setdefault(p.segment.participant or p.segment.transcript_id, []).append(p)
    order = sorted(queues, key=lambda who: (-queues[who][0].uncertainty, who))
    picked: list[Pick] = []
    while len(picked) < n and any(queues[w] for w in order):
        for who in order:
            if queues[who] and len(picked) < n:
                picked.append(queues[who].pop(0))
    return picked
