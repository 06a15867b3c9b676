"""Codebook validation lists every problem with file:line:col and a stable id; exit 0/1/2."""

from __future__ import annotations

import json

from conftest import BAD, REPO, run

from qualcode.codebook import validate_text


def problems(name: str):
    text = (BAD / name).read_text(encoding="utf-8")
    return validate_text(text, name)[1]


def test_bundled_codebook_is_valid():
    r = run("codebook", "validate", project=REPO)
    assert r.exit_code == 0, r.output
    assert "valid (32 themes, 5 groups" in r.output


def test_malformed_yaml_points_at_line_and_column():
    r = run("codebook", "validate", BAD / "malformed.yaml")
    assert r.exit_code == 1
    assert "malformed.yaml:4:12:" in r.output and "E001" in r.output and "Traceback" not in r.output


def test_duplicate_ids_name_both_places():
    (p,) = problems("duplicate-ids.yaml")
    assert p.id == "E006" and p.location == "duplicate-ids.yaml:10:13"
    assert "first used at duplicate-ids.yaml:5:9" in p.message


def test_unknown_group_with_did_you_mean():
    (p,) = problems("unknown-group.yaml")
    assert p.id == "E008" and p.location == "unknown-group.yaml:7:14" and "did you mean 'YOS'" in p.message


def test_all_problems_reported_at_once():
    found = problems("many-problems.yaml")
    by_id = sorted((p.id, p.location) for p in found)
    assert by_id == [
        ("E003", "many-problems.yaml:12:5"),   # 'lable' in a theme
        ("E003", "many-problems.yaml:2:1"),    # 'versoin'
        ("E004", "many-problems.yaml:11:15"),  # keywords: funding (not a list)
        ("E005", "many-problems.yaml:8:5"),    # no label
        ("E007", "many-problems.yaml:6:9"),    # Bad_Id
        ("E009", "many-problems.yaml:16:9"),   # invalid spaCy pattern
    ]
    messages = " ".join(p.message for p in found)
    assert "did you mean 'version'" in messages and "did you mean 'label'" in messages
    assert "'bad-id'" in messages  # the suggested fix for a malformed id


def test_validate_json_report_and_exit_codes(tmp_path):
    r = run("codebook", "validate", BAD / "many-problems.yaml", "--json")
    assert r.exit_code == 1
    report = json.loads(r.stdout)
    assert report["valid"] is False and len(report["problems"]) == 6
    assert {"location", "id", "message"} <= set(report["problems"][0])
    assert run("codebook", "validate", tmp_path / "missing.yaml").exit_code == 2
    r = run("codebook", "validate", BAD / "binary.yaml")
    assert r.exit_code == 2 and "UTF-8" in r.output
    r = run("codebook", "validate", BAD / "empty.yaml")
    assert r.exit_code == 2 and "empty" in r.output
    r = run("codebook", "validate", BAD / "not-a-mapping.yaml")
    assert r.exit_code == 1 and "E002" in r.output


def test_children_inherit_groups_and_tree_order(mini):
    from qualcode.codebook import load_codebook

    cb = load_codebook(mini / "codebooks" / "mini.yaml")
    assert cb.ids == ["court-procedure", "resource-barriers", "safeguarding", "exploitation"]
    child = cb.theme("exploitation")
    assert child.parent == "safeguarding" and child.groups == ("YOS",) and child.depth == 1
    assert cb.theme("court-procedure").gloss == "Hearings and listing."
    assert [t.id for t in cb.themes_for("CPS")] == ["court-procedure", "resource-barriers"]


def test_show_tree_with_counts(example):
    r = run("codebook", "show", project=example)
    assert r.exit_code == 0, r.output
    assert "resource-barriers" in r.output and "Resource barriers" in r.output
    data = json.loads(run("codebook", "show", "--json", project=example).stdout)
    counts = {t["id"]: t["codings"] for t in data["themes"]}
    lines = (example / "codings" / "amara" / "mps-02.jsonl").read_text().splitlines()
    assert counts["resource-barriers"] >= sum('"resource-barriers"' in line for line in lines) > 0
    assert next(t for t in data["themes"] if t["id"] == "tailored-eligibility")["parent"] == "police-pilot"


