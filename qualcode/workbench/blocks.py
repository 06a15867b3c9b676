"""A transcript as blocks to draw in the workbench's pane: each turn a block, a long turn cut at
unit edges into blocks of about BLOCK characters. The pane wraps a block again whenever the
selection in it moves: a turn of 300,000 words (a speech-to-text file with no speakers) took
5 s a key when it was one block."""

from __future__ import annotations

BLOCK = 3000  # characters; most turns are shorter, and stay one block


def text_start(t, turn) -> int:
    """Where a turn's words begin: after its 'Speaker:' label when the body carries one (the
    pane prints the speaker itself, in bold)."""
    start = turn.start
    if turn.speaker and t.body.startswith(turn.speaker, start):
        start += len(turn.speaker)
        if t.body.startswith(":", start):
            start += 1
    while start < turn.end and t.body[start].isspace():
        start += 1
    return start


def blocks_of(t, segments) -> tuple[list[tuple[int, int, int]], list[int]]:
    """(turn index, body start, body end) of each block in order, and the block of each unit
    (`segments`: the transcript's units, in order)."""
    units: dict[int, list[int]] = {}
    for i, u in enumerate(segments):
        units.setdefault(u.turn, []).append(i)
    blocks: list[tuple[int, int, int]] = []
    of_unit = [0] * len(segments)
    for turn in t.turns:
        start = text_start(t, turn)
        mine = units.get(turn.index, [])
        for i in mine:
            u = segments[i]
            if u.start - start >= BLOCK and u.start > start:  # close the block before this unit
                blocks.append((turn.index, start, u.start))
                start = u.start
            of_unit[i] = len(blocks)
        blocks.append((turn.index, start, turn.end))
    return blocks, of_unit


def ends_turn(blocks: list[tuple[int, int, int]], key: int) -> bool:
    """Whether the block is its turn's last (a blank line follows it)."""
    return key + 1 == len(blocks) or blocks[key + 1][0] != blocks[key][0]
