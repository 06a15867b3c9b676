"""Reconciling two or more coders into a consensus coder, keeping every original.

Units where all coders agree go into the consensus as they are; the disagreements are walked one
at a time. A decision replaces the consensus codes on that unit and is saved at once."""

from __future__ import annotations

from dataclasses import dataclass, field

from .analysis.agreement import Unit, coded_by_each
from .corpus import Corpus
from . import progress
from .display import as_number, said
from .errors import QualcodeError
from .model import ACCEPTED, Coding
from .store import check_coder, now
from .tagging import save

HELP = """1, 2, ...   take that coder's codes      all   every code any coder gave   common   only codes all gave
= THEMES   exactly these themes, by id or label (= Court procedure, Resource barriers)
none       no code here (recorded: a rerun does not ask again)
Enter      skip (decide later)          u     undo                           q     quit (all saved)"""


@dataclass
class Reconciliation:
    corpus: Corpus
    coders: list[str]
    into: str
    unit: str = "segment"
    items: list[Unit] = field(init=False)
    agreed: int = field(init=False, default=0)  # units copied into the consensus as they were
    position: int = 0
    history: list[tuple[int, str, list[Coding]]] = field(default_factory=list)

    def __post_init__(self):
        check_coder(self.into)
        if self.into in self.coders:
            raise QualcodeError(f"'{self.into}' is one of the coders being reconciled",
                                hint="Write the consensus as a new coder, e.g. --into consensus")
        self.coders, _, units = coded_by_each(self.corpus, self.coders, self.unit)
        for u in units:
            codes = set(u.codes.values())
            if len(codes) == 1 and next(iter(codes)) and not self.current(u):
                self._set(u, sorted(next(iter(codes))), record=False)
                self.agreed += 1
        self.items = [u for u in units if len(set(u.codes.values())) > 1]
        # Resume where nothing has been decided: the first disagreement without consensus codes
        # and not decided "no code" (the consensus coder's progress record, progress.py).
        self.nocode = self._nocode_decisions()
        self.position = next((i for i, u in enumerate(self.items) if not self.decided(u)), len(self.items))

    def _nocode_decisions(self) -> set[tuple[str, int, int]]:
        out = set()
        for tid in {u.transcript_id for u in self.items}:
            path = progress.path_for(self.corpus.project.codings_dir, self.into, tid)
            units = [u for u in self.items if u.transcript_id == tid]
            for uid, d in progress.decided(progress.read(path, self.corpus.project.rel(path)), units).items():
                if d.decision == progress.NONE:
                    u = next(x for x in units if x.id == uid)
                    out.add((tid, u.start, u.end))
        return out

    def context(self, u: Unit) -> str:
        """What came just before the unit: the earlier text of its turn, or the turn before."""
        t = self.corpus.transcript(u.transcript_id)
        turn = next((x for x in t.turns if x.start <= u.start < x.end), None)
        if turn is None:
            return ""
        if u.start > turn.start + len(turn.speaker or "") + 2:
            earlier = " ".join(t.body[turn.start:u.start].split())
            return "… " + earlier[-200:] if len(earlier) > 200 else earlier
        prev = next((x for x in reversed(t.turns) if x.index < turn.index), None)
        if prev is None:
            return ""
        text = " ".join(prev.text.split())
        return said(prev.speaker, text if len(text) <= 300 else "…" + text[-299:])

    def decided(self, u: Unit) -> bool:
        return bool(self.current(u)) or (u.transcript_id, u.start, u.end) in self.nocode

    def themes_from(self, text: str) -> list[str]:
        """'= ...': theme ids or labels, split by commas; without commas, the whole text as one
        label if it is one, else ids separated by spaces."""
        from .tagging import check_theme

        text = text.strip()
        parts = [p.strip() for p in text.split(",")] if "," in text else None
        if parts is None:
            whole = next((t for t in self.corpus.codebook.themes if " ".join(t.label.casefold().split()) ==
                          " ".join(text.casefold().split())), None)
            parts = [text] if whole is not None else text.split()
        return sorted({check_theme(self.corpus, p).id for p in parts if p})

    def current(self, u: Unit) -> list[str]:
        f = self.corpus.file(self.into, u.transcript_id)
        return sorted({c.code for c in f.codings if c.status == ACCEPTED and (c.start, c.end) == (u.start, u.end)})

    def _set(self, u: Unit, themes: list[str], record: bool = True) -> None:
        t = self.corpus.transcript(u.transcript_id)
        f = self.corpus.file(self.into, u.transcript_id)
        if record:
            self.history.append((self.position, u.transcript_id, list(f.codings)))
        kept = [c for c in f.codings if (c.start, c.end) != (u.start, u.end)]
        stamp = now()
        f.codings = kept + [Coding(code=th, start=u.start, end=u.end, text=t.body[u.start:u.end], source="manual",
                                   status=ACCEPTED, codebook_version=self.corpus.codebook.version, at=stamp,
                                   extra={"reconciled": self.coders}) for th in themes]
        save(self.corpus, f)

    @property
    def done(self) -> bool:
        return self.position >= len(self.items)

    def handle(self, line: str) -> str:
        """Apply one command; returns a message for the person."""
        line = line.strip()
        if line == "?":
            return HELP
        if line == "u":
            if not self.history:
                return "Nothing to undo."
            self.position, tid, codings, *marked = self.history.pop()
            f = self.corpus.file(self.into, tid)
            f.codings = codings
            save(self.corpus, f)
            if marked:
                u, was_none = marked[0]
                self._mark(u, progress.NONE if was_none else None)
            return "Undone."
        if self.done:
            return "Nothing left to reconcile."
        u = self.items[self.position]
        if line in ("", "s"):
            self.position += 1
            return "Skipped."
        sets = [u.codes[c] for c in self.coders]
        number = as_number(line)
        if number is not None and 1 <= number <= len(self.coders):
            chosen = sorted(sets[number - 1])
        elif line == "all":
            chosen = sorted(frozenset().union(*sets))
        elif line == "common":
            chosen = sorted(frozenset.intersection(*sets))
        elif line == "none":
            chosen = []
        elif line.startswith("="):
            try:
                chosen = self.themes_from(line[1:])
            except QualcodeError as exc:
                return f"{exc.message}. Nothing changed."
            if not chosen:
                return "Say which themes after '=', or type none."
        else:
            return f"Unknown command '{line}'. ? for help."
        return self.choose(chosen)

    def choose(self, chosen: list[str]) -> str:
        """The consensus for the current unit: exactly these themes (none: "no code"); saved, then on."""
        u = self.items[self.position]
        was_none = (u.transcript_id, u.start, u.end) in self.nocode
        self._set(u, chosen)
        self._mark(u, progress.CODED if chosen else progress.NONE)
        self.history[-1] = (*self.history[-1][:3], (u, was_none))
        self.position += 1
        labels = [self.corpus.codebook.theme(c).label for c in chosen]
        return "Consensus: " + (", ".join(labels) or "no code") + "."

    def _mark(self, u: Unit, decision: str | None) -> None:
        root, codings_dir = self.corpus.project.root, self.corpus.project.codings_dir
        progress.record(root, codings_dir, self.into, u.transcript_id, [u], decision)
        key = (u.transcript_id, u.start, u.end)
        if decision == progress.NONE:
            self.nocode.add(key)
        else:
            self.nocode.discard(key)
