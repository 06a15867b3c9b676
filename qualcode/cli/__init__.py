"""qualcode's command line: thin commands over the library. Each parses, calls, renders, exits.

These modules do not use `from __future__ import annotations`: typer evaluates every command's
annotations on each run, and string ones must be compiled first (45 ms of every command).

A run imports and builds only the command it was asked for (`qualcode status` needs none of the
other eight modules, and typer inspects each command's parameters when it builds it: 30-40 ms of
a 0.15 s command); `--help`, no command or one not known load them all.
"""

import copy
import importlib
import sys

import typer

from .root import app

# The module each command and group is defined in (tests/test_docs.py checks this against them all).
COMMANDS = {
    "segments": "coding_cmd", "tag": "coding_cmd", "untag": "coding_cmd", "code": "interactive",
    "suggest": "assist_cmd", "rules": "assist_cmd", "review": "assist_cmd", "evaluate": "assist_cmd",
    "next": "assist_cmd", "matrix": "query_cmd", "quotes": "query_cmd", "search": "query_cmd",
    "saturation": "query_cmd", "plot": "query_cmd", "init": "report_cmd", "status": "report_cmd",
    "summary": "report_cmd", "agreement": "team_cmd", "disagreements": "team_cmd", "reconcile": "team_cmd",
    "check": "team_cmd",
}
GROUPS = {"codebook": "codebook_cmd", "import": "import_cmd", "export": "export_cmd"}
# The root's options that take a value (the command's name comes after it).
_VALUED = ("--project", "-P", "--encoding")


def _load(modules) -> None:
    for name in modules:
        module = importlib.import_module(f".{name}", __name__)
        group = next((g for g, m in GROUPS.items() if m == name), None)
        if group and not any(info.name == group for info in app.registered_groups):
            app.add_typer(module.app, name=group)


def every_command() -> typer.Typer:
    """The app with every command registered (for help pages, tests and the library)."""
    _load(sorted({*COMMANDS.values(), *GROUPS.values()}))
    return app


def command_named(argv: list[str]) -> str | None:
    """The command `argv` asks for, when it is one qualcode has; else None."""
    args = iter(argv)
    for arg in args:
        if arg in ("-h", "--help", "--version"):
            return None
        if arg in _VALUED:
            next(args, None)
        elif not arg.startswith("-"):
            return arg if arg in COMMANDS or arg in GROUPS else None
    return None


def _only(name: str | None) -> typer.Typer:
    """The app with only this command (all of them for None); the shared app is left as it is."""
    if name is None:
        return every_command()
    _load([COMMANDS.get(name) or GROUPS[name]])
    run = copy.copy(app)
    run.registered_commands = [c for c in app.registered_commands if _name(c) == name]
    run.registered_groups = [g for g in app.registered_groups if g.name == name]
    return run


def _name(info) -> str:
    return info.name or typer.main.get_command_name(info.callback.__name__)


def main() -> None:
    from .. import busy, perf

    perf.FREEZE_LONG_LIVED = True
    busy.enable(busy.wanted_for(sys.argv, sys.stderr))
    run = _only(command_named(sys.argv[1:]))
    try:
        run(prog_name="qualcode")
    except BrokenPipeError:  # raised while flushing at the end: the reader closed the pipe
        from ..launch import quiet_pipe

        quiet_pipe()
        sys.exit(0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
