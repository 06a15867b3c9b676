"""Inter-coder agreement per theme and pooled: percent agreement, Cohen's kappa (two coders) and
Krippendorff's alpha (two or more; nominal), with the units and positives behind each figure.

Units are the coding units (or turns) of the transcripts that every selected coder has coded;
in those, a unit a coder gave no code counts as "absent", not as missing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field

from ..corpus import Corpus
from ..errors import QualcodeError, did_you_mean

UNITS = ("segment", "turn")
RARE = 5  # fewer positive units than this and a statistic says little


@dataclass
class Figure:
    theme: str  # a theme id, or "pooled"
    units: int
    positives: dict[str, int]  # coder -> units they coded with the theme
    percent_agreement: float
    kappa: float | None  # two coders only
    alpha: float | None  # None when undefined (no variation at all)
    warning: str | None = None


@dataclass
class Agreement:
    coders: list[str]
    unit: str
    transcripts: list[str]
    groups: dict[str, list[Figure]] = field(default_factory=dict)  # "all" or a group id -> figures

    def to_dict(self) -> dict:
        return asdict(self)


def _observed_and_chance(a: list[int], b: list[int]) -> tuple[float, float]:
    """Two binary raters' observed agreement and the agreement expected by chance."""
    n = len(a)
    po = sum(x == y for x, y in zip(a, b)) / n
    pa, pb = sum(a) / n, sum(b) / n
    return po, pa * pb + (1 - pa) * (1 - pb)


def kappa(a: list[int], b: list[int]) -> float | None:
    """Cohen's kappa for two binary raters; None when chance agreement is total (both constant and equal)."""
    if not a:
        return None
    po, pe = _observed_and_chance(a, b)
    return None if pe == 1 else (po - pe) / (1 - pe)


def alpha(ratings: list[list[int]]) -> float | None:
    """Krippendorff's alpha, nominal, complete data: ratings[coder][unit] in {0, 1}."""
    m, n = len(ratings), len(ratings[0]) if ratings else 0
    if m < 2 or not n:
        return None
    ones = [sum(r[u] for r in ratings) for u in range(n)]  # per unit, how many coders said 1
    total = m * n
    n1 = sum(ones)
    n0 = total - n1
    # Observed disagreement from the coincidence matrix: pairs of different values within units.
    observed = sum(2 * k * (m - k) for k in ones) / (m - 1)
    expected = 2 * n0 * n1 / (total - 1)
    return None if expected == 0 else 1 - observed / expected


def _figure(theme: str, coders: list[str], ratings: dict[str, list[int]]) -> Figure:
    units = len(next(iter(ratings.values())))
    rows = [ratings[c] for c in coders]
    agree = sum(len({r[u] for r in rows}) == 1 for u in range(units)) / units if units else 0.0
    positives = {c: sum(ratings[c]) for c in coders}
    fig = Figure(theme, units, positives, round(agree, 4),
                 None if len(coders) != 2 or not units else _round(kappa(rows[0], rows[1])), _round(alpha(rows)))
    any_positive = sum(any(r[u] for r in rows) for u in range(units))
    if any_positive < RARE:
        fig.warning = f"only {any_positive} unit(s) coded with it: too rare for the figure to mean much"
    return fig


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


@dataclass(frozen=True)
class Unit:
    transcript_id: str
    id: str  # segment id, or "tid:turn" for turn units
    start: int
    end: int
    text: str
    speaker: str | None
    group: str | None
    codes: dict  # coder -> frozenset of theme ids


