"""Codebook migrations through the CLI: rename, merge, move, split. The YAML keeps its comments and
formatting byte-for-byte outside the edit, every coder's codings follow, the version is bumped,
and a change that fails or is interrupted half-way leaves every file as it was."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import assert_refused, mini_project, run, tree_digest

COMMENTED = """\
# Team codebook: edit with care.
name: Comments study   # inline comment
version: 3
groups:
  CPS: {label: Crown Prosecution Service}   # prosecutors
  YOS: {label: youth offending service}

themes:
  # Courts and hearings
  - id: court-procedure
    label: Court procedure
    groups: [CPS]
    description: >-
      Hearings and listing. Anything about
      court time.
    keywords: [court, hearing]   # keep short
    patterns:
      - [{LOWER: court}, {LOWER: "time"}]
  # Money
  - id: resource-barriers
    label: 'Resource barriers'
    description: "Funding or staffing gaps."
    keywords: [funding]

  - id: safeguarding
    label: Safeguarding
    groups: [YOS]
    children:
      # children of safeguarding
      - id: exploitation
        label: Exploitation
        description: Children groomed or exploited by adults.
      - id: grooming
        label: Grooming
        description: Adults preparing a child to be exploited.
        keywords: [groomed]
"""


def coding(code, start, end, text, **kw):
    return json.dumps({"code": code, "start": start, "end": end, "text": text, "source": "manual",
                       "status": "accepted", **kw}, ensure_ascii=False)


def span(body: str, quote: str) -> tuple[int, int]:
    i = body.index(quote)
    return i, i + len(quote)


@pytest.fixture
def team(tmp_path: Path) -> Path:
    """A project with a commented codebook and two coders' codings."""
    from qualcode.transcripts import load_transcripts

    root = mini_project(tmp_path / "team", COMMENTED, "team.yaml")
    bodies = {t.id: t.body for t in load_transcripts(root / "transcripts")}
    court = "Hearings are often adjourned."
    money = "There is no funding for the programmes."
    groomed = "They are groomed into carrying."
    exploited = "Many children are exploited by adults."
    lines = {
        ("ana", "cps-01"): [coding("court-procedure", *span(bodies["cps-01"], court), court),
                            coding("resource-barriers", *span(bodies["cps-01"], money), money, memo="money")],
        ("ben", "cps-01"): [coding("court-procedure", *span(bodies["cps-01"], court), court)],
        ("ana", "yos-01"): [coding("exploitation", *span(bodies["yos-01"], exploited), exploited),
                            coding("grooming", *span(bodies["yos-01"], groomed), groomed),
                            coding("exploitation", *span(bodies["yos-01"], groomed), groomed, memo="both")],
        ("ben", "yos-01"): [coding("grooming", *span(bodies["yos-01"], groomed), groomed, source="rules",
                                   status="rejected", rules=["grooming/keyword:groomed"])],
    }
    for (coder, tid), items in lines.items():
        path = root / "codings" / coder / f"{tid}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(items) + "\n", encoding="utf-8")
    return root


def codings(root: Path, coder: str, tid: str) -> list[dict]:
    path = root / "codings" / coder / f"{tid}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def codebook_text(root: Path) -> str:
    return (root / "codebooks" / "team.yaml").read_text(encoding="utf-8")


def test_rename_changes_only_the_id_and_version_lines_and_every_coders_codings(team: Path):
    result = run("codebook", "rename", "court-procedure", "court-process", project=team)
    assert result.exit_code == 0, result.output
    assert "version 3 -> 4" in result.output
    expected = COMMENTED.replace("version: 3", "version: 4").replace("- id: court-procedure", "- id: court-process")
    assert codebook_text(team) == expected  # comments, quoting, folded text, flow lists: byte for byte
    assert [c["code"] for c in codings(team, "ana", "cps-01")] == ["court-process", "resource-barriers"]
    assert [c["code"] for c in codings(team, "ben", "cps-01")] == ["court-process"]
    assert codings(team, "ana", "cps-01")[1]["memo"] == "money"
    assert run("check", project=team).exit_code == 0


def test_rename_carries_rule_history_and_sets_a_label(team: Path):
    result = run("codebook", "rename", "grooming", "child-grooming", "--label", "Child grooming", project=team)
    assert result.exit_code == 0, result.output
    rejected = codings(team, "ben", "yos-01")[0]
    assert rejected["code"] == "child-grooming" and rejected["status"] == "rejected"
    assert rejected["rules"] == ["child-grooming/keyword:groomed"]  # the rule's precision follows the theme
    assert "label: Child grooming" in codebook_text(team)


