"""Manual tagging: apply or remove a theme on segments or on an exact quote. Returns what changed."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .corpus import Corpus
from .display import short
from .errors import QualcodeError, did_you_mean
from .model import ACCEPTED, MANUAL, Coding, Segment, Theme, Transcript
from .segment import find_segment
from .coding_file import load_file
from .store import Lines, loose, merge, now, write_codings


@dataclass
class Change:
    added: list[Coding] = field(default_factory=list)
    updated: list[Coding] = field(default_factory=list)
    removed: list[Coding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    created: Theme | None = None  # open coding: the theme this tag added to the codebook


def check_theme(corpus: Corpus, code: str) -> Theme:
    theme = corpus.codebook.theme(code)
    if theme is None:
        by_label = [t for t in corpus.codebook.themes if t.label.casefold() == code.casefold()]
        if by_label:
            return by_label[0]
        raise QualcodeError(f"no theme '{code}' in the codebook" +
                            did_you_mean(code, corpus.codebook.ids),
                            hint="List themes with: qualcode codebook show")
    return theme


def spans_for(corpus: Corpus, t: Transcript, segment_ids: list[str], quote: str | None) -> list[tuple[int, int]]:
    """The spans to tag: each segment's, or the quote's (searched within the segments, if given)."""
    segments = corpus.segments([t])[t.id] if segment_ids or not quote else []
    chosen: list[Segment] = [_find_any_unit(corpus, t, segments, sid) for sid in segment_ids]
    if quote is None:
        if not chosen:
            raise QualcodeError("say what to tag: one or more SEGMENT_IDs, or --quote \"exact text\"",
                                hint=f"List segment ids with: qualcode segments {t.id}")
        return [(s.start, s.end) for s in chosen]
    quote = quote.strip()
    if not quote:
        raise QualcodeError("--quote is empty")
    regions = [(s.start, s.end) for s in chosen] or [(0, len(t.body))]
    # White space need not match: a quote copied from `segments` (re-wrapped) or typed on one
    # line finds a passage that the transcript hard-wraps. The coding keeps the transcript's own
    # text (line breaks and all), which is what re-anchoring needs; reports show it re-flowed.
    pattern = loose(quote)
    hits = []
    for lo, hi in regions:
        hits += [m.span() for m in pattern.finditer(t.body, lo, hi)]
    if not hits:
        raise QualcodeError(f"the quote \"{short(quote, 60)}\" is not in {t.id}" + (" within those segments" if chosen else ""),
                            hint="Check the words against: qualcode segments " + t.id + " (line breaks and spacing do not matter)")
    if len(hits) > 1:
        where = ", ".join(f"turn {_turn_at(t, s)}" for s, _ in hits)
        raise QualcodeError(f"the quote occurs {len(hits)} times in {t.id} ({where})",
                            hint="Quote more words, or give the SEGMENT_ID it is in to narrow it down.")
    return hits



def _find_any_unit(corpus: Corpus, t: Transcript, segments: list[Segment], sid: str) -> Segment:
    """A unit by id; an id shaped like another unit's ('4.p2' a paragraph, '4' a whole turn) is
    found in that unit, whatever the project's unit is: it says exactly which text is meant."""
    import re

    from .segment import segment_all

    try:
        return find_segment(segments, sid)
    except QualcodeError:
        local = sid.rpartition(":")[2]
        other = "paragraph" if re.fullmatch(r"\d+\.p\d+", local) else "turn" if re.fullmatch(r"\d+", local) else None
        if other is None:
            raise
        return find_segment(segment_all([t], other, corpus.project.cache_dir)[t.id], sid)


def _turn_at(t: Transcript, offset: int) -> int | str:
    for turn in t.turns:
        if turn.start <= offset < turn.end:
            return turn.index
    return "?"


def tag(corpus: Corpus, transcript: str, coder: str, code: str, segment_ids: list[str] = (),
        quote: str | None = None, memo: str | None = None, pin: bool = False, new: bool = False,
        under: str | None = None) -> Change:
    """`new`: open coding, the theme is added to the codebook first when it is not there (an id,
    or a label its id is made from); `under` puts it under a parent theme."""
    t = corpus.transcript(transcript)
    change = Change()
    if not new:
        if under:
            raise QualcodeError("--under is for a new theme", hint="Add --new, or drop --under.")
        theme = check_theme(corpus, code)
    spans = spans_for(corpus, t, list(segment_ids), quote)  # before any theme is made: a bad quote changes nothing
    if new:
        from .open_coding import new_theme

        theme, made = new_theme(corpus, code, under)
        if made:
            change.created = theme
        else:
            change.warnings.append(f"'{theme.id}' is in the codebook already; tagged with it")
    if not theme.applies_to(t.group):
        change.warnings.append(f"theme '{theme.id}' is listed for {', '.join(theme.groups)}, "
                               f"and {t.id} is in group {t.group}; tagged anyway")
    change.added, change.updated = apply_theme(corpus, t, coder, theme, spans, memo, pin)
    return change


