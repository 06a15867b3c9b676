"""`qualcode import talk`: spreadsheets of talk (one row per sentence, Turn, Speaker, Sentence,
code label columns) become transcripts whose rows are the coding units, with the labels as one
coder's codings and "none" labels as that coder's "no code" decisions. Files built in the test."""

from __future__ import annotations

import json

import openpyxl
from conftest import run, tree_digest

from qualcode.assist.training import Labels, labelled_segments
from qualcode.corpus import load_corpus
from qualcode.project import open_project

ROWS = [  # (turn, speaker, sentence, teacher tag, student tag) with the mess real exports have
    (1, "T", "Good morning, everyone.", "1 - None", None),
    (1, "T", "What is seven times eight?", "8 - Press for Accuracy", None),
    (2, "Student 1", "Fifty-six.", None, "3 - Making a claim"),
    (3, "T", "How do you know: explain it.", "9 - press for  reasoning", None),
    (3, "T", "Say more.", "9 - Press for Reasoning", None),
    (4, "SS", "Because seven eights are fifty-six.", None, "4 - providing evidence"),
    (5, "T", "So you're saying it's fifty-six.", "5 - Revoicing", None),
    (5, "T", "", None, None),  # an empty row: skipped
]


def workbook(path, rows=ROWS, header=(None, "TimeStamp", "Turn", "Speaker", "Sentence", "Teacher Tag", "Student Tag")):
    wb = openpyxl.Workbook()
    ws = wb.active
    if header:
        ws.append(list(header))
    for i, r in enumerate(rows):
        ws.append([i, None, *r])
    wb.save(path)
    return path


def test_a_lesson_spreadsheet_becomes_units_codings_and_no_code_decisions(tmp_path):
    root = tmp_path / "p"
    assert run("init", str(root)).exit_code == 0
    for f in (root / "codebooks").glob("*.yaml"):
        f.unlink()  # the labels make the codebook
    xlsx = workbook(tmp_path / "Lesson 1.xlsx")
    r = run("import", "talk", xlsx, "--codes", "Teacher Tag", "--codes", "Student Tag", "--coder", "tm", project=root)
    assert r.exit_code == 0, r.output
    assert "1 transcripts, 7 rows" in r.output and "6 codings by tm" in r.output and "1 rows labelled 'no code'" in r.output
    book = (root / "codebooks" / "lesson-1.yaml").read_text()
    assert book.count("- id:") == 5 and "press-for-reasoning" in book  # '9 - press for  reasoning' is code 9 too
    segs = json.loads("[" + ",".join(run("segments", "lesson-1", "--json", project=root).stdout.split("\n")[:-1]) + "]")
    assert [(s["id"], s["speaker"], s["text"]) for s in segs[:3]] == [
        ("lesson-1:1.p1", "T", "Good morning, everyone."), ("lesson-1:1.p2", "T", "What is seven times eight?"),
        ("lesson-1:2.p1", "Student 1", "Fifty-six.")]
    assert segs[3]["text"] == "How do you know: explain it."  # a colon in a sentence is no speaker label
    codes = {s["id"]: [c["code"] for c in s["codes"]] for s in segs}
    assert codes["lesson-1:3.p1"] == codes["lesson-1:3.p2"] == ["press-for-reasoning"]
    assert codes["lesson-1:1.p1"] == []
    labels = Labels()
    labelled_segments(load_corpus(open_project(root)), "tm", labels)
    assert (labels.coded, labels.no_code, labels.unlabelled) == (6, 1, 0)
    # again: the same files, nothing changes; a second lesson without a header row is refused by name
    before = tree_digest(root / "codings"), tree_digest(root / "transcripts")
    assert run("import", "talk", xlsx, "--codes", "Teacher Tag", "--codes", "Student Tag", "--coder", "tm",
               project=root).exit_code == 0
    assert (tree_digest(root / "codings"), tree_digest(root / "transcripts")) == before
    bare = workbook(tmp_path / "bare.xlsx", header=None)
    r = run("import", "talk", bare, project=root)
    assert r.exit_code == 2 and "bare.xlsx" in r.output and "no column of text" in r.output and "--text" in r.output


