"""qualcode import table"""

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


@app.command()
def talk(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Spreadsheets of talk (.xlsx or .csv), one row per utterance or sentence.", dir_okay=False)],
    text: Annotated[Optional[str], typer.Option("--text", help="Column with what was said (default: one named Sentence, Text, Utterance...).")] = None,
    speaker: Annotated[Optional[str], typer.Option("--speaker", help="Column with the speaker (default: Speaker, Name...).")] = None,
    turn: Annotated[Optional[str], typer.Option("--turn", help="Column with the turn number (default: Turn); without one, a turn ends where the speaker changes.")] = None,
    time: Annotated[Optional[str], typer.Option("--time", help="Column with each row's clock time (default: TimeStamp, Time, Start...); a turn gets its first row's.")] = None,
    codes: Annotated[Optional[list[str]], typer.Option("--codes", help="A column of code labels such as '8 - Press for Accuracy' (repeat for more).")] = None,
    coder: Annotated[Optional[str], typer.Option("--coder", "-c", metavar="NAME", help="Whose codings the code columns are.")] = None,
    group: Annotated[Optional[str], typer.Option("--group", "-g", help="The stakeholder group of every file imported.")] = None,
    prefix: Annotated[Optional[str], typer.Option("--prefix", help="Folder under transcripts/ (default: the file's name; for several, the folder holding them all).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace files that exist with other content.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was done as JSON.")] = False,
    project: ProjectOpt = None,
):
    """Transcripts kept as spreadsheets of talk (Turn, Speaker, Sentence): each row one coding unit; code label columns become codings."""
    from ..importers.talk import import_talk
    from ..project import open_project

    st = state(ctx)
    p = open_project(project or st.project, encoding=st.encoding)
    done = import_talk(p, files, coder, codes or [], turn, speaker, text, prefix, group, force, p.encoding, time)
    if as_json:
        typer.echo(json.dumps(done.to_dict(), indent=2))
        return
    out = console()
    out.print(f"{done.transcripts} transcripts, {done.rows} rows (coding units), in {done.folder}/"
              + (f"; {done.timed} turns with their time" if done.timed else ""), markup=False)
    if codes:
        out.print(f"{done.codings} codings by {coder} with {len(done.codes)} themes; {done.no_code} rows labelled "
                  f"'no code' kept as {coder}'s 'no code' decisions", markup=False)
    if done.codebook_created:
        out.print(f"created {done.codebook_created} from the labels: add each theme's description", markup=False)
    if done.ignored:
        shown = "; ".join(done.ignored[:5]) + (f"; and {len(done.ignored) - 5} more" if len(done.ignored) > 5 else "")
        console(stderr=True).print(f"warning: {len(done.ignored)} code label(s) on rows with no text, not imported "
                            f"(no coding unit there): {shown}", markup=False)


# --- REFI-QDA ----------------------------------------------------------------------------------

def _refi(ctx: typer.Context, file: Path, out: Optional[Path], into: Optional[Path], coder: str,
          group_variable: Optional[str], lenient: bool, force: bool, dry_run: bool, as_json: bool) -> None:
    from ..errors import QualcodeError
    from ..project import open_project
    from ..refi.importer import import_file

    if out and into:
        raise QualcodeError("give --out DIR (a new project) or --into DIR (an existing one), not both")
    from ..store import check_coder

    check_coder(coder)
    project = open_project(into, encoding=state(ctx).encoding) if into else None
    done = import_file(file, out, project, coder, group_variable, lenient, force, dry_run)
    r = done.report
    if as_json:
        typer.echo(json.dumps({"target": str(done.target), "new_project": done.new_project, "dry_run": dry_run,
                               **r.to_dict()}, indent=2, ensure_ascii=False))
        return
    o = console()
    verb = "would import" if dry_run else "imported"
    o.print(f"{verb} {file.name}" + (f" ({r.origin})" if r.origin else "") + f" into {done.target}"
            + (" (a new project)" if done.new_project else ""), markup=False)
    coders = ", ".join(f"{c} {n}" for c, n in sorted(r.codings.items())) or "none"
    o.print(f"  {r.themes} codes, {r.transcripts} transcripts, codings: {coders}, {r.memos} memos", markup=False)
    for tid, unit in sorted(r.units.items()):
        o.print(f"  {tid}: positions counted in {unit}", markup=False)
    for note in r.notes:
        o.print(f"  note: {note}", markup=False)
    if r.unmapped:
        o.print(f"not carried across ({len(r.unmapped)}):", markup=False)
        for item in r.unmapped:
            o.print(f"  - {item}", markup=False)
    if dry_run:
        o.print("dry run: nothing written", markup=False)
    elif done.new_project:
        o.print(f"next: cd {done.target} && qualcode status", markup=False)


RefiFile = Annotated[Path, typer.Argument(help="The exchange file.", dir_okay=False)]
OutOpt = Annotated[Optional[Path], typer.Option("--out", help="Folder for a new project (default: named after the file).", file_okay=False)]
IntoOpt = Annotated[Optional[Path], typer.Option("--into", help="Add to this existing project instead.", file_okay=False)]
CoderOpt = Annotated[str, typer.Option("--coder", "-c", help="Coder for codings whose user is not named.")]
GroupVarOpt = Annotated[Optional[str], typer.Option("--group-variable", help="The variable holding the stakeholder group (default: one named 'Stakeholder group' or 'Group').")]
LenientOpt = Annotated[bool, typer.Option("--lenient", help="Import what can be read from a file that breaks the schema.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace files that exist.")]
DryOpt = Annotated[bool, typer.Option("--dry-run", help="Report what would be imported; write nothing.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the report as JSON.")]


@app.command()
def qdpx(ctx: typer.Context, file: RefiFile, out: OutOpt = None, into: IntoOpt = None, coder: CoderOpt = "imported",
         group_variable: GroupVarOpt = None, lenient: LenientOpt = False, force: ForceOpt = False,
         dry_run: DryOpt = False, as_json: JsonOpt = False):
    """A REFI-QDA project (.qdpx, or a bare .qde) from NVivo, ATLAS.ti, MAXQDA, QualCoder, Taguette or f4:
    codebook, transcripts with their case variables, each user's codings, memos."""
    _refi(ctx, file, out, into, coder, group_variable, lenient, force, dry_run, as_json)


@app.command()
def qdc(ctx: typer.Context, file: RefiFile, out: OutOpt = None, into: IntoOpt = None,
        lenient: LenientOpt = False, force: ForceOpt = False, dry_run: DryOpt = False, as_json: JsonOpt = False):
    """A REFI-QDA codebook (.qdc): a new project with that codebook, or its codes added to a project's codebook."""
    _refi(ctx, file, out, into, "imported", None, lenient, force, dry_run, as_json)
