"""Coded passages: one theme's codings, joined where they are adjacent in the same turn,
with who said them. The unit that quotes are chosen from."""

from __future__ import annotations

import bisect
from typing import NamedTuple

from ..model import Coding, Segment, Transcript, Turn


class Passage(NamedTuple):
    """A NamedTuple: a summary of a large project makes tens of thousands, and a frozen
    dataclass's __init__ was a tenth of the summary."""

    transcript_id: str
    start: int
    end: int
    text: str
    participant: str
    group: str | None
    role: str | None
    speaker: str | None
    is_interviewer: bool
    pinned: bool
    segments: int  # how many codings it joins

    @property
    def words(self) -> int:
        return len(self.text.split())


class TurnIndex:
    """Which turn an offset falls in, for one transcript."""

    def __init__(self, t: Transcript):
        self.t = t
        self.starts = [turn.start for turn in t.turns]

    def at(self, offset: int) -> Turn | None:
        i = bisect.bisect_right(self.starts, offset) - 1
        if i >= 0 and offset < self.t.turns[i].end:
            return self.t.turns[i]
        return None

    def pieces(self, s: int, e: int) -> list[tuple[int, int, Turn | None]]:
        """The span cut where turns end, a piece per turn it reaches into: a coding over a
        question and its answer (as other tools' coders often make) is the question's and the
        answer's, not all the interviewer's; a speaker's label between them is in neither. A
        span that reaches no turn is itself, with no turn."""
        turns = self.t.turns
        i = bisect.bisect_right(self.starts, s) - 1
        if i >= 0 and e <= turns[i].end:  # within one turn: nearly every coding
            return [(s, e, turns[i])]
        out = []
        for turn in turns[max(i, 0):]:
            if turn.start >= e:
                break
            lo, hi = max(s, turn.start), min(e, turn.end)
            if lo < hi:
                out.append((lo, hi, turn))
        return out or [(s, e, None)]


def passages(t: Transcript, index: TurnIndex, codings: list[Coding]) -> list[Passage]:
    """Join codings (of one theme, one transcript) that touch or are separated only by white space
    within one turn, each first cut where turns end (TurnIndex.pieces); distinct spans only, so
    two coders' identical codings count once."""
    cut: dict[tuple[int, int], list] = {}  # (start, end) -> [pinned, turn]
    for c in codings:
        for lo, hi, turn in index.pieces(c.start, c.end):
            got = cut.get((lo, hi))
            if got is None:
                cut[(lo, hi)] = [c.pinned, turn]
            elif c.pinned:
                got[0] = True
    merged: list[list] = []  # [start, end, pinned, count, turn]
    for (s, e), (pinned, turn) in sorted(cut.items()):
        if merged:
            last = merged[-1]
            if last[4] is turn and turn is not None and s <= last[1] or (
                    last[4] is turn and turn is not None and not t.body[last[1]:s].strip()):
                last[1] = max(last[1], e)
                last[2] = last[2] or pinned
                last[3] += 1
                continue
        merged.append([s, e, pinned, 1, turn])
    out = []
    for s, e, pinned, count, turn in merged:
        out.append(Passage(
            transcript_id=t.id, start=s, end=e, text=" ".join(t.body[s:e].split()),
            participant=(turn.participant if turn and turn.participant else t.participant),
            group=(turn.group if turn and turn.group else t.group),
            role=(turn.role if turn and turn.role else t.role),
            speaker=turn.speaker if turn else None, is_interviewer=bool(turn and turn.is_interviewer),
            pinned=pinned, segments=count,
        ))
    return out


def overlapped(segments: list[Segment], spans: list[tuple[int, int]]) -> list[Segment]:
    """The segments (in document order) that overlap at least one span."""
    return Overlaps(segments).of(spans)


class Overlaps:
    """One transcript's segments, to find those that spans overlap by binary search. Built once
    and asked once per theme (or coding): a scan of every segment per theme was two thirds of a
    summary of a million coded words. Segments in document order do not overlap, so their ends
    are sorted as their starts are; a list that is not so is scanned instead."""

    def __init__(self, segments: list[Segment]):
        self.segments = segments
        self.starts = [s.start for s in segments]
        self.ends = [s.end for s in segments]
        self.ordered = all(e <= s for e, s in zip(self.ends, self.starts[1:]))

    def of(self, spans: list[tuple[int, int]]) -> list[Segment]:
        segments = self.segments
        return [segments[i] for i in self.indices(spans)]

    def indices(self, spans: list[tuple[int, int]]) -> list[int]:
        """Where, in the list, the segments that overlap at least one span are, in order."""
        if not self.ordered:
            return _scan_indices(self.segments, spans)
        hit: set[int] = set()
        for a, b in spans:  # ending after the span starts, starting before it ends
            hit.update(range(bisect.bisect_right(self.ends, a), bisect.bisect_left(self.starts, b)))
        return sorted(hit)


def _scan(segments: list[Segment], spans: list[tuple[int, int]]) -> list[Segment]:
    """The segments a scan finds: what tests compare the binary search with."""
    return [segments[k] for k in _scan_indices(segments, spans)]


def _scan_indices(segments: list[Segment], spans: list[tuple[int, int]]) -> list[int]:
    spans = sorted(spans)
    out = []
    i = 0
    for k, seg in enumerate(segments):
        while i < len(spans) and spans[i][1] <= seg.start:
            i += 1  # spans ending before this segment cannot reach later ones either
        j = i
        while j < len(spans) and spans[j][0] < seg.end:
            if spans[j][1] > seg.start:
                out.append(k)
                break
            j += 1
    return out
