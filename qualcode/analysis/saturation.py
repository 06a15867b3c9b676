"""Did the coding reach saturation? After each further interview, in the order they were held,
how many themes appeared for the first time."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..corpus import Corpus
from ..errors import QualcodeError, did_you_mean
from .passages import TurnIndex

ORDERS = ("date", "name")


@dataclass
class Step:
    position: int
    transcript_id: str
    date: str | None
    group: str | None
    themes: int  # themes coded in this interview
    new: list[str]  # themes seen here for the first time
    cumulative: int


@dataclass
class Saturation:
    order: str
    themes_in_codebook: int
    steps: list[Step]

    def to_dict(self) -> dict:
        return asdict(self)


def saturation(corpus: Corpus, order: str = "date", coder: str | None = None, group: str | None = None) -> Saturation:
    """With `group`, only that stakeholder group's interviews: saturation is usually judged per group."""
    if order not in ORDERS:
        raise QualcodeError(f"unknown order '{order}'" + did_you_mean(order, ORDERS), hint="Use date or name.")
    coded: dict[str, set[str]] = {}
    index = {t.id: TurnIndex(t) for t in corpus.transcripts}
    for _, tid, c in corpus.accepted(corpus.known_coder(coder)):
        turns = index.get(tid)
        # A theme only the interviewer's words were coded with has not come up in the interview.
        if turns is None or any(turn is None or not turn.is_interviewer for *_, turn in turns.pieces(c.start, c.end)):
            coded.setdefault(tid, set()).add(c.code)

    def key(t):
        date = str(t.metadata.get("date") or "")
        # Undated interviews go last (in name order) when ordering by date.
        return ((date == "", date, t.id) if order == "date" else (t.id,))

    transcripts = corpus.transcripts
    if group is not None:
        groups = sorted({t.group for t in transcripts if t.group})
        if group not in groups:
            raise QualcodeError(f"no interviews in group '{group}'" + did_you_mean(group, groups),
                                hint="Groups: " + ", ".join(groups))
        transcripts = [t for t in transcripts if t.group == group]
    seen: set[str] = set()
    steps = []
    for i, t in enumerate(sorted(transcripts, key=key), 1):
        here = coded.get(t.id, set())
        new = sorted(here - seen, key=lambda c: corpus.codebook.ids.index(c) if c in corpus.codebook.ids else 0)
        seen |= here
        steps.append(Step(i, t.id, str(t.metadata["date"]) if t.metadata.get("date") else None, t.group, len(here),
                          new, len(seen)))
    return Saturation(order, len(corpus.codebook.themes), steps)
