"""qualcode agreement: inter-coder reliability, for a report's methods section and for CI."""

import json
from typing import Annotated, Optional

import typer

from .root import app
from .tables import print_table
from .common import ForceOpt, OutOpt, ProjectOpt, corpus_for, emit, full_screen, pick_format, show, warn

MoreCoders = Annotated[Optional[list[str]], typer.Argument(help="More coder names (so `--coders alice bob` works).",
                                                         show_default=False)]
CodersOpt = Annotated[Optional[list[str]], typer.Option("--coders", help="Coders to compare (default: all); repeat or separate by commas.")]
UnitChoice = Annotated[str, typer.Option("--unit", help="segment (the coding unit) or turn.")]


def coder_names(coders: list[str] | None, more: list[str] | None) -> list[str]:
    """`--coders a,b`, `--coders a --coders b` and `--coders a b` all give [a, b]."""
    return [n.strip() for v in (coders or []) + (more or []) for n in v.split(",") if n.strip()]


@app.command()
def agreement(
    ctx: typer.Context,
    more: MoreCoders = None,
    coders: CodersOpt = None,
    unit: UnitChoice = "segment",
    codes: Annotated[Optional[list[str]], typer.Option("--codes", help="Only these themes (repeat or separate by commas).")] = None,
    by: Annotated[Optional[str], typer.Option("--by", help="'group': also per stakeholder group.")] = None,
    min_kappa: Annotated[Optional[float], typer.Option("--min-kappa", help="Exit 1 when a pooled kappa is below this.")] = None,
    min_alpha: Annotated[Optional[float], typer.Option("--min-alpha", help="Exit 1 when a pooled alpha is below this.")] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="table, markdown, csv or json (default: table, or from --out's suffix).")] = None,
    out: OutOpt = None,
    force: ForceOpt = False,
    project: ProjectOpt = None,
):
    """Percent agreement, Cohen's kappa and Krippendorff's alpha per theme and pooled."""
    from ..analysis.agreement import agreement as run_agreement

    fmt = pick_format(fmt, out, ("table", "markdown", "csv", "json"))
    if by not in (None, "group"):
        from ..errors import QualcodeError

        raise QualcodeError(f"--by takes 'group', not '{by}'")
    names = coder_names(coders, more)
    themes = [t.strip() for v in (codes or []) for t in v.split(",") if t.strip()] or None
    corpus = corpus_for(ctx, project, read_only=True)
    warn(corpus.warnings)
    result = run_agreement(corpus, names or None, unit, themes, by == "group")
    if fmt == "json":
        emit(json.dumps(result.to_dict(), indent=2) + "\n", out, ctx)
    elif fmt == "csv":
        import csv
        import io

        buffer = io.StringIO()
        w = csv.writer(buffer, lineterminator="\n")
        w.writerow(["group", "theme", "units", *(f"positives_{c}" for c in result.coders), "percent_agreement", "kappa",
                    "alpha", "warning"])
        for group, figs in result.groups.items():
            for f in figs:
                w.writerow([group, f.theme, f.units, *(f.positives[c] for c in result.coders), f.percent_agreement,
                            "" if f.kappa is None else f.kappa, "" if f.alpha is None else f.alpha, f.warning or ""])
        emit(buffer.getvalue(), out, ctx)
    elif fmt == "markdown":  # for a methods section: one table per group, the figures and their basis
        def cell(x):
            return "" if x is None else str(x)
        from ..export.summary import counted

        lines = [f"Agreement between {', '.join(result.coders)} on {counted(len(result.transcripts), 'transcript')}, "
                 f"unit: {result.unit}.", ""]
        for group, figs in result.groups.items():
            lines += [f"### {'All groups' if group == 'all' else group}", "",
                      "| theme | units | " + " | ".join(f"{c} +" for c in result.coders) +
                      " | % agreement | kappa | alpha | note |",
                      "|---|---:|" + "---:|" * len(result.coders) + "---:|---:|---:|---|"]
            lines += [f"| {f.theme} | {f.units} | " + " | ".join(str(f.positives[c]) for c in result.coders) +
                      f" | {f.percent_agreement:.1%} | {cell(f.kappa)} | {cell(f.alpha)} | {f.warning or ''} |"
                      for f in figs]
            lines.append("")
        emit("\n".join(lines), out, ctx)
    else:
        show(corpus, lambda o: _tables(o, result))
    failed = [f"{group}: {name} {value} < {limit}" for group, figs in result.groups.items() for f in figs
              if f.theme == "pooled"
              for name, value, limit in (("kappa", f.kappa, min_kappa), ("alpha", f.alpha, min_alpha))
              if limit is not None and value is not None and value < limit]  # undefined (no variation) is not a failure
    if failed:
        typer.echo("below the threshold: " + "; ".join(failed), err=True)
        raise typer.Exit(1)


def _tables(out, result) -> None:
    from rich.table import Table
    from rich.text import Text

    out.print(f"{', '.join(result.coders)} on {len(result.transcripts)} transcript(s) coded by all; unit: {result.unit}",
              markup=False)
    for group, figs in result.groups.items():
        table = Table(title="all units" if group == "all" else f"group {group}", title_justify="left")
        for col in ("theme", "units", *(f"+{c}" for c in result.coders), "agree", "kappa", "alpha", ""):
            table.add_column(col, justify="left" if col in ("theme", "") else "right")
        for f in figs:
            fmt = lambda v: "-" if v is None else f"{v:.2f}"  # noqa: E731
            table.add_row(Text(f.theme, style="bold" if f.theme == "pooled" else ""), str(f.units),
                          *(str(f.positives[c]) for c in result.coders), f"{f.percent_agreement:.1%}", fmt(f.kappa),
                          fmt(f.alpha), Text("rare" if f.warning else "", style="yellow"))
        print_table(out, table)
    out.print("rare: fewer than 5 units carry the theme, so its figures say little. kappa 0.61-0.80 is "
              "'substantial'; alpha >= 0.80 'reliable', >= 0.667 'tentative'.", markup=False)