def test_unparseable_codebook_stops_other_commands_with_exit_2(mini):
    (mini / "codebooks" / "mini.yaml").write_text((BAD / "duplicate-ids.yaml").read_text())
    r = run("summary", project=mini)
    assert r.exit_code == 2 and "E006" in r.output and "qualcode codebook validate" in r.output


def test_json_schema_accepts_valid_codebooks_and_rejects_broken_ones(tmp_path):
    import jsonschema
    import yaml

    r = run("codebook", "schema")
    assert r.exit_code == 0
    schema = json.loads(r.stdout)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    assert list(validator.iter_errors(yaml.safe_load((REPO / "codebooks" / "kcpo.yaml").read_text()))) == []
    broken = yaml.safe_load((BAD / "many-problems.yaml").read_text())
    messages = " ".join(e.message for e in validator.iter_errors(broken))
    assert "versoin" in messages and "'label' is a required property" in messages and "Bad_Id" in messages
    assert run("codebook", "schema", "--out", tmp_path / "s.json").exit_code == 0
    assert json.loads((tmp_path / "s.json").read_text()) == schema


def test_codebook_diff_between_files_and_against_git(mini):
    import shutil
    import subprocess

    import pytest

    run("tag", "cps-01", "2.1", "2.2", "--code", "court-procedure", "--coder", "ann", project=mini)
    cb = mini / "codebooks" / "mini.yaml"
    old = cb.read_text()
    new = (old.replace("id: court-procedure", "id: court-process")              # renamed (same label)
              .replace("    groups: [CPS]\n", "    groups: [CPS, YOS]\n")        # coded for more groups
              .replace("    keywords: [funding]", "    keywords: [funding, money]")  # redefined
              .replace("      - id: exploitation\n        label: Exploitation\n", "")  # exploitation removed ...
              .replace("        description: Children groomed or exploited by adults.\n", "")
           + "  - id: exploitation\n    label: Exploitation\n    description: Children groomed or exploited by adults.\n")
    (mini / "new.yaml").write_text(new)
    (mini / "old.yaml").write_text(old)
    r = run("codebook", "diff", mini / "old.yaml", mini / "new.yaml", "--json", project=mini)
    assert r.exit_code == 0, r.output
    changes = {(c["kind"], c["theme"]): c for c in json.loads(r.stdout)["changes"]}
    assert changes[("renamed", "court-process")]["codings"] == 2
    assert ("groups", "court-process") in changes
    assert "keywords" in changes[("changed", "resource-barriers")]["detail"]
    assert "to under '(top)'" in changes[("moved", "exploitation")]["detail"]  # moved out of safeguarding
    if not shutil.which("git"):
        pytest.skip("git is not installed")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=mini, check=True)
    subprocess.run([*git, "add", "codebooks"], cwd=mini, check=True)
    subprocess.run([*git, "commit", "-qm", "codebook"], cwd=mini, check=True)
    cb.write_text(new)
    r = run("codebook", "diff", "--rev", "HEAD", project=mini)
    assert r.exit_code == 0 and "renamed  court-process: 'court-procedure' is now 'court-process'  [2 coding(s)]" in r.output
    r = run("codebook", "diff", "--rev", "no-such-rev", project=mini)
    assert r.exit_code == 2 and "cannot read codebooks/mini.yaml at revision 'no-such-rev'" in r.output
    assert run("codebook", "diff", mini / "old.yaml", project=mini).exit_code == 2


def test_init_makes_a_project_that_validates_and_never_replaces_one(tmp_path):
    from conftest import run

    folder = tmp_path / "study"
    r = run("init", str(folder))
    assert r.exit_code == 0, r.output
    assert (folder / "codebooks" / "codebook.yaml").is_file() and (folder / "transcripts" / "README.md").is_file()
    assert run("codebook", "validate", project=folder).exit_code == 0
    (folder / "transcripts" / "users-01.md").write_text("---\nid: users-01\ngroup: USERS\n---\n"
                                                          "Interviewer: How long?\n\nSam: We waited four months.\n")
    assert run("status", project=folder).exit_code == 0  # the README in transcripts/ is not a transcript
    before = (folder / "codebooks" / "codebook.yaml").read_bytes()
    r = run("init", str(folder))
    assert r.exit_code == 2 and "there is a qualcode project here already" in r.output
    assert (folder / "codebooks" / "codebook.yaml").read_bytes() == before
    (folder / "codebooks" / "codebook.yaml").write_text("")
    assert "qualcode init" in run("status", project=folder).output
