"""`qualcode review` and `qualcode reconcile` in the workbench: one decision at a time, each shown
in its transcript with the theme panel to pick another theme. Front ends over assist/review.py
and reconcile.py: every decision is saved at once by the library."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ..model import Theme
from ..session import matching
from .blocks import blocks_of, ends_turn, text_start
from .themes_panel import ThemePicker, colour, theme_label
from .transcript_view import TranscriptView


class ContextApp(ThemePicker, App):
    """A transcript pane that shows one span in context, a detail box, the theme picker (the
    codebook tree, filtered with /) and a status line. Subclasses say what is decided."""

    CSS_PATH = "workbench.tcss"
    TITLE = "qualcode"
    AUTO_FOCUS = None
    BINDINGS = [Binding("slash", "filter", show=False), Binding("tab", "switch", show=False, priority=True),
                Binding("escape", "close", show=False), Binding("q", "quit", show=False),
                Binding("ctrl+c", "quit", show=False, priority=True), Binding("question_mark", "keys", show=False)]
    KEYS = ""

    def __init__(self, corpus):
        super().__init__()
        self.corpus = corpus
        self.tid: str | None = None
        self.span = (0, 0)
        self.blocks: list[tuple[int, int, int]] = []  # of the transcript shown (blocks.py)
        self.places: dict[int, tuple[int, int]] = {}  # block -> where the span shows in its text
        self.shown: list[Theme] = list(corpus.codebook.themes)

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield Vertical(id="pane")
            with Vertical(id="side"):
                yield Static(id="detail")
                yield Input(placeholder="filter the codebook", id="filter")
                yield OptionList(id="themes")
        yield Static(id="status")

    def on_mount(self) -> None:
        self.screen.set_class(self.size.width < 70, "-narrow")
        self.query_one("#filter").display = False
        self._fill_themes()
        self.advance("? for the keys")

    def on_resize(self, event) -> None:
        self.screen.set_class(event.size.width < 70, "-narrow")

    # --- what is shown ---------------------------------------------------------------------
    def show(self, tid: str, start: int, end: int, detail: Text, status: str) -> None:
        old_tid, old = self.tid, self.span
        self.tid, self.span = tid, (start, end)
        t = self.corpus.transcript(tid)
        pane = self.query_one("#pane", Vertical)
        if old_tid != tid:
            pane.remove_children()
            self.blocks, self.places = blocks_of(t, self.corpus.segments([t])[t.id])[0], {}
            view = TranscriptView(list(range(len(self.blocks))), self._block_text,
                                  gap_after=lambda k: ends_turn(self.blocks, k))
            pane.mount(view)  # the old view goes at the next refresh; this one is used from now on
            self.view = view
        view = self.view
        lo, hi = (start, end) if old_tid != tid else (min(start, old[0]), max(end, old[1]))
        here = next((k for k, (_, a, b) in enumerate(self.blocks) if a <= start < b), 0)
        view.repaint({here, *(k for k, (_, a, b) in enumerate(self.blocks) if a < hi and lo < b)})
        self.call_after_refresh(self._keep_in_view, here)
        self.query_one("#detail", Static).update(detail)
        self.query_one("#status", Static).update(Text(status, no_wrap=True, overflow="ellipsis"))

    def _keep_in_view(self, key: int) -> None:
        """The span being decided on screen, in a long turn too (see TranscriptView.show)."""
        place = self.places.get(key)
        if place is None:
            self.view.show_turn(key)
        else:
            self.view.show(key, *place)

    def _block_text(self, key: int) -> Text:
        """A turn, or a piece of a long one (blocks.py), the span being decided reversed."""
        t = self.corpus.transcript(self.tid)
        turn_index, lo, end = self.blocks[key]
        turn = next(x for x in t.turns if x.index == turn_index)
        text = Text()
        if lo == text_start(t, turn) and turn.speaker:
            text.append(f"{turn.speaker}: ", style="bold dim" if turn.is_interviewer else "bold")
        a, b = max(self.span[0], lo), min(self.span[1], end)
        style = "dim" if turn.is_interviewer else None
        if a < b:
            text.append(t.body[lo:a], style=style)
            self.places[key] = (len(text), len(text) + b - a)  # where the span shows in the text
            text.append(t.body[a:b], style="reverse bold")
            text.append(t.body[b:end], style=style)
        else:
            self.places.pop(key, None)
            text.append(t.body[lo:end], style=style)
        return text

    def _fill_themes(self, needle: str = "") -> None:
        themes = list(self.corpus.codebook.themes)
        if needle:
            fits = {th.id for th in matching(themes, needle)}
            themes = [th for th in themes if th.id in fits]
        self.shown = themes
        box = self.query_one("#themes", OptionList)
        box.clear_options()
        options = []
        for th in themes:
            options.append(Option(theme_label(th), id=th.id))
        box.add_options(options)
        if options:
            box.highlighted = 0

    def status(self, message: str) -> None:
        self.query_one("#status", Static).update(Text(message, no_wrap=True, overflow="ellipsis"))

    # --- the picker ------------------------------------------------------------------------
    def action_close(self) -> None:
        box = self.query_one("#filter", Input)
        box.display, box.value = False, ""
        self._fill_themes()
        self.set_focus(None)

    def action_keys(self) -> None:
        self.notify(self.KEYS, title=self.TITLE, timeout=30)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill_themes(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        chosen = self.shown[0] if event.value.strip() and self.shown else None
        self.action_close()
        if chosen is not None:
            self.picked(chosen)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        theme = self.corpus.codebook.theme(event.option.id)
        self.set_focus(None)
        if theme is not None:
            self.picked(theme)

    # --- for subclasses ----------------------------------------------------------------------
    def advance(self, message: str = "") -> None:
        raise NotImplementedError

    def picked(self, theme: Theme) -> None:
        raise NotImplementedError


class ReviewApp(ContextApp):
    """Each open suggestion in its context: accept, reject, code it as another theme, skip, undo."""

    TITLE = "qualcode review"
    BINDINGS = ContextApp.BINDINGS + [
        Binding("a", "decide('accepted')", show=False), Binding("r", "decide('rejected')", show=False),
        Binding("s,down,j", "skip", show=False), Binding("u", "undo", show=False)]
    KEYS = """Keys
  a      accept the suggestion          r   reject it
  /      filter the codebook, enter: accept as that theme instead (tab: pick from the list)
  s      skip (decide later)            u   undo
  q      quit (all saved)               ?   these keys"""

    def __init__(self, corpus, coder: str, items: list):
        super().__init__(corpus)
        self.coder, self.items, self.i = coder, items, 0
        self.history: list[tuple[int, str, list]] = []

    def advance(self, message: str = "") -> None:
        from ..assist.review import reason

        if self.i >= len(self.items):
            self.status(f"All {len(self.items)} suggestions reviewed. q to quit. {message}")
            return
        item = self.items[self.i]
        c = item.coding
        theme = self.corpus.codebook.theme(c.code)
        detail = Text()
        detail.append("suggested\n", style="dim")
        detail.append(theme.label if theme else c.code, style=f"bold {colour(theme)}" if theme else "bold")
        if theme is not None and theme.description:
            detail.append("\n" + theme.description, style="italic")
        confidence = "?" if c.confidence is None else f"{c.confidence:.2f}"
        detail.append(f"\n{c.source}, confidence {confidence}\n", style="dim")
        detail.append(reason(c), style="dim")
        status = (f"{item.transcript_id} · suggestion {self.i + 1} of {len(self.items)} · {self.coder}"
                  + (f" · {message}" if message else ""))
        self.show(item.transcript_id, c.start, c.end, detail, status)

    def _decide(self, status: str, code: str | None = None) -> None:
        from ..assist.review import decide

        if self.i >= len(self.items):
            return
        item = self.items[self.i]
        before = decide(self.corpus, self.coder, item, status, code)
        self.history.append((self.i, item.transcript_id, before))
        self.i += 1
        label = self.corpus.codebook.theme(code).label if code else None
        self.advance({"accepted": "Accepted.", "rejected": "Rejected."}[status] if not code else f"Coded as {label} instead.")

    def action_decide(self, status: str) -> None:
        self._decide(status)

    def picked(self, theme: Theme) -> None:
        self._decide("accepted", theme.id)

    def action_skip(self) -> None:
        self.i = min(len(self.items), self.i + 1)
        self.advance("Skipped.")

    def action_undo(self) -> None:
        from ..assist.review import restore

        if not self.history:
            self.advance("Nothing to undo.")
            return
        self.i, tid, before = self.history.pop()
        restore(self.corpus, self.coder, tid, before)
        old = self.items[self.i]
        self.items[self.i] = next((type(old)(tid, c) for c in before if c.key == old.coding.key
                                   and c.status == "suggested"), old)
        self.advance("Undone.")


class ReconcileApp(ContextApp):
    """Each disagreement in its context, every coder's themes by label: take one coder's, all,
    the common ones, none, or exactly a theme from the picker."""

    TITLE = "qualcode reconcile"
    BINDINGS = ContextApp.BINDINGS + [
        *[Binding(str(n), f"take({n})", show=False) for n in range(1, 10)],
        Binding("a", "line('all')", show=False), Binding("c", "line('common')", show=False),
        Binding("minus", "line('none')", show=False), Binding("s,down,j", "line('s')", show=False),
        Binding("u", "line('u')", show=False)]
    KEYS = """Keys
  1, 2, ...   take that coder's codes        a   every code any coder gave
  c           only the codes all gave        -   no code here (remembered)
  /           filter the codebook, enter: exactly that theme (tab: pick from the list)
  s           skip                            u   undo        q   quit (all saved)"""

    def __init__(self, corpus, reconciliation):
        super().__init__(corpus)
        self.r = reconciliation

    def advance(self, message: str = "") -> None:
        r = self.r
        if r.done:
            self.status(f"All disagreements reconciled into '{r.into}'. q to quit. {message}")
            return
        u = r.items[r.position]
        detail = Text()
        for n, coder in enumerate(r.coders, 1):
            detail.append(f"{n} ", style="bold cyan")
            detail.append(f"{coder}: ", style="bold")
            labels = [self.corpus.codebook.theme(t) for t in sorted(u.codes[coder])]
            if not labels:
                detail.append("no code", style="dim")
            for k, th in enumerate(labels):
                detail.append(("" if k == 0 else ", ") + (th.label if th else "?"), style=colour(th) if th else None)
            detail.append("\n")
        now = r.current(u)
        if now:
            detail.append("consensus: " + ", ".join(self.corpus.codebook.theme(t).label for t in now), style="dim")
        status = (f"{u.id} · disagreement {r.position + 1} of {len(r.items)} · into {r.into}"
                  + (f" · {message}" if message else ""))
        self.show(u.transcript_id, u.start, u.end, detail, status)

    def action_take(self, n: int) -> None:
        if n <= len(self.r.coders):
            self.action_line(str(n))

    def action_line(self, line: str) -> None:
        if self.r.done and line != "u":
            return
        self.advance(self.r.handle(line))

    def picked(self, theme: Theme) -> None:
        if not self.r.done:
            self.advance(self.r.choose([theme.id]))
