"""The interactive coding loop as a state machine: one command line in, a new view out.

Kept free of terminal I/O so the same logic serves a real terminal and piped input.
Every change is saved at once; `u` undoes the last one. Which units the coder decided (coded,
or "no code") is kept in the progress record (progress.py), so a session resumes after the last
decision; skipping a unit does not decide it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from . import progress
from .corpus import Corpus
from .display import as_number, short
from .errors import QualcodeError
from .model import ACCEPTED, Coding, Segment, Theme, Turn
from .tagging import apply_theme, save

HELP = """Commands:
  1 4 / 1,4      apply themes by number (several at once), then go on; numbers never change
  <id or label>  a theme's exact id or label applies it; any other text filters the whole codebook
  /<text>        filter the whole codebook; '/' alone shows this group's themes again
  - or none      "no code": this segment is decided and has no theme
  Enter or n     next segment (undecided)  b  back     g ID   go to a segment
  x 2 / x ID     remove a theme from this segment
  m TEXT         memo on this segment's codes     p    pin / unpin this segment as an indicative quote
                 (x, m and p act on the segment you just coded while the one shown has no codes)
  + LABEL        open coding: a new theme (add "under PARENT" for a sub-theme), applied here
  u              undo the last change             q    quit (everything is already saved)
  ?              this help"""


def split_under(text: str) -> tuple[str, str | None]:
    """'Peer pressure under prosecution' -> ('Peer pressure', 'prosecution')."""
    label, sep, parent = text.strip().rpartition(" under ")
    return (label.strip(), parent.strip() or None) if sep else (text.strip(), None)


def matching(themes: list[Theme], text: str) -> list[Theme]:
    """Themes whose id starts with the text; else whose label has a word starting with it; else
    whose label contains it; else (a typo) whose label is close to it. The first tier that finds
    any wins. Matching only filters: nothing is applied from a partial match."""
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
    if len(needle) < 4:
        return []
    from rapidfuzz import fuzz

    return [t for t in themes if fuzz.partial_ratio(needle, t.label.casefold()) >= 80]


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
    # (what, codings before, position, the unit's decision before)
    history: list[tuple[str, list[Coding], int, tuple]] = field(default_factory=list)

    def __post_init__(self):
        t = self.corpus.transcript(self.transcript_id)
        self.transcript = t
        self.transcript_id = t.id
        self.all_segments = self.corpus.segments([t])[t.id]
        self.segments = [s for s in self.all_segments if not s.is_interviewer]
        self.group_themes = self.corpus.codebook.themes_for(t.group)
        group_ids = {th.id for th in self.group_themes}
        ordered = self.group_themes + [th for th in self.corpus.codebook.themes if th.id not in group_ids]
        self.numbered = list(enumerate(ordered, 1))  # stable numbers: this group's themes first
        self.progress_path = progress.path_for(self.corpus.project.codings_dir, self.coder, t.id)
        self.decisions = progress.decided(progress.read(self.progress_path, self.corpus.project.rel(self.progress_path)),
                                          self.segments)
        self.position = self.resume_at()

    # --- state -------------------------------------------------------------------------------
    @property
    def file(self):
        return self.corpus.file(self.coder, self.transcript_id)

    def codes_on(self, seg: Segment) -> list[Coding]:
        f = self.file
        orphans = {id(c) for c in f.orphaned}
        return [c for c in f.codings if c.status == ACCEPTED and id(c) not in orphans
                and c.start < seg.end and seg.start < c.end]

    def decision(self, seg: Segment) -> str | None:
        """coded | none | None (undecided). A unit with this coder's codes counts as decided."""
        d = self.decisions.get(seg.id)
        if d is not None:
            return d.decision
        return progress.CODED if self.codes_on(seg) else None

    def _coded_ids(self) -> set[str]:
        """Ids of the units this coder's accepted codings touch (one sweep, not a scan per unit)."""
        from .analysis.passages import overlapped

        f = self.file
        orphans = {id(c) for c in f.orphaned}
        spans = [(c.start, c.end) for c in f.codings if c.status == ACCEPTED and id(c) not in orphans]
        return {seg.id for seg in overlapped(self.segments, spans)}

    @property
    def decided_share(self) -> float:
        """Share of units decided: in the progress record, or coded."""
        if not self.segments:
            return 1.0
        coded = self._coded_ids()
        return sum(seg.id in self.decisions or seg.id in coded for seg in self.segments) / len(self.segments)

    def resume_at(self) -> int:
        states = dict(self.decisions)
        for seg_id in self._coded_ids() - states.keys():  # coded counts as decided, with no time of its own
            states[seg_id] = progress.Decision(0, 0, progress.CODED, "", "")
        return progress.resume_at(self.segments, states)

    def shown_themes(self) -> list[tuple[int, Theme]]:
        if not self.filter:
            return self.numbered[:len(self.group_themes)] or self.numbered
        fits = {th.id for th in matching([th for _, th in self.numbered], self.filter)}
        return [(n, th) for n, th in self.numbered if th.id in fits]

    def _decide(self, segs: list[Segment], decision: str | None) -> None:
        progress.record(self.corpus.project.root, self.corpus.project.codings_dir, self.coder, self.transcript_id,
                        segs, decision)
        for seg in segs:
            if decision is None:
                self.decisions.pop(seg.id, None)
            else:
                self.decisions[seg.id] = progress.Decision(seg.start, seg.end, decision, progress.now(),
                                                           progress.text_hash(seg.text))

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
        if line in ("-", "none"):
            return self.no_code()
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
        if line.startswith("+"):
            label, under = split_under(line[1:])
            try:
                theme, made = self.create(label, under)
            except QualcodeError as e:
                return self.view(e.message + " Nothing applied.")
            return self.apply(theme.id, f"New theme {theme.id} '{theme.label}' in the codebook. " if made else "")
        return self.apply(line)

    def create(self, text: str, under: str | None = None) -> tuple[Theme, bool]:
        """Open coding: the theme `text` names, added to the codebook if it is new (open_coding.py);
        it takes the next number, so no other theme's number changes."""
        from .open_coding import new_theme

        theme, made = new_theme(self.corpus, text, under)
        if made:
            self.numbered.append((len(self.numbered) + 1, theme))
            if theme.applies_to(self.transcript.group):
                self.group_themes.append(theme)
        return theme, made

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
        """A number (stable, from the whole numbered codebook), an exact id or an exact label.
        Anything else filters the list and applies nothing: two typed letters never code."""
        number = as_number(token)
        if number is not None or token.isdigit():
            for n, theme in self.numbered:
                if n == number:
                    return theme, ""
            return None, f"No theme number {short(token, 12)} in the list."
        exact = self._exact(token)
        if exact is not None:
            return exact, ""
        needle = token.casefold().strip()
        fits = matching([t for _, t in self.numbered], needle)
        if not fits:
            return None, f"No theme fits '{short(token, 30)}'."
        self.filter = token.strip()
        return None, f"{len(fits)} theme(s) fit '{short(token, 30)}'; pick one by number."

    def _exact(self, text: str) -> Theme | None:
        needle = " ".join(text.casefold().split())
        return next((t for _, t in self.numbered if needle in (t.id, " ".join(t.label.casefold().split()))), None)

    def _record(self, what: str, seg: Segment | None = None) -> None:
        seg = seg or self.segments[self.position]
        before = self.decisions.get(seg.id)
        self.history.append((what, list(self.file.codings), self.position, (seg, before)))

    def apply(self, line: str, note: str = "") -> View:
        whole = self._exact(line)
        if whole is not None:
            themes = [whole]  # a whole label, spaces and all
        else:
            themes = []
            for tok in line.replace(",", " ").split():
                theme, problem = self.resolve(tok)
                if theme is None:
                    return self.view(problem + " Nothing applied. (? for help)")
                themes.append(theme)
        seg = self.segments[self.position]
        self._record("apply " + ", ".join(t.id for t in themes))
        for theme in themes:
            apply_theme(self.corpus, self.transcript, self.coder, theme, [(seg.start, seg.end)])
        self._decide([seg], progress.CODED)
        self.last_coded = self.position
        elsewhere = [t for t in themes if not t.applies_to(self.transcript.group)]
        elsewhere_note = (f" (listed for {', '.join(elsewhere[0].groups)}, not {self.transcript.group}; applied anyway)"
                          if elsewhere else "")
        return self.move(1, f"{note}Coded {seg.local_id}: " + ", ".join(t.label for t in themes) + elsewhere_note)

    def no_code(self) -> View:
        seg = self.segments[self.position]
        if self.codes_on(seg):
            return self.view(f"{seg.local_id} has codes; remove them first (x N) to mark it 'no code'.")
        self._record("no code")
        self._decide([seg], progress.NONE)
        return self.move(1, f"{seg.local_id}: no code")

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
        self._record(what, seg)
        f = self.file
        f.codings = [change(c) if id(c) in ids else c for c in f.codings]
        save(self.corpus, f)
        done = {"memo": "Memo saved on", "pin": "Pinned as an indicative quote:", "unpin": "Unpinned:"}[what]
        return self.view(f"{done} {seg.local_id}.")

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
        self._record(f"remove {theme.id}", seg)
        f = self.file
        gone = {id(c) for c in here}
        f.codings = [c for c in f.codings if id(c) not in gone]
        save(self.corpus, f)
        return self.view(f"Removed {theme.label} from {seg.local_id}.")

    def undo(self) -> View:
        if not self.history:
            return self.view("Nothing to undo.")
        what, codings, position, marks = self.history.pop()
        f = self.file
        f.codings = codings
        save(self.corpus, f)
        pairs = marks[1] if marks and marks[0] == "span" else [marks]
        for seg, before in pairs:
            if self.decisions.get(seg.id) != before:
                self._decide([seg], before.decision if before else None)
        self.position = position
        return self.view(f"Undid: {what}.")

    # --- span operations (the workbench's selection: a run of units, or words within one) -------
    def units_in(self, start: int, end: int) -> list[Segment]:
        return [s for s in self.segments if s.start < end and start < s.end]

    def codes_in(self, start: int, end: int) -> list[Coding]:
        f = self.file
        orphans = {id(c) for c in f.orphaned}
        return [c for c in f.codings if c.status == ACCEPTED and id(c) not in orphans and c.start < end and start < c.end]

    def toggle(self, theme: Theme, start: int, end: int) -> str:
        """Code the span with the theme as one coding, or take that coding off if it is there.
        The units it covers count as decided. Returns what happened, for the status line."""
        units = self.units_in(start, end)
        here = [c for c in self.codes_in(start, end) if c.code == theme.id and (c.start, c.end) == (start, end)]
        self._record(("remove " if here else "apply ") + theme.id, units[0] if units else None)
        self.history[-1] = (*self.history[-1][:3], ("span", [(u, self.decisions.get(u.id)) for u in units]))
        if here:
            f = self.file
            gone = {id(c) for c in here}
            f.codings = [c for c in f.codings if id(c) not in gone]
            save(self.corpus, f)
            return f"Removed {theme.label}."
        apply_theme(self.corpus, self.transcript, self.coder, theme, [(start, end)])
        self._decide(units, progress.CODED)
        note = "" if theme.applies_to(self.transcript.group) else \
            f" (listed for {', '.join(theme.groups)}, not {self.transcript.group}; applied anyway)"
        return f"Coded {theme.label}{note}."

    def clear(self, start: int, end: int) -> str:
        here = self.codes_in(start, end)
        if not here:
            return "Nothing coded here."
        self._record("clear", self.units_in(start, end)[0])
        f = self.file
        gone = {id(c) for c in here}
        f.codings = [c for c in f.codings if id(c) not in gone]
        save(self.corpus, f)
        return f"Removed {len(here)} coding(s)."

    def annotate(self, start: int, end: int, memo: str | None = None, pin: bool = False) -> str:
        """A memo on (or pin of) the codings of the span; the span's own codings first."""
        here = self.codes_in(start, end)
        exact = [c for c in here if (c.start, c.end) == (start, end)] or here
        if not exact:
            return "Code it first: memos and pins belong to codings."
        self._record("memo" if memo is not None else "pin", self.units_in(start, end)[0])
        ids = {id(c) for c in exact}
        pinned = all(c.pinned for c in exact)
        f = self.file
        f.codings = [(replace(c, memo=memo) if memo is not None else replace(c, pinned=not pinned))
                     if id(c) in ids else c for c in f.codings]
        save(self.corpus, f)
        return "Memo saved." if memo is not None else ("Unpinned." if pinned else "Pinned as an indicative quote.")

    def no_code_units(self, units: list[Segment]) -> str:
        coded = [u for u in units if self.codes_on(u)]
        if coded:
            return f"{coded[0].local_id} has codes; remove them first (x) to mark it 'no code'."
        self._record("no code", units[0])
        self.history[-1] = (*self.history[-1][:3], ("span", [(u, self.decisions.get(u.id)) for u in units]))
        self._decide(units, progress.NONE)
        return "No code."
