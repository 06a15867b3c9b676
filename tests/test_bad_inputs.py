"""Every nasty input in tests/data/bad gets a clear message naming the file (and line), a non-zero
exit, no traceback, and leaves every file as it was."""

from __future__ import annotations

import shutil

import pytest
from conftest import BAD, run, tree_digest

COMMANDS = [
    ["status"],
    ["summary"],
    ["segments", "cps-01"],
    ["tag", "cps-01", "2.1", "--code", "court-procedure", "--coder", "ann"],
    ["code", "cps-01", "--coder", "ann"],
    ["codebook", "show"],
]

TRANSCRIPTS = {
    "empty.md": "the file is empty",
    "whitespace.txt": "the file is empty",
    "binary.txt": "binary file",
    "latin1.txt": "line 1, column",
    "front-matter-only.md": "no text after its front matter",
    "broken-front-matter.md": "broken-front-matter.md:3:",
    "unclosed-front-matter.md": "never closed",
    "no-cues.vtt": "no vtt cues found",
    "not-webvtt.vtt": "must start with 'WEBVTT'",
    "not-a-zip.docx": "not a Word document",
    "docx-bomb.docx": "refusing a possible zip bomb",
    "no-text.html": "the page has no text outside its head, styles and scripts",
}
CODEBOOKS = {
    "malformed.yaml": "mini.yaml:4:12: E001",
    "duplicate-ids.yaml": "mini.yaml:10:13: E006",
    "unknown-group.yaml": "mini.yaml:7:14: E008",
    "not-a-mapping.yaml": "E002",
    "empty.yaml": "codebook file is empty",
    "binary.yaml": "cannot read the codebook as UTF-8",
    "alias-bomb.yaml": "mini.yaml:8:5: E001 the YAML expands to more than 200,000 entries",
    "deep-nesting.yaml": "E001 the YAML nests more than 100 levels deep",
}
CODINGS = {
    "unknown-code.jsonl": "cps-01.jsonl:1: unknown theme 'resource-barrier' (did you mean 'resource-barriers'?)",
    "bad-json.jsonl": "cps-01.jsonl:2: not valid JSON",
    "bad-offsets.jsonl": "cps-01.jsonl:1: start and end must be",
    "bad-confidence.jsonl": "cps-01.jsonl:1: confidence must be a number from 0 to 1 (got 'high')",
}


def check(root, expected: str, commands=COMMANDS):
    before = tree_digest(root)
    for args in commands:
        r = run(*args, input="q\n", project=root)
        assert r.exit_code == 2, (args, r.output)
        assert expected in r.output, (args, r.output)
        assert "Traceback" not in r.output and r.output.startswith("error:"), r.output
    assert tree_digest(root) == before


WRITING = [args for args in COMMANDS if args[0] in ("tag", "code")]
READING = [args for args in COMMANDS if args[0] not in ("tag", "code")]


@pytest.mark.parametrize("name", sorted(TRANSCRIPTS))
def test_bad_transcript(mini, name):
    """Commands that change the project refuse; commands that only read carry on with the rest,
    naming the file they skipped and why."""
    shutil.copy(BAD / name, mini / "transcripts" / name)
    check(mini, TRANSCRIPTS[name], WRITING)
    before = tree_digest(mini)
    for args in READING:
        r = run(*args, project=mini)
        assert r.exit_code == 0, (args, r.output)
        assert f"skipped transcripts/{name}" in r.output and TRANSCRIPTS[name] in r.output, (args, r.output)
        assert "Traceback" not in r.output
    assert tree_digest(mini) == before
    r = run("status", project=mini)
    assert "cps-01" in r.output and "yos-01" in r.output  # the rest of the project is still reported


@pytest.mark.parametrize("name", sorted(CODEBOOKS))
def test_bad_codebook(mini, name):
    shutil.copy(BAD / name, mini / "codebooks" / "mini.yaml")
    check(mini, CODEBOOKS[name])
    assert "codebooks/mini.yaml" in run("status", project=mini).output


@pytest.mark.parametrize("name", sorted(CODINGS))
def test_bad_codings_file(mini, name):
    (mini / "codings" / "ann").mkdir(parents=True)
    shutil.copy(BAD / name, mini / "codings" / "ann" / "cps-01.jsonl")
    check(mini, CODINGS[name])
    assert "codings/ann/cps-01.jsonl" in run("status", project=mini).output


def test_bad_project_settings(mini):
    shutil.copy(BAD / "bad-config.yaml", mini / "qualcode.yaml")
    check(mini, "qualcode.yaml: unknown setting 'codebok' (did you mean 'codebook'")


def test_project_settings_that_are_not_yaml(mini):
    shutil.copy(BAD / "malformed-config.yaml", mini / "qualcode.yaml")
    check(mini, "qualcode.yaml:1:7: not valid YAML: expected ',' or ']'")


def test_a_setting_given_twice(mini):
    shutil.copy(BAD / "repeated-setting.yaml", mini / "qualcode.yaml")
    check(mini, "qualcode.yaml:3: the setting 'unit' is given twice (first on line 1)")


