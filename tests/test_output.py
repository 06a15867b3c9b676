"""Output that fits pipes and files: a closed pipe ends quietly with exit 0 (as csvkit does), and
redirected output is never cut to 80 columns. Real processes, real pipes."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


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
