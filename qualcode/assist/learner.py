"""The learned suggester: TF-IDF lemma 1-2-grams and character 3-5-grams, plus one feature per theme
for the words of its name and keywords; one logistic regression per code (class-balanced), a
decision threshold per code tuned on out-of-fold predictions.

Chosen by measurement on the NHS development data (benchmarks/bench_assist.py): it learns from a
few hundred short segments, trains 50 codes in seconds on two cores, and its probabilities rank
well enough for a review queue. Codes with fewer than `min_positives` examples are not learned.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .training import Examples

MODEL_VERSION = "6"  # bump whenever fitting changes, so cached models are refitted


@dataclass
class Settings:
    min_positives: int = 5
    C: float = 4.0
    folds: int = 2  # for threshold tuning; 3 cost 40% more time for no measurable gain
    hard_negative_weight: float = 2.0
    parallel_from: int = 1000  # training segments from which codes are fitted on all cores


@dataclass
class Model:
    codes: list[str]
    thresholds: dict[str, float]
    positives: dict[str, int]
    key: str  # hash of training data and settings: the model's version
    vectorizers: list = field(repr=False, default_factory=list)
    classifiers: dict = field(repr=False, default_factory=dict)

    def features(self, texts: list[str]):
        from scipy.sparse import hstack

        return hstack([v.transform(texts) for v in self.vectorizers]).tocsr()

    def top_features(self, X, row: int, code: str, k: int = 3) -> list[str]:
        """The words (lemma 1-2-grams) and theme-word features that raised this row's score for
        this code most: the model's reason, for a person reviewing its suggestion. Character
        n-grams count in the score but are not shown: fragments of words explain nothing."""
        coef = self.classifiers[code].coef_[0]
        x = X.getrow(row)
        words = len(self.vectorizers[0].vocabulary_)
        chars = len(self.vectorizers[1].vocabulary_)
        scored = []
        for j, value in zip(x.indices, x.data):
            weight = value * coef[j]
            if weight <= 0 or words <= j < words + chars:
                continue
            if j < words:
                name = self._word_names()[j]
            else:
                name = "theme words of " + self.vectorizers[2].themes[j - words - chars]
            scored.append((weight, name))
        return [name for _, name in sorted(scored, reverse=True)[:k]]

    def _word_names(self):
        names = getattr(self, "_names", None)
        if names is None:
            names = self._names = self.vectorizers[0].get_feature_names_out()
        return names

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """texts x codes, in the order of `self.codes`."""
        if not texts:
            return np.zeros((0, len(self.codes)))
        X = self.features(texts)
        return np.column_stack([self.classifiers[c].predict_proba(X)[:, 1] for c in self.codes])


def training_key(ex: Examples, settings: Settings) -> str:
    import sklearn

    h = hashlib.sha256()
    h.update(json.dumps([MODEL_VERSION, sklearn.__version__, settings.__dict__, sorted(ex.theme_words.items()),
                         [i for i, d in enumerate(ex.definition) if d]]).encode())
    # Unit and record separators cannot occur in theme ids, so this joining is unambiguous.
    h.update("\x1e".join(f"{text}\x1f{','.join(sorted(pos))}\x1f{','.join(sorted(neg))}"
                         for text, pos, neg in zip(ex.texts, ex.positives, ex.negatives)).encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:24]


_WORD = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern


def lemma_ngrams(text: str) -> list[str]:
    """Word 1-2-grams of lookup lemmas ("waited", "waiting" -> "wait"): on a few hundred coded
    segments, one feature per lemma generalises better than one per form (measured: +0.005 to
    +0.007 macro-F1). A module-level function, so a fitted model pickles."""
    from ..nlp import lemma_lookup

    form_to_lemma = lemma_lookup()
    words = [form_to_lemma.get(w, w) for w in _WORD.findall(text.lower())]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


_LETTERS = re.compile(r"[^\W\d_]{3,}")


def content_lemmas(text: str) -> set[str]:
    """Lookup lemmas of the words of three letters or more that are not English stop words."""
    from spacy.lang.en.stop_words import STOP_WORDS

    from ..nlp import lemma_lookup

    form_to_lemma = lemma_lookup()
    return {form_to_lemma.get(w, w) for w in _LETTERS.findall(text.lower()) if w not in STOP_WORDS}


class ThemeWords:
    """One feature per theme: how many of the content words of its label and keywords a segment
    holds (lookup lemmas), over their number or over 3 if there are more (a theme with ten
    keywords is as clearly named by three of them as a two-word label is by both; measured:
    neutral on the NHS data, model F1 0.09 -> 0.11 on the bundled example). It lets each theme's
    classifier learn how far to trust its own words, which a theme with a dozen coded segments
    has rarely seen. Has the vectorizers' fit_transform/transform, so a fitted model keeps it
    beside them (and pickles)."""

    def __init__(self, theme_words: dict[str, tuple[str, ...]]):
        self.themes = sorted(theme_words)
        self.index: dict[str, list[int]] = {}
        self.sizes = np.ones(len(self.themes))
        for j, theme in enumerate(self.themes):
            words = content_lemmas(" ".join(theme_words[theme]))
            self.sizes[j] = max(1, min(3, len(words)))
            for w in words:
                self.index.setdefault(w, []).append(j)

    def fit_transform(self, texts: list[str]):
        return self.transform(texts)

    def transform(self, texts: list[str]):
        from scipy.sparse import csr_matrix

        rows, cols = [], []
        for i, text in enumerate(texts):
            for w in content_lemmas(text) & self.index.keys():
                for j in self.index[w]:
                    rows.append(i)
                    cols.append(j)
        held = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(texts), len(self.themes)))  # summed
        share = csr_matrix(held.multiply(1 / self.sizes))
        share.data = np.minimum(share.data, 1.0)
        return share


def _vectorizers(theme_words: dict[str, tuple[str, ...]], small: bool = False):
    from sklearn.feature_extraction.text import TfidfVectorizer

    # On a few dozen texts, a character n-gram seen once is still worth keeping.
    return [TfidfVectorizer(analyzer=lemma_ngrams, sublinear_tf=True, min_df=1),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=1 if small else 2),
            ThemeWords(theme_words)]


def _classifier(settings: Settings):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=settings.C, class_weight="balanced", solver="liblinear", max_iter=1000)


def _tuned_threshold(X, y, weights, settings: Settings) -> float:
    """The threshold that maximised F1 on out-of-fold predictions; 0.5 when too few examples."""
    from sklearn.metrics import f1_score

    folds = np.arange(len(y)) % settings.folds
    oof = np.full(len(y), np.nan)
    for f in range(settings.folds):
        train = folds != f
        if y[train].sum() < 2 or y[train].all():
            return 0.5
        oof[~train] = _classifier(settings).fit(X[train], y[train], sample_weight=weights[train]).predict_proba(X[~train])[:, 1]
    grid = np.arange(0.25, 0.9, 0.025)  # a floor: on a few dozen examples the F1 optimum can sit absurdly low
    scores = [f1_score(y, oof >= g, zero_division=0) for g in grid]
    return float(grid[int(np.argmax(scores))])


def _fit_code(X, ex: Examples, code: str, settings: Settings):
    y = np.array([code in p for p in ex.positives])
    weights = np.array([settings.hard_negative_weight if code in n else 1.0 for n in ex.negatives])
    return code, _classifier(settings).fit(X, y, sample_weight=weights), _tuned_threshold(X, y, weights, settings)


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
    model.vectorizers = _vectorizers(ex.theme_words, small=len(ex.texts) < 50)
    X = hstack([v.fit_transform(ex.texts) for v in model.vectorizers]).tocsr()
    import os

    from joblib import Parallel, delayed  # installed with scikit-learn

    # Worker start-up only pays off on big sets; one chunk of codes per worker, so the feature
    # matrix is sent to each worker once, not once per code. max_nbytes=None sends it whole:
    # a read-only memory map trips liblinear ("WRITEBACKIFCOPY base is read-only").
    workers = min(os.cpu_count() or 1, len(learnable)) if len(ex.texts) >= settings.parallel_from else 1
    chunks = [learnable[i::workers] for i in range(workers)]
    fitted = [f for part in Parallel(n_jobs=workers, max_nbytes=None)(
        delayed(_fit_codes)(X, ex, chunk, settings) for chunk in chunks) for f in part]
    for code, clf, threshold in sorted(fitted, key=lambda f: f[0]):
        model.classifiers[code] = clf
        model.thresholds[code] = threshold
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
