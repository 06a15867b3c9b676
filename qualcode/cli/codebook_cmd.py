"""qualcode codebook validate | show"""

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import ForceOpt, Group, ProjectOpt, RollupOpt, console, corpus_for, state

app = typer.Typer(cls=Group, help="Check, browse and change the codebook (renames, merges, moves and splits carry every coding along).", no_args_is_help=True)


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

    cache_dir = None
    if file is None:
        p = open_project(project or state(ctx).project)
        if p.codebook_path is None:
            raise QualcodeError("no codebook found in codebooks/", hint="Pass the file, or set 'codebook:' in qualcode.yaml.")
        file, rel, cache_dir = p.codebook_path, p.rel(p.codebook_path), p.cache_dir
    else:
        rel = str(file)
    codebook, problems = validate_text(read_codebook_text(file, rel), rel, cache_dir=cache_dir)
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
    rollup: RollupOpt = True,
    project: ProjectOpt = None,
):
    """The theme tree with labels, stakeholder groups and counts of accepted codings (every coder's)."""
    from collections import Counter

    from ..analysis.rollup import ancestors, rolled_parents

    corpus = corpus_for(ctx, project, read_only=True)
    cb = corpus.codebook
    counts = Counter(c.code for _, _, c in corpus.accepted())
    below: Counter = Counter()  # codings of sub-themes, for a parent that is not coded itself
    if rollup:
        rolled = rolled_parents(cb, set(counts))
        for theme_id, parents in ancestors(cb).items():
            for p in parents:
                if p in rolled:
                    below[p] += counts.get(theme_id, 0)
    if as_json:
        typer.echo(json.dumps({"name": cb.name, "version": cb.version,
                               "groups": {g.id: g.label for g in cb.groups.values()},
                               "themes": [{"id": t.id, "label": t.label, "parent": t.parent, "groups": list(t.groups),
                                           "codings": counts.get(t.id, 0),
                                           **({"codings_of_sub_themes": below[t.id]} if t.id in below else {})}
                                          for t in cb.themes]}, indent=2,
                              ensure_ascii=False))
        return
    from rich.markup import escape
    from rich.tree import Tree

    tree = Tree(f"[bold]{cb.name}[/] (version {cb.version}, {len(cb.themes)} themes)")
    nodes = {}
    for t in cb.themes:
        groups = ", ".join(t.groups) or "all groups"
        n = counts.get(t.id, 0)
        sub = f", {below[t.id]} under its sub-themes" if t.id in below else ""
        label = f"[bold]{escape(t.id)}[/]  {escape(t.label)}  [dim]({escape(groups)}; {n} coding{'s' if n != 1 else ''}{sub})[/]"
        nodes[t.id] = (nodes[t.parent] if t.parent else tree).add(label)
    console().print(tree)


@app.command()
def schema(
    ctx: typer.Context,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write it to this file.", dir_okay=False)] = None,
    force: ForceOpt = False,
):
    """A JSON Schema of the codebook, for editors (yaml-language-server) to validate and autocomplete it."""
    from ..codebook import json_schema
    from .common import emit

    emit(json.dumps(json_schema(), indent=2) + "\n", out, ctx)


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


# --- migrations: the codebook and every coder's codings change together ------------------------

DryRun = Annotated[bool, typer.Option("--dry-run", help="Say what would change; write nothing.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the change as JSON.")]


