"""qualcode matrix | quotes | search: questions asked of the coded material."""

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from .root import app
from .tables import print_table
from .common import (
    ReportCoderOpt,
    RollupOpt,
    ForceOpt,
    OutOpt,
    ProjectOpt,
    corpus_for,
    emit,
    emit_bytes,
    pick_format,
    scrubbed,
    show,
    warn,
)

FormatOpt = Annotated[Optional[str], typer.Option("--format", "-f", help="table, markdown, csv, json, xlsx, docx or html (default: table, or from --out's suffix).")]


@app.command()
def matrix(
    ctx: typer.Context,
    rows: Annotated[str, typer.Option("--rows", help="themes or participants.")] = "themes",
    cols: Annotated[str, typer.Option("--cols", help="groups, participants or themes (co-occurrence).")] = "groups",
    count: Annotated[str, typer.Option("--count", help="What a cell counts: participants, segments or transcripts.")] = "participants",
    percent: Annotated[bool, typer.Option("--percent", help="Cells as a percentage of the column's total.")] = False,
    coder: ReportCoderOpt = None,
    rollup: RollupOpt = True,
    fmt: FormatOpt = None,
    out: OutOpt = None,
    force: ForceOpt = False,
    project: ProjectOpt = None,
):
    """Theme x stakeholder group (a matrix coding query), theme x participant (0/1), or theme co-occurrence."""
    from ..analysis.matrix import matrix as run_matrix
    from ..export.matrix import to_csv, to_json, to_markdown

    fmt = pick_format(fmt, out, ("table", "markdown", "csv", "json", "xlsx", "docx", "html"))
    corpus = corpus_for(ctx, project, read_only=True)
    warn(corpus.warnings)
    coder = corpus.report_coder(coder)
    m = run_matrix(corpus, rows, cols, count, percent, coder, rollup)
    if fmt == "html":
        from ..export.html import matrix_html

        emit(matrix_html(m, lambda t: scrubbed(corpus, t)), out, ctx)
        return
    if fmt in ("xlsx", "docx"):
        from ..export.office import matrix_docx, matrix_xlsx

        emit_bytes((matrix_xlsx if fmt == "xlsx" else matrix_docx)(m, lambda t: scrubbed(corpus, t)), out, ctx)
        return
    if fmt != "table":
        emit(scrubbed(corpus, {"markdown": to_markdown, "csv": to_csv, "json": to_json}[fmt](m)), out, ctx)
        return
    from ..export.matrix_table import matrix_tables

    unit = "%" if percent else ("0/1" if "participants" in (rows, cols) and count == "participants" else count)

    def render(out) -> None:
        for part in matrix_tables(m, out.width, unit):
            out.print(part)

    show(corpus, render)


@app.command()
def quotes(
    ctx: typer.Context,
    theme: Annotated[str, typer.Argument(help="Theme id or label.")],
    group: Annotated[Optional[str], typer.Option("--group", "-g", help="Only this stakeholder group.")] = None,
    participant: Annotated[Optional[str], typer.Option("--participant", help="Only this participant.")] = None,
    context: Annotated[int, typer.Option("--context", "-C", help="Segments of context either side.")] = 0,
    coder: ReportCoderOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the passages as JSON.")] = False,
    project: ProjectOpt = None,
):
    """Every coded passage of a theme, attributed, with surrounding sentences for context."""
    from ..analysis.queries import _as_dicts
    from ..analysis.queries import quotes as run_quotes

    corpus = corpus_for(ctx, project, read_only=True)
    warn(corpus.warnings)
    coder = corpus.report_coder(coder)
    found = run_quotes(corpus, theme, corpus.group_id(group), participant, context, coder)
    if as_json:
        typer.echo(scrubbed(corpus, json.dumps(_as_dicts(found), ensure_ascii=False, indent=2)))
        return

    def render(out) -> None:
        if not found:
            out.print("No coded passages.", markup=False)
        for q in found:
            out.rule(f"{q.transcript_id} · {q.attribution}" + (" · pinned" if q.pinned else ""), style="cyan")
            for line in q.before:
                out.print(f"[dim]{escape(line)}[/]")
            out.print(f"[bold]“{escape(q.text)}”[/]")
            for line in q.after:
                out.print(f"[dim]{escape(line)}[/]")
        out.print(f"{len(found)} passage(s)", markup=False)

    show(corpus, render)