@app.command()
def disagreements(
    ctx: typer.Context,
    more: MoreCoders = None,
    coders: CodersOpt = None,
    unit: UnitChoice = "segment",
    as_json: Annotated[bool, typer.Option("--json", help="Print them as JSON lines.")] = False,
    project: ProjectOpt = None,
):
    """Every unit where the coders differ, with its text and each coder's codes."""
    from ..analysis.agreement import disagreements as run_disagreements

    corpus = corpus_for(ctx, project, read_only=True)
    warn(corpus.warnings)
    names = coder_names(coders, more)
    found = run_disagreements(corpus, names or None, unit)
    if as_json:  # written at once: one write per line was a third of the command on a large project
        typer.echo("".join(json.dumps({"unit": u.id, "speaker": u.speaker, "text": u.text,
                                       "codes": {c: sorted(v) for c, v in u.codes.items()}}, ensure_ascii=False) + "\n"
                           for u in found), nl=False)
        return

    def render(out) -> None:
        from rich.table import Table
        from rich.text import Text

        coder_names = list(found[0].codes) if found else names
        table = Table(title=f"{len(found)} unit(s) where the coders differ", title_justify="left")
        table.add_column("unit", no_wrap=True)
        table.add_column("text", ratio=2)
        for c in coder_names:
            table.add_column(c, ratio=1)
        for u in found:
            table.add_row(u.id, Text(u.text), *(Text(", ".join(sorted(u.codes[c])) or "-") for c in coder_names))
        print_table(out, table)

    show(corpus, render)


@app.command()
def reconcile(
    ctx: typer.Context,
    more: MoreCoders = None,
    coders: CodersOpt = None,
    into: Annotated[str, typer.Option("--into", help="The consensus coder to write (a new name; the originals are kept).")] = "consensus",
    unit: UnitChoice = "segment",
    plain: Annotated[bool, typer.Option("--plain", help="The line-by-line loop even in a terminal (it is always used when input is piped).")] = False,
    project: ProjectOpt = None,
):
    """Walk the disagreements and write the agreed codes as a new coder (agreements are copied)."""
    from rich.markup import escape

    from ..reconcile import HELP, Reconciliation
    from .common import console
    from .interactive import _read_line

    corpus = corpus_for(ctx, project)
    warn(corpus.warnings)
    names = coder_names(coders, more)
    r = Reconciliation(corpus, names, into, unit)
    if r.items and not r.done and full_screen(plain):
        from ..workbench import run_reconcile

        run_reconcile(corpus, r)
        return
    out = console()
    out.print(f"{r.agreed} agreed unit(s) copied into '{into}'; {len(r.items)} disagreement(s) to decide. ? for help.",
              markup=False)
    message = ""
    while not r.done:
        u = r.items[r.position]
        if message:  # what the last command did, before the next unit
            out.print(f"[yellow]{escape(message)}[/]")
        out.rule(f"{u.id} · {r.position + 1} of {len(r.items)}", style="cyan")
        before = r.context(u)
        if before:
            out.print(f"[dim]{escape(before)}[/]")
        out.print((f"[bold]{escape(u.speaker)}:[/] " if u.speaker else "") + escape(u.text))
        for i, c in enumerate(r.coders, 1):
            labels = [r.corpus.codebook.theme(t).label if r.corpus.codebook.theme(t) else t for t in sorted(u.codes[c])]
            out.print(f"  [cyan]{i}[/] {escape(c)}: {escape(', '.join(labels) or 'no code')}")
        line = _read_line(out, "reconcile> ")
        if line is None or line.strip() == "q":
            break
        message = r.handle(line)
        if message == HELP:
            out.print(HELP, markup=False)
            message = ""
    if message:
        out.print(message, markup=False)
    out.print("All disagreements reconciled." if r.done else "Saved. Run it again to go on.", markup=False)


@app.command()
def check(
    ctx: typer.Context,
    fix: Annotated[bool, typer.Option("--fix", help="Rewrite the offsets of codings whose text moved.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    project: ProjectOpt = None,
):
    """Codebook valid, every coding's theme known and its text found: exit 0, else 1 (for pre-commit)."""
    from ..check import check as run_check
    from ..project import open_project
    from .common import console, state

    st = state(ctx)
    report = run_check(open_project(project or st.project, encoding=st.encoding), fix)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        out = console()
        for f in report.findings:
            out.print(f"{f.location}: {f.kind}: {f.message}", markup=False)
        if report.fixed:
            out.print(f"fixed the offsets of {report.fixed} coding(s)", markup=False)
        out.print("ok" if report.ok else f"{len(report.findings)} finding(s)" +
                  ("; run qualcode check --fix for the moved ones" if any(f.kind in ("moved", "fuzzy") for f in report.findings) else ""),
                  markup=False)
    raise typer.Exit(0 if report.ok else 1)
