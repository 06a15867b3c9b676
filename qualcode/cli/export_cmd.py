"""qualcode export qdpx | qdc"""

from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import ForceOpt, Group, ProjectOpt, console, corpus_for

app = typer.Typer(cls=Group, help="Write the project in an exchange format other tools read.", no_args_is_help=True)


@app.command()
def qdpx(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(help="The .qdpx file to write.", dir_okay=False)],
    force: ForceOpt = False,
    coder: Annotated[Optional[list[str]], typer.Option("--coder", "-c", metavar="NAME", help="Only this coder's codings (repeat for more; default: every coder).")] = None,
    case_codes: Annotated[bool, typer.Option("--case-codes/--no-case-codes", help="Also write each case as a code coding its participant's text, as NVivo does: QualCoder links cases to transcripts only that way. Leave them out for a tool that would take them for themes (qc).")] = True,
    for_tool: Annotated[Optional[str], typer.Option("--for", metavar="TOOL", help="Shape the file for one tool: 'qc' (no case codes; selections named line:N, which qc places codings by).")] = None,
    project: ProjectOpt = None,
):
    """The project as a REFI-QDA .qdpx for NVivo, ATLAS.ti, MAXQDA, QualCoder: codebook, transcripts,
    participants as cases with their variables, every accepted coding with its coder, memos."""
    from ..cli.common import emit_bytes
    from ..codebook import read_codebook_text
    from ..errors import QualcodeError
    from ..refi.export import project_xml, qdpx_bytes

    corpus = corpus_for(ctx, project)
    coders = coder or corpus.coders
    unknown = [c for c in coders if c not in corpus.coders]
    if unknown:
        from ..errors import did_you_mean

        raise QualcodeError(f"no codings by '{unknown[0]}'" + did_you_mean(unknown[0], corpus.coders),
                            hint="Coders: " + (", ".join(corpus.coders) or "none yet"))
    if for_tool not in (None, "qc"):
        raise QualcodeError(f"no export shaped for '{for_tool}'", hint="Use --for qc, or leave --for out (every other tool).")
    p = corpus.project
    xml, files, report = project_xml(corpus, coders, read_codebook_text(p.codebook_path, p.rel(p.codebook_path)),
                                     case_codes and for_tool != "qc", line_names=for_tool == "qc")
    emit_bytes(qdpx_bytes(xml, files), out, ctx)
    o = console(stderr=True)
    o.print(f"{report.sources} transcripts, {report.codings} codings by {', '.join(coders) or 'nobody'}, "
            f"{report.notes} memos, {len(corpus.codebook.themes)} codes", markup=False)
    o.print("not carried: suggestions and rejected suggestions (only accepted codings); keywords, patterns and "
            "examples travel only in the codebook note, for qualcode", markup=False)
    for item in report.skipped:
        o.print(f"warning: {item}", markup=False)


@app.command()
def qdc(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(help="The .qdc file to write.", dir_okay=False)],
    force: ForceOpt = False,
    project: ProjectOpt = None,
):
    """The codebook alone as a REFI-QDA .qdc: the theme tree with labels, descriptions (include and
    exclude folded in), colours, and a set of themes per stakeholder group."""
    from ..cli.common import emit_bytes, state
    from ..codebook import load_codebook
    from ..errors import QualcodeError
    from ..project import open_project
    from ..refi.export import codebook_xml

    p = open_project(project or state(ctx).project)
    if p.codebook_path is None:
        raise QualcodeError("the project has no codebook to export")
    codebook = load_codebook(p.codebook_path, p.rel(p.codebook_path))
    emit_bytes(codebook_xml(codebook), out, ctx)
    console(stderr=True).print(f"{len(codebook.themes)} codes", markup=False)
