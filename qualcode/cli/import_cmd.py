"""qualcode import table"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import Group, ProjectOpt, console, state

app = typer.Typer(cls=Group, help="Bring material made elsewhere into the project.", no_args_is_help=True)


@app.command()
def table(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A .csv or .xlsx table, one answer per row.", dir_okay=False)],
    text: Annotated[str, typer.Option("--text", help="Column with the answer text.")],
    id: Annotated[Optional[str], typer.Option("--id", help="Column with a unique id per row (default: the row number).")] = None,
    attr: Annotated[Optional[list[str]], typer.Option("--attr", help="A column to keep as an attribute (repeat for more).")] = None,
    group: Annotated[Optional[str], typer.Option("--group", help="Column with the stakeholder group.")] = None,
    codes_from: Annotated[Optional[list[str]], typer.Option("--codes-from", help="One-hot code column, or a range 'First..Last' (repeat for more).")] = None,
    coder: Annotated[Optional[str], typer.Option("--coder", "-c", help="Whose codings the code columns are.")] = None,
    prefix: Annotated[Optional[str], typer.Option("--prefix", help="Folder under transcripts/ and id prefix (default: the file name).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace files that exist with other content.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was done as JSON.")] = False,
    project: ProjectOpt = None,
):
    """Each row of a survey table becomes a one-turn transcript; one-hot code columns become codings."""
    from ..importers.table import import_table, read_table
    from ..project import open_project

    st = state(ctx)
    p = open_project(project or st.project, encoding=st.encoding)
    done = import_table(p, read_table(file, p.encoding), text, id, attr or [], group, codes_from or [], coder, prefix, force)
    if as_json:
        typer.echo(json.dumps(done.to_dict(), indent=2))
        return
    out = console()
    out.print(f"{done.transcripts} answers in {done.folder}/ ({done.unchanged} unchanged)", markup=False)
    if done.skipped_empty:
        out.print(f"skipped {len(done.skipped_empty)} rows with no text (rows {', '.join(map(str, done.skipped_empty[:10]))}"
                  f"{'…' if len(done.skipped_empty) > 10 else ''})", markup=False)
    if done.codes:
        out.print(f"{done.codings} codings by {coder} from {len(done.codes)} code columns", markup=False)
    if done.codebook_created:
        out.print(f"created {done.codebook_created}", markup=False)
