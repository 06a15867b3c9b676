"""The learned suggester: TF-IDF lemma 1-2-grams and character 3-5-grams, one feature per theme
for the words of its name and keywords, and the unit's context (the turn before it, how much it
echoes that turn, its place in its own turn); one logistic regression per code (class-balanced),
a decision threshold per code tuned on out-of-fold predictions, and probabilities calibrated on
those same predictions (Platt scaling) where there are enough decisions.

Chosen by measurement (benchmarks/bench_assist.py on the NHS answers, bench_talkmoves.py on
classroom transcripts): it learns from a few hundred short segments, trains 50 codes in seconds
on two cores, and on transcripts the context features carry it past a plain TF-IDF baseline
(TalkMoves at 10% of lessons: macro-F1 0.433 without them, 0.586 with; baseline 0.455). Codes
with fewer than `min_positives` examples are not learned.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import busy
from .features import ContextFeatures, transformed, vectorizers
from .training import NO_CONTEXT, Context, Examples

MODEL_VERSION = "7"  # bump whenever fitting changes, so cached models are refitted
BIG = 5000  # training units from which fitting takes seconds: a progress bar on a terminal
PER_THEME, ONE_PER_UNIT = "a theme's own yes or no", "one theme per unit at most"


@dataclass
class Settings:
    min_positives: int = 2
    C: float = 4.0
    folds: int = 2  # for threshold tuning; 3 cost 40% more time for no measurable gain
    hard_negative_weight: float = 2.0
    parallel_from: int = 1000  # training segments from which codes are fitted on all cores
    context: bool = True  # read the turn before and the unit's place in its turn
    calibrate: bool = True  # Platt scaling of each theme's probabilities on out-of-fold predictions
    exclusive: str = "auto"  # auto | yes | no: at most one theme suggested per unit


@dataclass
class Model:
    codes: list[str]
    thresholds: dict[str, float]
    positives: dict[str, int]
    key: str  # hash of training data and settings: the model's version
    vectorizers: list = field(repr=False, default_factory=list)
    classifiers: dict = field(repr=False, default_factory=dict)
    kind: str = PER_THEME  # how suggestions are chosen: each theme on its own, or one per unit
    context: object = field(repr=False, default=None)  # ContextFeatures, when used
    calibration: dict = field(default_factory=dict)  # code -> (slope, intercept) on the log-odds

    SCORE_STEP = 2000  # units read at a time when scoring many: a progress bar's step

    def features(self, texts: list[str], contexts: list[Context] | None = None):
        """The feature rows of these units, a few thousand at a time under a progress bar on a
        large project (each row depends on its own unit only, so the rows are the same)."""
        from scipy.sparse import vstack

        contexts = contexts or [NO_CONTEXT] * len(texts)
        step = self.SCORE_STEP
        if len(texts) <= step:
            return self._features(texts, contexts)
        parts = []
        with busy.steps(f"Reading {len(texts):,} units", len(texts), len(texts) >= BIG) as advance:
            for i in range(0, len(texts), step):
                parts.append(self._features(texts[i:i + step], contexts[i:i + step]))
                advance(len(parts[-1].indptr) - 1)
        return vstack(parts).tocsr()

    def _features(self, texts: list[str], contexts: list[Context]):
        from scipy.sparse import hstack

        parts = [transformed(v, texts) for v in self.vectorizers]
        if self.context is not None:
            parts.append(self.context.transform(texts, contexts))
        return hstack(parts).tocsr()

    def reasons(self, X, rows: list[int], codes: list[str], k: int = 3) -> list[list[str]]:
        """Per (row, code) pair, the words (lemma 1-2-grams) and theme-word features that raised
        that row's score for that code most: the model's reason, for a person reviewing its
        suggestion, largest first (ties by name, later first). Character n-grams count in the
        score but are not shown: fragments of words explain nothing. All the rows of a code are
        weighed in one array (one row at a time cost 80 us a suggestion: most of a large
        project's `suggest`)."""
        from collections import defaultdict

        out: list[list[str]] = [[] for _ in rows]
        words = len(self.vectorizers[0].vocabulary_)
        chars = len(self.vectorizers[1].vocabulary_)
        pairs: dict[str, list[int]] = defaultdict(list)
        for n, code in enumerate(codes):
            pairs[code].append(n)
        for code, where in pairs.items():
            sub = X[np.asarray(rows)[where]]
            weight = sub.data * self.classifiers[code].coef_[0][sub.indices]
            row = np.repeat(np.arange(len(where)), np.diff(sub.indptr))
            col = sub.indices
            keep = (weight > 0) & ~((words <= col) & (col < words + chars))
            weight, row, col = weight[keep], row[keep], col[keep]
            distinct = np.unique(col)
            names = [self._name(j, words, chars) for j in distinct.tolist()]
            rank = np.empty(len(names), np.int64)
            rank[sorted(range(len(names)), key=names.__getitem__)] = np.arange(len(names))
            at = np.searchsorted(distinct, col)
            order = np.lexsort((-rank[at], -weight, row))  # by row, then weight and name, largest first
            row, at = row[order], at[order]
            first = np.searchsorted(row, np.arange(len(where)))
            top = (np.arange(len(row)) - first[row]) < k
            for r, j in zip(row[top].tolist(), at[top].tolist()):
                out[where[r]].append(names[j])
        return out

    def top_features(self, X, row: int, code: str, k: int = 3) -> list[str]:
        """reasons() for one row and code."""
        return self.reasons(X, [row], [code], k)[0]

    def _name(self, j: int, words: int, chars: int) -> str:
        if j < words:
            return self._word_names()[j]
        themes = self.vectorizers[2].themes
        if j < words + chars + len(themes):
            return "theme words of " + themes[j - words - chars]
        return self.context.name(j - words - chars - len(themes))

    def _word_names(self):
        names = getattr(self, "_names", None)
        if names is None:
            names = self._names = self.vectorizers[0].get_feature_names_out()
        return names

    def probabilities(self, texts: list[str], contexts: list[Context] | None = None, X=None) -> np.ndarray:
        """texts x codes, in the order of `self.codes`: each theme's probability, calibrated where
        the coder's decisions allowed."""
        if not texts:
            return np.zeros((0, len(self.codes)))
        X = self.features(texts, contexts) if X is None else X
        return np.column_stack([_calibrated(self.classifiers[c].predict_proba(X)[:, 1], self.calibration.get(c))
                                for c in self.codes])

    def outputs(self, texts: list[str], contexts: list[Context] | None, codes: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(probabilities, chosen), texts x `codes` in that order; a theme not learned: 0, False."""
        probs = np.zeros((len(texts), len(codes)))
        chosen = np.zeros((len(texts), len(codes)), dtype=bool)
        if self.codes and texts:
            p = self.probabilities(texts, contexts)
            got = self.predict(p)
            for j, code in enumerate(self.codes):
                if code in codes:
                    probs[:, codes.index(code)] = p[:, j]
                    chosen[:, codes.index(code)] = got[:, j]
        return probs, chosen

    def applies(self, codebook, segments) -> np.ndarray:
        """units x codes, in the order of `self.codes`: whether the theme is coded for the unit's
        stakeholder group (a theme the codebook no longer has: everywhere). Worked out once per
        group, not per unit."""
        themes = [codebook.theme(code) for code in self.codes]
        groups = {g: i for i, g in enumerate(dict.fromkeys(s.group for s in segments))}
        per_group = np.array([[theme is None or theme.applies_to(g) for theme in themes] for g in groups], bool)
        return per_group[np.fromiter((groups[s.group] for s in segments), np.int64, len(segments))]

    def predict(self, probs: np.ndarray) -> np.ndarray:
        """texts x codes, True where the theme is suggested: each theme at or above its threshold;
        for a coder who gives a unit one theme at most, only the likeliest of those."""
        over = probs >= np.array([self.thresholds[c] for c in self.codes])
        if self.kind == ONE_PER_UNIT and len(probs):
            best = np.where(over, probs, -1).argmax(1)
            rows = np.arange(len(probs))
            one = np.zeros_like(over)
            one[rows, best] = over[rows, best]
            return one
        return over


def training_key(ex: Examples, settings: Settings) -> str:
    import sklearn

    h = hashlib.sha256()
    h.update(json.dumps([MODEL_VERSION, sklearn.__version__, settings.__dict__, sorted(ex.theme_words.items()),
                         [i for i, d in enumerate(ex.definition) if d]]).encode())
    # Unit and record separators cannot occur in theme ids, so this joining is unambiguous.
    h.update("\x1e".join(f"{text}\x1f{','.join(sorted(pos))}\x1f{','.join(sorted(neg))}\x1f{ctx}"
                         for text, pos, neg, ctx in zip(ex.texts, ex.positives, ex.negatives, ex.contexts))
             .encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:24]


EXCLUSIVE_MIN_CODED = 30  # coded units from which one-theme-per-unit coding is recognised
EXCLUSIVE_SHARE = 0.98  # of coded units with exactly one theme (a slip or two is no scheme)


def one_theme_per_unit(ex: Examples) -> bool:
    """Does this coder give each unit at most one theme (turn-by-turn schemes such as talk moves
    or counselling codes)? Then a unit gets one suggestion at most, the likeliest theme.
    Measured on TalkMoves (benchmarks/bench_talkmoves.py), a theme's own calibrated model with
    this one choice beat a multinomial model over the themes and "no code" on macro-F1 (0.586
    vs 0.584 at 10% of lessons; C=1: 0.568), on Brier score (0.0217 vs 0.0227) and on time
    (14 s vs 19 s), so the multinomial model was dropped."""
    coded = [len(p) for p, src in zip(ex.positives, ex.sources) if src and p]
    return len(coded) >= EXCLUSIVE_MIN_CODED and sum(n == 1 for n in coded) >= EXCLUSIVE_SHARE * len(coded)


def chooses_one(ex: Examples, settings: Settings) -> bool:
    """Settings.exclusive, with "auto" decided from the coder's own codings."""
    return settings.exclusive == "yes" or (settings.exclusive == "auto" and one_theme_per_unit(ex))


def _classifier(settings: Settings):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=settings.C, class_weight="balanced", solver="liblinear", max_iter=1000)


CALIBRATE_FROM = 50  # positives and negatives, each, from which a theme's probabilities are calibrated


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _calibrated(p: np.ndarray, ab: tuple[float, float] | None) -> np.ndarray:
    if ab is None:
        return p
    return 1 / (1 + np.exp(-(ab[0] * _logit(p) + ab[1])))


def _platt(oof: np.ndarray, y: np.ndarray) -> tuple[float, float] | None:
    """Platt scaling on out-of-fold scores: class-balanced training pushes every score towards
    0.5, and a reviewer reading "0.7" should be right about 7 times in 10. Only with enough
    decisions of both kinds, and only if it keeps the order (a positive slope)."""
    from sklearn.linear_model import LogisticRegression

    if y.sum() < CALIBRATE_FROM or (~y).sum() < CALIBRATE_FROM:
        return None
    fit = LogisticRegression(C=1e4).fit(_logit(oof)[:, None], y)
    slope, intercept = float(fit.coef_[0, 0]), float(fit.intercept_[0])
    return (slope, intercept) if slope > 0 else None


THRESHOLDS = np.arange(0.25, 0.9, 0.025)  # a floor: on a few dozen examples the F1 optimum can sit absurdly low


def f1_at(scores: np.ndarray, y: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """F1 of deciding `scores >= t`, for each threshold t, as sklearn's f1_score(zero_division=0)
    computes it (2 tp / (true + predicted)), for all thresholds at once: f1_score's input
    checks made 26 calls per theme most of `evaluate`'s time (36 s of 46 s on the example)."""
    decided = scores[None, :] >= thresholds[:, None]
    tp = (decided & y[None, :]).sum(axis=1).astype(float)
    both = float(y.sum()) + decided.sum(axis=1)
    return np.divide(2 * tp, both, out=np.zeros(len(thresholds)), where=both > 0)


def _tuned_threshold(X, y, weights, settings: Settings) -> tuple[float, tuple[float, float] | None]:
    """The threshold that maximised F1 on out-of-fold predictions (0.5 when too few examples),
    and the calibration learned from the same predictions; the threshold is returned on the
    calibrated scale, so the decisions are the same either way."""
    folds = np.arange(len(y)) % settings.folds
    oof = np.full(len(y), np.nan)
    for f in range(settings.folds):
        train = folds != f
        if y[train].sum() < 2 or y[train].all():
            return 0.5, None
        oof[~train] = _classifier(settings).fit(X[train], y[train], sample_weight=weights[train]).predict_proba(X[~train])[:, 1]
    threshold = float(THRESHOLDS[int(np.argmax(f1_at(oof, y, THRESHOLDS)))])
    ab = _platt(oof, y) if settings.calibrate else None
    return float(_calibrated(np.array([threshold]), ab)[0]), ab


def _fit_code(X, ex: Examples, code: str, settings: Settings):
    y = np.array([code in p for p in ex.positives])
    weights = np.array([settings.hard_negative_weight if code in n else 1.0 for n in ex.negatives])
    return code, _classifier(settings).fit(X, y, sample_weight=weights), *_tuned_threshold(X, y, weights, settings)


def _fit_codes(X, ex: Examples, codes: list[str], settings: Settings):
    return [_fit_code(X, ex, code, settings) for code in codes]


def fit(ex: Examples, settings: Settings | None = None) -> Model:
    from scipy.sparse import hstack

    settings = settings or Settings()
    model = Model([], {}, {}, training_key(ex, settings), [], {})
    counts = ex.counts()
    learnable = sorted(c for c, n in counts.items() if settings.min_positives <= n < len(ex.texts))
    if not learnable:
        return model  # nothing to learn from yet: no suggestions, and the caller says why
    model.vectorizers = vectorizers(ex.theme_words, small=len(ex.texts) < 50)
    parts = [v.fit_transform(ex.texts) for v in model.vectorizers]
    if settings.context:
        model.context = ContextFeatures()
        parts.append(model.context.fit_transform(ex.texts, ex.contexts))
    X = hstack(parts).tocsr()
    if chooses_one(ex, settings):
        model.kind = ONE_PER_UNIT
    import os

    from joblib import Parallel, delayed  # installed with scikit-learn

    # Worker start-up only pays off on big sets; one chunk of codes per worker, so the feature
    # matrix is sent to each worker once, not once per code. max_nbytes=None sends it whole:
    # a read-only memory map trips liblinear ("WRITEBACKIFCOPY base is read-only").
    workers = min(os.cpu_count() or 1, len(learnable)) if len(ex.texts) >= settings.parallel_from else 1
    chunks = [learnable[i::workers] for i in range(workers)]
    fitted = []
    with busy.steps(f"Learning {len(learnable)} themes", len(learnable), len(ex.texts) >= BIG) as advance:
        if workers == 1:
            for code in learnable:
                fitted.append(_fit_code(X, ex, code, settings))
                advance(1)
        else:
            for part in Parallel(n_jobs=workers, max_nbytes=None, return_as="generator_unordered")(
                    delayed(_fit_codes)(X, ex, chunk, settings) for chunk in chunks):
                fitted += part
                advance(len(part))
    for code, clf, threshold, ab in sorted(fitted, key=lambda f: f[0]):
        model.classifiers[code] = clf
        model.thresholds[code] = threshold
        if ab is not None:
            model.calibration[code] = ab
        model.positives[code] = counts[code]
        model.codes.append(code)
    return model


def fit_cached(ex: Examples, cache_dir: Path | None, settings: Settings | None = None) -> tuple[Model, bool]:
    """Fit, or load the model fitted on exactly this training data. Returns (model, was_cached).

    The cache is a pickle in the project's own git-ignored `.qualcode/models/`, written and read
    only by qualcode on this machine; a damaged or foreign file is ignored and refitted."""
    settings = settings or Settings()
    key = training_key(ex, settings)
    path = cache_dir / "models" / f"{key}.pickle" if cache_dir else None
    if path is not None and path.is_file():
        try:
            model = pickle.loads(path.read_bytes())
            if isinstance(model, Model) and model.key == key:
                return model, True
        except Exception:  # an unreadable cache entry is simply refitted
            pass
    model = fit(ex, settings)
    if path is not None:
        from ..cache import ensure_cache_dir
        from ..storage import atomic_write_bytes

        ensure_cache_dir(cache_dir)
        atomic_write_bytes(path, pickle.dumps(model), durable=False)
    return model, False
