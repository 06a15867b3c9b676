"""Key themes by stakeholder group, with counts and indicative quotes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field

from ..corpus import Corpus
from ..errors import QualcodeError, did_you_mean
from ..model import Codebook, Coding
from .passages import Overlaps, Passage, TurnIndex, passages
from .quote_choice import choose, remembered_typicality, trim
from .rollup import roll_up, rolled_gloss


@dataclass(frozen=True)
class Quote:
    text: str
    attribution: str
    transcript_id: str
    participant: str
    start: int
    end: int
    pinned: bool
    trimmed: bool = False  # cut to whole sentences, ending in an ellipsis


@dataclass
class ThemeRow:
    id: str
    label: str
    gloss: str
    participants: int
    participants_in_group: int
    segments: int
    quotes: list[Quote] = field(default_factory=list)
    rolled_up: bool = False  # a parent not coded itself: its sub-themes counted together, quotes under them


@dataclass
class GroupSummary:
    id: str | None
    label: str
    transcripts: int
    participants: int
    themes: list[ThemeRow] = field(default_factory=list)


@dataclass
class Summary:
    codebook: str
    codebook_version: int | str
    coders: list[str]
    unit: str
    groups: list[GroupSummary]
    pooled: bool = False  # every coder's accepted codings together (no --coder, no default coder)

    @property
    def coded_by(self) -> str:
        """For a report's header: whose codes it counts."""
        if not self.coders:
            return "nobody yet"
        return ", ".join(self.coders) + (" (every coder pooled; a span two coded counts once)" if self.pooled else "")

    def to_dict(self) -> dict:
        d = asdict(self)
        del d["pooled"]  # `coders` says it: one name, or everyone's
        return d


def attribution(p: Passage, codebook: Codebook, pseudonym: str | None = None) -> str:
    """How a published report attributes a quote: by role, else by stakeholder group. In an
    anonymous project by group and pseudonym: a role can name a person ("the legislation lead")."""
    if pseudonym is not None:
        return f"{codebook.group_label(p.group)}, {pseudonym}"
    if p.role:
        return p.role
    return f"{codebook.group_label(p.group)} participant"


def pseudonyms(corpus: Corpus) -> dict[str, str] | None:
    """Participant id -> pseudonym when the project is anonymous, else None."""
    if not corpus.project.anonymous:
        return None
    from ..anonymise import Pseudonyms

    return Pseudonyms.of(corpus).mapping


def summarise(corpus: Corpus, group: str | None = None, coder: str | None = None, quotes: int = 3,
              rollup: bool = True) -> Summary:
    """`rollup`: a parent theme that is not coded itself counts its sub-themes' codings together."""
    cb = corpus.codebook
    corpus.known_coder(coder)
    if quotes < 0:
        raise QualcodeError("--quotes must be 0 or more")
    by_id = {t.id: t for t in corpus.transcripts}

    # Participants and transcripts per group, from who speaks (focus groups: per speaker).
    people: dict[str | None, set[str]] = defaultdict(set)
    docs: dict[str | None, set[str]] = defaultdict(set)
    for t in corpus.transcripts:
        for turn in t.turns:
            if not turn.is_interviewer:
                g = turn.group or t.group
                people[g].add(turn.participant or t.participant)
                docs[g].add(t.id)

    per_theme: dict[tuple[str, str], list[Coding]] = defaultdict(list)
    accepted, rolled = roll_up(cb, corpus.accepted(coder)) if rollup else (corpus.accepted(coder), set())
    for _, tid, c in accepted:
        if tid in by_id:
            per_theme[(tid, c.code)].append(c)
    found: dict[tuple[str | None, str], list[Passage]] = defaultdict(list)
    units: dict[tuple[str | None, str], set[str]] = defaultdict(set)  # coding units touched
    segments = corpus.segments([by_id[tid] for tid in sorted({tid for tid, _ in per_theme})])
    indexes: dict[str, tuple[TurnIndex, Overlaps]] = {}
    for (tid, code), codings in sorted(per_theme.items()):
        t = by_id[tid]
        turns, overlaps = indexes.get(tid) or indexes.setdefault(
            tid, (TurnIndex(t), Overlaps([s for s in segments[tid] if not s.is_interviewer])))
        for p in passages(t, turns, codings):
            if not p.is_interviewer:  # the interviewer's words count nowhere, as in matrix and status
                found[(p.group, code)].append(p)
        for seg in overlaps.of([(c.start, c.end) for c in codings]):
            units[(seg.group, code)].add(seg.id)

    order = list(cb.groups) + sorted({g for g in docs if g is not None and g not in cb.groups})
    if None in docs:
        order.append(None)
    if group is not None:
        if group not in order:
            raise QualcodeError(f"no stakeholder group '{group}'" + did_you_mean(group, [g for g in order if g]),
                                hint="Groups: " + ", ".join(g for g in order if g))
        order = [group]
    theme_rank = {t.id: i for i, t in enumerate(cb.themes)}
    alias = pseudonyms(corpus)
    typical: dict[str, dict] = {}
    if quotes:  # how typical each passage is of its theme, across every group's passages of it
        every = {theme.id: [p for g in order for p in found.get((g, theme.id), [])]
                 for theme in cb.themes if theme.id not in rolled}
        typical = remembered_typicality({t: ps for t, ps in every.items() if ps}, corpus.project.cache_dir)
    groups = []
    for g in order:
        gs = GroupSummary(g, cb.group_label(g), len(docs.get(g, ())), len(people.get(g, ())))
        for theme in cb.themes:
            ps = found.get((g, theme.id))
            if not ps:
                continue
            is_rolled = theme.id in rolled
            picked = [] if is_rolled else choose(ps, quotes, typical.get(theme.id, {}))
            gs.themes.append(ThemeRow(
                id=theme.id, label=theme.label, gloss=rolled_gloss(cb, theme.id) if is_rolled else theme.gloss,
                participants=len({p.participant for p in ps}),
                participants_in_group=gs.participants,
                segments=len(units[(g, theme.id)]),
                quotes=[Quote(text, attribution(p, cb, alias[p.participant] if alias else None), p.transcript_id, p.participant, p.start, p.end, p.pinned, cut)
                        for p in picked for text, cut in [trim(p.text)]],
                rolled_up=is_rolled,
            ))
        gs.themes.sort(key=lambda r: (-r.participants, -r.segments, theme_rank[r.id]))
        groups.append(gs)
    return Summary(cb.name, cb.version, [coder] if coder else corpus.coders, corpus.project.unit, groups,
                   pooled=coder is None and len(corpus.coders) > 1)
