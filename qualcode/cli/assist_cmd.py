"""qualcode suggest | rules | review: assisted coding, always decided by a person."""

import json
from typing import Annotated, Optional

import typer
from rich.markup import escape

from ..display import said, short
from .root import app
from .tables import print_table
from .common import CoderOpt, ProjectOpt, coder_corpus, console, full_screen
from .interactive import _read_line


@app.command()
def suggest(
    ctx: typer.Context,
    transcripts: Annotated[Optional[list[str]], typer.Argument(help="Only these transcripts (default: every undecided unit of every transcript).")] = None,
    rules: Annotated[bool, typer.Option("--rules/--no-rules", help="Suggest from the codebook's keywords and patterns.")] = True,
    model: Annotated[bool, typer.Option("--model/--no-model", help="Suggest from a model learned from this coder's decisions.")] = True,
    min_positives: Annotated[int, typer.Option("--min-positives", help="Learn a theme only from at least this many examples.")] = 2,
    coder: CoderOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    project: ProjectOpt = None,
):
    """Store suggestions (never codings) for the units this coder has not decided yet."""
    from ..assist.learner import Settings
    from ..assist.suggest import suggest as run_suggest
    from ..errors import QualcodeError

    if not rules and not model:
        raise QualcodeError("nothing to suggest from: --no-rules and --no-model together")
    corpus, who = coder_corpus(ctx, project, coder)
    report = run_suggest(corpus, who, transcripts or None, rules, model, Settings(min_positives=min_positives))
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
        return
    out = console()
    if report.model:
        m = report.model
        out.print(f"model {m['key']}{' (cached)' if m['cached'] else ''}: {m['codes']} themes learned from "
                  f"{m['coded_units']} coded units, {m['negative_units']} units with no code (decided 'no code', "
                  f"rejected, or passed over between decisions), {m['seed_examples']} codebook examples and "
                  f"{m['definitions']} theme names and descriptions", markup=False)
        if m.get("one_per_unit"):
            out.print("  one theme per unit at most: this coder has never put two themes on one unit", markup=False)
        if not m["codes"]:
            out.print(f"  no theme has {min_positives} coded examples yet: code more by hand, or lower --min-positives",
                      markup=False)
    out.print(f"{report.added} new suggestions ({', '.join(f'{k} {v}' for k, v in sorted(report.by_source.items())) or 'none'}), "
              f"{report.kept} unchanged, {report.withdrawn} withdrawn, {report.skipped_decided} already decided; "
              f"{report.unlabelled_segments} undecided units looked at", markup=False)
    if not report.unlabelled_segments:
        out.print("every unit of " + ("these transcripts" if transcripts else "the project") + " is decided (coded, "
                  "'no code', or passed over between decisions): nothing to suggest for", markup=False)
    out.print(f"Review them with: qualcode review --coder {who}", markup=False)


@app.command("rules")
def rules_cmd(
    ctx: typer.Context,
    coder: CoderOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the rules as JSON.")] = False,
    project: ProjectOpt = None,
):
    """Each codebook keyword and pattern with its hits, accepts, rejects, hits on text already coded, and precision."""
    from ..assist.rule_stats import report

    corpus, who = coder_corpus(ctx, project, coder)
    stats = report(corpus, who)
    if as_json:
        typer.echo(json.dumps([s.to_dict() for s in stats], indent=2, ensure_ascii=False))
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"Rules from {corpus.codebook.name} (decisions by {who})")
    for col in ("rule", "hits", "accepted", "rejected", "on coded text", "prior", "precision"):
        table.add_column(col, justify="left" if col == "rule" else "right")
    for s in stats:
        table.add_row(Text(s.rule), str(s.hits), str(s.accepted), str(s.rejected),
                      f"{s.on_coded}/{s.on_coded + s.on_other}", f"{s.prior:.1f}", f"{s.precision:.2f}")
    print_table(console(), table)