def apply_theme(corpus: Corpus, t: Transcript, coder: str, theme: Theme, spans: list[tuple[int, int]],
                memo: str | None = None, pin: bool = False) -> tuple[list[Coding], list[Coding]]:
    """Code each span with the theme, as an accepted manual coding; save. Returns (added, updated)."""
    cf = corpus.file(coder, t.id)
    added, updated = [], []
    existing = {c.key: c for c in cf.codings if c.status == ACCEPTED}
    for s, e in spans:
        key = (s, e, theme.id)
        if key in existing:
            old = existing[key]
            new = replace(old, memo=memo if memo is not None else old.memo, pinned=old.pinned or pin)
            if new != old:
                updated.append(new)
                cf.codings[cf.codings.index(old)] = new
            continue
        # An open suggestion or a rejection for the same span and code gives way to this decision.
        cf.codings = [c for c in cf.codings if c.key != key]
        new = Coding(code=theme.id, start=s, end=e, text=t.body[s:e], source=MANUAL, status=ACCEPTED,
                     codebook_version=corpus.codebook.version, at=now(), memo=memo, pinned=pin)
        cf.codings.append(new)
        added.append(new)
    save(corpus, cf)
    return added, updated


def untag(corpus: Corpus, transcript: str, coder: str, code: str, segment_ids: list[str] = (),
          quote: str | None = None) -> Change:
    """Remove the theme's codings that overlap the segments (or equal the quote's span)."""
    t = corpus.transcript(transcript)
    theme = check_theme(corpus, code)
    spans = spans_for(corpus, t, list(segment_ids), quote)
    cf = corpus.file(coder, t.id)
    orphans = {id(c) for c in cf.orphaned}

    def hit(c: Coding) -> bool:
        if c.code != theme.id or c.status != ACCEPTED or id(c) in orphans:
            return False
        if quote is not None:
            return (c.start, c.end) in spans
        return any(c.start < e and s < c.end for s, e in spans)

    change = Change(removed=[c for c in cf.codings if hit(c)])
    if not change.removed:
        raise QualcodeError(f"{coder} has no '{theme.id}' coding there in {t.id}; nothing removed",
                            hint=f"See what is coded with: qualcode segments {t.id} --coder {coder}")
    cf.codings = [c for c in cf.codings if not hit(c)]
    save(corpus, cf)
    return change


def save(corpus: Corpus, cf, durable: bool = True) -> list[Coding]:
    """Write a coder's codings file and make sure the corpus knows it; returns what the file
    held just before (another process may have written it since this one read it). Bulk
    writers pass durable=False and sync once at the end.

    Under the project lock, the file is read again and this process's changes since it read it
    are applied to what is there now (store.merge): a coding another process saved meanwhile is
    never lost. Nothing is saved, with a clear error, if the transcript's text or the codebook
    changed under this process in a way that would make its codings wrong."""
    from .locking import command_name, project_lock

    with project_lock(corpus.project.root, command_name()):
        body = _unchanged_body(corpus, cf)
        _codes_still_known(corpus, cf)
        disk = load_file(cf.path, cf.coder, cf.transcript_id, body, corpus.project.rel(cf.path))
        lines = Lines()  # each coding's JSON line, made once for merging and writing
        merged = merge(cf.base, cf.codings, disk.codings, lines)
        write_codings(cf.path, merged, durable, lines)
    cf.codings, cf.base = merged, list(merged)
    if all(f is not cf for f in corpus.files):
        corpus.files.append(cf)
    return disk.codings


def _unchanged_body(corpus: Corpus, cf) -> str | None:
    """The transcript's text, after making sure its file still holds what this process read:
    offsets and re-anchored quotes are only right against that text."""
    from .cache import digest
    from .transcripts import read_stable

    found = corpus.fingerprints.get(cf.transcript_id)
    t = next((x for x in corpus.transcripts if x.id == cf.transcript_id), None)
    if found is None or t is None:
        return t.body if t is not None else None
    path, stamp = found
    rel = corpus.project.rel(path)
    try:
        now_stamp = digest(read_stable(path, rel))
    except QualcodeError:
        now_stamp = None
    if now_stamp != stamp:
        raise QualcodeError("the transcript changed (or was being saved) while this command ran; nothing was saved",
                            rel, "Run the command again: it will read the text as it is now.")
    return t.body


def _codes_still_known(corpus: Corpus, cf) -> None:
    """A migration may have committed since this process read the codebook (a rename): a coding
    of a theme that is gone would break the project, so refuse it."""
    from .cache import digest
    from .codebook import load_codebook

    path = corpus.project.codebook_path
    try:
        stamp = digest(path.read_bytes())
    except OSError:
        stamp = None
    if stamp == corpus.codebook_digest or corpus.codebook_digest is None:
        return
    fresh = set(load_codebook(path, corpus.project.rel(path)).ids)
    # any theme this file's codings name, before or after this change: a rename that moved codings
    # on disk under this process would otherwise turn its removals into no-ops
    gone = sorted({c.code for c in [*cf.codings, *cf.base] if c.code not in fresh})
    if gone:
        raise QualcodeError(f"the codebook changed while this command ran and no longer has '{gone[0]}' "
                            "(renamed, merged or split?); nothing was saved", corpus.project.rel(path),
                            "Run the command again with the theme's new id: qualcode codebook show")
