"""What the mouse points at in the workbench's transcript: from a place in a turn's text as drawn
(speaker, body pieces, coding labels) to a body offset, the unit there, and the words a drag
covers. Plain data in, plain data out; the app decides what a click or a drag selects."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..model import Segment

Pieces = list[tuple[int, int, int]]  # (offset in the turn's text, body start, body end), in order


def body_offset(pieces: Pieces, at: int) -> int | None:
    """The body offset a place in a turn's text shows: on the speaker, where the turn's text
    starts; in a coding's label, where the coding ends."""
    if not pieces:
        return None
    offset = pieces[0][1]
    for start, a, b in pieces:
        if at < start:
            break
        offset = min(a + at - start, b)
    return offset


def text_offset(pieces: Pieces, offset: int) -> int | None:
    """Where a body offset shows in a block's text (body_offset's inverse); None when the block
    does not show it."""
    for start, a, b in pieces:
        if a <= offset <= b:
            return start + offset - a
    return None


def unit_at(segments: Sequence[Segment], offset: int) -> int:
    """The index of the unit holding the offset, or of the nearest one (white space, or an
    interviewer's turn, between units)."""
    return min(range(len(segments)), key=lambda i: 0 if segments[i].start <= offset < segments[i].end
               else min(abs(segments[i].start - offset), abs(segments[i].end - offset)))


def words_between(body: str, a: int, b: int) -> tuple[int, int] | None:
    """The words from the one under `a` to the one under `b` (either order), whole: the
    characters under both ends count. None when only white space lies between."""
    lo, hi = sorted((a, b))
    found = [m.span() for m in re.finditer(r"\S+", body[lo:min(hi + 1, len(body))])]
    if not found:
        return None
    start, end = lo + found[0][0], lo + found[-1][1]
    while start > 0 and not body[start - 1].isspace():
        start -= 1
    while end < len(body) and not body[end].isspace():
        end += 1
    return start, end
