"""Theme summary by stakeholder group, and project status, through the CLI."""

from __future__ import annotations

import csv
import io
import json

from conftest import run, word_document

from qualcode.analysis.summary import summarise
from qualcode.corpus import load_corpus
from qualcode.project import open_project


def test_markdown_reads_like_a_findings_section(example):
    r = run("summary", "--format", "markdown", project=example)
    assert r.exit_code == 0, r.output
    md = r.stdout
    for label in ("Metropolitan Police Service", "Home Office", "Crown Prosecution Service",
                  "youth offending service", "charity"):
        assert f"## Key themes: {label}" in md
    assert "*“" in md and "(CPS prosecutor)" in md and "(YOS service manager)" in md
    assert "Raised by 2 of 2 participants" in md
    # Sections come in the codebook's group order.
    assert md.index("Metropolitan Police") < md.index("Home Office") < md.index("Crown Prosecution")


def test_the_interviewers_words_count_nowhere(mini):
    """A coding over a question and its answer (as NVivo's coders often make) counts for the
    answer: its participant, its units, its quote; one on the question alone counts nowhere:
    no participant, no unit, no quote, no theme in saturation. Before, the first was all the
    interviewer's and the second counted units in the summary and a theme in saturation."""
    both = run("tag", "cps-01", "--quote", "How do hearings go? Priya: Hearings are often adjourned.",
               "--code", "court-procedure", "--coder", "ann", project=mini)
    alone = run("tag", "cps-01", "--quote", "And funding?", "--code", "resource-barriers", "--coder", "ann",
                project=mini)
    assert both.exit_code == 0 and alone.exit_code == 0, both.output + alone.output
    summary = json.loads(run("summary", "--format", "json", project=mini).stdout)
    cps = {t["id"]: t for g in summary["groups"] if g["id"] == "CPS" for t in g["themes"]}
    assert set(cps) == {"court-procedure"}
    assert (cps["court-procedure"]["participants"], cps["court-procedure"]["segments"]) == (1, 1)
    assert [q["text"] for q in cps["court-procedure"]["quotes"]] == ["Hearings are often adjourned."]
    quotes = run("quotes", "court-procedure", "--json", project=mini)
    assert [q["text"] for q in json.loads(quotes.stdout)] == ["Hearings are often adjourned."], quotes.output
    assert run("quotes", "resource-barriers", "--json", project=mini).stdout.strip() == "[]"
    steps = json.loads(run("saturation", "--format", "json", project=mini).stdout)["steps"]
    assert {s["transcript_id"]: (s["themes"], s["new"]) for s in steps}["cps-01"] == (1, ["court-procedure"])


def test_json_equals_the_library_and_is_deterministic(example):
    r1 = run("summary", "--format", "json", project=example)
    r2 = run("summary", "--format", "json", project=example)
    assert r1.exit_code == 0 and r1.stdout == r2.stdout
    expected = summarise(load_corpus(open_project(example))).to_dict()
    assert json.loads(r1.stdout) == expected


def test_remembered_typicality_gives_the_quotes_a_fresh_computation_gives(example):
    """Typicality is kept per theme by a hash of its passages: a second summary reads it, and
    after a coding changes (here: one more passage of a theme) the quotes are those of a run
    with no cache at all."""
    cache = example / ".qualcode" / "typicality.json"
    first = run("summary", "--format", "json", project=example)
    assert first.exit_code == 0 and cache.is_file()
    kept = json.loads(cache.read_text(encoding="utf-8"))["entries"]
    assert len(kept) == len({t["id"] for g in json.loads(first.stdout)["groups"] for t in g["themes"] if not t["rolled_up"]})
    assert run("summary", "--format", "json", project=example).stdout == first.stdout
    r = run("tag", "cps-01", "4.1", "--code", "real-risk-cases", "--coder", "amara", project=example)
    assert r.exit_code == 0, r.output
    remembered = run("summary", "--format", "json", project=example).stdout
    assert len(json.loads(cache.read_text(encoding="utf-8"))["entries"]) > len(kept)  # the changed theme's
    cache.unlink()
    assert run("summary", "--format", "json", project=example).stdout == remembered


def test_pinned_quote_comes_first_and_quotes_are_attributed(example):
    data = json.loads(run("summary", "--format", "json", project=example).stdout)
    cps = next(g for g in data["groups"] if g["id"] == "CPS")
    real_risk = next(t for t in cps["themes"] if t["id"] == "real-risk-cases")
    assert real_risk["quotes"][0]["pinned"] is True
    assert real_risk["quotes"][0]["text"].startswith("There is a small number of young people at real risk")
    assert {q["attribution"] for q in real_risk["quotes"]} == {"CPS prosecutor", "CPS senior prosecutor"}
    # Quotes from as many distinct participants as the theme has.
    for group in data["groups"]:
        for theme in group["themes"]:
            voices = {q["participant"] for q in theme["quotes"]}
            assert len(voices) == min(theme["participants"], len(theme["quotes"]))


