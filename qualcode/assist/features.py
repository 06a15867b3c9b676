"""What the learned suggester reads of a unit: lookup-lemma word n-grams, one feature per theme
for the words of its name and keywords, and the unit's context in its conversation. The
vectorizers live in a fitted model (and pickle with it)."""

from __future__ import annotations

import re
import weakref
from functools import lru_cache

import numpy as np

from .training import Context


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


@lru_cache(maxsize=1 << 16)
def content_lemmas(text: str) -> frozenset[str]:
    """Lookup lemmas of the words of three letters or more that are not English stop words.
    Remembered: the theme-word and context features ask for each unit's, and again for it as the
    unit before the next one (a third of reading a large project's units for `next`)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    from ..nlp import lemma_lookup

    form_to_lemma = lemma_lookup()
    return frozenset({form_to_lemma.get(w, w) for w in _LETTERS.findall(text.lower()) if w not in STOP_WORDS})


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


class ContextFeatures:
    """What surrounds a unit, for a model that codes talk: the words of the turn before (another
    speaker's question or claim, which a restatement or a press for reasoning answers), how much
    of the unit echoes that turn or the unit before it, and the unit's place in its turn. A
    transcript with no turns (a survey answer) gives these features nothing to say."""

    NUMERIC = ("echoes the turn before", "echoes the unit before", "first in its turn", "last in its turn",
               "a turn of its own", "no turn before")
    BEFORE_WEIGHT = 0.5  # the turn before is evidence about the unit, not the unit itself

    def __init__(self):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.before = TfidfVectorizer(analyzer=lemma_ngrams, sublinear_tf=True, min_df=2)

    def fit_transform(self, texts: list[str], contexts: list[Context]):
        from scipy.sparse import hstack

        numeric = self._numeric(texts, contexts, keep=None)
        # A feature every unit shares (survey answers are all turns of their own) teaches nothing,
        # and would act as a second, penalised intercept.
        self.keep = [j for j in range(numeric.shape[1]) if numeric[:, j].min() != numeric[:, j].max()]
        numeric = numeric[:, self.keep]
        try:
            before = self.before.fit_transform([c.before for c in contexts])
        except ValueError:  # no turn before anywhere (nothing reaches min_df): no words to learn
            self.before = None
            return numeric
        return hstack([before * self.BEFORE_WEIGHT, numeric]).tocsr()

    def transform(self, texts: list[str], contexts: list[Context]):
        from scipy.sparse import hstack

        if self.before is None:
            return self._numeric(texts, contexts)
        # The units of a turn share the turn before it: each is read once (a row's TF-IDF
        # depends on that row alone once fitted).
        befores = [c.before for c in contexts]
        unique = {b: i for i, b in enumerate(dict.fromkeys(befores))}
        before = self.before.transform(list(unique))[[unique[b] for b in befores]]
        return hstack([before * self.BEFORE_WEIGHT, self._numeric(texts, contexts)]).tocsr()

    def name(self, j: int) -> str:
        words = len(self.before.vocabulary_) if self.before is not None else 0
        if j < words:
            names = getattr(self, "_names", None)
            if names is None:
                names = self._names = self.before.get_feature_names_out()
            return f"said before: {names[j]}"
        return self.NUMERIC[self.keep[j - words]]

    def _numeric(self, texts: list[str], contexts: list[Context], keep="fitted"):
        from scipy.sparse import csr_matrix

        out = np.zeros((len(texts), len(self.NUMERIC)))
        for i, (text, c) in enumerate(zip(texts, contexts)):
            mine = content_lemmas(text)
            if mine and c.before:
                out[i, 0] = len(mine & content_lemmas(c.before)) / len(mine)
            if mine and c.previous:
                out[i, 1] = len(mine & content_lemmas(c.previous)) / len(mine)
            out[i, 2] = c.index == 0
            out[i, 3] = c.index == c.count - 1
            out[i, 4] = c.count == 1
            out[i, 5] = not c.before
        return csr_matrix(out if keep is None else out[:, self.keep])


def vectorizers(theme_words: dict[str, tuple[str, ...]], small: bool = False):
    from sklearn.feature_extraction.text import TfidfVectorizer

    # On a few dozen texts, a character n-gram seen once is still worth keeping.
    return [TfidfVectorizer(analyzer=lemma_ngrams, sublinear_tf=True, min_df=1),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=1 if small else 2),
            ThemeWords(theme_words)]


def transformed(vectorizer, texts: list[str]):
    """vectorizer.transform(texts), the same numbers; quicker for the character n-grams (see
    _char_wb_counts)."""
    if (getattr(vectorizer, "analyzer", None) == "char_wb" and not vectorizer.binary
            and hasattr(vectorizer, "_tfidf") and hasattr(vectorizer, "vocabulary_")):
        return vectorizer._tfidf.transform(_char_wb_counts(vectorizer, texts), copy=False)
    return vectorizer.transform(texts)


# Per fitted vectorizer: each word's character n-grams as vocabulary columns, learned once.
_WORD_COLUMNS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _char_wb_counts(vectorizer, texts: list[str]):
    """The n-gram counts scikit-learn's char_wb transform makes before weighing them: its
    analyzer splits the preprocessed text at white space and takes each word's n-grams alone,
    so each distinct word is analysed once (by scikit-learn's own _char_wb_ngrams) and a unit's
    counts are the sum of its words' rows (units x words @ words x n-grams, in C). scikit-learn
    counts every n-gram of every unit in a Python loop: 3.3 s of 65,000 units' 7 s; this, 1.1 s."""
    from scipy.sparse import csr_matrix

    memo = _WORD_COLUMNS.setdefault(vectorizer, {})
    vocabulary, grams, preprocess = vectorizer.vocabulary_, vectorizer._char_wb_ngrams, vectorizer.build_preprocessor()
    here: dict[str, int] = {}  # the words of these texts -> their row in `words`
    words, indptr = [], [0]
    for text in texts:
        for word in preprocess(text).split():
            words.append(here.setdefault(word, len(here)))
        indptr.append(len(words))
    rows, cols = [], []
    for i, word in enumerate(here):
        got = memo.get(word)
        if got is None:
            got = memo[word] = [j for j in map(vocabulary.get, grams(word)) if j is not None]
        rows.extend([i] * len(got))
        cols.extend(got)
    each = csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(len(here), len(vocabulary)))
    units = csr_matrix((np.ones(len(words)), words, indptr), shape=(len(texts), len(here)))
    counts = (units @ each).astype(vectorizer.dtype, copy=False)
    counts.sort_indices()
    return counts
