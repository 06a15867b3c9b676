"""qualcode segments | tag | untag: manual coding from scripts and the shell."""

import json
from typing import Annotated, Optional

import typer

from ..display import short
from .root import app
from .tables import print_table
from .common import (
    CoderOpt,
    ProjectOpt,
    UnitOpt,
    coder_corpus,
    console,
    corpus_for,
    warn,
)

TranscriptArg = Annotated[str, typer.Argument(help="Transcript id, file name or path.", metavar="TRANSCRIPT")]
SegmentsArg = Annotated[Optional[list[str]], typer.Argument(help="Segment ids, e.g. 12.2 or cps-01:12.2 (see 'qualcode segments').", metavar="SEGMENT_ID")]
CodeOpt = Annotated[str, typer.Option("--code", "-t", help="Theme id (or exact label).", metavar="THEME")]
QuoteOpt = Annotated[Optional[str], typer.Option("--quote", "-q", metavar="TEXT", help="The text of the passage instead of whole segments (white space and line breaks need not match; searched within the segments, if given).")]


@app.command()
def segments(
    ctx: typer.Context,
    transcript: TranscriptArg,
    coder: CoderOpt = None,
    codable: Annotated[bool, typer.Option("--codable", help="Leave out interviewer turns.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the segments as JSON lines.")] = False,
    unit: UnitOpt = None,
    project: ProjectOpt = None,
):
    """List a transcript's coding units with ids, speaker and codes (interviewer turns dimmed)."""
    corpus = corpus_for(ctx, project, unit, read_only=True)
    warn(corpus.warnings)
    t = corpus.transcript(transcript)
    segs = corpus.segments([t])[t.id]
    files = [f for f in corpus.files if f.transcript_id == t.id and coder in (None, f.coder)]

    def codes(seg):
        found = sorted({(c.code, f.coder) for f in files for c in f.decided
                        if c.status == "accepted" and c.start < seg.end and seg.start < c.end})
        return [{"code": code, "coder": who} for code, who in found]

    rows = [s for s in segs if not (codable and s.is_interviewer)]
    if as_json:
        for s in rows:
            typer.echo(json.dumps({"id": s.id, "speaker": s.speaker, "interviewer": s.is_interviewer, "start": s.start,
                                   "end": s.end, "text": s.text, "codes": codes(s)}, ensure_ascii=False))
        return
    from rich.table import Table
    from rich.text import Text

    to_code = sum(not s.is_interviewer for s in rows)
    from ..segment import unit_of

    counted = f"{len(rows)} {unit_of(t, corpus.project.unit)} units" + (f" ({to_code} to code, {len(rows) - to_code} interviewer)"
                                                             if to_code != len(rows) else "")
    table = Table(title=f"{t.id} ({t.group or 'no group'}, {t.role or t.participant}) - {counted}",
                  show_lines=False, expand=False)
    table.add_column("id", no_wrap=True)
    table.add_column("speaker", no_wrap=True)
    table.add_column("text", overflow="fold")
    table.add_column("codes")
    many = len({f.coder for f in files}) > 1
    for s in rows:
        shown = ", ".join(c["code"] + (f" ({c['coder']})" if many else "") for c in codes(s))
        style = "dim" if s.is_interviewer else None
        table.add_row(s.local_id, Text(s.speaker or ""), Text(s.text), Text(shown), style=style)
    print_table(console(), table)


def _report(change, verb: str, transcript: str) -> None:
    warn(change.warnings)
    out = console()
    items = change.added or change.removed
    for c in items:
        out.print(f"{verb} {c.code}: {transcript} {c.start}-{c.end} \"{short(c.text)}\"", markup=False)
    for c in change.updated:
        out.print(f"updated {c.code}: {transcript} {c.start}-{c.end}", markup=False)
    if not items and not change.updated:
        out.print("already coded; nothing changed", markup=False)



@app.command()
def tag(
    ctx: typer.Context,
    transcript: TranscriptArg,
    segment_ids: SegmentsArg = None,
    code: CodeOpt = ...,
    quote: QuoteOpt = None,
    coder: CoderOpt = None,
    memo: Annotated[Optional[str], typer.Option("--memo", "-m", help="A memo on the coding.", metavar="TEXT")] = None,
    pin: Annotated[bool, typer.Option("--pin", help="Pin as an indicative quote for summaries.")] = False,
    new: Annotated[bool, typer.Option("--new", help="Open coding: add the theme to the codebook if it is not there (an id, or a label to make one from); the codebook's version goes up.")] = False,
    under: Annotated[Optional[str], typer.Option("--under", metavar="THEME", help="With --new: the parent theme.")] = None,
    unit: UnitOpt = None,
    project: ProjectOpt = None,
):
    """Code segments (or an exact quote) of a transcript with a theme; --new makes the theme as you code."""
    from ..tagging import tag as do_tag

    corpus, who = coder_corpus(ctx, project, coder, unit)
    change = do_tag(corpus, transcript, who, code, segment_ids or [], quote, memo, pin, new, under)
    if change.created is not None:
        t = change.created
        console().print(f"added theme {t.id} '{t.label}'" + (f" under {t.parent}" if t.parent else "") +
                        f" to {corpus.project.rel(corpus.project.codebook_path)} (version {corpus.codebook.version})",
                        markup=False)
    _report(change, "tagged", corpus.transcript(transcript).id)


@app.command()
def untag(
    ctx: typer.Context,
    transcript: TranscriptArg,
    segment_ids: SegmentsArg = None,
    code: CodeOpt = ...,
    quote: QuoteOpt = None,
    coder: CoderOpt = None,
    unit: UnitOpt = None,
    project: ProjectOpt = None,
):
    """Remove a theme from segments (or from an exact quote's span)."""
    from ..tagging import untag as do_untag

    corpus, who = coder_corpus(ctx, project, coder, unit)
    change = do_untag(corpus, transcript, who, code, segment_ids or [], quote)
    _report(change, "removed", corpus.transcript(transcript).id)
