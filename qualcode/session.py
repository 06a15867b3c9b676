"""The interactive coding loop as a state machine: one command line in, a new view out.

Kept free of terminal I/O so the same logic serves a real terminal and piped input.
Every change is saved at once; `u` undoes the last one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .corpus import Corpus
from .display import as_number, short
from .model import ACCEPTED, Coding, Segment, Theme, Turn
from .tagging import apply_theme, save

HELP = """Commands:
  1 4 / 1,4      apply themes by number (several at once), then go on
  <text>         an id prefix or part of a label: applies it if only one theme fits, else filters the list
  /<text>        filter the list; '/' alone shows every theme for this group
  Enter or n     next segment          b    back           g ID   go to a segment
  x 2 / x ID     remove a theme from this segment
  m TEXT         memo on this segment's codes     p    pin / unpin this segment as an indicative quote
                 (x, m and p act on the segment you just coded while the one shown has no codes)
  u              undo the last change             q    quit (everything is already saved)
  ?              this help"""


def matching(themes: list[Theme], text: str) -> list[Theme]:
    """Themes whose id starts with the text; else whose label has a word starting with it; else
    whose label contains it. The first tier that finds any wins, so 'res' means resource-*."""
    needle = text.casefold().strip()
    tiers = (
        lambda t: t.id.startswith(needle),
        lambda t: any(w.startswith(needle) for w in t.label.casefold().split()),
        lambda t: needle in t.label.casefold(),
    )
    for fits in tiers:
        found = [t for t in themes if fits(t)]
        if found:
            return found
    return []


@dataclass
class View:
    segment: Segment
    position: int  # 0-based among codable segments
    total: int
    previous_turn: Turn | None  # context: the turn before this one
    earlier_in_turn: list[Segment]  # the same turn's segments before this one
    codes: list[Coding]  # this coder's accepted codings on the segment
    themes: list[tuple[int, Theme]]  # numbered shortcuts, after any filter
    filter: str
    message: str = ""
    done: bool = False


@dataclass
class CodingSession:
    corpus: Corpus
    transcript_id: str
    coder: str
    segments: list[Segment] = field(init=False)
    position: int = 0
    filter: str = ""
    last_coded: int | None = None
    history: list[tuple[str, list[Coding], int]] = field(default_factory=list)  # (what, codings before, pos)

    def __post_init__(self):
        t = self.corpus.transcript(self.transcript_id)
        self.transcript = t
        self.transcript_id = t.id
        self.all_segments = self.corpus.segments([t])[t.id]
        self.segments = [s for s in self.all_segments if not s.is_interviewer]
        self.group_themes = self.corpus.codebook.themes_for(t.group)
        self.position = self.first_uncoded()

    # --- state -------------------------------------------------------------------------------
    @property
    def file(self):
        return self.corpus.file(self.coder, self.transcript_id)

    def codes_on(self, seg: Segment) -> list[Coding]:
        f = self.file
        orphans = {id(c) for c in f.orphaned}
        return [c for c in f.codings if c.status == ACCEPTED and id(c) not in orphans
                and c.start < seg.end and seg.start < c.end]

    def first_uncoded(self) -> int:
        for i, seg in enumerate(self.segments):
            if not self.codes_on(seg):
                return i
        return 0

    def shown_themes(self) -> list[tuple[int, Theme]]:
        themes = matching(self.group_themes, self.filter) if self.filter else self.group_themes
        return list(enumerate(themes, 1))

    def view(self, message: str = "", done: bool = False) -> View:
        if not self.segments:
            raise ValueError("no codable segments")
        seg = self.segments[self.position]
        turns = self.transcript.turns
        turn_pos = next(i for i, t in enumerate(turns) if t.index == seg.turn)
        earlier = [s for s in self.all_segments if s.turn == seg.turn and s.start < seg.start]
        return View(seg, self.position, len(self.segments), turns[turn_pos - 1] if turn_pos else None, earlier,
                    self.codes_on(seg), self.shown_themes(), self.filter, message, done)

    # --- commands ----------------------------------------------------------------------------
    def handle(self, line: str) -> View:
        line = line.strip()
        word, _, rest = line.partition(" ")
        rest = rest.strip()
        if line in ("", "n"):
            return self.move(1)
        if line == "b":
            return self.move(-1)
        if line in ("q", "quit", "exit"):
            return self.view("Saved. Bye.", done=True)
        if line in ("?", "h", "help"):
            return self.view(HELP)
        if line == "u":
            return self.undo()
        if line.startswith("/"):
            self.filter = line[1:].strip()
            return self.view(f"{len(self.shown_themes())} theme(s) match '{self.filter}'" if self.filter else "")
        if word == "g" and rest:
            return self.go(rest)
        if word == "m":
            return self.memo(rest)
        if line == "p":
            return self.pin()
        if word == "x" and rest:
            return self.remove(rest)
        return self.apply(line)

    def move(self, step: int, message: str = "") -> View:
        target = self.position + step
        if target >= len(self.segments):
            self.position = len(self.segments) - 1
            return self.view(((message + ". ") if message else "") +
                             "That was the last segment: q to quit, b to go back, g ID to jump.")
        self.position = max(0, target)
        self.filter = ""
        return self.view(message or ("Already at the first segment." if target < 0 else ""))

    def go(self, sid: str) -> View:
        for i, seg in enumerate(self.segments):
            if sid in (seg.id, seg.local_id):
                self.position = i
                return self.view()
        return self.view(f"No codable segment '{sid}' (interviewer turns are not coded).")

    def resolve(self, token: str) -> tuple[Theme | None, str]:
        shown = self.shown_themes()
        number = as_number(token)
        if number is not None or token.isdigit():
            for n, theme in shown:
                if n == number:
                    return theme, ""
            return None, f"No theme number {short(token, 12)} in the list."
        needle = token.casefold()
        exact = [t for t in self.corpus.codebook.themes if t.id == needle]
        if exact:
            return exact[0], ""
        fits = matching([t for _, t in shown], needle)
        if len(fits) == 1:
            return fits[0], ""
        if not fits:
            return None, f"No theme fits '{token}'."
        self.filter = token
        return None, f"{len(fits)} themes fit '{token}'; pick one by number."

    def _record(self, what: str) -> None:
        self.history.append((what, list(self.file.codings), self.position))

    def apply(self, line: str) -> View:
        tokens = [tok for tok in line.replace(",", " ").split() if tok]
        themes = []
        for tok in tokens:
            theme, problem = self.resolve(tok)
            if theme is None:
                return self.view(problem + " Nothing applied. (? for help)")
            themes.append(theme)
        seg = self.segments[self.position]
        self._record("apply " + ", ".join(t.id for t in themes))
        for theme in themes:
            apply_theme(self.corpus, self.transcript, self.coder, theme, [(seg.start, seg.end)])
        self.last_coded = self.position
        return self.move(1, f"Coded {seg.local_id}: " + ", ".join(t.label for t in themes))

    def _target(self) -> int | None:
        if self.codes_on(self.segments[self.position]):
            return self.position
        return self.last_coded

    def _update(self, what: str, change) -> View:
        target = self._target()
        if target is None:
            return self.view(f"Nothing to {what}: this segment has no codes yet.")
        seg = self.segments[target]
        ids = {id(c) for c in self.codes_on(seg)}
        self._record(what)
        f = self.file
        f.codings = [change(c) if id(c) in ids else c for c in f.codings]
        save(self.corpus, f)
        return self.view(f"{what.capitalize()} on {seg.local_id}.")

    def memo(self, text: str) -> View:
        if not text:
            return self.view("Write the memo after the m, e.g.: m contradicts what she said in turn 4")
        return self._update("memo", lambda c: replace(c, memo=text))

    def pin(self) -> View:
        target = self._target()
        pinned = target is not None and all(c.pinned for c in self.codes_on(self.segments[target]))
        return self._update("unpin" if pinned else "pin", lambda c: replace(c, pinned=not pinned))

    def remove(self, token: str) -> View:
        theme, problem = self.resolve(token)
        target = self._target()
        seg = self.segments[self.position if target is None else target]
        if theme is None:
            return self.view(problem)
        here = [c for c in self.codes_on(seg) if c.code == theme.id]
        if not here:
            return self.view(f"{seg.local_id} is not coded '{theme.id}'.")
        self._record(f"remove {theme.id}")
        f = self.file
        gone = {id(c) for c in here}
        f.codings = [c for c in f.codings if id(c) not in gone]
        save(self.corpus, f)
        return self.view(f"Removed {theme.label} from {seg.local_id}.")

    def undo(self) -> View:
        if not self.history:
            return self.view("Nothing to undo.")
        what, codings, position = self.history.pop()
        f = self.file
        f.codings = codings
        save(self.corpus, f)
        self.position = position
        return self.view(f"Undid: {what}.")
