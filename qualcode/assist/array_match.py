"""Matching on token arrays instead of Docs (assist/rules.py): a keyword is a run of NORM ids,
found with numpy over every token of a corpus at once, as spaCy's PhraseMatcher finds it in a Doc.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict

import numpy as np


class NormPhrases:
    """Phrases as NORM ids under match keys; `matches` finds them as spaCy's PhraseMatcher on
    NORM would in a doc whose tokens have these NORMs: every (key, start, end) where a phrase's
    ids occur, overlapping ones included."""

    def __init__(self):
        self.phrases: dict[tuple[int, tuple[int, ...]], None] = {}
        self._table = None

    def add(self, key: int, norms: tuple[int, ...]) -> None:
        if norms:
            self.phrases[(key, norms)] = None
            self._table = None

    def table(self):
        """Sorted first ids, and per id its (key, rest) pairs."""
        if self._table is None:
            by_first = defaultdict(list)
            for key, norms in self.phrases:
                by_first[norms[0]].append((key, norms[1:]))
            firsts = sorted(by_first)
            self._table = np.array(firsts, dtype=np.uint64), [by_first[f] for f in firsts]
        return self._table

    def matches(self, norm) -> np.ndarray:
        firsts, groups = self.table()
        cand = np.flatnonzero(np.isin(norm, firsts))
        vals = norm[cand]
        order = np.argsort(vals, kind="stable")  # positions stay ascending within each id
        cand, vals = cand[order], vals[order]
        lo, hi = np.searchsorted(vals, firsts, side="left"), np.searchsorted(vals, firsts, side="right")
        out, n = [], len(norm)
        for a, b, group in zip(lo.tolist(), hi.tolist(), groups):
            if a == b:
                continue
            for key, rest in group:
                at = cand[a:b]
                for j, value in enumerate(rest, 1):
                    at = at[at + j < n]
                    at = at[norm[at + j] == value]
                if len(at):
                    at = at.astype(np.uint64)
                    out.append(np.column_stack((np.full(len(at), key, np.uint64), at, at + np.uint64(1 + len(rest)))))
        return np.concatenate(out) if out else as_array([])


def as_array(matches, shift: int = 0) -> np.ndarray:
    """spaCy's (match id, start, end) tuples as an (n, 3) uint64 array, token positions + shift."""
    out = np.fromiter(itertools.chain.from_iterable(matches), np.uint64, 3 * len(matches)).reshape(-1, 3)
    if shift:
        out[:, 1:] += np.uint64(shift)
    return out


def most_tokens(pattern: list) -> int | None:
    """The most tokens a match of this pattern can have (None: unbounded). An 'OP: !' token
    takes one: spaCy's Matcher puts the token it tested in the match."""
    total = 0
    for token in pattern:
        op = next((v for k, v in token.items() if str(k).upper() == "OP"), None) if isinstance(token, dict) else None
        bounds = re.fullmatch(r"\{(\d*)(,?)(\d*)\}", op) if isinstance(op, str) else None
        if op in (None, "1", "!", "?"):
            total += 1
        elif bounds and (bounds[3] or not bounds[2]):  # {n}, {n,m}, {,m}
            total += int(bounds[3] or bounds[1] or 0)
        else:  # '*', '+', {n,}
            return None
    return total
