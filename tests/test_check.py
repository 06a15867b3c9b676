"""Edited transcripts: codings found again exactly, approximately or not at all, and `qualcode check`."""

from __future__ import annotations

import json

import pytest
from conftest import run

SENTENCE = "Court time is scarce and listing is unpredictable."


def setup(mini, coder="ann"):
    assert run("tag", "cps-01", "--quote", SENTENCE, "--code", "court-procedure", "--coder", coder, project=mini).exit_code == 0
    return mini / "transcripts" / "cps-01.md"


def coding(mini, coder="ann"):
    return [json.loads(x) for x in (mini / "codings" / coder / "cps-01.jsonl").read_text().splitlines()][0]


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def report(mini, *args):
    r = run("check", "--json", *args, project=mini)
    return r.exit_code, json.loads(r.stdout)


@pytest.mark.parametrize("old,new,kind,expected_text", [
    ("Hearings are often", "Hearings, as you know, are very often", "moved", SENTENCE),  # insertion before
    ("scarce and listing", "scarce and the listing", "fuzzy", "Court time is scarce and the listing is unpredictable."),
    ("The bench wants", "Also, the bench wants", "ok", SENTENCE),  # insertion after
    ("scarce and listing is", "scarce and is", "fuzzy", "Court time is scarce and is unpredictable."),  # deletion inside
    ("Hearings are often adjourned.", "Hearings — café, naïve — are often adjourned.", "moved", SENTENCE),  # non-ASCII before
    ("Court time is scarce", "Court time is scarcé", "fuzzy", "Court time is scarcé and listing is unpredictable."),
])
def test_codings_follow_edits(mini, old, new, kind, expected_text):
    path = setup(mini)
    before = coding(mini)
    edit(path, old, new)
    code, rep = report(mini)
    kinds = [f["kind"] for f in rep["findings"]]
    assert kinds == ([] if kind == "ok" else [kind]) and code == (0 if kind == "ok" else 1)
    code, rep = report(mini, "--fix")
    assert code == 0 and rep["fixed"] == (0 if kind == "ok" else 1)
    after = coding(mini)
    body = path.read_text(encoding="utf-8").split("---\n", 2)[2]
    assert after["text"] == expected_text and body[after["start"]:after["end"]] == expected_text
    if kind == "fuzzy":
        assert after["previous_text"] == before["text"]
    assert report(mini) == (0, {"ok": True, "fixed": 0, "findings": []})


def test_a_quote_that_appears_twice_goes_to_the_nearer_copy(mini):
    path = setup(mini)
    start = coding(mini)["start"]
    # The same sentence added far after; a word inserted before the original copy.
    edit(path, "Interviewer: And funding?", "Interviewer: And funding? " + SENTENCE)
    edit(path, "Hearings are often", "Hearings are quite often")
    assert report(mini, "--fix")[0] == 0
    assert coding(mini)["start"] == start + len(" quite")


def test_orphans_are_listed_and_kept_and_check_lists_every_problem(mini):
    path = setup(mini)
    edit(path, SENTENCE, "[redacted]")
    code, rep = report(mini, "--fix")
    assert code == 1 and [f["kind"] for f in rep["findings"]] == ["orphaned"]
    assert coding(mini)["text"] == SENTENCE  # kept until a person deletes it
    (mini / "codings" / "bob").mkdir()
    (mini / "codings" / "bob" / "cps-01.jsonl").write_text('{"code": "court-procedur", "start": 0, "end": 5, "text": "Priya"}\n')
    (mini / "codings" / "bob" / "yos-01.jsonl").write_text("<<<<<<< HEAD\n")
    (mini / "codings" / "bob" / "gone.jsonl").write_text('{"code": "court-procedure", "start": 0, "end": 5, "text": "x"}\n')
    r = run("check", project=mini)
    assert r.exit_code == 1 and "Traceback" not in r.output
    for expected in ("unknown theme 'court-procedur' (did you mean 'court-procedure'?)", "yos-01.jsonl:1: ",
                     "no transcript with id 'gone'", "orphaned"):
        assert expected in r.output, expected
    cb = mini / "codebooks" / "mini.yaml"
    cb.write_text(cb.read_text().replace("    keywords: [funding]", "    keywords: [funding]\n    patterns: [[{LEMA: x}]]"))
    r = run("check", project=mini)
    assert r.exit_code == 1 and "E009" in r.output and "yos-01.jsonl:1: " in r.output


def test_a_problem_is_named_by_its_line_in_the_file_blank_lines_counted(mini):
    """A hand-edited file with blank lines: the line number is the one an editor shows."""
    setup(mini)
    path = mini / "codings" / "ann" / "cps-01.jsonl"
    good = path.read_text(encoding="utf-8").strip()
    path.write_text("\n" + good + "\n\n" + good.replace('"court-procedure"', '"court-procedur"') + "\n", encoding="utf-8")
    r = run("check", project=mini)
    assert r.exit_code == 1 and "cps-01.jsonl:4: problem: unknown theme 'court-procedur'" in r.output, r.output


def test_check_remembers_each_file_s_findings_until_what_they_depend_on_changes(mini):
    """A pre-commit hook runs check again and again: a file whose bytes, transcript and themes
    are unchanged is not read again (its remembered findings are what is printed, which a
    tampered store shows); any of those changing, or --fix, reads it afresh."""
    setup(mini)
    bob = mini / "codings" / "bob"
    bob.mkdir()
    (bob / "cps-01.jsonl").write_text('{"code": "court-procedur", "start": 0, "end": 5, "text": "Priya"}\n')
    store = mini / ".qualcode" / "check.json"

    def tamper():
        data = json.loads(store.read_text(encoding="utf-8"))
        for entry in data["files"].values():
            entry["findings"] = [[loc, kind, "TAMPERED"] for loc, kind, _ in entry["findings"]]
        store.write_text(json.dumps(data), encoding="utf-8")

    first = run("check", project=mini).output
    assert "unknown theme 'court-procedur'" in first
    tamper()
    assert "TAMPERED" in run("check", project=mini).output  # remembered, not read again
    cb = mini / "codebooks" / "mini.yaml"
    changes = [
        lambda: (bob / "cps-01.jsonl").write_text((bob / "cps-01.jsonl").read_text() + "\n"),
        lambda: edit(mini / "transcripts" / "cps-01.md", "Hearings are often", "Hearings are so often"),
        lambda: cb.write_text(cb.read_text().replace("  - id: resource-barriers", "  - id: court-procedur\n    label: X\n"
                                                                                  "  - id: resource-barriers")),
    ]
    for change in changes:
        run("check", project=mini)
        tamper()
        change()
        out = run("check", project=mini).output
        assert "TAMPERED" not in out, change
    assert "unknown theme" not in out  # the codebook now has the theme
    tamper()
    assert "TAMPERED" not in run("check", "--fix", project=mini).output
    store.write_text("{broken", encoding="utf-8")
    assert run("check", project=mini).exit_code == 0