def _migrate(ctx: typer.Context, project: Optional[Path], dry_run: bool, as_json: bool, action: str, **kw) -> None:
    from ..migrate import run
    from ..project import open_project

    p = open_project(project or state(ctx).project)
    m = run(p, action, dry_run, **kw)
    if as_json:
        typer.echo(json.dumps({**m.to_dict(p), "dry_run": dry_run}, indent=2, ensure_ascii=False))
        return
    out = console()
    verb = "would change" if dry_run else "changed"
    out.print(f"{p.rel(m.codebook)}: {m.summary}; version {m.old_version} -> {m.new_version}", markup=False)
    coders = ", ".join(f"{c} {n}" for c, n in sorted(m.changed.items())) or "none"
    out.print(f"codings {verb}: {coders} ({len(m.files) - 1} codings file(s))", markup=False)
    if m.combined:
        out.print(f"{m.combined} coding(s) met another on the same span and were combined (the decision kept, memos joined)",
                  markup=False)
    if m.withdrawn:
        out.print(f"{m.withdrawn} open suggestion(s) of the split theme withdrawn (qualcode suggest makes new ones)",
                  markup=False)
    for coder, n in sorted(m.flagged.items()):
        out.print(f"{n} suggestion(s) flagged for {coder} to decide: qualcode review --coder {coder}", markup=False)
    for note in m.notes:
        out.print(f"note: {note}", markup=False)
    if m.reformatted:
        out.print(f"note: the YAML writer also re-formatted {m.reformatted} line(s) elsewhere in the codebook "
                  "(quoting or spacing it cannot reproduce); see git diff", markup=False)
    if dry_run:
        out.print("dry run: nothing written", markup=False)


@app.command()
def rename(
    ctx: typer.Context,
    old: Annotated[str, typer.Argument(help="The theme's id now.")],
    new: Annotated[str, typer.Argument(help="Its new id.")],
    label: Annotated[Optional[str], typer.Option("--label", help="A new label too.")] = None,
    dry_run: DryRun = False, as_json: JsonOpt = False, project: ProjectOpt = None,
):
    """Rename a theme's id in the codebook and in every coder's codings; bump the version."""
    _migrate(ctx, project, dry_run, as_json, "rename", old=old, new=new, label=label)


@app.command()
def merge(
    ctx: typer.Context,
    themes: Annotated[list[str], typer.Argument(help="The themes to merge (two or more).")],
    into: Annotated[str, typer.Option("--into", help="The theme they become: one of them, another theme, or a new id.")],
    label: Annotated[Optional[str], typer.Option("--label", help="A label for the merged theme.")] = None,
    dry_run: DryRun = False, as_json: JsonOpt = False, project: ProjectOpt = None,
):
    """Merge themes into one: their codings, children, keywords and examples move to it; bump the version."""
    _migrate(ctx, project, dry_run, as_json, "merge", sources=themes, into=into, label=label)


@app.command()
def move(
    ctx: typer.Context,
    theme: Annotated[str, typer.Argument(help="The theme to move (with its children).")],
    under: Annotated[Optional[str], typer.Option("--under", help="Its new parent theme.")] = None,
    top: Annotated[bool, typer.Option("--top", help="Move it to the top level.")] = False,
    dry_run: DryRun = False, as_json: JsonOpt = False, project: ProjectOpt = None,
):
    """Move a theme (and its children) under another theme, or to the top level; bump the version."""
    from ..errors import QualcodeError

    if (under is None) == (not top):
        raise QualcodeError("say where to: --under PARENT or --top")
    _migrate(ctx, project, dry_run, as_json, "move", theme=theme, under=under)


@app.command()
def split(
    ctx: typer.Context,
    names: Annotated[list[str], typer.Argument(help="The theme to split (then, after --into, the new ids).", metavar="THEME")],
    into: Annotated[list[str], typer.Option("--into", help="The new theme ids: --into x y (or --into x --into y).")],
    label: Annotated[Optional[list[str]], typer.Option("--label", help="Labels for the new themes, in order.")] = None,
    dry_run: DryRun = False, as_json: JsonOpt = False, project: ProjectOpt = None,
):
    """Split a theme into new ones. Its codings are not guessed: each becomes a suggestion of every
    new theme, for a person to accept or reject in `qualcode review`. Bumps the version."""
    # `split THEME --into X Y` reaches us as names [THEME, Y] and into [X]: click options take one value
    _migrate(ctx, project, dry_run, as_json, "split", theme=names[0], into=into + names[1:], labels=label or [])
