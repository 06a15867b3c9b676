"""Queries a researcher asks of coded material: every passage of a theme, and keyword in context."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from ..corpus import Corpus
from ..display import said
from ..errors import QualcodeError
from .coded_units import coded_units
from .passages import TurnIndex, overlapped, passages
from .summary import attribution, pseudonyms


@dataclass
class Passage:
    theme: str
    transcript_id: str
    participant: str
    group: str | None
    attribution: str
    start: int
    end: int
    text: str
    pinned: bool
    before: list[str] = field(default_factory=list)  # context: "Speaker: sentence"
    after: list[str] = field(default_factory=list)


@dataclass
class KwicHit:
    transcript_id: str
    segment_id: str
    speaker: str | None
    participant: str | None
    group: str | None
    left: str
    match: str
    right: str
    themes: list[str]


def _as_dicts(items) -> list[dict]:
    return [asdict(i) for i in items]


def quotes(corpus: Corpus, theme: str, group: str | None = None, participant: str | None = None,
           context: int = 0, coder: str | None = None) -> list[Passage]:
    """Every coded passage of the theme (adjacent coded sentences of a turn joined), in document
    order, with its attribution and `context` segments either side."""
    from ..tagging import check_theme

    theme_id = check_theme(corpus, theme).id
    if context < 0:
        raise QualcodeError("--context must be 0 or more")
    by_id = {t.id: t for t in corpus.transcripts}
    codings: dict[str, list] = {}
    for _, tid, c in corpus.accepted(corpus.known_coder(coder)):
        if c.code == theme_id and tid in by_id:
            codings.setdefault(tid, []).append(c)
    segments = corpus.segments([by_id[t] for t in sorted(codings) if codings[t]]) if context else {}
    alias = pseudonyms(corpus)
    out = []
    for tid in sorted(codings):
        if not codings[tid]:
            continue
        t = by_id[tid]
        for p in passages(t, TurnIndex(t), codings[tid]):
            if p.is_interviewer or (group and p.group != group) or (participant and p.participant != participant):
                continue
            q = Passage(theme_id, tid, p.participant, p.group,
                        attribution(p, corpus.codebook, alias[p.participant] if alias else None), p.start, p.end, p.text,
                        p.pinned)
            if context:
                segs = segments[tid]
                first = next((i for i, s in enumerate(segs) if s.end > p.start), len(segs))
                last = next((i for i in range(len(segs) - 1, -1, -1) if segs[i].start < p.end), -1)
                q.before = [said(s.speaker, s.text) for s in segs[max(0, first - context):first]]
                q.after = [said(s.speaker, s.text) for s in segs[last + 1:last + 1 + context]]
            out.append(q)
    return out


def _pattern(text: str, lemma: bool) -> tuple[re.Pattern, re.Pattern]:
    """The search pattern (whole words), and its core without the word-boundary checks: any text a
    segment matches, its transcript's body matches with the core at the same place."""
    words = text.split()
    if not words:
        raise QualcodeError("say what to search for")
    if lemma:  # any form of each word: 'wait' finds waited, waiting, waits
        from ..nlp import forms_of

        parts = ["(?:" + "|".join(sorted((re.escape(f) for f in forms_of(w)), key=len, reverse=True)) + ")"
                 for w in words]
    else:
        parts = [re.escape(w) for w in words]
    core = r"\s+".join(parts)
    return re.compile(r"(?<!\w)" + core + r"(?!\w)", re.IGNORECASE), re.compile(core, re.IGNORECASE)


def search(corpus: Corpus, text: str, lemma: bool = False, group: str | None = None, width: int = 50,
           coder: str | None = None) -> list[KwicHit]:
    """Keyword in context over every transcript, with the themes already coded on each hit's segment."""
    pattern, core = _pattern(text, lemma)
    segments = corpus.segments()
    # One scan of each body with the core finds every segment that can hold a hit: a match inside
    # a segment is a core match there, or lies under an earlier core match that overlaps it.
    # Only those segments are searched, and only their themes are looked up.
    candidates = []
    for t in corpus.transcripts:
        spans = [m.span() for m in core.finditer(t.body)]
        if spans:
            candidates += overlapped(segments[t.id], spans)
    if group:
        candidates = [s for s in candidates if s.group == group]
    found = [(s, m) for s in candidates for m in pattern.finditer(s.text)]
    themes = {u.segment.id: sorted(u.themes) for u in coded_units(corpus, coder, only={s.id for s, _ in found})}
    out = []
    for s, m in found:
        left = " ".join(s.text[:m.start()].split())
        right = " ".join(s.text[m.end():].split())
        out.append(KwicHit(s.transcript_id, s.id, s.speaker, s.participant, s.group,
                           _tail(left, width), m.group(0), _head(right, width), themes.get(s.id, [])))
    return out


def _head(text: str, width: int) -> str:
    """At most `width` characters of context after a hit, cut at a word boundary (never 'bl')."""
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width + 1)
    return (text[:cut] if cut > 0 else text[:width]).rstrip() + " …"


def _tail(text: str, width: int) -> str:
    """The same before a hit: its last whole words within `width` characters."""
    if len(text) <= width:
        return text
    cut = text.find(" ", len(text) - width - 1)
    return "… " + (text[cut + 1:] if cut >= 0 else text[-width:]).lstrip()

