"""qualcode's command line: thin commands over the library. Each parses, calls, renders, exits.

These modules do not use `from __future__ import annotations`: typer evaluates every command's
annotations on each run, and string ones must be compiled first (45 ms of every command)."""

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import Group, State

app = typer.Typer(
    cls=Group,
    name="qualcode",
    help="Code qualitative interviews from the terminal: transcripts, a YAML codebook, codings in plain text.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool):
    if value:
        from importlib.metadata import version

        typer.echo(f"qualcode {version('qualcode')}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    project: Annotated[Optional[Path], typer.Option("--project", "-P", help="Project folder (default: found from the current folder upwards).", file_okay=False)] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    encoding: Annotated[Optional[str], typer.Option("--encoding", help="Read transcripts saved in this encoding (e.g. cp1252) instead of UTF-8/UTF-16.")] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
):
    ctx.obj = State(project=project, debug=debug, encoding=encoding)
    _log_to_stderr()


def _log_to_stderr() -> None:
    """The library logs what a person waiting should know (e.g. who holds the project lock)."""
    import logging

    class Stderr(logging.StreamHandler):
        stream = property(lambda self: sys.stderr, lambda self, value: None)  # looked up each time

    logger = logging.getLogger("qualcode")
    if not any(type(h).__name__ == "Stderr" for h in logger.handlers):
        handler = Stderr()
        handler.setFormatter(logging.Formatter("note: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)


from . import (  # noqa: E402, F401  (register commands)
    assist_cmd,
    codebook_cmd,
    coding_cmd,
    export_cmd,
    import_cmd,
    interactive,
    query_cmd,
    report_cmd,
    team_cmd,
)

app.add_typer(codebook_cmd.app, name="codebook")
app.add_typer(import_cmd.app, name="import")
app.add_typer(export_cmd.app, name="export")


def main() -> None:
    from .. import busy, perf

    perf.FREEZE_LONG_LIVED = True
    busy.enable(busy.wanted_for(sys.argv, sys.stderr))
    try:
        app(prog_name="qualcode")
    except BrokenPipeError:  # raised while flushing at the end: the reader closed the pipe
        from .common import _quiet_pipe

        _quiet_pipe()
        sys.exit(0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