def test_merge_keeps_the_rest_of_the_yaml_byte_for_byte_and_combines_codings(team: Path):
    result = run("codebook", "merge", "exploitation", "grooming", "--into", "exploitation", project=team)
    assert result.exit_code == 0, result.output
    grooming_block = ("      - id: grooming\n        label: Grooming\n"
                      "        description: Adults preparing a child to be exploited.\n        keywords: [groomed]\n")
    expected = (COMMENTED.replace("version: 3", "version: 4").replace(grooming_block, "")
                .replace("description: Children groomed or exploited by adults.\n",
                         "description: Children groomed or exploited by adults.\n        keywords: [groomed]\n"))
    assert codebook_text(team) == expected
    ana = codings(team, "ana", "yos-01")
    # the sentence coded both exploitation and grooming is now one coding, its memo kept
    assert [(c["code"], c["text"]) for c in ana] == [("exploitation", "Many children are exploited by adults."),
                                                    ("exploitation", "They are groomed into carrying.")]
    assert ana[1]["memo"] == "both"
    assert "combined" in result.output
    assert codings(team, "ben", "yos-01")[0]["code"] == "exploitation"
    assert run("check", project=team).exit_code == 0


def test_merge_into_a_new_theme_unions_groups_and_lists(team: Path):
    result = run("codebook", "merge", "court-procedure", "resource-barriers", "--into", "system-pressures",
                 "--label", "System pressures", project=team)
    assert result.exit_code == 0, result.output
    from qualcode.codebook import load_codebook

    cb = load_codebook(team / "codebooks" / "team.yaml")
    merged = cb.theme("system-pressures")
    assert merged.label == "System pressures" and cb.theme("court-procedure") is None
    assert merged.keywords == ("court", "hearing", "funding")
    assert merged.groups == ()  # resource-barriers was coded for every group, so the merged theme is too
    assert {c["code"] for c in codings(team, "ana", "cps-01")} == {"system-pressures"}
    assert "# Courts and hearings" in codebook_text(team) and "# Money" in codebook_text(team)


def test_move_reparents_without_touching_codings(team: Path):
    before = {p: p.read_bytes() for p in (team / "codings").rglob("*.jsonl")}
    result = run("codebook", "move", "resource-barriers", "--under", "safeguarding", project=team)
    assert result.exit_code == 0, result.output
    from qualcode.codebook import load_codebook

    cb = load_codebook(team / "codebooks" / "team.yaml")
    assert cb.theme("resource-barriers").parent == "safeguarding"
    assert cb.version == 4
    assert {p: p.read_bytes() for p in (team / "codings").rglob("*.jsonl")} == before
    assert "now coded for YOS" in result.output  # it inherits its new parent's groups: said, not hidden
    back = run("codebook", "move", "resource-barriers", "--top", project=team)
    assert back.exit_code == 0 and load_codebook(team / "codebooks" / "team.yaml").theme("resource-barriers").parent is None


def test_move_under_itself_and_other_mistakes_are_refused_with_nothing_written(team: Path):
    before = tree_digest(team)
    cases = [
        (("codebook", "move", "safeguarding", "--under", "exploitation"), "under itself"),
        (("codebook", "move", "safeguarding"), "--under PARENT or --top"),
        (("codebook", "rename", "court-procedur", "x"), "did you mean 'court-procedure'"),
        (("codebook", "rename", "court-procedure", "resource-barriers"), "already a theme"),
        (("codebook", "rename", "court-procedure", "Court Process"), "e.g. 'court-process'"),
        (("codebook", "merge", "safeguarding", "exploitation", "--into", "exploitation"), "sits under it"),
        (("codebook", "merge", "grooming", "--into", "grooming"), "at least two"),
        (("codebook", "merge", "grooming", "--into", "child-grooming"), "qualcode codebook rename grooming child-grooming"),
        (("codebook", "split", "grooming", "--into", "only-one"), "at least two"),
    ]
    assert_refused(cases, team)
    assert tree_digest(team) == before


def test_split_flags_every_coding_for_review_and_nothing_guesses(team: Path):
    result = run("codebook", "split", "court-procedure", "--into", "court-delays", "court-variations",
                 "--label", "Court delays", project=team)
    assert result.exit_code == 0, result.output
    assert "flagged for ana" in result.output and "flagged for ben" in result.output
    from qualcode.codebook import load_codebook

    cb = load_codebook(team / "codebooks" / "team.yaml")
    assert [t.id for t in cb.themes][:2] == ["court-delays", "court-variations"]
    assert cb.theme("court-delays").label == "Court delays" and cb.theme("court-variations").label == "Court variations"
    assert cb.theme("court-delays").groups == ("CPS",)
    ana = codings(team, "ana", "cps-01")
    flagged = [c for c in ana if c.get("split_from") == "court-procedure"]
    assert sorted(c["code"] for c in flagged) == ["court-delays", "court-variations"]
    assert all(c["status"] == "suggested" and c["source"] == "split" for c in flagged)
    # not a coding until a person decides: summary counts none, bulk acceptance takes none,
    # and re-running suggest leaves them alone
    summary = run("summary", "--format", "json", project=team)
    assert "court-delays" not in {t["id"] for g in json.loads(summary.output)["groups"] for t in g["themes"]
                                  if t["segments"]}
    bulk = run("review", "--coder", "ana", "--accept-above", "0", project=team)
    assert bulk.exit_code == 0 and codings(team, "ana", "cps-01") == ana
    assert run("suggest", "--coder", "ana", "--no-model", project=team).exit_code == 0
    assert [c for c in codings(team, "ana", "cps-01") if c.get("split_from")] == flagged
    # a person decides in the review loop: accept delays, reject variations
    loop = run("review", "--coder", "ana", "--code", "court-delays", project=team, input="a\nq\n")
    assert loop.exit_code == 0, loop.output
    assert "before that theme was split" in loop.output
    decided = {c["code"]: c["status"] for c in codings(team, "ana", "cps-01") if c.get("split_from")}
    assert decided == {"court-delays": "accepted", "court-variations": "suggested"}


