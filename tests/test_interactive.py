"""The interactive loop, driven through the real CLI with piped input."""

from __future__ import annotations

import json

from conftest import run


def codings(root, tid="cps-01", coder="ann"):
    path = root / "codings" / coder / f"{tid}.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def code(root, keys: str, tid="cps-01"):
    r = run("code", tid, "--coder", "ann", input=keys, project=root)
    assert r.exit_code == 0, r.output
    assert "Traceback" not in r.output
    return r.output


def test_apply_several_codes_by_number_then_move_on(mini):
    out = code(mini, "1 2\nq\n")
    # CPS sees court-procedure (1) and resource-barriers (2); not the YOS-only themes.
    assert "Safeguarding" not in out and "Court procedure" in out
    assert "Hearings are often adjourned." in out and "How do hearings go?" in out  # context: interviewer turn
    assert sorted((c["code"], c["text"]) for c in codings(mini)) == [
        ("court-procedure", "Hearings are often adjourned."), ("resource-barriers", "Hearings are often adjourned.")]
    assert "Coded 2.1: Court procedure, Resource barriers" in out and "2.2 · segment 2 of 5" in out


def test_prefix_label_filter_skip_back_memo_pin_undo(mini):
    keys = "\n".join([
        "res",            # a prefix only filters: nothing is applied from partial text
        "2",              # resource-barriers by its (stable) number on 2.1, moves to 2.2
        "m adjournments", # 2.2 has no codes yet: the memo goes on 2.1, just coded
        "p",              # pin 2.1
        "",               # skip 2.2
        "/court",         # filter the list
        "1",              # court-procedure on 2.3
        "b",              # back to 2.3
        "u",              # undo the court-procedure coding
        "q",
    ]) + "\n"
    out = code(mini, keys)
    rows = codings(mini)
    assert len(rows) == 1
    assert rows[0]["code"] == "resource-barriers" and rows[0]["memo"] == "adjournments" and rows[0]["pinned"] is True
    assert "Undid: apply court-procedure." in out


def test_ambiguous_and_unknown_input_applies_nothing(mini):
    out = code(mini, "zzz\n7\nq\n")
    assert "No theme fits 'zzz'" in out and "No theme number 7" in out
    assert codings(mini) == []


def test_remove_a_code_and_go_to(mini):
    code(mini, "g 4.2\n1 2\nx 1\nq\n")
    rows = codings(mini)
    assert [(c["code"], c["text"]) for c in rows] == [("resource-barriers", "Nobody pays for the mentoring.")]


def test_restart_resumes_at_first_uncoded_segment(mini):
    code(mini, "1\n1\nq\n")  # codes 2.1 and 2.2
    out = code(mini, "q\n")
    assert "Resuming after your last decision" in out
    assert "2.3 · segment 3 of 5" in out


def test_end_of_input_quits_cleanly_and_keeps_work(mini):
    out = code(mini, "2\n")  # no q: stdin simply ends
    assert "Saved. Bye." in out and len(codings(mini)) == 1


def test_reaching_the_end(mini):
    out = code(mini, "\n\n\n\n\n\n2\nq\n")
    assert "That was the last segment" in out
    assert [c["text"] for c in codings(mini)] == ["Nobody pays for the mentoring."]


def test_help_and_interviewer_only_transcript(mini):
    assert "apply themes by number" in code(mini, "?\nq\n")
    (mini / "transcripts" / "only-q.md").write_text("Interviewer: Anyone there?\n")
    r = run("code", "only-q", "--coder", "ann", input="q\n", project=mini)
    assert r.exit_code == 2 and "nothing to code" in r.output


def progress_lines(root, tid="cps-01", coder="ann"):
    path = root / "codings" / coder / f"{tid}.decided"
    return [line.split()[:3] for line in path.read_text().splitlines() if not line.startswith("#")] if path.exists() else []


