"""qualcode code: the interactive coding loop. Works in a terminal and with piped input."""

from __future__ import annotations

import sys

import typer
from rich.markup import escape

from . import app
from .coding_cmd import TranscriptArg
from .common import (
    CoderOpt,
    ProjectOpt,
    UnitOpt,
    coder_corpus,
    console,
)


def _render(out, view, t) -> None:
    if view.done:
        out.print(escape(view.message))
        return
    seg = view.segment
    who = seg.role or seg.participant or ""
    out.rule(f"{t.id} · {seg.local_id} · segment {view.position + 1} of {view.total} · {escape(who)}", style="cyan")
    if view.previous_turn is not None:
        prev = view.previous_turn
        text = " ".join(prev.text.split())
        text = text if len(text) <= 400 else "…" + text[-399:]
        out.print(f"[dim]{escape(prev.speaker or '')}: {escape(text)}[/]")
    for earlier in view.earlier_in_turn[-2:]:
        out.print(f"[dim]  {escape(earlier.text)}[/]")
    out.print(f"[bold]{escape(seg.speaker or '')}:[/] [bold]{escape(seg.text)}[/]")
    codes = ", ".join(sorted({c.code + (' (pinned)' if c.pinned else '') + (' [memo]' if c.memo else '')
                              for c in view.codes}))
    out.print(f"codes: {escape(codes) if codes else '[dim]none[/]'}")
    head = f"themes for {t.group}" if t.group else "themes"
    out.print(f"[dim]{head}{' matching ' + repr(view.filter) if view.filter else ''}:[/]")
    for n, theme in view.themes:
        out.print(f"  [cyan]{n:>2}[/] {escape(theme.label)} [dim]{escape(theme.id)}[/]")
    if view.message:
        out.print(f"[yellow]{escape(view.message)}[/]")


def _read_line(out, prompt: str = "code> ") -> str | None:
    """A line from the user: with line editing and history in a terminal; plain lines from a pipe."""
    if sys.stdin.isatty():
        try:
            import readline  # noqa: F401  (gives input() editing and history where available)
        except ImportError:
            pass
        try:
            return input(prompt)
        except EOFError:
            return None
    out.print(prompt, end="")
    line = sys.stdin.readline()
    if not line:
        return None
    out.print(line.rstrip("\n"), markup=False)  # echo piped input so a session's log reads well
    return line


@app.command()
def code(
    ctx: typer.Context,
    transcript: TranscriptArg,
    coder: CoderOpt = None,
    start: str = typer.Option(None, "--start", help="Segment id to start at (default: the first uncoded one)."),
    unit: UnitOpt = None,
    project: ProjectOpt = None,
):
    """Code a transcript segment by segment. Type ? in the loop for the keys; every action is saved at once."""
    from ..errors import QualcodeError
    from ..session import CodingSession

    corpus, who = coder_corpus(ctx, project, coder, unit)
    session = CodingSession(corpus, transcript, who)
    if not session.segments:
        raise QualcodeError(f"{session.transcript_id} has nothing to code (only interviewer turns)")
    out = console()
    view = session.go(start) if start else session.view(
        "Resuming at the first uncoded segment. ? for help." if session.position else "? for help.")
    while True:
        _render(out, view, session.transcript)
        if view.done:
            break
        line = _read_line(out)
        if line is None:  # end of input: everything is saved already
            out.print("\nSaved. Bye.")
            break
        view = session.handle(line)
