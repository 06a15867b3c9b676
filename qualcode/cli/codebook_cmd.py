"""qualcode codebook validate | show"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import Group, ProjectOpt, console, corpus_for, state

app = typer.Typer(cls=Group, help="Check and browse the codebook.", no_args_is_help=True)


@app.command()
def validate(
    ctx: typer.Context,
    file: Annotated[Optional[Path], typer.Argument(help="Codebook file (default: the project's).", dir_okay=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    project: ProjectOpt = None,
):
    """Check the codebook and list every problem with file:line:col. Exit 0 valid, 1 invalid, 2 unreadable."""
    from ..codebook import read_codebook_text, validate_text
    from ..errors import QualcodeError
    from ..project import open_project

    if file is None:
        p = open_project(project or state(ctx).project)
        if p.codebook_path is None:
            raise QualcodeError("no codebook found in codebooks/", hint="Pass the file, or set 'codebook:' in qualcode.yaml.")
        file, rel = p.codebook_path, p.rel(p.codebook_path)
    else:
        rel = str(file)
    codebook, problems = validate_text(read_codebook_text(file, rel), rel)
    if as_json:
        typer.echo(json.dumps({"path": rel, "valid": not problems, "themes": len(codebook.themes) if codebook else None,
                               "problems": [p.to_dict() for p in problems]}, indent=2))
    elif problems:
        out = console()
        for p in problems:
            out.print(str(p), markup=False)
        out.print(f"{rel}: invalid, {len(problems)} problem(s)", markup=False)
    else:
        typer.echo(f"{rel}: valid ({len(codebook.themes)} themes, {len(codebook.groups)} groups, version {codebook.version})")
    raise typer.Exit(1 if problems else 0)


@app.command()
def show(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the themes as JSON.")] = False,
    project: ProjectOpt = None,
):
    """The theme tree with labels, stakeholder groups and counts of accepted codings."""
    from collections import Counter

    corpus = corpus_for(ctx, project)
    cb = corpus.codebook
    counts = Counter(c.code for _, _, c in corpus.accepted())
    if as_json:
        typer.echo(json.dumps({"name": cb.name, "version": cb.version,
                               "groups": {g.id: g.label for g in cb.groups.values()},
                               "themes": [{"id": t.id, "label": t.label, "parent": t.parent, "groups": list(t.groups),
                                           "codings": counts.get(t.id, 0)} for t in cb.themes]}, indent=2,
                              ensure_ascii=False))
        return
    from rich.markup import escape
    from rich.tree import Tree

    tree = Tree(f"[bold]{cb.name}[/] (version {cb.version}, {len(cb.themes)} themes)")
    nodes = {}
    for t in cb.themes:
        groups = ", ".join(t.groups) or "all groups"
        n = counts.get(t.id, 0)
        label = f"[bold]{escape(t.id)}[/]  {escape(t.label)}  [dim]({escape(groups)}; {n} coding{'s' if n != 1 else ''})[/]"
        nodes[t.id] = (nodes[t.parent] if t.parent else tree).add(label)
    console().print(tree)


@app.command()
def schema(
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write it to this file.", dir_okay=False)] = None,
):
    """A JSON Schema of the codebook, for editors (yaml-language-server) to validate and autocomplete it."""
    from ..codebook import json_schema
    from .common import emit

    emit(json.dumps(json_schema(), indent=2) + "\n", out)


@app.command("diff")
def diff_cmd(
    ctx: typer.Context,
    files: Annotated[Optional[list[Path]], typer.Argument(help="OLD NEW codebook files (or use --rev).")] = None,
    rev: Annotated[Optional[str], typer.Option("--rev", help="Compare the project's codebook at this git revision with the file now.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the changes as JSON.")] = False,
    project: ProjectOpt = None,
):
    """What changed between two codebooks: themes added, removed, renamed, moved, redefined; codings affected."""
    from ..codebook import read_codebook_text
    from ..codebook_diff import coding_counts, diff, load_revision, parse
    from ..errors import QualcodeError
    from ..project import open_project

    if rev and files or (not rev and len(files or []) != 2):
        raise QualcodeError("give two codebook files, or --rev GITREV (to compare with the project's codebook now)")
    try:
        p = open_project(project or state(ctx).project)
    except QualcodeError:
        if rev:
            raise
        p = None  # two files outside any project: a diff without counts
    try:
        counts = coding_counts(p) if p else {}
    except QualcodeError:
        counts = {}  # an unreadable codings file: `qualcode check` names it; the diff goes on without counts
    if rev:
        if p.codebook_path is None:
            raise QualcodeError("the project has no codebook to compare")
        old_text, old_label = load_revision(p.codebook_path, rev, p.root)
        new_label = p.rel(p.codebook_path)
        new_text = read_codebook_text(p.codebook_path, new_label)
    else:
        old_label, new_label = str(files[0]), str(files[1])
        old_text, new_text = read_codebook_text(files[0], old_label), read_codebook_text(files[1], new_label)
    result = diff(parse(old_text, old_label), parse(new_text, new_label), counts)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    from .common import console

    out = console()
    out.print(f"{old_label} (version {result.old_version}) -> {new_label} (version {result.new_version}): "
              f"{len(result.changes)} change(s)", markup=False)
    for c in result.changes:
        touched = f"  [{c.codings} coding(s)]" if c.codings else ""
        out.print(f"  {c.kind:<8} {c.theme}: {c.detail}{touched}", markup=False)