def test_csv_carries_the_same_table(example):
    data = json.loads(run("summary", "--format", "json", "--quotes", "2", project=example).stdout)
    rows = list(csv.DictReader(io.StringIO(run("summary", "--format", "csv", "--quotes", "2", project=example).stdout)))
    expected = sum(max(1, len(t["quotes"])) for g in data["groups"] for t in g["themes"])
    assert len(rows) == expected
    rolled = rows[0]  # "Legislative intent", not coded itself: its sub-themes together, quotes under them
    assert rolled["theme"] == "legislative-intent" and rolled["quote_rank"] == "0" and rolled["gloss"].startswith("All its sub-themes")
    first = rows[1]
    assert first["group"] == "MPS" and first["quote_rank"] == "1" and first["quote"]
    assert set(first) >= {"theme", "theme_label", "gloss", "participants", "segments", "attribution"}


def test_group_and_coder_filters_and_errors(example):
    r = run("summary", "--group", "YOS", "--format", "json", project=example)
    assert [g["id"] for g in json.loads(r.stdout)["groups"]] == ["YOS"]
    r = run("summary", "--group", "YOT", project=example)
    assert r.exit_code == 2 and "did you mean 'YOS'" in r.output
    r = run("summary", "--coder", "nobody", project=example)
    assert r.exit_code == 2 and "amara" in r.output
    assert run("summary", "--format", "pdf", project=example).exit_code == 2


def test_out_file_by_suffix(example, tmp_path):
    out = tmp_path / "report" / "themes.md"
    r = run("summary", "--out", out, project=example)
    assert r.exit_code == 0 and out.read_text().startswith("# Key themes by stakeholder group")
    r = run("summary", "--out", tmp_path / "themes.pdf", project=example)
    assert r.exit_code == 2 and "cannot tell the format" in r.output


def test_interviewer_turns_are_never_quoted(mini):
    run("tag", "cps-01", "1.1", "--code", "court-procedure", "--coder", "ann", project=mini)
    run("tag", "cps-01", "2.1", "--code", "court-procedure", "--coder", "ann", project=mini)
    data = json.loads(run("summary", "--format", "json", project=mini).stdout)
    theme = data["groups"][0]["themes"][0]
    assert [q["text"] for q in theme["quotes"]] == ["Hearings are often adjourned."]
    assert theme["participants"] == 1


def test_adjacent_coded_sentences_are_quoted_as_one_passage(mini):
    run("tag", "cps-01", "2.1", "2.2", "--code", "court-procedure", "--coder", "ann", project=mini)
    data = json.loads(run("summary", "--format", "json", project=mini).stdout)
    theme = data["groups"][0]["themes"][0]
    assert theme["segments"] == 2
    assert theme["quotes"][0]["text"] == "Hearings are often adjourned. Court time is scarce and listing is unpredictable."


def test_nothing_coded_and_empty_groups_give_a_sensible_report(mini):
    r = run("summary", "--format", "markdown", project=mini)
    assert r.exit_code == 0
    assert "No themes coded yet in 1 transcript." in r.stdout
    (mini / "transcripts" / "yos-01.md").unlink()
    r = run("summary", "--format", "markdown", project=mini)
    assert "No transcripts from this group yet." in r.stdout
    assert run("summary", project=mini).exit_code == 0


def test_status_counts_groups_segments_and_coded_share(mini):
    run("tag", "cps-01", "2.1", "2.2", "--code", "court-procedure", "--coder", "ann", project=mini)
    r = run("status", "--json", project=mini)
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["groups"] == {"CPS": 1, "YOS": 1}
    cps = next(t for t in data["transcripts"] if t["id"] == "cps-01")
    assert cps["segments"] == 5 and cps["coded"] == {"ann": 2}
    assert data["segments"] == 9 and data["coded_share"] == {"ann": round(2 / 9, 4)}
    table = run("status", project=mini)
    assert table.exit_code == 0 and "ann: 22% of segments coded" in table.output


def test_bundled_example_summary_is_meaningful(example):
    data = json.loads(run("summary", "--format", "json", project=example).stdout)
    assert all(g["themes"] for g in data["groups"])
    total = sum(len(g["themes"]) for g in data["groups"])
    assert total >= 25


