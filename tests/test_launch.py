"""A remembered `status` printed before typer and rich are imported (qualcode/launch.py): through
the real `qualcode` entry point in fresh processes, the same characters as the command itself
prints, for every way of printing; anything changed, unusual or wrong goes to the command."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import REPO, run
from qualcode.launch import status_asked

PROBE = """
import atexit, sys
atexit.register(lambda: print("\\nLOADED", "typer" in sys.modules or "rich" in sys.modules, file=sys.stderr))
sys.argv = ["qualcode", *{argv!r}]
from qualcode.launch import main
main()
"""


def qualcode(root, *argv, env=None):
    """(stdout, stderr without the probe's line, whether typer or rich was imported)."""
    r = subprocess.run([sys.executable, "-c", PROBE.format(argv=list(argv))], cwd=root, capture_output=True,
                       text=True, env={**os.environ, **(env or {})})
    assert r.returncode == 0, r.stderr[-2000:]
    err, _, probe = r.stderr.rpartition("\nLOADED ")
    return r.stdout, err, probe.strip() == "True"


def test_a_second_status_prints_the_same_without_typer_or_rich(example):
    for argv in [("status",), ("status", "--json"), ("status", "--all"), ("--project", str(example), "status", "--unit", "turn"),
                 ("status", "--all", "--json"), ("--encoding=utf-8", "status", "--project", str(example))]:
        first, _, slow = qualcode(example, *argv)
        again, err, loaded = qualcode(example, *argv)
        assert slow and not loaded and again == first and err == "", argv
    assert "unit: turn" in qualcode(example, "status", "--unit", "turn")[0]
    # What the command prints through typer, piped as here.
    assert qualcode(example, "status")[0] == run("status", project=example).stdout
    assert json.loads(qualcode(example, "status", "--json")[0]) == json.loads(run("status", "--json", project=example).stdout)


def test_another_terminal_width_or_colour_setting_is_printed_by_the_command(example):
    narrow, _, _ = qualcode(example, "status", env={"COLUMNS": "60"})
    wide, _, _ = qualcode(example, "status", env={"COLUMNS": "200"})
    def table_width(text):
        return max(len(line) for line in text.splitlines() if "│" in line)

    assert table_width(narrow) <= 60 < table_width(wide)
    again, _, loaded = qualcode(example, "status", env={"COLUMNS": "60"})
    assert again == narrow and not loaded  # both ways are remembered
    coloured, _, loaded = qualcode(example, "status", env={"FORCE_COLOR": "1"})
    assert loaded and "\x1b[" in coloured and "\x1b[" not in narrow


def test_a_changed_coding_or_a_damaged_store_computes_it_again(example):
    qualcode(example, "status")
    before, _, loaded = qualcode(example, "status")
    assert not loaded
    assert run("tag", "cps-01", "1.1", "--code", "real-risk-cases", "--coder", "zoe", project=example).exit_code == 0
    after, _, loaded = qualcode(example, "status")
    assert loaded and "zoe" in after and "zoe" not in before
    (example / ".qualcode" / "status-shown.json").write_text('{"key": [', encoding="utf-8")
    damaged, _, loaded = qualcode(example, "status")
    assert loaded and damaged == after


def test_warnings_are_never_skipped(example):
    (example / "transcripts" / "broken.txt").write_bytes(b"\xff\xfe\x00\xd8 not text")
    for _ in range(3):
        _, err, loaded = qualcode(example, "status")
        assert loaded and "skipped transcripts/broken.txt" in err


def test_errors_and_other_command_lines_go_to_the_command(example, tmp_path):
    r = subprocess.run([sys.executable, "-m", "qualcode", "--project", str(tmp_path / "nowhere"), "status"],
                       capture_output=True, text=True)
    assert r.returncode != 0 and "does not exist" in r.stderr and "Traceback" not in r.stderr
    qualcode(example, "status")
    r = subprocess.run([sys.executable, "-m", "qualcode", "status", "--unit", "word"], cwd=example, capture_output=True, text=True)
    assert r.returncode != 0 and "unit" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("argv, asked", [
    (["status"], {"project": None, "encoding": None, "unit": None, "flags": set()}),
    (["-P", "x", "status", "--json", "--all"], {"project": "x", "encoding": None, "unit": None, "flags": {"--json", "--all"}}),
    (["--project=x", "--encoding", "cp1252", "status", "--unit=turn", "--project", "y"],
     {"project": "y", "encoding": "cp1252", "unit": "turn", "flags": set()}),
    (["status", "--help"], None), (["--help"], None), (["--json", "status"], None), (["status", "extra"], None),
    (["--debug", "status"], None), (["status", "--unit"], None), (["status", "--unit", "--json"], None),
    (["--unit", "turn", "status"], None), (["status", "status"], None), (["summary"], None), ([], None),
    (["--project=", "status"], None), (["status", "--jso"], None),
])
def test_only_a_plain_status_command_line_is_read(argv, asked):
    assert status_asked(argv) == asked


def test_a_reader_that_stops_early_ends_it_quietly():
    """`qualcode status | head -1`: a closed pipe exits 0 with nothing on stderr."""
    code = "from qualcode.launch import write_out; write_out('a line of status\\n' * 200_000)"
    r = subprocess.run(f"{sys.executable} -c \"{code}\" | head -1", shell=True, capture_output=True, text=True,
                       executable="/bin/bash", env={**os.environ, "PYTHONPATH": str(REPO)})
    assert r.stdout == "a line of status\n" and r.stderr == ""
    r = subprocess.run(f"set -o pipefail; {sys.executable} -c \"{code}\" | head -1", shell=True, capture_output=True,
                       executable="/bin/bash", env={**os.environ, "PYTHONPATH": str(REPO)})
    assert r.returncode == 0
