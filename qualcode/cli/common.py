"""What every command shares: options, loading the corpus, writing output, reporting errors."""

import sys
import traceback
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from ..errors import QualcodeError
from ..launch import quiet_pipe

ProjectOpt = Annotated[Optional[Path], typer.Option("--project", "-P", help="Project folder (default: found from the current folder upwards).", file_okay=False)]
CoderOpt = Annotated[Optional[str], typer.Option("--coder", "-c", metavar="NAME", help="Coder name (default: 'coder' in qualcode.yaml, or the only coder).")]
ReportCoderOpt = Annotated[Optional[str], typer.Option("--coder", "-c", metavar="NAME", help="Whose codes to count (default: 'coder' in qualcode.yaml, else the one consensus coder reconcile wrote, else every coder pooled; the report says which).")]
UnitOpt = Annotated[Optional[str], typer.Option("--unit", metavar="UNIT", help="Coding unit: sentence, turn or paragraph (default: qualcode.yaml, else sentence).")]
OutOpt = Annotated[Optional[Path], typer.Option("--out", "-o", metavar="FILE", help="Write to this file instead of the terminal; its suffix picks the format.", dir_okay=False)]
RollupOpt = Annotated[bool, typer.Option("--roll-up/--no-roll-up", help="Count a parent theme that is not coded itself as its sub-themes together (a parent coded itself keeps its own codes).")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace an existing --out file that qualcode did not write (or that was changed since).")]


@dataclass
class State:
    project: Path | None = None
    debug: bool = False
    encoding: str | None = None


def state(ctx: typer.Context) -> State:
    root = ctx.find_root()
    if not isinstance(root.obj, State):
        root.obj = State()
    return root.obj


def corpus_for(ctx: typer.Context, project: Path | None = None, unit: str | None = None, read_only: bool = False):
    """The project loaded. A command that only reads (`read_only`) carries on without a transcript
    that cannot be read, saying so first; a command that changes the project refuses instead."""
    from ..corpus import load_corpus
    from ..project import open_project

    st = state(ctx)
    skipped: list[str] | None = [] if read_only else None
    corpus = load_corpus(open_project(project or st.project, unit, st.encoding), skipped=skipped)
    warn_skipped(skipped or [])
    return corpus


def warn_skipped(skipped: list[str]) -> None:
    """Transcripts a reading command left out because they cannot be read."""
    for problem in skipped:
        first, _, hint = problem.partition("\n")
        warn([f"skipped {first} (commands that change the project refuse until it is fixed)" +
              (f"\n{hint}" if hint else "")])


def coder_corpus(ctx: typer.Context, project: Path | None, coder: str | None, unit: str | None = None):
    """The corpus loaded (its warnings shown) and the coder to act as: what most commands start with."""
    from ..corpus import resolve_coder

    corpus = corpus_for(ctx, project, unit)
    warn(corpus.warnings)
    return corpus, resolve_coder(corpus, coder)


def console(stderr: bool = False):
    """Rich output. Piped or redirected, it is as wide as the content (never cut at 80 columns);
    COLUMNS, when set, still decides."""
    import os

    stream = sys.stderr if stderr else sys.stdout
    wide = not (hasattr(stream, "isatty") and stream.isatty()) and "COLUMNS" not in os.environ
    return _quiet_console()(stderr=stderr, highlight=False, soft_wrap=True, width=WIDE if wide else None)


WIDE = 10_000  # the width of a piped console: no table is cut
PIPED_RULE = 80  # a rule has no content to fit, so piped it is as wide as a classic terminal


@lru_cache(maxsize=1)
def _quiet_console():
    """rich's Console, but a closed pipe ends quietly with 0 (rich's own handler exits 1), as
    csvkit does. Made once: rich is imported only when a command prints."""
    from rich.console import Console

    class Quiet(Console):
        def on_broken_pipe(self) -> None:
            quiet_pipe()
            raise SystemExit(0)

        def rule(self, title="", **kw):
            if self.width < WIDE:
                return super().rule(title, **kw)
            from rich.rule import Rule

            self.print(Rule(title, **kw), width=PIPED_RULE)

    return Quiet


def warn(messages) -> None:
    err = console(stderr=True)
    for m in messages:
        err.print(f"[yellow]warning:[/] {m}", markup=True, highlight=False)


def full_screen(plain: bool) -> bool:
    """Whether to open a full-screen app: keys from a terminal, and a terminal to draw on. Textual
    draws on stderr, so with `2> log` it would paint into the file and leave the screen blank;
    then, as in a pipe, the line-by-line loop runs instead."""
    return not plain and all(stream.isatty() for stream in (sys.stdin, sys.stdout, sys.stderr))


def pick_format(fmt: str | None, out: Path | None, choices: tuple[str, ...], default: str = "table") -> str:
    if fmt is None and out is not None:
        by_suffix = {".md": "markdown", ".markdown": "markdown", ".csv": "csv", ".json": "json", ".xlsx": "xlsx",
                     ".docx": "docx", ".html": "html", ".htm": "html"}
        fmt = by_suffix.get(out.suffix.lower())
        if fmt is None or fmt not in choices:
            raise QualcodeError(f"cannot tell the format from '{out.name}'",
                                hint="Name the file " + ", ".join(f".{c}" if c != "markdown" else ".md"
                                                                  for c in choices if c != "table") + ", or pass --format.")
    fmt = {"md": "markdown"}.get(fmt, fmt) or default  # the suffix's name works as a format too
    if fmt not in choices:
        raise QualcodeError(f"unknown format '{fmt}'", hint="Use one of: " + ", ".join(choices))
    if fmt == "table" and out is not None:
        raise QualcodeError("--format table is for the terminal", hint="Use markdown, csv or json with --out.")
    if fmt in BINARY and out is None:
        raise QualcodeError(f"--format {fmt} makes a file", hint=f"Add --out FILE.{fmt}")
    return fmt


def scrubbed(corpus, text: str) -> str:
    """The text with participant names and ids replaced when the project says `anonymous: true`."""
    if not corpus.project.anonymous:
        return text
    from ..anonymise import Pseudonyms

    return Pseudonyms.of(corpus)(text)


def show(corpus, render) -> None:
    """Render rich output to the terminal; through the pseudonymiser first when anonymous."""
    if not corpus.project.anonymous:
        render(console())
        return
    import io

    from ..anonymise import Pseudonyms, scrub_renderable

    scrub = Pseudonyms.of(corpus)

    class Scrubbing(_quiet_console()):  # names replaced before drawing, so tables keep their borders
        def print(self, *objects, **kw):
            super().print(*(scrub_renderable(o, scrub) for o in objects), **kw)

        def scrubbed(self, obj):  # for what measures a table before printing it (tables.print_table)
            return scrub_renderable(obj, scrub)

        def rule(self, title="", **kw):
            super().rule(scrub_renderable(title, scrub), **kw)

    buffer = io.StringIO()
    render(Scrubbing(file=buffer, width=console().width, highlight=False, soft_wrap=True))
    sys.stdout.write(scrub(buffer.getvalue()))  # a safety net: idempotent, so it moves no border


BINARY = ("xlsx", "docx")


def _out_project(ctx: typer.Context | None):
    """The project the running command works on, for the --out rules (outputs.py); None outside one."""
    from ..project import Project, find_root, open_project

    given = ctx and (ctx.params.get("project") or state(ctx).project)
    try:
        return open_project(given or None)
    except QualcodeError:
        root = given.resolve() if given else find_root(Path.cwd())
        if root is None:
            return None
        return Project(root=root.resolve(), codebook_path=None, transcripts_dir=root / "transcripts",
                       codings_dir=root / "codings")


def emit_bytes(data: bytes, out: Path, ctx: typer.Context | None = None) -> None:
    """Write the file atomically, after the --out rules (outputs.py: never into project data, never
    over a file qualcode did not write unless the command's --force), and say where it went."""
    from ..outputs import check_out, remember
    from ..storage import atomic_write_bytes

    project = _out_project(ctx)
    target = check_out(out, project, bool(ctx and ctx.params.get("force")))
    try:
        atomic_write_bytes(target, data)
    except OSError as exc:
        raise QualcodeError(f"cannot write the file: {exc.strerror}", str(out))
    remember(target, data, project)
    console(stderr=True).print(f"Wrote {out}", markup=False)


def emit(text: str, out: Path | None, ctx: typer.Context | None = None) -> None:
    """Print, or write the file (see emit_bytes)."""
    if out is None:
        sys.stdout.write(text)
        return
    emit_bytes(text.encode("utf-8"), out, ctx)


SECTIONS = (  # `qualcode --help` lists the commands by what a person is doing
    ("Project", ("init", "status", "check", "segments", "codebook")),
    ("Coding", ("code", "tag", "untag")),
    ("Assisted coding", ("suggest", "review", "rules", "next", "evaluate")),
    ("Reports", ("summary", "matrix", "quotes", "search", "saturation", "plot")),
    ("Team", ("agreement", "disagreements", "reconcile")),
    ("Exchange", ("import", "export")),
)


def tidy_metavars(command) -> None:
    """Name what each argument and option takes in plain words (FILE, DIR, TEXT, N), as most
    command-line tools do, where typer would print '{file}', '<str>' or '<list[str]>'."""
    for param in command.params:
        if type(param).__name__.endswith("Argument") and "_usage_display_name" not in vars(param):
            # usage 'TAG TRANSCRIPT [SEGMENT_ID]...', not '{TRANSCRIPT}', and no '<list[str]>' beside it
            name = (param.metavar or param.name.upper()) if param.required else f"[{param.metavar or param.name.upper()}]"
            usage = name + ("..." if param.nargs != 1 else "")
            param._usage_display_name = lambda usage=usage: usage  # typer 0.29
            param.get_usage_pieces = lambda ctx, usage=usage: [usage]  # typer 0.28
            param.display_type_rich = lambda ctx: None
        if param.metavar is not None or getattr(param, "is_flag", False) or getattr(param, "count", False):
            continue
        param.metavar = param.name.upper() if type(param).__name__.endswith("Argument") else _takes(param)


def _takes(param) -> str:
    """What an option takes, in a word: typer 0.29 keeps its annotation, 0.28 a click type."""
    described = getattr(param, "type_descriptor", None)
    if described is not None:
        kind = {Path: "FILE", int: "N", float: "NUMBER"}.get(described.annotation, "TEXT")
        folder = getattr(described.parameter_info, "file_okay", True) is False
    else:
        name = type(getattr(param, "type", None)).__name__
        kind = "FILE" if name.endswith("Path") else "N" if name.startswith("Int") else \
            "NUMBER" if name.startswith("Float") else "TEXT"
        folder = getattr(param.type, "file_okay", True) is False
    return "DIR" if kind == "FILE" and folder else kind


class Group(TyperGroup):
    """Turns our errors into one readable message and exit code 2; no traceback unless --debug."""

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is not None:
            tidy_metavars(command)
        return command

    def format_help(self, ctx, formatter) -> None:
        tidy_metavars(self)
        super().format_help(ctx, formatter)

    def format_commands(self, ctx: typer.Context, formatter) -> None:
        names = [n for n in self.list_commands(ctx) if not self.commands[n].hidden]
        placed = {n for _, members in SECTIONS for n in members}
        if not set(names) & placed:  # a sub-group (codebook, import, export): as typer lists it
            return super().format_commands(ctx, formatter)
        limit = formatter.width - 6 - max(len(n) for n in names)
        sections = [(title, [n for n in members if n in names]) for title, members in SECTIONS]
        sections.append(("Other", [n for n in names if n not in placed]))
        for title, members in sections:
            if members:
                with formatter.section(title):
                    formatter.write_dl([(n, self.commands[n].get_short_help_str(limit)) for n in members])

    def invoke(self, ctx: typer.Context):
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):  # typer's own exits and usage errors
            raise
        except QualcodeError as exc:
            self._fail(ctx, f"error: {exc}", 2, exc)
        except KeyboardInterrupt:
            self._fail(ctx, "interrupted; everything saved so far is kept", 130, None)
        except BrokenPipeError:  # `qualcode ... | head`: the reader has all it wanted
            quiet_pipe()
            ctx.exit(0)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            self._fail(ctx, f"error: {where}{exc.strerror or exc}", 2, exc)
        except Exception as exc:  # a bug: say so plainly, keep the traceback for --debug
            self._fail(ctx, f"internal error: {type(exc).__name__}: {exc}\n"
                            "  This is a bug in qualcode. Re-run with --debug for details and please report it.", 3, exc)

    @staticmethod
    def _fail(ctx: typer.Context, message: str, code: int, exc: BaseException | None):
        if exc is not None and isinstance(ctx.obj, State) and ctx.obj.debug:
            traceback.print_exception(exc)
        typer.echo(message, err=True)
        ctx.exit(code)
