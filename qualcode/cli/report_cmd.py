"""qualcode init | status | summary"""

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..launch import write_out
from .root import app
from .tables import print_table
from .common import (
    ReportCoderOpt,
    RollupOpt,
    ForceOpt,
    OutOpt,
    ProjectOpt,
    UnitOpt,
    console,
    corpus_for,
    emit,
    emit_bytes,
    pick_format,
    scrubbed,
    show,
    state,
    warn,
    warn_skipped,
)

LIST_UP_TO = 40  # transcripts listed one per row by default


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="Folder for the new project (made if missing).", file_okay=False)] = Path("."),
):
    """Start a new project: a commented starter codebook, qualcode.yaml, and a transcripts/ folder that says what to put in it."""
    from ..starter import init as init_project

    written = init_project(folder)
    out = console()
    for rel in written:
        out.print(f"wrote {folder / rel}", markup=False)
    out.print(f"next: put transcripts in {folder / 'transcripts'}, edit {folder / 'codebooks' / 'codebook.yaml'}, "
              f"then: cd {folder} && qualcode status", markup=False)


@app.command()
def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
    every: Annotated[bool, typer.Option("--all", help="One row per transcript even in a large project.")] = False,
    unit: UnitOpt = None,
    project: ProjectOpt = None,
):
    """Transcripts per stakeholder group, segments, and the share coded by each coder."""
    from ..analysis import status_cache
    from ..project import open_project

    st = state(ctx)
    p = open_project(project or st.project, unit, st.encoding)
    key = status_cache.inputs_key(p)  # an unchanged project: the result of the last run
    s, skipped = status_cache.load(p, key) or (None, [])
    fresh = s is None
    if fresh:
        from ..analysis.status import status as get_status
        from ..corpus import load_corpus

        s = get_status(load_corpus(p, skipped=skipped))
    warn_skipped(skipped)
    if not as_json:
        warn(s.warnings)
    # Printed at once and remembered (launch.py prints it again without typer or rich) unless
    # warnings went to stderr first.
    way = status_cache.way_shown(tuple(o for o, on in (("--json", as_json), ("--all", every)) if on))
    text = json.dumps(s.to_dict(), indent=2, ensure_ascii=False) + "\n" if as_json else _status_text(s, every)
    shown = (way, text) if not skipped and (as_json or not s.warnings) and text is not None else None
    if fresh:
        status_cache.save(p, key, s, skipped, shown)
    elif shown and status_cache.shown(p, key, shown[0]) != shown[1]:
        status_cache.remember_shown(p, key, *shown)
    if text is not None:  # else rich drew it already
        write_out(text)


def _status_text(s, every: bool) -> str | None:
    """What status prints, as the characters rich writes to this terminal or pipe; None when
    rich drew it on a legacy Windows console itself (with the console's API: no characters)."""
    out = console()
    if out.legacy_windows and out.is_terminal:
        _print_status(out, s, every)
        return None
    with out.capture() as captured:
        _print_status(out, s, every)
    return captured.get()


def _print_status(out, s, every: bool) -> None:
    from rich.table import Table
    from rich.text import Text

    out.print(f"[bold]{s.codebook}[/] (version {s.codebook_version}, {s.themes} themes); unit: {s.unit}; "
              f"{len(s.transcripts)} transcripts, {s.segments} codable segments")
    if len(s.transcripts) <= LIST_UP_TO or every:
        table = Table()
        for col in ("transcript", "group", "role", "format", "turns", "segments", *s.coders):
            table.add_column(col, justify="right" if col in ("turns", "segments") or col in s.coders else "left")
        for t in s.transcripts:
            shares = [f"{t.coded.get(c, 0) / t.segments:.0%}" if t.segments else "-" for c in s.coders]
            table.add_row(t.id, Text(t.group or ""), Text(t.role or ""), t.format, str(t.turns), str(t.segments), *shares)
    else:  # thousands of survey answers: one row per group, not per transcript
        table = Table(caption=f"{len(s.transcripts)} transcripts; --all lists each one")
        for col in ("group", "transcripts", "segments", *s.coders):
            table.add_column(col, justify="left" if col == "group" else "right")
        for g in sorted({t.group or "" for t in s.transcripts}):
            rows = [t for t in s.transcripts if (t.group or "") == g]
            total = sum(t.segments for t in rows)
            shares = [f"{sum(t.coded.get(c, 0) for t in rows) / total:.0%}" if total else "-" for c in s.coders]
            table.add_row(Text(g or "(none)"), str(len(rows)), str(total), *shares)
    print_table(out, table)
    out.print("groups: " + ", ".join(f"{g} {n}" for g, n in s.groups.items()))
    for c in s.coders:
        waiting = sum(t.suggested.get(c, 0) for t in s.transcripts)
        out.print(f"{c}: {s.coded_share(c):.0%} of segments coded, {s.decided_share(c):.0%} decided (coded or 'no code')" +
                  (f", {waiting} suggestions waiting for review (qualcode review --coder {c})" if waiting else ""))


