"""The transcript pane: one scrolling view that draws only the lines on screen (Textual's line
API), from each block's text wrapped once and kept. A block is a turn, or a piece of a long one
(the workbench cuts a turn of thousands of sentences into blocks, see app.py). A key that moves
the selection re-wraps the one or two blocks it touches, so a day-long focus group, or a
transcript that is one turn of 300,000 words, costs no more per key than a short one. With
`on_pick`, a mouse press and its release are reported as places in the blocks' texts (see
`place_at`), for the workbench to select with the mouse."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable

from rich.cells import cell_len
from rich.segment import Segment
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip


Place = tuple[int, int]  # (turn index, character offset in the text render_turn made of it)


class TranscriptView(ScrollView, can_focus=False):
    ALLOW_SELECT = False  # a drag selects units to code (on_pick), not the screen's characters

    def __init__(self, turns: list[int], render_turn: Callable[[int], Text],
                 on_pick: Callable[[Place, Place, bool], None] | None = None,
                 gap_after: Callable[[int], bool] = lambda block: True, **kw):
        super().__init__(**kw)
        self.turns = turns  # block keys in order (turn indices when each turn is one block)
        self.position_of = {key: i for i, key in enumerate(turns)}  # not list.index(): thousands of blocks
        self.render_turn = render_turn
        self.on_pick = on_pick  # (where the button went down, where it came up, shift held)
        self.gap_after = gap_after  # whether a blank line follows the block (the end of a turn)
        self.strips: dict[int, list[Strip]] = {}
        self.texts: dict[int, list[tuple[int, str]]] = {}  # per turn, each line's first offset and text
        self.starts: list[int] = []  # first line of each turn
        self.width_ = 0
        self._pressed: Place | None = None

    def _wrap(self, turn: int, width: int) -> list[Strip]:
        console = self.app.console
        options = console.options.update_width(width)
        text = self.render_turn(turn)
        lines = list(Segment.split_lines(console.render(text, options)))
        strips = Strip.from_lines(lines)
        for strip in strips:
            strip.adjust_cell_length(width)
        self.texts[turn] = _line_offsets(text, text.wrap(console, width), len(strips))
        return strips + [Strip.blank(width)] if self.gap_after(turn) else strips  # a blank line between turns

    def _measure(self) -> None:
        starts, at = [], 0
        for turn in self.turns:
            starts.append(at)
            at += len(self.strips[turn])
        self.starts = starts
        self.virtual_size = Size(self.width_, at)

    def on_resize(self, event) -> None:
        width = max(10, self.scrollable_content_region.width)
        if width != self.width_:
            self.width_ = width
            self.strips = {turn: self._wrap(turn, width) for turn in self.turns}
            self._measure()
            self.refresh()

    def repaint(self, turns) -> None:
        if not self.width_:
            return
        grew = False
        for turn in set(turns):
            new = self._wrap(turn, self.width_)
            grew |= len(new) != len(self.strips.get(turn, ()))
            self.strips[turn] = new
        if grew:
            self._measure()
        self.refresh()

    def lines_of(self, turn: int) -> tuple[int, int]:
        i = self.position_of[turn]
        gap = 1 if self.gap_after(turn) else 0
        return self.starts[i], self.starts[i] + len(self.strips[turn]) - 1 - gap  # without the blank line

    def show(self, turn: int, start: int, end: int) -> None:
        """Keep the text from offset `start` to `end` of a block (the selected unit) in view:
        the block centred when it fits on the screen (as show_turn); when it does not, scrolled
        only if those lines are not all on the screen already, and then centred on them."""
        if not self.starts:
            return
        first, last = self.lines_of(turn)
        height = self.scrollable_content_region.height
        lines = self._lines(turn, start, end)
        if last - first < height or lines is None:
            self.show_turn(turn)
            return
        if self.shows(turn, start, end):
            return
        a, b = lines
        top = a - (height - (b - a)) // 2 if b - a < height else a
        self.scroll_to(y=max(0, top), animate=False, immediate=True)

    def shows(self, turn: int, start: int, end: int) -> bool:
        """Whether every line holding the block's text from `start` to `end` is on the screen."""
        lines = self._lines(turn, start, end)
        if lines is None:
            return self.visible(turn)
        top = self.scroll_offset.y
        return top <= lines[0] and lines[1] < top + self.scrollable_content_region.height

    def _lines(self, turn: int, start: int, end: int) -> tuple[int, int] | None:
        """The first and last line (of the whole view) holding that text; None when unknown."""
        rows = self.texts.get(turn) or []
        if not self.starts or not rows:
            return None
        first = self.lines_of(turn)[0]
        offsets = [row[0] for row in rows]
        return (first + bisect_right(offsets, start) - 1,
                first + bisect_right(offsets, max(start, end - 1)) - 1)

    def show_turn(self, turn: int) -> None:
        """Scroll so the turn is in view, centred when it fits."""
        if not self.starts:
            return
        first, last = self.lines_of(turn)
        height = self.scrollable_content_region.height
        top = first - max(0, (height - (last - first)) // 2) if last - first < height else first
        self.scroll_to(y=max(0, top), animate=False, immediate=True)

    def visible(self, turn: int) -> bool:
        first, last = self.lines_of(turn)
        top = self.scroll_offset.y
        return top <= first and last < top + self.scrollable_content_region.height

    def place_at(self, x: int, y: int) -> Place | None:
        """The turn and the offset in its text under a cell of the content region (the blank
        line between turns, or a line whose text is unknown: None); right of a line's end, its
        end."""
        line = self.scroll_offset.y + y
        if not self.starts or line < 0 or line >= self.virtual_size.height:
            return None
        i = bisect_right(self.starts, line) - 1
        rows = self.texts.get(self.turns[i], [])
        if line - self.starts[i] >= len(rows):
            return None
        first, text = rows[line - self.starts[i]]
        cells = 0
        for k, ch in enumerate(text):
            cells += cell_len(ch)
            if cells > x:
                return self.turns[i], first + k
        return self.turns[i], first + len(text)

    def on_mouse_down(self, event) -> None:
        offset = event.get_content_offset(self)
        self._pressed = self.place_at(offset.x, offset.y) if offset is not None and self.on_pick else None
        if self._pressed is not None:
            self.capture_mouse()

    def on_mouse_up(self, event) -> None:
        pressed, self._pressed = self._pressed, None
        if pressed is None:
            return
        self.release_mouse()
        offset = event.get_content_offset(self)
        released = self.place_at(offset.x, offset.y) if offset is not None else None
        self.on_pick(pressed, released or pressed, event.shift)

    def render_line(self, y: int) -> Strip:
        line = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if not self.starts or line >= self.virtual_size.height:
            return Strip.blank(width)
        i = bisect_right(self.starts, line) - 1
        strips = self.strips[self.turns[i]]
        return strips[line - self.starts[i]].crop_extend(0, width, None)


def _line_offsets(text: Text, lines, count: int) -> list[tuple[int, str]]:
    """Where each wrapped line starts in the text, and its characters: rich's wrapping keeps a
    line's characters in order and only drops white space at a fold, so each is found after the
    one before. Empty when the lines do not match what was drawn (then clicks there select
    nothing, rather than the wrong unit)."""
    plain, at, out = text.plain, 0, []
    for line in lines:
        found = plain.find(line.plain, at)
        if found < 0:
            return []
        out.append((found, line.plain))
        at = found + len(line.plain)
    return out if len(out) == count else []
