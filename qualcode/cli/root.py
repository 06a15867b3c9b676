"""The `qualcode` command itself: its options, and the app every command module registers on."""

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
