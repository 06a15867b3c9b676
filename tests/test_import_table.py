"""qualcode import table: survey answers become one-turn transcripts; one-hot columns, codings."""

from __future__ import annotations

import json

from conftest import assert_refused, run, tree_digest

from qualcode.transcripts import load_transcripts

CSV = """\
Comment ID,Trust,Answer,Site,Staff manner,Waiting time,Other
A-1,North,"The nurse was kind: she explained everything.",ward 1,1,0,
A-2,South,Waited four hours. Nobody told us why.,ward 2,0,1,
A-3,North,,ward 1,0,0,1
A-4,South,"Kind staff, but the wait was long.",ward 2,1,1,0
"""


def project(tmp_path):
    root = tmp_path / "survey"
    (root / "transcripts").mkdir(parents=True)
    (root / "codebooks").mkdir()
    (root / "answers.csv").write_text(CSV, encoding="utf-8")
    return root


def test_rows_become_transcripts_and_codings(tmp_path):
    root = project(tmp_path)
    r = run("import", "table", root / "answers.csv", "--text", "Answer", "--id", "Comment ID", "--attr", "Site",
            "--group", "Trust", "--codes-from", "Staff manner..Other", "--coder", "survey", "--json", project=root)
    assert r.exit_code == 0, r.output
    done = json.loads(r.stdout)
    assert done["transcripts"] == 3 and done["skipped_empty"] == [4] and done["codings"] == 4
    assert done["codes"] == ["staff-manner", "waiting-time", "other"]
    assert done["codebook_created"] == "codebooks/answers.yaml"
    segs = [json.loads(x) for x in run("segments", "answers-a-1", "--json", project=root).stdout.splitlines()]
    # One turn, coded whole, even with a colon in it and a project unit of sentences.
    assert [s["text"] for s in segs] == ["The nurse was kind: she explained everything."]
    assert segs[0]["codes"] == [{"code": "staff-manner", "coder": "survey"}]
    status = json.loads(run("status", "--json", project=root).stdout)
    assert status["groups"] == {"North": 1, "South": 2}
    row = next(t for t in status["transcripts"] if t["id"] == "answers-a-4")
    assert row["coded"] == {"survey": 1}
    text = (root / "transcripts" / "answers" / "answers-a-1.txt").read_text()
    assert "Site: ward 1" in text and "source: answers.csv:2" in text


def test_reimport_is_idempotent_and_never_overwrites_silently(tmp_path):
    root = project(tmp_path)
    args = ["import", "table", root / "answers.csv", "--text", "Answer", "--id", "Comment ID"]
    assert run(*args, project=root).exit_code == 0
    before = tree_digest(root)
    r = run(*args, "--json", project=root)
    assert json.loads(r.stdout)["unchanged"] == 3 and tree_digest(root) == before
    (root / "answers.csv").write_text(CSV.replace("Waited four hours", "Waited five hours"))
    before = tree_digest(root)
    r = run(*args, project=root)
    assert r.exit_code == 2 and "exist with other content" in r.output and tree_digest(root) == before
    assert run(*args, "--force", project=root).exit_code == 0
    assert "five hours" in (root / "transcripts" / "answers" / "answers-a-2.txt").read_text()


def test_existing_codebook_maps_columns_by_label(tmp_path):
    root = project(tmp_path)
    (root / "codebooks" / "cb.yaml").write_text(
        "name: Survey\nthemes:\n  - id: manner\n    label: Staff manner\n  - id: waiting-time\n    label: Waits\n")
    r = run("import", "table", root / "answers.csv", "--text", "Answer", "--codes-from", "Staff manner",
            "--codes-from", "Waiting time", "--coder", "s", "--json", project=root)
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["codes"] == ["manner", "waiting-time"]
    r = run("import", "table", root / "answers.csv", "--text", "Answer", "--codes-from", "Other", "--coder", "s",
            project=root)
    assert r.exit_code == 2 and "'Other'" in r.output


def test_bad_tables_are_refused_with_nothing_written(tmp_path):
    root = project(tmp_path)
    before = tree_digest(root)
    base = ["import", "table", root / "answers.csv"]
    cases = [
        (base + ["--text", "Answr"], "no column 'Answr' for --text (did you mean 'Answer'?)"),
        (base + ["--text", "Answer", "--codes-from", "Staff manner"], "needs --coder"),
        (base + ["--text", "Answer", "--codes-from", "Site", "--coder", "x"], "holds 'ward 1', not 1/0"),
        (base + ["--text", "Answer", "--id", "Trust"], "also on row"),
        (base + ["--text", "Answer", "--codes-from", "Other..Staff manner", "--coder", "x"], "comes after"),
        (["import", "table", tmp_path / "missing.csv", "--text", "Answer"], "file not found"),
        (["import", "table", root / "codebooks", "--text", "Answer"], ""),
    ]
    assert_refused(cases, root)
    (root / "bad.csv").write_bytes(b"Answer\n\xff\xfe broken\n")
    r = run("import", "table", root / "bad.csv", "--text", "Answer", project=root)
    assert r.exit_code == 2 and "bad.csv" in r.output
    assert tree_digest(root) == before | {"bad.csv": tree_digest(root)["bad.csv"]}


def test_xlsx_tables(tmp_path):
    import openpyxl

    root = project(tmp_path)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "answer", "Staff manner"])
    sheet.append([1, "Lovely staff.", 1])
    sheet.append([2, "Too slow.", 0.0])
    book.save(root / "answers.xlsx")
    r = run("import", "table", root / "answers.xlsx", "--text", "answer", "--id", "id", "--codes-from", "Staff manner",
            "--coder", "s", "--json", project=root)
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["codings"] == 1
    assert (root / "codings" / "s" / "answers-1.jsonl").exists()
    (root / "fake.xlsx").write_text("not a workbook")
    r = run("import", "table", root / "fake.xlsx", "--text", "answer", project=root)
    assert r.exit_code == 2 and "cannot open the workbook" in r.output


def test_an_id_another_transcript_holds_is_refused_with_nothing_written(tmp_path):
    root = project(tmp_path)
    (root / "transcripts" / "hand").mkdir()
    (root / "transcripts" / "hand" / "answers-a-2.txt").write_text("Interviewer: Hello?\n\nP: Hello.\n", encoding="utf-8")
    before = tree_digest(root)
    r = run("import", "table", root / "answers.csv", "--text", "Answer", "--id", "Comment ID", project=root)
    assert r.exit_code == 2 and "'answers-a-2' is already used by transcripts/hand/answers-a-2.txt" in r.output
    assert "--prefix" in r.output and tree_digest(root) == before
    r = run("import", "table", root / "answers.csv", "--text", "Answer", "--id", "Comment ID", "--prefix", "survey", project=root)
    assert r.exit_code == 0 and (root / "transcripts" / "survey" / "survey-a-2.txt").is_file()
    assert len(load_transcripts(root / "transcripts", root)) == 4  # every id its own: the project loads
