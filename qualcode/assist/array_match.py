"""Matching on token arrays instead of Docs (assist/rules.py): a keyword, or a pattern of literal
words, is a run of string ids found with numpy over every token of a corpus at once, as spaCy's
matchers find it in a Doc.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

import numpy as np


class TokenPhrases:
    """Runs of tokens, each step an (attribute, string id) the token must have (NORM, LOWER or
    ORTH), under match keys; `matches` finds them as spaCy's PhraseMatcher or a Matcher pattern
    of literal words without operators would in a doc of these tokens: every (key, start, end)
    where a run occurs, overlapping ones included. Keywords are runs on NORM."""

    def __init__(self):
        self.phrases: dict[tuple[int, tuple[tuple[str, int], ...]], None] = {}
        self._table = None

    def add(self, key: int, steps: tuple[tuple[str, int], ...]) -> None:
        if steps:
            self.phrases[(key, steps)] = None
            self._table = None

    def attrs(self) -> set[str]:
        return {attr for _, steps in self.phrases for attr, _ in steps}

    def words(self) -> dict[str, "IdSet"]:
        """Per attribute, every id any step tests: a token without one is in no match."""
        out = defaultdict(set)
        for _, steps in self.phrases:
            for attr, value in steps:
                out[attr].add(value)
        return {attr: IdSet(ids) for attr, ids in out.items()}

    def table(self) -> dict:
        """Per attribute of a first step: its first ids (an IdSet), and per id, in their sorted
        order, the (key, other steps) pairs."""
        if self._table is None:
            by_first: dict[str, defaultdict] = defaultdict(lambda: defaultdict(list))
            for key, steps in self.phrases:
                attr, first = steps[0]
                by_first[attr][first].append((key, steps[1:]))
            self._table = {}
            for attr, groups in by_first.items():
                ids = IdSet(groups)
                self._table[attr] = ids, [groups[f] for f in ids.ids.tolist()]
        return self._table

    def matches(self, columns: dict[str, np.ndarray], positions: np.ndarray | None = None) -> np.ndarray:
        """`columns`: per attribute the phrases use, each token's id (all the same length).
        `positions`: each token's place in the text, when these are only some of its tokens (a
        run's tokens must then be consecutive there too); matches are given in those places."""
        out = []
        for attr, (first_ids, groups) in self.table().items():
            column, firsts = columns[attr], first_ids.ids
            n = len(column)
            cand = first_ids.where_in(column)
            vals = column[cand]
            order = np.argsort(vals, kind="stable")  # positions stay ascending within each id
            cand, vals = cand[order], vals[order]
            lo, hi = np.searchsorted(vals, firsts, side="left"), np.searchsorted(vals, firsts, side="right")
            for a, b, group in zip(lo.tolist(), hi.tolist(), groups):
                if a == b:
                    continue
                for key, rest in group:
                    at = cand[a:b]
                    for j, (step_attr, value) in enumerate(rest, 1):
                        at = at[at + j < n]
                        at = at[columns[step_attr][at + j] == value]
                        if positions is not None:
                            at = at[positions[at + j] == positions[at] + j]
                    if len(at):
                        at = (at if positions is None else positions[at]).astype(np.uint64)
                        out.append(np.column_stack((np.full(len(at), key, np.uint64), at,
                                                    at + np.uint64(1 + len(rest)))))
        return np.concatenate(out) if out else as_array([])


class IdSet:
    """A set of 64-bit string ids (spaCy's hashes) to test a million tokens against at once.
    np.isin sorts the tokens with the set (0.16 s per million); here a table indexed by each
    id's low bits rules out nearly every token in one pass and a binary search confirms the
    rest (9 ms). The ids are hashes, so their low bits spread evenly."""

    BITS = 20

    def __init__(self, ids):
        self.ids = np.unique(np.fromiter(ids, np.uint64))
        self.mask = np.uint64((1 << self.BITS) - 1)
        self.maybe = np.zeros(1 << self.BITS, bool)
        self.maybe[(self.ids & self.mask).astype(np.intp)] = True

    def has(self, values) -> np.ndarray:
        """Whether each of `values` (uint64) is in the set."""
        out = np.zeros(len(values), bool)
        out[self.where_in(values)] = True
        return out

    def where_in(self, values) -> np.ndarray:
        """The positions of `values` (uint64) that are in the set, ascending."""
        at = np.flatnonzero(self.maybe[(values & self.mask).astype(np.intp)])
        if not len(self.ids):
            return at
        found = values[at]
        return at[self.ids[np.minimum(np.searchsorted(self.ids, found), len(self.ids) - 1)] == found]


def as_array(matches, shift: int = 0) -> np.ndarray:
    """spaCy's (match id, start, end) tuples as an (n, 3) uint64 array, token positions + shift."""
    out = np.fromiter(itertools.chain.from_iterable(matches), np.uint64, 3 * len(matches)).reshape(-1, 3)
    if shift:
        out[:, 1:] += np.uint64(shift)
    return out
