"""Which themes each coding unit carries: the table that matrix queries count from."""

from __future__ import annotations

from typing import NamedTuple

from ..corpus import Corpus
from ..model import Segment
from .passages import Overlaps


class CodedUnit(NamedTuple):  # tens of thousands in a large project: a tuple is cheap to make
    segment: Segment
    themes: frozenset[str]


NONE: frozenset[str] = frozenset()  # shared by every unit with no theme (most of them)


def coded_units(corpus: Corpus, coder: str | None = None, rollup: bool = False,
                only: set[str] | None = None) -> list[CodedUnit]:
    """Every codable segment (interviewer turns excluded) with the accepted themes that overlap it,
    from one coder or, by default, all coders together. Segments with no theme are included.
    `rollup`: parents not coded themselves carry their sub-themes' codings (rollup.py).
    `only`: just these segment ids (a segment's themes do not depend on the others)."""
    from collections import defaultdict

    from .rollup import roll_up

    accepted = corpus.accepted(coder)
    if rollup:
        accepted, _ = roll_up(corpus.codebook, accepted)
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for _, tid, c in accepted:
        spans[tid].append((c.start, c.end, c.code))
    out = []
    for tid, segs in corpus.segments().items():
        codable = [s for s in segs if not s.is_interviewer and (only is None or s.id in only)]
        if not codable:
            continue
        by_code: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for s, e, c in spans.get(tid, []):
            by_code[c].append((s, e))
        themes: dict[str, set[str]] = defaultdict(set)  # only the units that have a theme
        overlaps = Overlaps(codable)
        for code, where in by_code.items():
            for seg in overlaps.of(where):
                themes[seg.id].add(code)
        out += [CodedUnit(s, frozenset(themes[s.id]) if s.id in themes else NONE) for s in codable]
    return out