def test_labels_map_to_an_existing_codebook_and_unknown_ones_are_refused(tmp_path):
    root = tmp_path / "p"
    (root / "codebooks").mkdir(parents=True)
    (root / "transcripts").mkdir()
    (root / "codebooks" / "moves.yaml").write_text(
        "name: Moves\nversion: 1\nthemes:\n  - id: press-for-accuracy\n    label: Press for accuracy\n"
        "  - id: revoicing\n    label: Revoicing\n")
    rows = [(1, "T", "Seven times eight?", "8 - press for ACCURACY"), (2, "T", "You said fifty-six.", "5 - Revoicing")]
    csv = tmp_path / "l.csv"
    csv.write_text("Turn,Speaker,Text,Tag\n" + "".join(f'{a},{b},"{c}",{d}\n' for a, b, c, d in rows))
    r = run("import", "talk", csv, "--codes", "Tag", "--coder", "tm", project=root)
    assert r.exit_code == 0, r.output
    rows_ = [json.loads(x) for x in (root / "codings" / "tm" / "l.jsonl").read_text().splitlines()]
    assert [c["code"] for c in rows_] == ["press-for-accuracy", "revoicing"]
    csv.write_text("Turn,Speaker,Text,Tag\n1,T,Why?,9 - Press for Reasoning\n")
    r = run("import", "talk", csv, "--codes", "Tag", "--coder", "tm", "--prefix", "other", project=root)
    assert r.exit_code == 2 and "'9 - Press for Reasoning'" in r.output and "moves.yaml" in r.output
    assert not (root / "transcripts" / "other").exists()
    r = run("import", "talk", csv, "--codes", "Tag", project=root)
    assert r.exit_code == 2 and "--codes needs --coder" in r.output


def test_bare_numbers_and_stray_marks_follow_the_codes_usual_label(tmp_path):
    """Real exports write '1' beside '1 - None', '7\\' for '7 - Context', and a lone '\\'."""
    root = tmp_path / "p"
    (root / "codebooks").mkdir(parents=True)
    (root / "transcripts").mkdir()
    rows = [(1, "T", "Good morning.", "1 - None", None), (1, "T", "Sit down please.", "1 - None", None),
            (1, "T", "Right then.", "1", None), (1, "T", "Yesterday we did fractions.", "7 - Context", None),
            (1, "T", "And on Monday, decimals.", "7\\", None), (1, "T", "Pens away.", "\\", None)]
    r = run("import", "talk", workbook(tmp_path / "l.xlsx", rows), "--codes", "Teacher Tag", "--coder", "tm",
            "--json", project=root)
    assert r.exit_code == 0, r.output
    done = json.loads(r.stdout)
    assert done["codes"] == ["context"] and done["codings"] == 2 and done["no_code"] == 3
    assert (root / "codebooks" / "l.yaml").read_text().count("- id:") == 1
    labels = Labels()
    labelled_segments(load_corpus(open_project(root)), "tm", labels)
    assert (labels.coded, labels.no_code, labels.unlabelled) == (2, 3, 1)  # 'Pens away.' is undecided


def test_a_label_on_a_row_with_no_text_is_left_out_and_named(tmp_path):
    """A real lesson has '128' in its tag column under the last sentence (a total): no unit, so no
    theme and no refusal against a codebook; the warning says which file and row. Lessons from
    two folders go to the folder holding both."""
    root = tmp_path / "p"
    (root / "codebooks").mkdir(parents=True)
    (root / "transcripts").mkdir()
    (tmp_path / "data" / "Subset 1").mkdir(parents=True)
    (tmp_path / "data" / "Subset 2").mkdir()
    rows = [(1, "T", "Seven times eight?", "8 - Press for Accuracy", None), (None, None, None, "128", None)]
    one = workbook(tmp_path / "data" / "Subset 1" / "a.xlsx", rows)
    two = workbook(tmp_path / "data" / "Subset 2" / "b.xlsx", rows[:1])
    r = run("import", "talk", one, two, "--codes", "Teacher Tag", "--coder", "tm", project=root)
    assert r.exit_code == 0, r.output
    assert "a.xlsx row 3: '128' in 'Teacher Tag'" in r.output and "in transcripts/data/" in r.output
    book = (root / "codebooks" / "data.yaml").read_text()
    assert book.count("- id:") == 1 and "128" not in book
    assert sorted(p.name for p in (root / "transcripts" / "data").iterdir()) == ["a.txt", "b.txt"]
    r = run("import", "talk", one, "--codes", "Teacher Tag", "--coder", "tm", "--prefix", "again", "--json", project=root)
    assert r.exit_code == 0, r.output  # the codebook now exists: '128' is not refused as an unknown label
    assert json.loads(r.stdout)["ignored"] == ["a.xlsx row 3: '128' in 'Teacher Tag'"]


