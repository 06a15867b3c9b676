"""`status` remembers its result for an unchanged project (qualcode/analysis/status_cache.py):
the stored result is what a second run prints, and any change to what it was computed from
(a coding, a transcript, a setting, a command-line unit) computes it again."""

from __future__ import annotations

import json

from conftest import run


def status(root, *args) -> dict:
    r = run("status", "--json", *args, project=root)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def stored(root) -> dict:
    return json.loads((root / ".qualcode" / "status.json").read_text(encoding="utf-8"))


def tamper(root) -> None:
    """Change the stored result, not its key: only a run that reads it prints 9999."""
    data = stored(root)
    data["status"]["transcripts"][0]["turns"] = 9999
    (root / ".qualcode" / "status.json").write_text(json.dumps(data), encoding="utf-8")


def first_turns(root, *args) -> int:
    return status(root, *args)["transcripts"][0]["turns"]


def test_an_unchanged_project_prints_the_stored_result(example):
    before = status(example)
    assert status(example) == before and stored(example)["status"]["transcripts"] == before["transcripts"]
    plain = run("status", project=example).stdout
    tamper(example)
    assert first_turns(example) == 9999  # read from the store, not computed
    (example / ".qualcode" / "status.json").write_text("{not json", encoding="utf-8")
    assert status(example) == before  # a damaged store is computed again
    assert run("status", project=example).stdout == plain


def test_any_change_to_its_inputs_computes_it_again(example):
    base = status(example)
    first = base["transcripts"][0]["id"]
    changes = [
        lambda: run("tag", first, "1.1", "--code", "real-risk-cases", "--coder", "zoe", project=example),
        lambda: (example / "transcripts" / f"{first}.md").write_text(
            (example / "transcripts" / f"{first}.md").read_text(encoding="utf-8") + "\nP10: One more thing.\n", encoding="utf-8"),
        lambda: (example / "qualcode.yaml").write_text(
            (example / "qualcode.yaml").read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8"),
        lambda: (example / "codebooks" / "notes.txt").write_text("a file status never reads\n", encoding="utf-8"),
    ]
    for change in changes:
        status(example)
        tamper(example)
        change()
        assert first_turns(example) != 9999, change
    after = status(example)
    assert "zoe" in after["coders"] and after["transcripts"][0]["turns"] == base["transcripts"][0]["turns"] + 1
    tamper(example)
    assert first_turns(example, "--unit", "turn") != 9999  # another unit: another result
    assert status(example, "--unit", "turn")["unit"] == "turn"


def test_skipped_transcripts_are_still_named_when_the_result_is_stored(example):
    (example / "transcripts" / "broken.txt").write_bytes(b"\xff\xfe\x00\xd8 not text")
    for _ in range(2):
        r = run("status", project=example)
        assert r.exit_code == 0 and "skipped transcripts/broken.txt" in r.output, r.output