@app.command()
def search(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="Words to find (case-insensitive, whole words).")],
    lemma: Annotated[bool, typer.Option("--lemma", help="Any form of each word: 'wait' finds waited, waiting.")] = False,
    group: Annotated[Optional[str], typer.Option("--group", "-g", help="Only this stakeholder group.")] = None,
    coder: ReportCoderOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the hits as JSON.")] = False,
    project: ProjectOpt = None,
):
    """Keyword in context across transcripts, with the themes already on each hit: what did the codebook miss?"""
    from ..analysis.queries import _as_dicts
    from ..analysis.queries import search as run_search

    corpus = corpus_for(ctx, project, read_only=True)
    warn(corpus.warnings)
    coder = corpus.report_coder(coder)
    hits = run_search(corpus, text, lemma, corpus.group_id(group), coder=coder)
    if as_json:
        typer.echo(scrubbed(corpus, json.dumps(_as_dicts(hits), ensure_ascii=False, indent=2)))
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"'{text}'{' (any form)' if lemma else ''}: {len(hits)} hit(s)", title_justify="left")
    table.add_column("segment", no_wrap=True)
    table.add_column("left", justify="right", ratio=2)
    table.add_column("hit", style="bold")
    table.add_column("right", ratio=2)
    table.add_column("themes", ratio=1)
    for h in hits:
        table.add_row(h.segment_id, Text(h.left), Text(h.match), Text(h.right), Text(", ".join(h.themes) or "-"))
    show(corpus, lambda out: print_table(out, table))


@app.command()
def saturation(
    ctx: typer.Context,
    order: Annotated[str, typer.Option("--order", help="date (front matter 'date'; undated last) or name.")] = "date",
    group: Annotated[Optional[str], typer.Option("--group", "-g", help="Only this stakeholder group's interviews.")] = None,
    coder: ReportCoderOpt = None,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="table, markdown, csv, json, xlsx or html (default: table, or from --out's suffix).")] = None,
    out: OutOpt = None,
    force: ForceOpt = False,
    project: ProjectOpt = None,
):
    """After each further interview, how many new themes appeared: evidence for (or against) saturation."""
    from ..analysis.saturation import saturation as run_saturation

    fmt = pick_format(fmt, out, ("table", "markdown", "csv", "json", "xlsx", "html"))
    corpus = corpus_for(ctx, project, read_only=True)
    warn(corpus.warnings)
    coder = corpus.report_coder(coder)
    sat = run_saturation(corpus, order, coder, corpus.group_id(group))
    title = f"New themes after each interview ({sat.order} order; {sat.themes_in_codebook} themes in the codebook)"
    header = ["#", "interview", "date", "group", "themes", "new", "cumulative", "new themes"]
    rows = [[str(s.position), s.transcript_id, s.date or "", s.group or "", str(s.themes), str(len(s.new)),
             str(s.cumulative), ", ".join(s.new)] for s in sat.steps]
    scrub = lambda t: scrubbed(corpus, t)  # noqa: E731
    if fmt == "xlsx":
        from ..export.office import table_xlsx

        emit_bytes(table_xlsx("Saturation", [header, *rows], scrub), out, ctx)
    elif fmt == "html":
        from ..export.html import table_html
        from ..export.plots import saturation_curve

        emit(table_html(title, [header, *rows], scrub, [("New themes after each interview",
                                                           saturation_curve(sat, "svg", scrub))]), out, ctx)
    elif fmt == "json":
        emit(scrubbed(corpus, json.dumps(sat.to_dict(), ensure_ascii=False, indent=2) + "\n"), out, ctx)
    elif fmt == "csv":
        import csv
        import io

        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
        emit(scrubbed(corpus, buffer.getvalue()), out, ctx)
    elif fmt == "markdown":
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        emit(scrubbed(corpus, "\n".join(lines) + "\n"), out, ctx)
    else:
        from rich.table import Table
        from rich.text import Text

        table = Table(title=title, title_justify="left")
        for col in header:
            table.add_column(col, justify="right" if col in ("#", "themes", "new", "cumulative") else "left")
        for r in rows:
            table.add_row(*(Text(c) for c in r))
        show(corpus, lambda o: print_table(o, table))


@app.command()
def plot(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="heatmap, prevalence or saturation.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The figure: .png, .svg or .pdf (vector, for LaTeX).", dir_okay=False)],
    force: ForceOpt = False,
    count: Annotated[str, typer.Option("--count", help="For heatmap and prevalence: participants, segments or transcripts.")] = "participants",
    order: Annotated[str, typer.Option("--order", help="For saturation: date or name.")] = "date",
    coder: ReportCoderOpt = None,
    project: ProjectOpt = None,
):
    """A figure for a report: theme x group heatmap, theme prevalence, or the saturation curve."""
    from ..analysis.matrix import matrix as run_matrix
    from ..analysis.saturation import saturation as run_saturation
    from ..errors import QualcodeError
    from ..export import plots

    if kind not in plots.KINDS:
        from ..errors import did_you_mean

        raise QualcodeError(f"unknown figure '{kind}'" + did_you_mean(kind, plots.KINDS), hint="Use: " + ", ".join(plots.KINDS))
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg", "pdf"):
        raise QualcodeError(f"cannot draw a figure as '{out.suffix or out.name}'", hint="Name the file .png, .svg or .pdf.")
    corpus = corpus_for(ctx, project, read_only=True)
    coder = corpus.report_coder(coder)
    warn(corpus.warnings)
    scrub = lambda t: scrubbed(corpus, t)  # noqa: E731
    source = run_saturation(corpus, order, coder) if kind == "saturation" else run_matrix(corpus, count=count, coder=coder)
    data = plots.figure(kind, source, fmt, scrub, corpus.project.cache_dir)
    emit_bytes(data, out, ctx)
