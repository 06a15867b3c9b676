"""The `qualcode` command's entry point. A `status` that an unchanged project printed before, in
the same way (options, terminal, environment), is printed again from what was remembered
(qualcode/analysis/status_cache.py) before typer and rich are imported: they are 60 of the
120 ms of such a run, and a shell prompt or a pre-commit hook runs it again and again. Anything
else, or anything unexpected on the way, goes to the command line proper (qualcode/cli), which
gives every message and error.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The options a remembered status may be asked with: before the command, then after it. Any
# other argument (--help, a typo, --debug's tracebacks) goes to typer.
_ROOT_VALUED = {"--project": "project", "-P": "project", "--encoding": "encoding"}
_STATUS_VALUED = {"--project": "project", "-P": "project", "--unit": "unit"}
_STATUS_FLAGS = ("--json", "--all")


def main() -> None:
    replace_unencodable()
    try:
        if _remembered_status(sys.argv[1:]):
            return
    except KeyboardInterrupt:
        sys.exit(130)
    from .cli import main as cli_main

    cli_main()


def replace_unencodable() -> None:
    """On a stdout whose encoding is not UTF-8 (PYTHONIOENCODING=ascii, a Windows redirect in
    cp1252), a character it cannot hold ("…", "東") becomes "?" instead of stopping the command
    halfway with a UnicodeEncodeError; rich then draws tables with ASCII borders. Files that
    qualcode writes itself (--out) are always UTF-8."""
    stream = sys.stdout
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    if encoding != "utf8" and hasattr(stream, "reconfigure"):
        try:
            stream.reconfigure(errors="replace")
        except (ValueError, OSError):  # a stream that cannot change: leave it
            pass


def write_out(text: str) -> None:
    """Write a command's whole output to stdout; a reader that closed the pipe (`| head`) ends it
    quietly with 0. In pieces: Windows consoles fail on single writes over 32 KB (as rich does)."""
    try:
        for i in range(0, len(text), 8192):
            sys.stdout.write(text[i:i + 8192])
        sys.stdout.flush()
    except BrokenPipeError:
        quiet_pipe()
        sys.exit(0)


def quiet_pipe() -> None:
    """Point stdout at /dev/null so the interpreter's last flush does not fail again (after the
    reader closed the pipe). Here, not in cli/, so a remembered status needs no typer for it."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def status_asked(argv: list[str]) -> dict | None:
    """The project, encoding, unit and flags of `qualcode [root options] status [options]`, or
    None for any other command line. Options are read as click reads them (`--opt value`,
    `--opt=value`, the last one given wins); a value that looks like an option is left to typer."""
    asked: dict = {"project": None, "encoding": None, "unit": None, "flags": set()}
    valued, command = _ROOT_VALUED, None
    args = iter(argv)
    for arg in args:
        name, eq, value = arg.partition("=")
        if arg == "status" and command is None:
            command, valued = "status", _STATUS_VALUED
        elif command and arg in _STATUS_FLAGS:
            asked["flags"].add(arg)
        elif name in valued and name.startswith("--") and eq:
            asked[valued[name]] = value
        elif arg in valued:
            value = next(args, None)
            if value is None or value.startswith("-"):
                return None
            asked[valued[arg]] = value
        else:
            return None
    if command is None or asked["project"] == "" or asked["unit"] == "":
        return None
    return asked


def _remembered_status(argv: list[str]) -> bool:
    """Print what `status` printed for these inputs in this way, if remembered; whether it did."""
    asked = status_asked(argv)
    if asked is None:
        return False
    try:
        from .analysis import status_cache
        from .project import find_root, open_project

        root = Path(asked["project"]) if asked["project"] is not None else find_root(Path.cwd())
        if root is None or (root / ".qualcode" / "transaction").exists():  # a recovery to report
            return False
        p = open_project(root, asked["unit"], asked["encoding"])
        text = status_cache.shown(p, status_cache.inputs_key(p), status_cache.way_shown(tuple(sorted(asked["flags"]))))
    except Exception:  # noqa: BLE001 - whatever it is, the command itself reports it properly
        return False
    if text is None:
        return False
    write_out(text)
    return True