def test_a_lesson_whose_id_another_folder_holds_gets_a_new_id(tmp_path):
    """Importing into another folder a lesson whose file name an earlier import used: two
    transcripts with one id would stop the project loading, so the new one is 'a-2'."""
    root = tmp_path / "p"
    (root / "codebooks").mkdir(parents=True)
    (root / "transcripts").mkdir()
    xlsx = workbook(tmp_path / "a.xlsx", [(1, "T", "Seven times eight?", "8 - Press for Accuracy", None)])
    assert run("import", "talk", xlsx, "--codes", "Teacher Tag", "--coder", "tm", project=root).exit_code == 0
    before = (root / "transcripts" / "a" / "a.txt").read_bytes()
    r = run("import", "talk", xlsx, "--codes", "Teacher Tag", "--coder", "tm", "--prefix", "again", project=root)
    assert r.exit_code == 0, r.output
    assert (root / "transcripts" / "again" / "a-2.txt").is_file() and (root / "transcripts" / "a" / "a.txt").read_bytes() == before
    assert run("status", project=root).exit_code == 0
    again = run("import", "talk", xlsx, "--codes", "Teacher Tag", "--coder", "tm", project=root)  # the first folder: same id
    assert again.exit_code == 0 and not (root / "transcripts" / "a" / "a-2.txt").exists()


def test_each_turn_keeps_its_first_rows_clock_time(tmp_path):
    """Times as typed (00:01:05), as Excel's time and date-time cells read, or in a column named
    with --time: a turn gets its first row's, written as transcripts write it ([00:01:05] T:),
    so it is the turn's timestamp; a bare number (TalkMoves has 1.0, 2, 3) is no time. The
    codings still hold exactly their rows' text."""
    import datetime

    root = tmp_path / "p"
    assert run("init", str(root)).exit_code == 0
    for f in (root / "codebooks").glob("*.yaml"):
        f.unlink()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["TimeStamp", "Turn", "Speaker", "Sentence", "Tag"])
    for row in [("00:01:05", 1, "T", "Good morning.", "1 - None"), (None, 1, "T", "Ready?", "2 - Launch"),
                (1.0, 2, "S", "Yes: ready.", "3 - Claim"), (datetime.time(0, 2, 10), 3, "T", "Then begin.", "2 - Launch"),
                (datetime.datetime(1900, 1, 1, 0, 3, 0), 4, "S", "OK.", None), (7, 5, "T", "Good.", None)]:
        ws.append(list(row))
    wb.save(tmp_path / "lesson.xlsx")
    r = run("import", "talk", tmp_path / "lesson.xlsx", "--codes", "Tag", "--coder", "tm", project=root)
    assert r.exit_code == 0 and "3 turns with their time" in r.output, r.output
    body = (root / "transcripts" / "lesson" / "lesson.txt").read_text(encoding="utf-8")
    assert "[00:01:05] T: Good morning." in body and "\nS: Yes: ready." in body and "[00:02:10] T: Then begin." in body
    t = load_corpus(open_project(root)).transcripts[0]
    assert [(x.speaker, x.timestamp) for x in t.turns] == [
        ("T", "00:01:05"), ("S", None), ("T", "00:02:10"), ("S", "00:03:00"), ("T", None)]
    rows = [json.loads(line) for line in (root / "codings" / "tm" / "lesson.jsonl").read_text().splitlines()]
    assert sorted(c["text"] for c in rows) == ["Ready?", "Then begin.", "Yes: ready."]
    # --time names the column; one that is not there is refused, with the columns.
    r = run("import", "talk", tmp_path / "lesson.xlsx", "--time", "Clock", "--prefix", "again", project=root)
    assert r.exit_code == 2 and "Clock" in r.output and "Traceback" not in r.output
