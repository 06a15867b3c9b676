"""The transcript pane: one scrolling view that draws only the lines on screen (Textual's line
API), from each turn's text wrapped once and kept. A key that moves the selection re-wraps the
one or two turns it touches, so a day-long focus group costs no more per key than a short one.
With `on_pick`, a mouse press and its release are reported as places in the turns' texts (see
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
                 on_pick: Callable[[Place, Place, bool], None] | None = None, **kw):
        super().__init__(**kw)
        self.turns = turns  # turn indices in order
        self.render_turn = render_turn
        self.on_pick = on_pick  # (where the button went down, where it came up, shift held)
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
        return strips + [Strip.blank(width)]  # a blank line between turns

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
        i = self.turns.index(turn)
        return self.starts[i], self.starts[i] + len(self.strips[turn]) - 1  # without the blank line

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