def test_settings_are_remembered_by_their_bytes_and_never_stale(mini):
    """qualcode.yaml is remembered under .qualcode/ (no PyYAML import on a warm run): a change
    is read at once, a broken file is refused though a good one was remembered, a damaged
    memory is ignored, and a value JSON cannot hold exactly (a date) is simply not remembered."""
    import json

    def unit() -> str:
        r = run("status", "--json", project=mini)
        assert r.exit_code == 0, r.output
        return json.loads(r.stdout)["unit"]

    (mini / ".qualcode").mkdir(exist_ok=True)
    (mini / "qualcode.yaml").write_text("unit: turn\n", encoding="utf-8")
    assert unit() == "turn"
    memory = mini / ".qualcode" / "settings.json"
    assert [v["unit"] for v in json.loads(memory.read_text(encoding="utf-8"))["entries"].values()] == ["turn"]
    (mini / "qualcode.yaml").write_text("unit: paragraph\n", encoding="utf-8")
    assert unit() == "paragraph"
    shutil.copy(BAD / "bad-config.yaml", mini / "qualcode.yaml")
    check(mini, "qualcode.yaml: unknown setting 'codebok'")
    (mini / "qualcode.yaml").write_text("unit: turn\n", encoding="utf-8")
    memory.write_text("{damaged", encoding="utf-8")
    assert unit() == "turn"
    (mini / "qualcode.yaml").write_text("unit: paragraph\ncoder: 2026-12-05\n", encoding="utf-8")
    assert unit() == "paragraph"
    assert len(json.loads(memory.read_text(encoding="utf-8"))["entries"]) == 1  # the turn one only
    for n in range(12):  # a script rewriting it on every run: the memory stays small
        (mini / "qualcode.yaml").write_text(f"unit: turn\ncoder: coder-{n}\n", encoding="utf-8")
        assert unit() == "turn"
    kept = json.loads(memory.read_text(encoding="utf-8"))["entries"].values()
    assert len(kept) == 8 and {"coder": "coder-11", "unit": "turn"} in kept


def test_no_project_here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run("status")
    assert r.exit_code == 2 and "no qualcode project" in r.output and "--project" in r.output
    r = run("status", project=tmp_path / "missing")
    assert r.exit_code == 2


def test_encoding_flag_or_setting_reads_a_legacy_file(mini):
    shutil.copy(BAD / "latin1.txt", mini / "transcripts" / "latin1.txt")
    r = run("segments", "latin1", project=mini)
    assert r.exit_code == 2 and "--encoding cp1252" in r.output
    r = run("--encoding", "cp1252", "segments", "latin1", "--json", project=mini)
    assert r.exit_code == 0, r.output
    assert "très £cher" in r.stdout
    (mini / "qualcode.yaml").write_text("encoding: cp1252\n")
    r = run("segments", "latin1", "--json", project=mini)
    assert r.exit_code == 0 and "très £cher" in r.stdout
    # The fallback encoding never touches files that are valid UTF-8 (the others have é, —, etc.).
    (mini / "transcripts" / "utf8.md").write_text("Interviewer: Ça va?\nSam: Très bien — merci.\n", encoding="utf-8")
    r = run("segments", "utf8", "--json", project=mini)
    assert r.exit_code == 0 and "Très bien — merci." in r.stdout
    r = run("--encoding", "no-such-codec", "status", project=mini)
    assert r.exit_code == 2 and "unknown encoding" in r.output


def test_debug_shows_the_traceback(mini):
    shutil.copy(BAD / "unknown-code.jsonl", mini / "codings" / "x.jsonl") if (mini / "codings").exists() else None
    (mini / "codebooks" / "mini.yaml").write_text("")
    r = run("--debug", "status", project=mini)
    assert r.exit_code == 2 and "Traceback" in r.output


EXCHANGE = {
    "not-a-qdpx.qdpx": "neither a zip archive",
    "no-qde.qdpx": "no .qde project file",
    "zip-slip.qdpx": "leaves its folder",
    "billion-laughs.qdc": "declares a DTD",
    "truncated.qdc": "truncated.qdc:4: the XML cannot be read",
    "bad-selection.qde": "bad-selection.qde:4: 'not-a-guid' in PlainTextSelection@guid is not a GUID",
    "duplicate-guid.qdc": "duplicate-guid.qdc:6: two Codes share the GUID 00000000-0000-4000-8000-000000000001",
    "bad-crc.qdpx": "the archive is damaged and cannot be read",
}


@pytest.mark.parametrize("name", sorted(EXCHANGE))
def test_bad_exchange_file(mini, tmp_path, name):
    """A new project is never half-made, and an existing one is never touched."""
    command = "qdc" if name.endswith(".qdc") else "qdpx"
    before = tree_digest(mini)
    for args in (["--out", str(tmp_path / "new")], ["--into", str(mini)]):
        r = run("import", command, str(BAD / name), *args)
        assert r.exit_code == 2, (args, r.output)
        assert EXCHANGE[name] in r.output, (args, r.output)
        assert "Traceback" not in r.output and r.output.startswith("error:"), r.output
    assert not (tmp_path / "new").exists() and not (tmp_path.parent / "outside.txt").exists()
    assert tree_digest(mini) == before
