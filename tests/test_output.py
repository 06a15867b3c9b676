"""Output that fits pipes and files: a closed pipe ends quietly with exit 0 (as csvkit does), and
redirected output is never cut to 80 columns. Real processes, real pipes."""

from __future__ import annotations

import os
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