def coded_by_each(corpus: Corpus, coders: list[str] | None, unit: str = "segment") -> tuple[list[str], list[str], list[Unit]]:
    """(coders, transcripts every coder coded, units of those transcripts with each coder's themes)."""
    if unit not in UNITS:
        raise QualcodeError(f"unknown unit '{unit}'" + did_you_mean(unit, UNITS), hint="Use segment or turn.")
    # by default every coder but the consensus ones `reconcile` wrote: agreement is between
    # independent coders
    default = [c for c in corpus.coders if c not in corpus.consensus_coders]
    coders = [corpus.known_coder(c) for c in dict.fromkeys(coders or default)]
    if len(coders) < 2:
        raise QualcodeError("this needs two or more coders", hint="Pass them, e.g. --coders alice bob")
    spans: dict[tuple[str, str], list] = defaultdict(list)  # (coder, transcript) -> accepted codings
    for who, tid, c in corpus.accepted():
        if who in coders:
            spans[(who, tid)].append(c)
    shared = sorted(t.id for t in corpus.transcripts if all(spans.get((c, t.id)) for c in coders))
    if not shared:
        raise QualcodeError("no transcript has been coded by all of " + ", ".join(coders),
                            hint="Agreement is measured on transcripts every coder has coded.")
    by_id = {t.id: t for t in corpus.transcripts}
    segments = corpus.segments([by_id[t] for t in shared])
    units: list[Unit] = []
    for tid in shared:
        t = by_id[tid]
        if unit == "turn":
            spans_here = [(f"{tid}:{turn.index}", turn.start, turn.end, turn.speaker, turn.group or t.group)
                          for turn in t.turns if not turn.is_interviewer]
        else:
            spans_here = [(s.id, s.start, s.end, s.speaker, s.group) for s in segments[tid] if not s.is_interviewer]
        for uid, s, e, speaker, group in spans_here:
            codes = {c: frozenset(x.code for x in spans[(c, tid)] if x.start < e and s < x.end) for c in coders}
            units.append(Unit(tid, uid, s, e, t.body[s:e], speaker, group, codes))
    return coders, shared, units


def agreement(corpus: Corpus, coders: list[str] | None = None, unit: str = "segment", codes: list[str] | None = None,
              by_group: bool = False) -> Agreement:
    themes = list(codes) if codes else corpus.codebook.ids
    for t in themes:
        if corpus.codebook.theme(t) is None:
            raise QualcodeError(f"no theme '{t}'" + did_you_mean(t, corpus.codebook.ids))
    coders, shared, units = coded_by_each(corpus, coders, unit)
    result = Agreement(coders, unit, shared)
    # ratings[group][theme][coder] -> 0/1 over units
    ratings: dict[str, dict[str, dict[str, list[int]]]] = defaultdict(lambda: {t: {c: [] for c in coders} for t in themes})
    listed = {t: corpus.codebook.theme(t) for t in themes}
    for u in units:
        # A theme counts on a unit only where it can apply: coded for the unit's group, or given
        # there by a coder anyway. Twenty-five themes for other groups all "agreed absent" on a
        # CPS interview would make agreement look near perfect.
        here = [t for t in themes if listed[t].applies_to(u.group) or any(t in u.codes[c] for c in coders)]
        for key in (["all", u.group or "(none)"] if by_group else ["all"]):
            for theme in here:
                for coder in coders:
                    ratings[key][theme][coder].append(int(theme in u.codes[coder]))
    for key in ["all"] + sorted(k for k in ratings if k != "all"):
        # a theme that applies to no unit here (another group's) has no figure, not a 0% one
        figs = [_figure(theme, coders, ratings[key][theme]) for theme in themes if ratings[key][theme][coders[0]]]
        result.groups[key] = figs + [_pooled(coders, ratings[key], themes)]
    return result


def disagreements(corpus: Corpus, coders: list[str] | None = None, unit: str = "segment") -> list[Unit]:
    """Every unit where the coders' themes differ, in document order."""
    _, _, units = coded_by_each(corpus, coders, unit)
    return [u for u in units if len(set(u.codes.values())) > 1]


def _pooled(coders: list[str], ratings, themes: list[str]) -> Figure:
    """Percent agreement and alpha over every (unit, theme) decision; kappa pooled as de Vries et
    al. (2008): mean observed and mean chance agreement across themes, then one kappa."""
    rows = {c: [v for t in themes for v in ratings[t][c]] for c in coders}
    fig = _figure("pooled", coders, rows)
    if len(coders) == 2:
        pairs = [_observed_and_chance(ratings[t][coders[0]], ratings[t][coders[1]])
                 for t in themes if ratings[t][coders[0]]]
        po, pe = (sum(p for p, _ in pairs) / len(pairs), sum(e for _, e in pairs) / len(pairs)) if pairs else (0, 1)
        fig.kappa = None if pe == 1 else round((po - pe) / (1 - pe), 4)
    fig.warning = None
    return fig
