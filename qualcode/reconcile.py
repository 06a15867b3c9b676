"""Reconciling two or more coders into a consensus coder, keeping every original.

Units where all coders agree go into the consensus as they are; the disagreements are walked one
at a time. A decision replaces the consensus codes on that unit and is saved at once."""

from __future__ import annotations

from dataclasses import dataclass, field

from .analysis.agreement import Unit, coded_by_each
from .corpus import Corpus
from .display import as_number
from .errors import QualcodeError
from .model import ACCEPTED, Coding
from .store import check_coder, now
from .tagging import save

HELP = """1, 2, ...   take that coder's codes      all   every code any coder gave   common   only codes all gave
= T1 T2    exactly these themes         none  no code here
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
        # Resume where nothing has been decided: the first disagreement without consensus codes.
        self.position = next((i for i, u in enumerate(self.items) if not self.current(u)), len(self.items))

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
            self.position, tid, codings = self.history.pop()
            f = self.corpus.file(self.into, tid)
            f.codings = codings
            save(self.corpus, f)
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
            chosen = sorted(set(line[1:].replace(",", " ").split()))
            unknown = [c for c in chosen if self.corpus.codebook.theme(c) is None]
            if unknown:
                return f"No theme {', '.join(unknown)}. Nothing changed."
        else:
            return f"Unknown command '{line}'. ? for help."
        self._set(u, chosen)
        self.position += 1
        return "Consensus: " + (", ".join(chosen) or "no code") + "."