@app.command()
def summary(
    ctx: typer.Context,
    group: Annotated[Optional[str], typer.Option("--group", "-g", help="Only this stakeholder group.")] = None,
    coder: ReportCoderOpt = None,
    quotes: Annotated[int, typer.Option("--quotes", "-n", help="Indicative quotes per theme.")] = 3,
    rollup: RollupOpt = True,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="table, markdown, csv, json, xlsx, docx or html (default: table, or from --out's suffix).")] = None,
    out: OutOpt = None,
    force: ForceOpt = False,
    project: ProjectOpt = None,
):
    """Key themes by stakeholder group, with counts and indicative quotes attributed by role."""
    from ..analysis.summary import summarise
    from ..export.summary import to_csv, to_json, to_markdown

    fmt = pick_format(fmt, out, ("table", "markdown", "csv", "json", "xlsx", "docx", "html"))
    corpus = corpus_for(ctx, project, read_only=True)
    warn(corpus.warnings)
    coder = corpus.report_coder(coder)
    s = summarise(corpus, corpus.group_id(group), coder, quotes, rollup)
    if fmt in ("xlsx", "docx", "html"):
        from ..analysis.matrix import matrix
        from ..export.html import summary_html
        from ..export.office import summary_docx, summary_xlsx

        m = matrix(corpus, coder=coder, rollup=rollup)
        scrub = lambda t: scrubbed(corpus, t)  # noqa: E731
        if fmt == "xlsx":
            emit_bytes(summary_xlsx(s, m, scrub), out, ctx)
            return
        figures = report_figures(corpus, m, coder, "svg" if fmt == "html" else "png", scrub, heatmap=fmt == "docx")
        if fmt == "html":
            emit(summary_html(s, m, scrub, figures), out, ctx)
        else:
            emit_bytes(summary_docx(s, m, scrub, figures), out, ctx)
        return
    if fmt == "table":
        show(corpus, lambda out: _table(s, out))
        return
    emit(scrubbed(corpus, {"markdown": to_markdown, "csv": to_csv, "json": to_json}[fmt](s)), out, ctx)


def report_figures(corpus, m, coder, fmt: str, scrub, heatmap: bool) -> list[tuple[str, bytes]]:
    """The figures a report carries: the heatmap (the HTML report draws its own, as a shaded
    table), theme prevalence by group, and the saturation curve."""
    from ..analysis.saturation import saturation
    from ..export import plots

    if not any(f.decided or f.pending for f in corpus.files):
        return []  # nothing coded: no figure to draw
    cache = corpus.project.cache_dir
    figures = [("Heatmap: themes by stakeholder group", plots.figure("heatmap", m, fmt, scrub, cache))] if heatmap else []
    return figures + [("Theme prevalence by stakeholder group", plots.figure("prevalence", m, fmt, scrub, cache)),
                      ("New themes after each interview",
                       plots.figure("saturation", saturation(corpus, "date", coder), fmt, scrub, cache))]


def _table(s, out) -> None:
    from rich.table import Table
    from rich.text import Text

    from ..export.summary import group_title

    for g in s.groups:
        table = Table(title=f"{group_title(g.label)} ({g.participants} participants, {g.transcripts} transcripts)",
                      show_lines=True, title_justify="left")
        table.add_column("theme", max_width=28)
        table.add_column("participants", justify="right")
        table.add_column("segments", justify="right")
        table.add_column("indicative quotes", overflow="fold")
        for row in g.themes:
            quotes = Text(row.gloss if row.rolled_up else "", style="dim")
            for i, q in enumerate(row.quotes):
                if i:
                    quotes.append("\n")
                quotes.append(f"“{q.text}”", style="italic")
                quotes.append(f" ({q.attribution})", style="dim")
            table.add_row(Text(row.label, style="bold"), f"{row.participants}/{row.participants_in_group}",
                          str(row.segments), quotes)
        if not g.themes:
            table.add_row(Text("no transcripts yet" if not g.transcripts else "nothing coded yet", style="dim"), "", "", "")
        print_table(out, table)
