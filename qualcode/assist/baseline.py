"""The plain baseline qualcode's model must beat: TF-IDF word 1-2-grams and char_wb 2-5-grams,
logistic regression with balanced class weights, no context, no codebook. For a coder who gives
a unit one theme at most it is one multinomial model over the themes and "no code"; otherwise
one yes/no model per theme at 0.5. `qualcode evaluate` scores it on the same folds as the model,
so every project can see whether the model earns its place on its own data."""

from __future__ import annotations

import numpy as np


def fit_predict(train_texts: list[str], train_positives: list[set[str]], test_texts: list[str],
                codes: list[str], one_per_unit: bool) -> tuple[np.ndarray, np.ndarray]:
    """(chosen, probabilities), each test x codes."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from .features import transformed

    chosen = np.zeros((len(test_texts), len(codes)), dtype=bool)
    probs = np.zeros((len(test_texts), len(codes)))
    vecs = [TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)]
    try:
        X = hstack([v.fit_transform(train_texts) for v in vecs]).tocsr()
    except ValueError:  # too little text for any n-gram to occur twice: nothing to learn
        return chosen, probs
    T = hstack([transformed(v, test_texts) for v in vecs]).tocsr()
    if one_per_unit:
        y = [next((c for c in sorted(p) if c in codes), "") for p in train_positives]
        if len(set(y)) < 2:
            return chosen, probs
        clf = LogisticRegression(class_weight="balanced", max_iter=1000).fit(X, y)  # lbfgs: multinomial
        p = clf.predict_proba(T)
        best = p.argmax(1)
        for j, c in enumerate(clf.classes_):
            if c:
                probs[:, codes.index(c)] = p[:, j]
                chosen[:, codes.index(c)] = best == j
        return chosen, probs
    for k, code in enumerate(codes):
        y = np.array([code in p for p in train_positives])
        if 0 < y.sum() < len(y):
            probs[:, k] = LogisticRegression(class_weight="balanced", max_iter=1000).fit(X, y).predict_proba(T)[:, 1]
            chosen[:, k] = probs[:, k] >= 0.5
    return chosen, probs
