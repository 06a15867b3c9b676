"""The transcript pane: one scrolling view that draws only the lines on screen (Textual's line
API), from each turn's text wrapped once and kept. A key that moves the selection re-wraps the
one or two turns it touches, so a day-long focus group costs no more per key than a short one."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable

from rich.segment import Segment
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip


class TranscriptView(ScrollView, can_focus=False):
    def __init__(self, turns: list[int], render_turn: Callable[[int], Text], **kw):
        super().__init__(**kw)
        self.turns = turns  # turn indices in order
        self.render_turn = render_turn
        self.strips: dict[int, list[Strip]] = {}
        self.starts: list[int] = []  # first line of each turn
        self.width_ = 0

    def _wrap(self, turn: int, width: int) -> list[Strip]:
        console = self.app.console
        options = console.options.update_width(width)
        lines = list(Segment.split_lines(console.render(self.render_turn(turn), options)))
        strips = Strip.from_lines(lines)
        for strip in strips:
            strip.adjust_cell_length(width)
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

    def render_line(self, y: int) -> Strip:
        line = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if not self.starts or line >= self.virtual_size.height:
            return Strip.blank(width)
        i = bisect_right(self.starts, line) - 1
        strips = self.strips[self.turns[i]]
        return strips[line - self.starts[i]].crop_extend(0, width, None)