@app.command()
def review(
    ctx: typer.Context,
    code: Annotated[Optional[str], typer.Option("--code", "-t", help="Only suggestions of this theme.")] = None,
    transcript: Annotated[Optional[str], typer.Option("--transcript", help="Only suggestions in this transcript.")] = None,
    order: Annotated[str, typer.Option("--order", help="uncertain (default), confident or document.")] = "uncertain",
    accept_above: Annotated[Optional[float], typer.Option("--accept-above", help="Accept every suggestion with at least this confidence, without the loop.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="With --accept-above: only list what would be accepted.")] = False,
    plain: Annotated[bool, typer.Option("--plain", help="The line-by-line loop even in a terminal (it is always used when input is piped).")] = False,
    coder: CoderOpt = None,
    project: ProjectOpt = None,
):
    """Accept or reject suggestions one at a time, in context (full screen in a terminal), or in bulk with --accept-above."""
    from ..assist.review import bulk_accept, queue

    corpus, who = coder_corpus(ctx, project, coder)
    out = console()
    if accept_above is not None:
        chosen = bulk_accept(corpus, who, accept_above, dry_run, code, transcript)
        verb = "would accept" if dry_run else "accepted"
        for item in chosen:
            c = item.coding
            out.print(f"{verb} {c.code} ({c.confidence or 0:.2f}, {c.source}): {item.transcript_id} \"{short(c.text)}\"",
                      markup=False)
        out.print(f"{len(chosen)} suggestion(s) {verb}", markup=False)
        return
    items = queue(corpus, who, code, transcript, order)
    if items and full_screen(plain):
        from ..workbench import run_review

        run_review(corpus, who, items)
        return
    _loop(out, corpus, who, items)


HELP = "a accept   r reject   c THEME accept as another theme   s skip   u undo   q quit   ? help"


def _loop(out, corpus, coder, items) -> None:
    from ..assist.review import decide, restore
    from ..model import ACCEPTED, REJECTED
    from ..tagging import check_theme

    if not items:
        out.print("No open suggestions. Make some with: qualcode suggest", markup=False)
        return
    history: list[tuple[int, str, list]] = []
    i = 0
    message = "? for help"
    while i < len(items):
        item = items[i]
        _show(out, corpus, item, i, len(items), message)
        line = _read_line(out)
        if line is None:
            break
        key, _, rest = line.strip().partition(" ")
        message = ""
        if key == "q":
            break
        if key in ("?", "h"):
            message = HELP
        elif key == "s" or key == "":
            i += 1
        elif key == "u":
            if history:
                i, tid, before = history.pop()
                restore(corpus, coder, tid, before)
                items[i] = next((type(item)(tid, c) for c in before if c.key == items[i].coding.key
                                 and c.status == "suggested"), items[i])
                message = "Undone."
            else:
                message = "Nothing to undo."
        elif key in ("a", "r", "c"):
            new_code = None
            if key == "c":
                if not rest:
                    message = "Say which theme: c THEME"
                    continue
                try:
                    new_code = check_theme(corpus, rest.strip()).id
                except Exception as exc:  # unknown theme: say so and stay on this suggestion
                    message = str(exc).splitlines()[0]
                    continue
            before = decide(corpus, coder, item, REJECTED if key == "r" else ACCEPTED, new_code)
            history.append((i, item.transcript_id, before))
            message = {"a": "Accepted.", "r": "Rejected.", "c": f"Coded as {new_code} instead."}[key]
            i += 1
        else:
            message = f"Unknown key '{key}'. {HELP}"
    if message:
        out.print(message, markup=False)
    out.print("All suggestions reviewed." if i >= len(items) else "Saved. Bye.", markup=False)


def _show(out, corpus, item, i, total, message) -> None:
    c = item.coding
    t = corpus.transcript(item.transcript_id)
    turn = next((x for x in t.turns if x.start <= c.start < x.end), None)
    prev = next((x for x in reversed(t.turns) if turn and x.index < turn.index), None)
    theme = corpus.codebook.theme(c.code)
    if message:  # what the last key did, before the next suggestion
        out.print(f"[yellow]{escape(message)}[/]")
    out.rule(f"{t.id} · suggestion {i + 1} of {total}", style="cyan")
    if prev is not None:
        out.print(f"[dim]{escape(said(prev.speaker, short(prev.text, 300)))}[/]")
    out.print(f"[bold]{escape(said(turn.speaker if turn else None, c.text))}[/]")
    from ..assist.review import reason as why_suggested

    confidence = "?" if c.confidence is None else f"{c.confidence:.2f}"
    reason = why_suggested(c)
    out.print(f"suggested: [bold]{escape(theme.label if theme else c.code)}[/] ({escape(c.code)}), "
              f"confidence {confidence}; {escape(reason)}")
    if theme is not None and theme.description:
        out.print(f"[dim]  {escape(short(theme.description, 200))}[/]")



@app.command()
def evaluate(
    ctx: typer.Context,
    coder: CoderOpt = None,
    folds: Annotated[int, typer.Option("--folds", min=2, help="Cross-validation folds, grouped by transcript (at most one per transcript).")] = 5,
    curve: Annotated[bool, typer.Option("--curve", help="Also the learning curve: quality against hand-coded segments.")] = False,
    min_positives: Annotated[int, typer.Option("--min-positives", help="Learn a theme only from at least this many examples.")] = 2,
    as_json: Annotated[bool, typer.Option("--json", help="Print the evaluation as JSON.")] = False,
    project: ProjectOpt = None,
):
    """How good suggestions are against this coder's own codings: P, R, F1, kappa per theme and overall."""
    from ..assist.evaluate import evaluate as run_evaluate
    from ..assist.learner import ONE_PER_UNIT, Settings

    corpus, who = coder_corpus(ctx, project, coder)
    ev = run_evaluate(corpus, who, folds, curve, settings=Settings(min_positives=min_positives))
    if as_json:
        typer.echo(json.dumps(ev.to_dict(), indent=2, ensure_ascii=False))
        return
    from rich.table import Table
    from rich.text import Text

    out = console()
    out.print(f"{len(ev.folds)}-fold cross-validation grouped by transcript, against {who}'s codings "
              f"({ev.scores[0].segments} labelled units: coded, decided 'no code', rejected, or passed over "
              "between decisions)" + ("; one theme per unit at most, as this coder codes" if ev.kind == ONE_PER_UNIT else ""),
              markup=False)
    out.print("the baseline scored below, for comparison: plain TF-IDF words and characters with logistic regression, "
              "no context or codebook, on the same folds", markup=False)
    for s in ev.scores:
        table = Table(title=f"{s.source}: micro P {s.micro_precision:.2f} R {s.micro_recall:.2f} F1 {s.micro_f1:.2f}; "
                            f"macro F1 {s.macro_f1:.2f}; mean kappa {s.mean_kappa:.2f}"
                            + (f"; top-3 recall {s.top3_recall:.2f}" if s.top3_recall is not None else ""),
                      title_justify="left")
        for col in ("theme", "support", "predicted", "precision", "recall", "F1", "kappa"):
            table.add_column(col, justify="left" if col == "theme" else "right")
        for c in s.codes:
            table.add_row(Text(c.code), str(c.support), str(c.predicted), f"{c.precision:.2f}", f"{c.recall:.2f}",
                          f"{c.f1:.2f}", f"{c.kappa:.2f}")
        print_table(out, table)
    if ev.curve:
        out.print("learning curve (model):", markup=False)
        for point in ev.curve:
            out.print(f"  {point['hand_coded_segments']:>6} hand-coded segments: micro F1 {point['micro_f1']:.2f}, "
                      f"macro F1 {point['macro_f1']:.2f}, top-3 recall {point['top3_recall']:.2f}", markup=False)


@app.command("next")
def next_cmd(
    ctx: typer.Context,
    n: Annotated[int, typer.Option("--n", help="How many segments.")] = 20,
    coder: CoderOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print them as JSON lines.")] = False,
    project: ProjectOpt = None,
):
    """Uncoded segments to code by hand next: those the model is least sure of, spread across participants."""
    from ..assist.active import next_segments

    corpus, who = coder_corpus(ctx, project, coder)
    picks = next_segments(corpus, who, n)
    if as_json:
        for p in picks:
            typer.echo(json.dumps({"id": p.segment.id, "participant": p.segment.participant, "uncertainty": p.uncertainty,
                                   "closest_theme": p.closest, "text": p.segment.text}, ensure_ascii=False))
        return
    if not picks:
        console().print("Nothing left uncoded.", markup=False)
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Code these next (tag them, or: qualcode code TRANSCRIPT --start ID)")
    table.add_column("segment", no_wrap=True)
    table.add_column("participant", no_wrap=True)
    table.add_column("uncertainty", justify="right")
    table.add_column("closest theme", max_width=26, overflow="fold")
    table.add_column("text", ratio=1, min_width=16)  # 80 columns hold it with a 12-character id
    for p in picks:
        table.add_row(p.segment.id, Text(p.segment.participant or ""), f"{p.uncertainty:.2f}", Text(p.closest or "-"),
                      Text(short(p.segment.text, 120)))
    print_table(console(), table)
