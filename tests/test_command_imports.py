"""Each command imports only what it needs, so the everyday ones stay as quick as `status`:
warm (the segment and pattern caches filled), none of these loads scikit-learn or matplotlib,
and none loads spaCy or numpy (numpy's import alone was a fifth of a warm `status`), nor pydantic
(typer 0.29 validates every option with it: 0.18 s on each command). Each runs in a fresh Python,
where `sys.modules` tells the truth."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("sklearn", "matplotlib", "spacy", "docx", "numpy", "pydantic")
PROBE = """
import atexit, sys
atexit.register(lambda: print("LOADED", ",".join(m for m in {heavy!r} if m in sys.modules), file=sys.stderr))
from qualcode.cli import main
sys.argv = ["qualcode", "--project", {root!r}, *{argv!r}]
main()
"""


def loaded(root: Path, *argv: str, heavy: tuple[str, ...] = HEAVY) -> set[str]:
    r = subprocess.run([sys.executable, "-c", PROBE.format(heavy=heavy, root=str(root), argv=list(argv))],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    line = [x for x in r.stderr.splitlines() if x.startswith("LOADED")][-1]
    return set(filter(None, line.split(" ", 1)[1].split(",")))


@pytest.fixture(scope="module")
def warm(tmp_path_factory):
    root = tmp_path_factory.mktemp("warm") / "project"
    for part in ("codebooks", "transcripts", "codings"):
        shutil.copytree(REPO / part, root / part)
    shutil.copy(REPO / "qualcode.yaml", root / "qualcode.yaml")
    loaded(root, "status")
    loaded(root, "check")  # fills the pattern cache
    return root


@pytest.mark.parametrize("argv", [
    ("status",), ("summary", "--format", "markdown"), ("summary", "--format", "csv"), ("matrix",),
    ("quotes", "resource-barriers"), ("search", "court"), ("codebook", "validate"), ("check",),
    ("tag", "cps-01", "2.1", "--code", "court-procedure", "--coder", "probe"),
])
def test_everyday_commands_load_no_heavy_library_when_warm(warm, argv):
    assert loaded(warm, *argv) == set()


def test_a_command_loads_only_its_own_module(warm):
    """`qualcode status` imports and builds status alone: typer inspects the parameters of each
    command it builds, and the other command modules import what they need at the top."""
    others = tuple(f"qualcode.cli.{m}" for m in ("assist_cmd", "coding_cmd", "query_cmd", "team_cmd",
                                                  "codebook_cmd", "import_cmd", "export_cmd", "interactive"))
    assert loaded(warm, "status", heavy=others) == set()
    assert loaded(warm, "codebook", "show", heavy=others) == {"qualcode.cli.codebook_cmd"}


def test_a_remembered_status_reads_no_transcript(warm):
    """status on an unchanged project hashes its files and prints what it stored: it loads no
    transcript reader, no corpus, not importlib.metadata (20-35 ms) for the versions, and not
    PyYAML (11 ms): the settings are remembered too."""
    lean = ("qualcode.corpus", "qualcode.transcripts", "qualcode.segment", "importlib.metadata", "yaml")
    loaded(warm, "status", heavy=lean)  # the codings may have changed since the fixture ran it
    assert loaded(warm, "status", heavy=lean) == set()
    (warm / "codings" / "amara" / "cps-01.jsonl").write_text(
        (warm / "codings" / "amara" / "cps-01.jsonl").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert {"qualcode.corpus", "qualcode.transcripts"} <= loaded(warm, "status", heavy=lean)  # a change: computed


def test_a_report_with_figures_draws_them_once(warm, tmp_path):
    first = loaded(warm, "summary", "--out", str(tmp_path / "a.docx"))
    assert {"matplotlib", "docx"} <= first and "sklearn" not in first
    again = loaded(warm, "summary", "--out", str(tmp_path / "b.docx"))
    assert "matplotlib" not in again and "docx" in again  # the figures come from the cache
    # The docx drew the PNG heatmap; the SVG one is new.
    assert loaded(warm, "plot", "heatmap", "--count", "segments", "--out", str(tmp_path / "h.svg")) == {"matplotlib", "numpy"}
    cached = (tmp_path / "h.svg").read_bytes()
    assert loaded(warm, "plot", "heatmap", "--count", "segments", "--out", str(tmp_path / "h2.svg")) == set()
    assert (tmp_path / "h2.svg").read_bytes() == cached
    # New codings: a new figure, drawn afresh.
    loaded(warm, "tag", "cps-01", "2.2", "--code", "court-procedure", "--coder", "amara")
    assert loaded(warm, "plot", "heatmap", "--count", "segments", "--out", str(tmp_path / "h3.svg")) == {"matplotlib", "numpy"}
    assert (tmp_path / "h3.svg").read_bytes() != cached


def test_the_figure_cache_keeps_the_newest_figures_only(tmp_path, monkeypatch):
    from qualcode.analysis.matrix import Matrix
    from qualcode.export import plots

    monkeypatch.setattr(plots, "KEEP_FIGURES", 3)
    cache = tmp_path / ".qualcode"
    (cache / "figures").mkdir(parents=True)
    (cache / "figures" / ".abc.png.123.tmp").write_bytes(b"another process's file being written")
    for n in range(5):
        m = Matrix("themes", "groups", "participants", False, ["t"], ["A theme"], ["CPS"], ["CPS"], [[n + 1]], [5])
        assert plots.figure("heatmap", m, "svg", cache_dir=cache).startswith(b"<?xml")
    kept = sorted(p.name for p in (cache / "figures").iterdir())
    assert len(kept) == 4 and ".abc.png.123.tmp" in kept


def test_the_cli_modules_hand_typer_annotations_it_need_not_evaluate():
    """typer reads every command's parameters with typing.get_type_hints on every run; under
    `from __future__ import annotations` each is a string to compile and evaluate (0.045 s of
    each command, measured)."""
    import re

    for path in sorted((REPO / "qualcode" / "cli").glob("*.py")):
        assert not re.search(r"^from __future__ import annotations", path.read_text(encoding="utf-8"), re.M), path.name


def test_commands_that_run_spacy_never_load_its_command_line(example):
    """spaCy's package imports its own CLI (weasel and some 30 modules: a quarter of importing
    spaCy) for `spacy.info` alone; qualcode puts stand-ins there. A cold `status` segments with
    spaCy and `rules` matches with it, without loading spaCy's CLI."""
    probe = ("spacy", "spacy.cli.train", "weasel")
    assert loaded(example, "status", heavy=probe) == {"spacy"}  # cold: spaCy cut the sentences
    assert loaded(example, "rules", heavy=probe) == {"spacy"}


def test_spacy_s_command_line_is_still_there_when_asked_for():
    code = """
import qualcode, spacy, sys
assert "weasel" not in sys.modules
facts = spacy.info(markdown=False, silent=True)  # the stand-in loads the real CLI
from spacy.cli import download, info
import spacy.cli.train
print(sorted(facts)[0], callable(download), info.__module__, "weasel" in sys.modules)
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.split() == ["location", "True", "spacy.cli.info", "True"]