def test_version_text_is_bumped_and_a_missing_version_is_added(team: Path):
    path = team / "codebooks" / "team.yaml"
    path.write_text(COMMENTED.replace("version: 3", 'version: "1.9"'), encoding="utf-8")
    assert run("codebook", "move", "grooming", "--top", project=team).exit_code == 0
    assert 'version: "1.10"' in path.read_text(encoding="utf-8")
    path.write_text(COMMENTED.replace("version: 3\n", ""), encoding="utf-8")
    assert run("codebook", "move", "grooming", "--top", project=team).exit_code == 0
    assert path.read_text(encoding="utf-8").startswith("# Team codebook: edit with care.\nname: Comments study   # inline comment\nversion: 2\n")


def test_windows_line_endings_and_bom_are_kept(team: Path):
    path = team / "codebooks" / "team.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + COMMENTED.replace("\n", "\r\n").encode())
    assert run("codebook", "rename", "grooming", "child-grooming", project=team).exit_code == 0
    expected = COMMENTED.replace("version: 3", "version: 4").replace("id: grooming", "id: child-grooming")
    assert path.read_bytes() == b"\xef\xbb\xbf" + expected.replace("\n", "\r\n").encode()


def test_dry_run_writes_nothing_and_json_says_what_would_change(team: Path):
    before = tree_digest(team)
    result = run("codebook", "merge", "exploitation", "grooming", "--into", "exploitation", "--dry-run", "--json",
                 project=team)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["dry_run"] and report["new_version"] == 4
    assert report["codings_changed"] == {"ana": 1, "ben": 1}
    assert sorted(report["files"]) == ["codebooks/team.yaml", "codings/ana/yos-01.jsonl", "codings/ben/yos-01.jsonl"]
    assert tree_digest(team) == before


def test_an_unreadable_codings_file_stops_the_migration_before_anything_is_written(team: Path):
    (team / "codings" / "ben" / "cps-01.jsonl").write_text('{"code": "court-procedure", "start": 1\n', encoding="utf-8")
    before = tree_digest(team)
    result = run("codebook", "rename", "court-procedure", "court-process", project=team)
    assert result.exit_code == 2
    assert "codings/ben/cps-01.jsonl:1" in result.output
    assert tree_digest(team) == before


def test_a_failure_while_replacing_files_rolls_every_file_back(team: Path, monkeypatch):
    """The disk fills (or a file is locked) after the codebook and one codings file were replaced."""
    import qualcode.transaction as tx

    before = tree_digest(team)
    real = os.replace
    done = []

    def failing(src, dst):
        if str(src).endswith(".qualcode-new"):
            if len(done) == 2:
                raise OSError(28, "No space left on device", str(dst))
            done.append(dst)
        return real(src, dst)

    monkeypatch.setattr(tx.os, "replace", failing)
    result = run("codebook", "rename", "court-procedure", "court-process", project=team)
    monkeypatch.undo()
    assert result.exit_code == 2 and "No space left on device" in result.output
    assert len(done) == 2  # it really failed half-way
    assert tree_digest(team) == before
    assert not list(team.rglob("*.qualcode-new"))


def test_a_process_killed_half_way_is_rolled_back_by_the_next_command(team: Path):
    """A power cut: the process dies mid-migration with no chance to clean up. The journal left in
    .qualcode/ lets the next command (any command) put every file back."""
    before = tree_digest(team)
    script = textwrap.dedent(f"""
        import os, sys
        real = os.replace
        done = []
        def dying(src, dst):
            real(src, dst)
            if str(src).endswith(".qualcode-new"):
                done.append(dst)
                if len(done) == 2:
                    os._exit(9)
        os.replace = dying
        from qualcode.cli import main
        sys.argv = ["qualcode", "--project", {str(team)!r}, "codebook", "merge", "court-procedure",
                    "resource-barriers", "--into", "system-pressures"]
        main()
    """)
    died = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert died.returncode == 9, died.stderr
    assert tree_digest(team) != before  # half-migrated on disk
    result = run("check", project=team)
    assert "rolled back" in result.output or "rolled back" in (result.stderr if result.stderr_bytes else "")
    assert tree_digest(team) == before
    assert result.exit_code == 0, result.output
    assert not list(team.rglob("*.qualcode-new"))


def test_the_bundled_example_migrates_and_still_checks(example: Path):
    result = run("codebook", "rename", "origin-and-context", "origins", project=example)
    assert result.exit_code == 0, result.output
    assert run("check", project=example).exit_code == 0
    summary = json.loads(run("summary", "--format", "json", project=example).output)
    assert any(t["id"] == "origins" and t["segments"] for g in summary["groups"] for t in g["themes"])
