"""Which themes each coding unit carries: the table that matrix queries count from."""

from __future__ import annotations

from dataclasses import dataclass

from ..corpus import Corpus
from ..model import Segment
from .passages import overlapped


@dataclass(frozen=True)
class CodedUnit:
    segment: Segment
    themes: frozenset[str]


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
        themes: dict[str, set[str]] = {s.id: set() for s in codable}
        for code in {c for _, _, c in spans.get(tid, [])}:
            for seg in overlapped(codable, [(s, e) for s, e, c in spans[tid] if c == code]):
                themes[seg.id].add(code)
        out += [CodedUnit(s, frozenset(themes[s.id])) for s in codable]
    return out
