"""Output that fits pipes and files: a closed pipe ends quietly with exit 0 (as csvkit does), and
redirected output is never cut to 80 columns. Real processes, real pipes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import run


def cli(root, *args, **kw):
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    return subprocess.Popen([sys.executable, "-m", "qualcode", "--project", str(root), *args], env=env, **kw)


@pytest.mark.parametrize("args", [["segments", "cps-01", "--json"], ["summary"], ["status"], ["codebook", "show"],
                                  ["matrix"], ["search", "court"]])
def test_a_closed_pipe_ends_quietly(example, args):
    head = subprocess.Popen(["head", "-1"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    p = cli(example, *args, stdout=head.stdin, stderr=subprocess.PIPE)
    head.stdin.close()  # only head holds the pipe now: it closes after one line
    first = head.stdout.read()
    err = p.stderr.read().decode()
    assert p.wait(timeout=120) == 0, err
    assert err == "" and first.strip()


def test_redirected_output_is_not_cut_at_80_columns(example, tmp_path):
    out = tmp_path / "show.txt"
    with out.open("w") as f:
        assert cli(example, "codebook", "show", stdout=f).wait(timeout=120) == 0
    text = out.read_text(encoding="utf-8")
    assert "…" not in text
    assert "Diverse views within the service" in text and max(map(len, text.splitlines())) > 80


def test_anonymous_tables_keep_their_borders(example, monkeypatch):
    (example / "qualcode.yaml").write_text((example / "qualcode.yaml").read_text() + "anonymous: true\n")
    monkeypatch.setenv("COLUMNS", "100")
    for args in (["summary", "--group", "CPS"], ["matrix", "--cols", "participants"], ["quotes", "court-procedure"],
                 ["disagreements", "--coders", "amara", "amara"]):
        out = run(*args, project=example).stdout
        rows = [x for x in out.splitlines() if x[:1] in "│┃┏┡└├─"]  # table rows, or the rules over quotes
        if args[0] != "disagreements":
            assert rows, (args, out)
        widths = {len(x) for x in rows}
        assert len(widths) <= 1, (args, widths)  # every row of a table as wide as its border
        assert "P06" not in out and "cps-01" not in out


def test_a_closed_pipe_ends_a_long_table_quietly(example):
    """`search the` finds ~600 hits: a table printed in batches (cli/tables.py), cut by head."""
    head = subprocess.Popen(["head", "-3"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    p = cli(example, "search", "the", stdout=head.stdin, stderr=subprocess.PIPE)
    head.stdin.close()
    first = head.stdout.read().decode()
    err = p.stderr.read().decode()
    assert p.wait(timeout=120) == 0, err
    assert err == "" and first.startswith("'the': ") and len(first.splitlines()) == 3


@pytest.mark.parametrize("columns", [None, "80", "52"])
def test_long_tables_in_batches_print_the_same_characters(example, monkeypatch, columns):
    """Batches of 7 rows against one batch: byte for byte the same, wrapped or not, anonymous or not."""
    from qualcode.cli import tables

    shutil.copytree(example / "codings" / "amara", example / "codings" / "ben")
    for f in (example / "codings" / "ben").glob("*.jsonl"):  # ben kept every other coding: disagreements
        f.write_text("".join(f.read_text().splitlines(keepends=True)[::2]))
    if columns:
        monkeypatch.setenv("COLUMNS", columns)
    commands = [["search", "the"], ["segments", "cps-01"], ["disagreements"], ["status", "--all"], ["next", "--n", "30"]]
    for anonymous in (False, True):
        if anonymous:
            (example / "qualcode.yaml").write_text((example / "qualcode.yaml").read_text() + "anonymous: true\n")
        for args in commands:
            monkeypatch.setattr(tables, "BATCH", 10_000)
            whole = run(*args, project=example)
            monkeypatch.setattr(tables, "BATCH", 7)
            batched = run(*args, project=example)
            assert whole.exit_code == batched.exit_code == 0, (args, whole.output)
            assert whole.stdout.count("\n") > 12, (args, whole.stdout)  # more rows than a batch
            assert batched.stdout == whole.stdout, args


def test_batched_tables_match_rich_on_hard_cells():
    """The same characters as rich printing the table whole, in colour too: wide characters,
    emoji, cells that wrap, a title and a caption, at several widths."""
    import io

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from qualcode.cli import tables
    from qualcode.cli.common import WIDE

    words = ["café", "line\u2028separator", "東京の会議", "👩‍⚕️ nurse", "a" * 40, "short", "non-breaking\u00a0space", "tab\there",
             "two\nlines", ""]

    def table():
        t = Table(title="[bold]hard[/] cells", title_justify="left", caption="the end")
        t.add_column("id", no_wrap=True, style="cyan")
        t.add_column("text", ratio=2)
        t.add_column("codes", ratio=1, justify="right")
        for i in range(3 * tables.BATCH + 5):  # a str cell is markup to rich: "[bold]", ":smile:"
            t.add_row(f"t{i}" + (" [bold]b[/] :smile:" if i % 7 == 0 else ""),
                      Text(" ".join(words[i % len(words):] + words[:i % 3])), words[i % len(words)])
        return t

    for width in (WIDE, 200, 80, 33):
        for colour in (False, True):
            kw = dict(width=width, soft_wrap=True, highlight=False, force_terminal=colour,
                      color_system="truecolor" if colour else None)
            whole, batched = Console(file=io.StringIO(), **kw), Console(file=io.StringIO(), **kw)
            whole.print(table())
            tables.print_table(batched, table())
            assert batched.file.getvalue() == whole.file.getvalue(), (width, colour)


def test_a_stdout_that_cannot_hold_a_character_gets_a_question_mark_not_a_crash(example):
    """PYTHONIOENCODING=ascii (or a Windows redirect in cp1252): '…' and curly quotes become '?',
    tables get ASCII borders, and the command finishes with 0 (it stopped halfway with an
    'internal error' before). The remembered status (qualcode/launch.py) too."""
    env = {**{k: v for k, v in os.environ.items() if k != "COLUMNS"}, "PYTHONIOENCODING": "ascii"}
    for args in (["search", "the"], ["status"], ["status"], ["summary", "--format", "json"], ["segments", "cps-01"]):
        p = subprocess.run([sys.executable, "-m", "qualcode", "--project", str(example), *args], env=env,
                           capture_output=True, timeout=120)
        assert p.returncode == 0, (args, p.stderr.decode(errors="replace"))
        out = p.stdout.decode("ascii")  # nothing it cannot hold
        assert out.strip() and "internal error" not in p.stderr.decode(errors="replace")
        if args[0] in ("search", "segments"):
            assert "?" in out and "+--" in out  # a replaced character, an ASCII border


def test_a_long_table_inside_a_captured_output_stays_in_it(example, monkeypatch):
    """status captures what it prints to remember it (launch.py prints it again): a table drawn
    in batches must go into that capture, in its place, not around it to the terminal."""
    from qualcode.analysis.status_cache import SHOWN
    from qualcode.cli import tables

    monkeypatch.setattr(tables, "BATCH", 3)
    r = run("status", "--all", project=example)
    assert r.exit_code == 0 and r.stdout.startswith("KCPO") and r.stdout.count("\n") > 12
    kept = json.loads((example / ".qualcode" / SHOWN).read_text(encoding="utf-8"))["shown"]
    assert list(kept.values()) == [r.stdout]