def test_focus_group_speakers_count_in_their_own_groups(mini):
    """A focus group transcript: each speaker's group and role come from participants.csv."""
    (mini / "transcripts" / "fg.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Moderator>What about court?</v>\n\n"
        "00:00:02.000 --> 00:00:03.000\n<v Ana>Hearings are slow for our children too.</v>\n\n"
        "00:00:03.000 --> 00:00:04.000\n<v Ben>Court listing is the problem.</v>\n", encoding="utf-8")
    (mini / "transcripts" / "participants.csv").write_text(
        "file,id,speaker,participant,group,role\nfg.vtt,focus-1,,,,\n"
        "fg.vtt,,Ana,P11,YOS,YOS practitioner\nfg.vtt,,Ben,P12,CPS,CPS lawyer\n", encoding="utf-8")
    for quote in ("Hearings are slow for our children too.", "Court listing is the problem."):
        r = run("tag", "focus-1", "--quote", quote, "--code", "court-procedure", "--coder", "ann", project=mini)
        assert r.exit_code == 0, r.output
    data = json.loads(run("summary", "--format", "json", project=mini).stdout)
    by_group = {g["id"]: g for g in data["groups"]}
    assert by_group["CPS"]["participants"] == 2 and by_group["YOS"]["participants"] == 2
    cps = by_group["CPS"]["themes"][0]
    assert [(q["attribution"], q["participant"]) for q in cps["quotes"]] == [("CPS lawyer", "P12")]
    yos = by_group["YOS"]["themes"][0]
    assert yos["quotes"][0]["attribution"] == "YOS practitioner"


def test_docx_transcripts_work_through_every_command(mini):
    word_document(mini / "transcripts" / "charity.docx", "Tell me about funding.",
                  "Robin: There is no funding for mentoring. We stretch our grants.")
    (mini / "transcripts" / "participants.yaml").write_text("charity.docx: {participant: P9, group: YOS, role: charity lead}\n")
    assert run("tag", "charity", "2.1", "--code", "resource-barriers", "--coder", "ann", project=mini).exit_code == 0
    data = json.loads(run("summary", "--format", "json", "--group", "YOS", project=mini).stdout)
    quotes = data["groups"][0]["themes"][0]["quotes"]
    assert quotes == [{"text": "There is no funding for mentoring.", "attribution": "charity lead", "transcript_id": "charity",
                       "participant": "P9", "start": quotes[0]["start"], "end": quotes[0]["end"], "pinned": False,
                       "trimmed": False}]


def test_python_dash_m_runs_the_cli():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "qualcode", "--help"], capture_output=True, text=True, check=True)
    assert "summary" in out.stdout and "codebook" in out.stdout


def test_undeclared_group_is_warned_about_with_a_fix(mini):
    path = mini / "transcripts" / "yos-01.md"
    path.write_text(path.read_text().replace("group: YOS", "group: YOT"))
    r = run("status", project=mini)
    assert r.exit_code == 0
    assert "transcripts/yos-01.md: group 'YOT' is not declared in the codebook (did you mean 'YOS'?)" in r.output


def test_quotes_are_typical_of_the_theme_and_trimmed_to_sentences(mini):
    """Four participants on one theme: three about funding, one off-topic. With one quote asked
    for, the typical one is chosen; a long passage is cut at a sentence with an ellipsis."""
    long_answer = " ".join(f"Sentence {i} says the funding for activities ran out again this year." for i in range(12))
    answers = {
        "p1": "Nobody would pay for the gym sessions because the funding for activities had gone completely.",
        "p2": "There was no funding for activities, so the requirements about gym sessions meant nothing at all.",
        "p3": "The weather was lovely that week and we went to the seaside with the whole team for a day.",
        "p4": long_answer,
    }
    for pid, text in answers.items():
        (mini / "transcripts" / f"{pid}.md").write_text(
            f"---\nid: {pid}\nparticipant: {pid.upper()}\ngroup: YOS\nrole: manager {pid}\n---\n"
            f"Interviewer: Tell me.\n\nSam: {text}\n")
        assert run("tag", pid, "--quote", text, "--code", "resource-barriers", "--coder", "ann", project=mini).exit_code == 0
    data = json.loads(run("summary", "--format", "json", "--group", "YOS", "--quotes", "4", project=mini).stdout)
    quotes = data["groups"][0]["themes"][0]["quotes"]
    assert quotes[-1]["participant"] == "P3"  # the off-topic passage comes last
    assert quotes[0]["participant"] in ("P1", "P2", "P4")
    long = next(q for q in quotes if q["participant"] == "P4")
    assert long["trimmed"] is True and long["text"].endswith("year. …") and len(long["text"].split()) <= 91
    one = json.loads(run("summary", "--format", "json", "--group", "YOS", "--quotes", "1", project=mini).stdout)
    assert one["groups"][0]["themes"][0]["quotes"][0]["participant"] != "P3"
