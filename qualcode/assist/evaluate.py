"""How good the suggestions are, measured against the coder's own decisions.

Cross-validation grouped by transcript: no transcript is ever in both the training and the test
side of a fold, so a model is never scored on an interview it has seen part of. Codebook
examples are always training data, never test data. Rules and the plain baseline
(baseline.py) are scored on the same folds."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..corpus import Corpus
from ..errors import QualcodeError
from .. import busy
from . import baseline
from .learner import ONE_PER_UNIT, PER_THEME, Settings, chooses_one, fit
from .rules import Rules
from .training import Examples, labelled_segments


@dataclass
class CodeScore:
    code: str
    support: int  # positives among the scored segments
    predicted: int
    precision: float
    recall: float
    f1: float
    kappa: float


@dataclass
class Score:
    source: str  # model | baseline | rules
    segments: int
    codes: list[CodeScore]
    micro_precision: float
    micro_recall: float
    micro_f1: float
    macro_f1: float
    mean_kappa: float
    top3_recall: float | None


@dataclass
class Evaluation:
    coder: str
    kind: str = PER_THEME  # how the model chooses: each theme on its own, or one theme per unit at most
    folds: list[dict] = field(default_factory=list)  # which transcripts trained and tested each fold
    scores: list[Score] = field(default_factory=list)
    curve: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        from dataclasses import asdict

        return asdict(self)


def grouped_folds(sources: list[str], k: int) -> list[tuple[list[int], list[int]]]:
    """(train, test) indices with every transcript wholly on one side; seeds ("") always train."""
    groups = sorted({s for s in sources if s})
    if len(groups) < 2:
        raise QualcodeError(f"evaluation needs coded segments in at least 2 transcripts (found {len(groups)})",
                            hint="Code some segments of another transcript by hand first.")
    k = max(2, min(k, len(groups)))
    # Largest transcripts first, each to the fold that is smallest so far: balanced, deterministic.
    size = {g: sources.count(g) for g in groups}
    fold_of, load = {}, [0] * k
    for g in sorted(groups, key=lambda g: (-size[g], g)):
        f = load.index(min(load))
        fold_of[g] = f
        load[f] += size[g]
    out = []
    for f in range(k):
        test = [i for i, s in enumerate(sources) if s and fold_of[s] == f]
        train = [i for i, s in enumerate(sources) if not s or fold_of[s] != f]
        out.append((train, test))
    return out


def _score(source: str, codes: list[str], Y: np.ndarray, P: np.ndarray, R: np.ndarray | None) -> Score:
    from sklearn.metrics import (
        cohen_kappa_score,
        f1_score,
        precision_score,
        recall_score,
    )

    per = []
    for k, code in enumerate(codes):
        y, p = Y[:, k], P[:, k]
        kappa = cohen_kappa_score(y, p) if (y.any() or p.any()) and not (y.all() and p.all()) else 0.0
        per.append(CodeScore(code, int(y.sum()), int(p.sum()), float(precision_score(y, p, zero_division=0)),
                             float(recall_score(y, p, zero_division=0)), float(f1_score(y, p, zero_division=0)),
                             float(0.0 if np.isnan(kappa) else kappa)))
    flat_y, flat_p = Y.ravel(), P.ravel()
    top3 = None
    if R is not None:
        has = Y.sum(1) > 0
        order = np.argsort(-R, axis=1)[:, :3]
        top3 = float(np.mean([Y[r, order[r]].sum() / Y[r].sum() for r in range(len(Y)) if has[r]])) if has.any() else 0.0
    return Score(source, len(Y), per, float(precision_score(flat_y, flat_p, zero_division=0)),
                 float(recall_score(flat_y, flat_p, zero_division=0)), float(f1_score(flat_y, flat_p, zero_division=0)),
                 float(np.mean([c.f1 for c in per])) if per else 0.0,
                 float(np.mean([c.kappa for c in per])) if per else 0.0, top3)


def _model_predictions(ex: Examples, folds, codes: list[str], settings: Settings, fraction: float = 1.0,
                       plain: bool = False, advance=lambda n=1: None):
    """Out-of-fold predictions of the model, or with `plain` of the baseline, on the same folds."""
    Y = np.array([[c in p for c in codes] for p in ex.positives])
    P = np.zeros_like(Y)
    R = np.zeros(Y.shape)
    tested, sizes = [], []
    one_per_unit = plain and chooses_one(ex, settings)  # the baseline's own choice of model
    for train, test in folds:
        if fraction < 1:  # the learning curve: the first transcripts of the training side only
            keep = sorted({ex.sources[i] for i in train if ex.sources[i]})
            keep = set(keep[: max(1, round(len(keep) * fraction))])
            train = [i for i in train if not ex.sources[i] or ex.sources[i] in keep]
        sizes.append(sum(1 for i in train if ex.sources[i]))
        if plain:  # the baseline learns from coded text only: no codebook seeds
            hand = [i for i in train if ex.sources[i]]
            P[test], R[test] = baseline.fit_predict([ex.texts[i] for i in hand], [ex.positives[i] for i in hand],
                                                    [ex.texts[i] for i in test], codes, one_per_unit)
            tested += test
            advance(1)
            continue
        model = fit(ex.subset(train), settings)
        R[test], P[test] = model.outputs([ex.texts[i] for i in test], [ex.contexts[i] for i in test], codes)
        advance(1)
        tested += test
    return Y[tested], P[tested], R[tested], int(np.mean(sizes))


def evaluate(corpus: Corpus, coder: str, k: int = 5, curve: bool = False, rules: bool = True,
             settings: Settings | None = None) -> Evaluation:
    settings = settings or Settings()
    ex, _ = labelled_segments(corpus, coder)
    folds = grouped_folds(ex.sources, k)
    codes = sorted({c for i, p in enumerate(ex.positives) if ex.sources[i] for c in p})
    if not codes:
        raise QualcodeError(f"{coder} has no accepted codings to evaluate against")
    result = Evaluation(coder, ONE_PER_UNIT if chooses_one(ex, settings) else PER_THEME)
    for train, test in folds:
        result.folds.append({"train_transcripts": sorted({ex.sources[i] for i in train if ex.sources[i]}),
                             "test_transcripts": sorted({ex.sources[i] for i in test}), "test_segments": len(test)})
    with busy.steps("Cross-validating", len(folds) * (7 if curve else 2)) as advance:
        return _evaluate(corpus, ex, folds, codes, settings, result, curve, rules, advance)


def _evaluate(corpus: Corpus, ex: Examples, folds, codes: list[str], settings: Settings, result: Evaluation,
              curve: bool, rules: bool, advance) -> Evaluation:
    Y, P, R, _ = _model_predictions(ex, folds, codes, settings, advance=advance)
    result.scores.append(_score("model", codes, Y, P, R))
    Yb, Pb, Rb, _ = _model_predictions(ex, folds, codes, settings, plain=True, advance=advance)
    result.scores.append(_score("baseline", codes, Yb, Pb, Rb))
    if rules:
        r = Rules(corpus.codebook, corpus.project.spacy_model)
        tested = [i for _, test in folds for i in test]
        P = np.zeros((len(tested), len(codes)), dtype=bool)
        row = {ex.segments[i].id: n for n, i in enumerate(tested)}
        for hit in r.hits([ex.segments[i] for i in tested]):
            if hit.theme in codes:
                P[row[hit.segment.id], codes.index(hit.theme)] = True
        result.scores.append(_score("rules", codes, np.array([[c in ex.positives[i] for c in codes] for i in tested]), P, None))
    if curve:
        for fraction in (0.1, 0.25, 0.5, 0.75, 1.0):
            Yc, Pc, Rc, trained = _model_predictions(ex, folds, codes, settings, fraction, advance=advance)
            s = _score("model", codes, Yc, Pc, Rc)
            result.curve.append({"fraction": fraction, "hand_coded_segments": trained, "micro_f1": s.micro_f1,
                                 "macro_f1": s.macro_f1, "top3_recall": s.top3_recall})
    return result