def test_no_code_is_a_decision_and_a_restart_resumes_after_the_last_one(mini):
    out = code(mini, "1\n\n-\nq\n")  # 2.1 coded, 2.2 skipped (undecided), 2.3 "no code"
    assert "2.3: no code" in out
    assert progress_lines(mini) == [["41", "70", "coded"], ["122", "155", "none"]]
    out = code(mini, "q\n")
    assert "Resuming after your last decision" in out and "4.1 · segment 4 of 5" in out  # not back at 2.2
    status = run("status", project=mini)
    assert "ann: 11% of segments coded, 22% decided (coded or 'no code')" in status.output  # 2 of 9 units
    data = json.loads(run("status", "--json", project=mini).stdout)
    assert data["decided_share"] == {"ann": 0.2222} and data["coded_share"] == {"ann": 0.1111}
    # "no code" on a coded unit is refused; undo takes a "no code" back
    out = code(mini, "g 2.1\n-\ng 2.2\n-\nu\nq\n")
    assert "2.1 has codes; remove them first" in out and "Undid: no code." in out
    assert ["72", "120", "none"] not in progress_lines(mini)


def test_typed_text_never_codes_from_a_few_letters(mini):
    out = code(mini, "re\nno\nq\n")
    assert codings(mini) == []
    assert "theme(s) fit 're'; pick one by number" in out
    out = code(mini, "Resource barriers\nq\n")  # a whole label, spaces and all, applies
    assert [c["code"] for c in codings(mini)] == ["resource-barriers"]


def test_filter_searches_the_whole_codebook_with_stable_numbers(mini):
    out = code(mini, "/exploit\n4\nq\n")
    # CPS themes are 1-2; the YOS-only themes follow with numbers that do not change when filtered.
    assert " 4 Exploitation" in out and " 1 Court procedure" in out
    assert "listed for YOS, not CPS; applied anyway" in out
    assert [c["code"] for c in codings(mini)] == ["exploitation"]


def test_progress_file_with_a_bad_line_is_a_clear_error(mini):
    (mini / "codings" / "ann").mkdir(parents=True)
    (mini / "codings" / "ann" / "cps-01.decided").write_text("<<<<<<< HEAD\n41 70 coded 2026-12-02T05:00:00Z 0ccdd27f\n")
    r = run("code", "cps-01", "--coder", "ann", input="q\n", project=mini)
    assert r.exit_code == 2 and "cps-01.decided:1: a line must read" in r.output and "Traceback" not in r.output


def test_open_coding_makes_a_theme_in_the_codebook_and_applies_it(mini):
    before = (mini / "codebooks" / "mini.yaml").read_text()
    out = code(mini, "+ Court delays under court-procedure\n+ court delays\n1\nq\n")
    assert "New theme court-delays 'Court delays' in the codebook. Coded 2.1: Court delays" in out
    assert "Coded 2.2: Court delays" in out  # the second time it is the theme that exists now
    text = (mini / "codebooks" / "mini.yaml").read_text()
    assert "version: 3" in text and "- id: court-delays" in text and "label: Court delays" in text
    assert text.replace("version: 3", "version: 2").startswith(before.split("  - id: resource-barriers")[0])  # the rest as written
    assert [c["code"] for c in codings(mini)] == ["court-delays", "court-delays", "court-procedure"]
    shown = run("codebook", "show", "--json", project=mini)
    theme = next(t for t in json.loads(shown.stdout)["themes"] if t["id"] == "court-delays")
    assert theme["parent"] == "court-procedure" and theme["groups"] == ["CPS"]  # inherited from the parent
    out = code(mini, "+ Anything under no-such-theme\nq\n")
    assert "no theme 'no-such-theme' to put the new theme under" in out and "Nothing applied" in out


def test_a_transcript_with_no_speakers_shows_its_words_without_a_stray_colon(mini):
    """Field notes or a speech-to-text file: one turn with no speaker, shown as its words (it was
    ': Observed the panel.'), in the line loop, the workbench and quotes' context."""
    (mini / "transcripts" / "notes.txt").write_text("Observed the panel. It ran late.\n\nThe chair left early.\n")
    out = code(mini, "1\nq\n", tid="notes")
    assert "\nObserved the panel.\n" in out and ": Observed" not in out
    from qualcode.corpus import load_corpus
    from qualcode.project import open_project
    from qualcode.session import CodingSession
    from qualcode.workbench.app import CodingApp

    app = CodingApp(CodingSession(load_corpus(open_project(mini)), "notes", "ann"))
    assert app._block_text(0).plain.startswith("Observed the panel.")
    quoted = run("quotes", "court-procedure", "--context", "1", "--json", project=mini)
    assert quoted.exit_code == 0 and '"It ran late."' in quoted.stdout and '": It ran' not in quoted.stdout
