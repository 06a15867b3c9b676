"""Matrix coding queries: theme x stakeholder group, theme x participant, theme co-occurrence."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field

from ..corpus import Corpus
from ..errors import QualcodeError, did_you_mean
from .coded_units import coded_units
from .rollup import rolled_parents

ROWS = ("themes", "participants")
COLS = ("groups", "participants", "themes")
COUNTS = ("participants", "segments", "transcripts")


@dataclass
class Matrix:
    rows: str
    cols: str
    count: str
    percent: bool
    row_ids: list[str]
    row_labels: list[str]
    col_ids: list[str]
    col_labels: list[str]
    cells: list[list[float]]  # rows x cols
    totals: list[int]  # per column: what a percentage is of (participants, segments or transcripts)
    rolled_up: list[str] = field(default_factory=list)  # parent themes counted as their sub-themes together

    def to_dict(self) -> dict:
        return asdict(self)


def _check(value: str, choices: tuple[str, ...], what: str) -> str:
    if value not in choices:
        raise QualcodeError(f"unknown {what} '{value}'" + did_you_mean(value, choices), hint="Use one of: " + ", ".join(choices))
    return value


VALID = {("themes", "groups"), ("themes", "participants"), ("themes", "themes"), ("participants", "themes")}


def _counted(count: str):
    """What is counted of a unit: its participant, the unit itself, or its transcript."""
    if count == "participants":
        return lambda u: u.segment.participant or u.segment.transcript_id
    return (lambda u: u.segment.id) if count == "segments" else (lambda u: u.segment.transcript_id)


def matrix(corpus: Corpus, rows: str = "themes", cols: str = "groups", count: str = "participants",
           percent: bool = False, coder: str | None = None, rollup: bool = True) -> Matrix:
    """Count, for each theme and column, the distinct participants (or coding units, or transcripts)
    where the theme was coded.

    themes x groups: NVivo's matrix coding query. themes x participants: 0/1, did the participant
    voice it (or units, with --count segments). themes x themes: co-occurrence, the units (or
    participants...) where both themes were coded. participants x themes: the 0/1 table transposed,
    one row per participant, for mixed methods. --percent: of the column's total. `rollup`: a
    parent not coded itself counts its sub-themes together, labelled "(with sub-themes)"; never
    in co-occurrence, where a parent would only co-occur with its own children."""
    _check(rows, ROWS, "--rows"), _check(cols, COLS, "--cols"), _check(count, COUNTS, "--count")
    if (rows, cols) not in VALID:
        raise QualcodeError(f"--rows {rows} does not go with --cols {cols}",
                            hint="Use themes x groups, themes x participants, themes x themes or participants x themes.")
    corpus.known_coder(coder)
    cb = corpus.codebook
    rollup = rollup and (rows, cols) != ("themes", "themes")
    rolled = rolled_parents(cb, {c.code for _, _, c in corpus.accepted(coder)}) if rollup else set()
    units = coded_units(corpus, coder, rollup)
    theme_ids = [t.id for t in cb.themes]
    theme_labels = [t.label + (" (with sub-themes)" if t.id in rolled else "") for t in cb.themes]

    if cols == "themes" and rows == "themes":
        found: dict[tuple[str, str], set] = defaultdict(set)
        key = _counted(count)
        for u in units:
            if u.themes:
                k = key(u)
                for a in u.themes:
                    for b in u.themes:
                        found[(a, b)].add(k)
        cells = [[len(found.get((a, b), ())) for b in theme_ids] for a in theme_ids]
        totals = [len(found.get((t, t), ())) for t in theme_ids]  # the diagonal: the theme alone
        result = Matrix(rows, cols, count, percent, theme_ids, theme_labels, theme_ids, theme_labels, cells, totals)
    else:
        if cols == "groups":
            groups = list(cb.groups) + sorted({u.segment.group for u in units
                                               if u.segment.group and u.segment.group not in cb.groups})
            if any(u.segment.group is None for u in units):
                groups.append(None)
            col_ids, col_labels = [g or "" for g in groups], [cb.group_label(g) for g in groups]
            column = lambda u: u.segment.group or ""  # noqa: E731
        else:
            col_ids = col_labels = sorted({u.segment.participant or u.segment.transcript_id for u in units})
            column = lambda u: u.segment.participant or u.segment.transcript_id  # noqa: E731
        flag = "participants" in (rows, cols) and count == "participants"  # did this person voice it: 0/1
        found = defaultdict(set)
        everyone: dict[str, set] = defaultdict(set)
        key = _counted(count)
        for u in units:
            k, col = key(u), column(u)
            everyone[col].add(k)
            for t in u.themes:
                found[(t, col)].add(k)
        cells = [[min(1, len(found.get((t, c), ()))) if flag else len(found.get((t, c), ())) for c in col_ids]
                 for t in theme_ids]
        totals = [1 if flag else len(everyone.get(c, ())) for c in col_ids]
        result = Matrix("themes", cols if rows == "themes" else "participants", count, percent, theme_ids,
                        theme_labels, col_ids, col_labels, cells, totals)
        if rows == "participants":
            result = Matrix("participants", "themes", count, percent, col_ids, col_labels, theme_ids, theme_labels,
                            [list(r) for r in zip(*cells)], [1] * len(theme_ids))
    result.rolled_up = [t for t in theme_ids if t in rolled]
    if percent:
        if result.rows == "participants" or (result.cols == "participants" and count == "participants"):
            raise QualcodeError("--percent needs counts, not 0/1: add --count segments")
        result.cells = [[round(100 * v / total, 1) if total else 0.0 for v, total in zip(row, result.totals)]
                        for row in result.cells]
    return result
