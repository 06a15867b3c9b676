"""The coding workbench: `qualcode code` full screen (Textual).

A front end over CodingSession (session.py): every key calls a library method that saves at
once through the project's locked, merging store, so quitting, Ctrl-C or a second process
never loses work, and the app holds no state the library cannot rebuild from disk."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ..model import Theme
from ..session import CodingSession, matching
from .blocks import blocks_of, ends_turn, text_start
from .pointing import body_offset, text_offset, unit_at, words_between
from .themes_panel import ThemePicker, colour, theme_label
from .transcript_view import TranscriptView

KEYS = """Keys
  down / j, up / k     next / previous unit (the selection follows)
  shift+down / J       extend the selection over the next unit (shift+up / K: the previous)
  ] / [                the selection's end one word later / earlier (a sub-span)
  } / {                the selection's start one word later / earlier
  esc                  back to the whole current unit
  1-9                  code the selection with that theme (again: take it off)
  tab                  to the theme list and back; enter there codes the selection
  /                    filter the whole codebook; enter codes with the first match
  -                    "no code" for the selected units      x   remove their codes
  m                    memo on the selection's codes         p   pin as an indicative quote
  u                    undo                                  g   go to a unit id
  n                    next undecided unit                   q   quit (all saved)
  +                    a new theme (open coding): type its label, "under PARENT" for a sub-theme
  ?                    these keys
The mouse: click a unit to go to it, shift-click to extend the selection to it, drag over
words to select them (whole, across units); click a theme in the list to code with it."""


def _words(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    import re

    return [(lo + m.start(), lo + m.end()) for m in re.finditer(r"\S+", text[lo:hi])]


class CodingApp(ThemePicker, App):
    CSS_PATH = "workbench.tcss"
    TITLE = "qualcode"
    AUTO_FOCUS = None  # keys go to the app; the prompts take focus only when opened
    BINDINGS = [
        Binding("down,j", "move(1)", "next", show=False), Binding("up,k", "move(-1)", "previous", show=False),
        Binding("shift+down,J", "extend(1)", show=False), Binding("shift+up,K", "extend(-1)", show=False),
        Binding("right_square_bracket", "edge('end', 1)", show=False),
        Binding("left_square_bracket", "edge('end', -1)", show=False),
        Binding("right_curly_bracket", "edge('start', 1)", show=False),
        Binding("left_curly_bracket", "edge('start', -1)", show=False),
        Binding("escape", "reset", show=False),
        *[Binding(str(n), f"number({n})", show=False) for n in range(1, 10)],
        Binding("minus", "no_code", show=False), Binding("x", "clear", show=False),
        Binding("m", "ask('memo')", show=False), Binding("g", "ask('go')", show=False),
        Binding("p", "pin", show=False), Binding("plus", "ask('new')", show=False), Binding("u", "undo", show=False), Binding("n", "next_undecided", show=False),
        Binding("slash", "filter", show=False), Binding("tab", "switch", show=False, priority=True),
        Binding("question_mark", "keys", show=False), Binding("q", "quit", show=False),
        Binding("ctrl+c", "quit", show=False, priority=True),  # everything is saved already
    ]

    def __init__(self, session: CodingSession):
        super().__init__()
        self.session = session
        self.asking: str | None = None
        self.themes = {th.id: th for th in session.corpus.codebook.themes}
        self.pieces: dict[int, list[tuple[int, int, int]]] = {}  # block -> where its text shows the body
        self.unit_edges: dict[int, list[int]] = {}  # turn -> its units' start and end offsets
        for u in session.segments:
            self.unit_edges.setdefault(u.turn, []).extend((u.start, u.end))
        self.blocks, self.block_of_unit = blocks_of(session.transcript, session.segments)
        self.turn_of = {turn.index: turn for turn in session.transcript.turns}
        self._reset_selection()

    # --- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        t = self.session.transcript
        with Horizontal(id="main"):
            yield TranscriptView(list(range(len(self.blocks))), self._block_text, self._picked,
                                 gap_after=lambda k: ends_turn(self.blocks, k),
                                 id="transcript")
            with Vertical(id="side"):
                yield Input(placeholder="filter the codebook", id="filter")
                yield OptionList(id="themes")
        yield Input(id="ask")
        yield Static(id="status")

    def on_resize(self, event) -> None:
        self.screen.set_class(event.size.width < 70, "-narrow")

    def on_mount(self) -> None:
        self.screen.set_class(self.size.width < 70, "-narrow")
        self.query_one("#filter").display = False
        self.query_one("#ask").display = False
        self._fill_themes()
        self._status("? for the keys")
        self.call_after_refresh(self._scroll)

    # --- what is shown ---------------------------------------------------------------------
    @property
    def unit(self):
        return self.session.segments[self.session.position]

    def _reset_selection(self) -> None:
        u = self.unit
        self.lo, self.hi = self.session.position, self.session.position  # a run of units
        self.span = (u.start, u.end)

    def _run_span(self) -> tuple[int, int]:
        segs = self.session.segments
        return segs[self.lo].start, segs[self.hi].end

    @property
    def view(self) -> TranscriptView:
        return self.query_one("#transcript", TranscriptView)

    def _block_text(self, key: int) -> Text:
        """One block (a turn, or a piece of a long one): the speaker if it opens the turn, text
        (interviewer dimmed), the selection reversed, every coded span in its theme's colour
        (underlined where several codes overlap) and closed by a label where it ends."""
        s, t = self.session, self.session.transcript
        turn_index, body_start, body_end = self.blocks[key]
        turn = self.turn_of[turn_index]
        text = Text()
        if body_start == text_start(t, turn) and turn.speaker:
            text.append(f"{turn.speaker}: ", style="bold dim" if turn.is_interviewer else "bold")
        codings = [c for c in s.codes_in(body_start, body_end)]
        cuts = {body_start, body_end, *self.span}
        for c in codings:
            cuts.update((max(c.start, body_start), min(c.end, body_end)))
        cuts.update(self.unit_edges.get(turn_index, ()))
        edges = sorted(x for x in cuts if body_start <= x <= body_end)
        themes = self.themes
        pieces = self.pieces[key] = []  # (offset in the text, body start, body end)
        for a, b in zip(edges, edges[1:]):
            piece = t.body[a:b]
            pieces.append((len(text), a, b))
            style = "dim" if turn.is_interviewer else ""
            on = [c for c in codings if c.start <= a and b <= c.end]
            if on:
                first = themes.get(on[0].code)
                style = f"#101010 on {colour(first)}" if first else style  # dark text: readable on any colour
                if len(on) > 1:
                    style += " underline"
            if self.span[0] <= a and b <= self.span[1]:  # the selection: reversed, or on a coded span underlined
                style += " bold underline" if on else " reverse"
            text.append(piece, style=style.strip() or None)
            ends = [c for c in codings if c.end == b]
            for c in ends:
                th = themes.get(c.code)
                text.append(f" ⟨{th.label if th else c.code}{' ★' if c.pinned else ''}{' ✎' if c.memo else ''}⟩",
                            style=f"bold {colour(th)}" if th else "bold")
        return text

    # --- the mouse (see pointing.py) ------------------------------------------------------------
    def _picked(self, pressed, released, shift: bool) -> None:
        """A click goes to its unit; shift-click extends the selection from the unit to the one
        clicked (as shift+down does); a drag selects the words it covers, whole, across units
        (as shift+down and the brackets do)."""
        segs, body = self.session.segments, self.session.transcript.body
        a, b = (body_offset(self.pieces.get(turn, []), at) for turn, at in (pressed, released))
        if a is None or b is None or not segs:
            return
        words = words_between(body, a, b) if a != b else None
        old = range(self.lo, self.hi + 1)
        if words is None:  # a click, or a drag over white space alone
            target = unit_at(segs, b)
            if not shift:
                self.action_move(target - self.session.position)
                return
            self.lo, self.hi = sorted((self.session.position, target))
            self.span = self._run_span()
        else:
            start, end = words
            self.lo, self.hi = unit_at(segs, start), unit_at(segs, end - 1)
            self.session.position = self.lo
            self.span = (max(start, segs[self.lo].start), min(end, segs[self.hi].end))
        self._repaint(*old, self.lo, self.hi)
        self._status()

    def _repaint(self, *unit_indices: int) -> None:
        n = len(self.session.segments)
        keys = {self.block_of_unit[i] for i in unit_indices if 0 <= i < n}
        keys |= self._blocks_over(*self.span)
        self.view.repaint(keys)

    def _blocks_over(self, start: int, end: int) -> set[int]:
        """The blocks a body span shows in (the selection; a coding)."""
        starts = [b[1] for b in self.blocks]
        first = max(0, bisect_right(starts, start) - 1)
        last = max(first, bisect_left(starts, end) - 1)
        return set(range(first, last + 1))

    def _scroll(self) -> None:
        """Keep the selected unit in view (a long answer is taller than the screen)."""
        key, a, b = self._selection_place()
        if a is None or b is None:
            self.view.show_turn(key)
        else:
            self.view.show(key, a, b)

    def selection_in_view(self) -> bool:
        key, a, b = self._selection_place()
        return self.view.visible(key) if a is None or b is None else self.view.shows(key, a, b)

    def _selection_place(self) -> tuple[int, int | None, int | None]:
        """The block of the selected unit, and where the selection starts and ends in its text."""
        key = self.block_of_unit[self.session.position]
        pieces = self.pieces.get(key) or []
        return key, text_offset(pieces, self.span[0]), text_offset(pieces, self.span[1])

    def _ranked(self) -> list[Theme]:
        """The codebook tree, this participant's group's themes first."""
        return [th for _, th in self.session.numbered]

    def _fill_themes(self, needle: str = "") -> None:
        s = self.session
        counts: dict[str, int] = {}
        for c in s.file.codings:
            if c.status == "accepted":
                counts[c.code] = counts.get(c.code, 0) + 1
        ranked = self._ranked()
        if needle:
            fits = {th.id for th in matching(ranked, needle)}
            ranked = [th for th in ranked if th.id in fits]
        if not hasattr(self, "numbers"):  # the nine most used at launch: numbers never move while coding
            order = {th.id: i for i, th in enumerate(ranked)}
            mine = [th for th in ranked if th.applies_to(s.transcript.group)] or ranked
            top = sorted(mine, key=lambda th: (-counts.get(th.id, 0), order[th.id]))[:9]
            self.numbers = {th.id: n for n, th in enumerate(top, 1)}
        self.shown = ranked
        group = s.transcript.group
        options = []
        for th in ranked:
            n = self.numbers.get(th.id)
            label = Text()
            label.append(f"{n if n else ' '} ", style="bold cyan")  # the number only: a Text's own style covers all
            label.append(theme_label(th, th.applies_to(group)))
            if counts.get(th.id):
                label.append(f" {counts[th.id]}", style="dim")
            if not th.applies_to(group):
                label.append(" ·other", style="dim")
            label.no_wrap, label.overflow = True, "ellipsis"
            options.append(Option(label, id=th.id))
        themes = self.query_one("#themes", OptionList)
        themes.clear_options()
        themes.add_options(options)
        if options:
            themes.highlighted = 0

    def _status(self, message: str = "") -> None:
        s = self.session
        a, b = self.span
        words = len(s.transcript.body[a:b].split())
        sel = f" · selection {self.hi - self.lo + 1} units" if self.hi > self.lo else \
            (f" · {words} words" if self.span != (self.unit.start, self.unit.end) else "")
        state = s.decision(self.unit) or "undecided"
        line = (f"{s.transcript_id} · {self.unit.local_id} · unit {s.position + 1} of {len(s.segments)} ({state}){sel}"
                f" · {s.decided_share:.0%} decided · {s.coder}")
        text = Text(line, no_wrap=True, overflow="ellipsis")
        text.append("\n" + (message or ""))
        self.query_one("#status", Static).update(text, layout=False)  # a fixed two lines

    def _after(self, message: str, *units: int) -> None:
        self._repaint(*units)
        self._fill_themes(self.query_one("#filter", Input).value if self.query_one("#filter").display else "")
        self._status(message)

    # --- actions ---------------------------------------------------------------------------
    def action_move(self, step: int) -> None:
        old = self.session.position
        self.session.position = max(0, min(len(self.session.segments) - 1, old + step))
        old_run = range(self.lo, self.hi + 1)
        self._reset_selection()
        self._repaint(old, *old_run, self.session.position)
        self._scroll()
        self._status()

    def action_next_undecided(self) -> None:
        s = self.session
        after = [i for i in range(s.position + 1, len(s.segments)) if s.decision(s.segments[i]) is None]
        before = [i for i in range(0, s.position) if s.decision(s.segments[i]) is None]
        target = (after or before or [None])[0]
        if target is None:
            self._status("Every unit is decided.")
            return
        self.action_move(target - s.position)

    def action_extend(self, step: int) -> None:
        last = len(self.session.segments) - 1
        if step > 0:
            self.hi = min(last, self.hi + 1)
        else:
            self.lo = max(0, self.lo - 1)
        self.span = self._run_span()
        self._repaint(self.lo, self.hi)
        self._status()

    def action_edge(self, which: str, step: int) -> None:
        a, b = self._run_span()
        words = _words(self.session.transcript.body, a, b)
        s0, s1 = self.span
        starts = [w[0] for w in words]
        ends = [w[1] for w in words]
        if which == "end":
            later = [e for e in ends if e > s1] if step > 0 else [e for e in ends if s0 < e < s1]
            s1 = (later[0] if step > 0 else later[-1]) if later else s1
        else:
            later = [x for x in starts if s0 < x < s1] if step > 0 else [x for x in starts if x < s0]
            s0 = (later[0] if step > 0 else later[-1]) if later else s0
        self.span = (s0, s1)
        self._repaint(self.lo, self.hi)
        self._status()

    def action_reset(self) -> None:
        for name in ("#filter", "#ask"):
            widget = self.query_one(name, Input)
            if widget.display:
                widget.display = False
                widget.value = ""
                self._fill_themes()
        old = range(self.lo, self.hi + 1)
        self._reset_selection()
        self._repaint(*old, self.session.position)
        self.set_focus(None)
        self._status()

    def _code(self, theme: Theme) -> None:
        message = self.session.toggle(theme, *self.span)
        self._after(message, *range(self.lo, self.hi + 1))

    def action_number(self, n: int) -> None:
        theme = next((th for th in self.shown if self.numbers.get(th.id) == n), None)
        if theme is None:
            self._status(f"No theme numbered {n}.")
            return
        self._code(theme)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        theme = self.session.corpus.codebook.theme(event.option.id)
        if theme is not None:
            self._code(theme)

    def action_no_code(self) -> None:
        units = self.session.segments[self.lo:self.hi + 1]
        message = self.session.no_code_units(units)
        self._after(message, *range(self.lo, self.hi + 1))
        if message == "No code.":
            self.action_move(self.hi - self.session.position + 1)
            self._status(message)

    def action_clear(self) -> None:
        self._after(self.session.clear(*self.span), *range(self.lo, self.hi + 1))

    def action_pin(self) -> None:
        self._after(self.session.annotate(*self.span, pin=True), *range(self.lo, self.hi + 1))

    def action_undo(self) -> None:
        if not self.session.history:
            self._status("Nothing to undo.")
            return
        what, _, _, marks = self.session.history[-1]
        now = self.session.file.codings
        self.session.undo()
        # What it touched: the codings the step made or removed, and the units it decided.
        restored = self.session.file.codings
        was, had = {id(c) for c in restored}, {id(c) for c in now}
        changed = [c for c in now if id(c) not in was] + [c for c in restored if id(c) not in had]
        units = [seg for seg, _ in (marks[1] if marks and marks[0] == "span" else [marks]) if seg is not None]
        keys = {k for c in changed for k in self._blocks_over(c.start, c.end)}
        keys |= {k for u in units for k in self._blocks_over(u.start, u.end)}
        keys |= self._blocks_over(*self.span)
        self._reset_selection()
        keys |= self._blocks_over(*self.span)
        self.view.repaint(keys)
        self._fill_themes()
        self._scroll()
        self._status(f"Undid: {what}.")

    def action_ask(self, what: str) -> None:
        ask = self.query_one("#ask", Input)
        self.asking = what
        ask.placeholder = {"memo": "memo on the selection's codes (enter saves, esc cancels)",
                           "new": "new theme's label, e.g. Peer pressure under prosecution (enter codes with it)",
                           }.get(what, "go to unit id, e.g. 12.2 (enter goes, esc cancels)")
        ask.value = ""
        ask.display = True
        ask.focus()

    def action_keys(self) -> None:
        self.notify(KEYS, title="qualcode code", timeout=30)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self._fill_themes(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        box = event.input
        value = box.value.strip()
        box.display = False
        box.value = ""
        self.set_focus(None)
        if box.id == "filter":
            chosen = self.shown[0] if value and self.shown else None
            self._fill_themes()
            if chosen is not None:
                self._code(chosen)  # only on enter: typed letters never code by themselves
            return
        if self.asking == "new" and value:
            from ..errors import QualcodeError
            from ..session import split_under

            try:
                theme, made = self.session.create(*split_under(value))
            except QualcodeError as e:
                self._status(e.message)
                return
            self._fill_themes()
            self._code(theme)
            if made:
                self._status(f"New theme {theme.id} '{theme.label}' in the codebook; coded the selection.")
            return
        if self.asking == "memo":
            self._after(self.session.annotate(*self.span, memo=value or None), *range(self.lo, self.hi + 1))
        elif self.asking == "go" and value:
            ids = [u.local_id for u in self.session.segments]
            if value not in ids and value not in [u.id for u in self.session.segments]:
                self._status(f"No codable unit '{value}'.")
                return
            target = next(i for i, u in enumerate(self.session.segments) if value in (u.id, u.local_id))
            self.action_move(target - self.session.position)
