"""qualcode code: the interactive coding loop. Works in a terminal and with piped input."""

import sys

import typer
from rich.markup import escape

from ..display import said
from .root import app
from .coding_cmd import TranscriptArg
from .common import (
    CoderOpt,
    ProjectOpt,
    UnitOpt,
    coder_corpus,
    console,
    full_screen,
)


def _render(out, view, t, decided: float | None = None) -> None:
    """One screenful, the unit being coded last, just above the prompt, so a long theme list
    never scrolls it away; themes in columns; text word-wrapped to the terminal."""
    from rich.columns import Columns

    if view.done:
        out.print(escape(view.message))
        return
    seg = view.segment
    who = seg.role or seg.participant or ""
    share = f" · {decided:.0%} decided" if decided is not None else ""
    out.rule(f"{t.id} · {seg.local_id} · segment {view.position + 1} of {view.total}{share} · {escape(who)}", style="cyan")
    head = (f"themes matching {view.filter!r} (whole codebook)" if view.filter else
            f"themes for {t.group}" if t.group else "themes")
    out.print(f"[dim]{escape(head)}:[/]")
    out.print(Columns([f"[cyan]{n:>2}[/] {escape(theme.label)}" for n, theme in view.themes], padding=(0, 2)))
    if view.previous_turn is not None:
        prev = view.previous_turn
        text = " ".join(prev.text.split())
        text = text if len(text) <= 400 else "…" + text[-399:]
        out.print(f"[dim]{escape(said(prev.speaker, text))}[/]")
    for earlier in view.earlier_in_turn[-2:]:
        out.print(f"[dim]  {escape(earlier.text)}[/]")
    out.print(f"[bold]{escape(said(seg.speaker, seg.text))}[/]")
    codes = ", ".join(sorted({c.code + (' (pinned)' if c.pinned else '') + (' [memo]' if c.memo else '')
                              for c in view.codes}))
    out.print(f"codes: {escape(codes) if codes else '[dim]none[/]'}")
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
    plain: bool = typer.Option(False, "--plain", help="The line-by-line loop even in a terminal (it is always used when input is piped)."),
    project: ProjectOpt = None,
):
    """Code a transcript: the full-screen workbench in a terminal (? lists the keys), else a line loop. Every action is saved at once."""
    from ..errors import QualcodeError
    from ..session import CodingSession

    corpus, who = coder_corpus(ctx, project, coder, unit)
    session = CodingSession(corpus, transcript, who)
    if not session.segments:
        raise QualcodeError(f"{session.transcript_id} has nothing to code (only interviewer turns)")
    if start and not any(start in (s.id, s.local_id) for s in session.segments):
        from ..errors import did_you_mean

        raise QualcodeError(f"no codable segment '{start}' in {session.transcript_id}" +
                            did_you_mean(start, [s.local_id for s in session.segments]),
                            hint=f"List them with: qualcode segments {session.transcript_id} (interviewer turns are not coded)")
    if start:
        session.go(start)
    if full_screen(plain):
        from ..workbench import run_workbench

        run_workbench(session)
        return
    from rich.console import Console

    out = Console(highlight=False)  # word-wrapped to the terminal, unlike the report output
    view = session.view("" if start else "? for help." if not session.position else
                        "Resuming after your last decision, at the first undecided segment. ? for help.")
    while True:
        _render(out, view, session.transcript, session.decided_share)
        if view.done:
            break
        line = _read_line(out)
        if line is None:  # end of input: everything is saved already
            out.print("\nSaved. Bye.")
            break
        view = session.handle(line)
