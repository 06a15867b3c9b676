"""qualcode agreement: inter-coder reliability, for a report's methods section and for CI."""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from . import app
from .common import OutOpt, ProjectOpt, corpus_for, emit, pick_format, show, warn


@app.command()
def agreement(
    ctx: typer.Context,
    more: Annotated[Optional[list[str]], typer.Argument(help="More coder names (so `--coders alice bob` works).", show_default=False)] = None,
    coders: Annotated[Optional[list[str]], typer.Option("--coders", help="Coders to compare (default: all); repeat or separate by commas.")] = None,
    unit: Annotated[str, typer.Option("--unit", help="segment (the coding unit) or turn.")] = "segment",
    codes: Annotated[Optional[list[str]], typer.Option("--codes", help="Only these themes (repeat or separate by commas).")] = None,
    by: Annotated[Optional[str], typer.Option("--by", help="'group': also per stakeholder group.")] = None,
    min_kappa: Annotated[Optional[float], typer.Option("--min-kappa", help="Exit 1 when a pooled kappa is below this.")] = None,
    min_alpha: Annotated[Optional[float], typer.Option("--min-alpha", help="Exit 1 when a pooled alpha is below this.")] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="table, csv or json.")] = None,
    out: OutOpt = None,
    project: ProjectOpt = None,
):
    """Percent agreement, Cohen's kappa and Krippendorff's alpha per theme and pooled."""
    from ..analysis.agreement import agreement as run_agreement

    fmt = pick_format(fmt, out, ("table", "csv", "json"))
    if by not in (None, "group"):
        from ..errors import QualcodeError

        raise QualcodeError(f"--by takes 'group', not '{by}'")
    names = [n.strip() for v in (coders or []) + (more or []) for n in v.split(",") if n.strip()]
    themes = [t.strip() for v in (codes or []) for t in v.split(",") if t.strip()] or None
    corpus = corpus_for(ctx, project)
    warn(corpus.warnings)
    result = run_agreement(corpus, names or None, unit, themes, by == "group")
    if fmt == "json":
        emit(json.dumps(result.to_dict(), indent=2) + "\n", out)
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
        emit(buffer.getvalue(), out)
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
        out.print(table)
    out.print("rare: fewer than 5 units carry the theme, so its figures say little. kappa 0.61-0.80 is "
              "'substantial'; alpha >= 0.80 'reliable', >= 0.667 'tentative'.", markup=False)
