"""matrix, quotes and search through the CLI, checked against codings made in the test."""

from __future__ import annotations

import csv
import io
import json

from conftest import run


def coded(mini):
    """cps-01 (P1, CPS): court-procedure on 2.1 and 2.2, resource-barriers on 4.1 (and on 2.2).
    yos-01 (P2, YOS): exploitation on 2.1, resource-barriers on 3.2."""
    for args in (["cps-01", "2.1", "2.2", "--code", "court-procedure"], ["cps-01", "4.1", "2.2", "--code", "resource-barriers"],
                 ["yos-01", "2.1", "--code", "exploitation"], ["yos-01", "3.2", "--code", "resource-barriers"]):
        assert run("tag", *args, "--coder", "ann", project=mini).exit_code == 0
    return mini


def test_theme_by_group_counts_participants_segments_and_percent(mini):
    coded(mini)
    m = json.loads(run("matrix", "--format", "json", project=mini).stdout)
    assert m["col_ids"] == ["CPS", "YOS"]
    cells = dict(zip(m["row_ids"], m["cells"]))
    assert cells["court-procedure"] == [1, 0] and cells["resource-barriers"] == [1, 1] and cells["exploitation"] == [0, 1]
    m = json.loads(run("matrix", "--count", "segments", "--format", "json", project=mini).stdout)
    cells = dict(zip(m["row_ids"], m["cells"]))
    assert cells["resource-barriers"] == [2, 1] and m["totals"] == [5, 4]  # codable segments per group
    m = json.loads(run("matrix", "--count", "segments", "--percent", "--format", "json", project=mini).stdout)
    assert dict(zip(m["row_ids"], m["cells"]))["resource-barriers"] == [40.0, 25.0]


def test_participants_and_cooccurrence(mini):
    coded(mini)
    m = json.loads(run("matrix", "--rows", "participants", "--cols", "themes", "--format", "json", project=mini).stdout)
    assert m["row_ids"] == ["P1", "P2"]
    rows = dict(zip(m["row_ids"], m["cells"]))
    themes = m["col_ids"]
    assert rows["P1"][themes.index("court-procedure")] == 1 and rows["P2"][themes.index("court-procedure")] == 0
    m = json.loads(run("matrix", "--cols", "themes", "--count", "segments", "--format", "json", project=mini).stdout)
    i, j = m["row_ids"].index("court-procedure"), m["row_ids"].index("resource-barriers")
    assert m["cells"][i][j] == m["cells"][j][i] == 1  # only cps-01:2.2 carries both
    assert m["cells"][j][j] == 3
    out = run("matrix", "--out", mini / "m.csv", project=mini)
    rows = list(csv.reader(io.StringIO((mini / "m.csv").read_text())))
    assert rows[0] == ["theme", "label", "CPS", "YOS"] and out.exit_code == 0
    md = run("matrix", "--format", "markdown", project=mini).stdout
    assert md.startswith("| themes x groups (participants) | Crown Prosecution Service | youth offending service |")


def test_matrix_bad_requests(mini):
    for args, expected in ((["--rows", "groups"], "unknown --rows"), (["--cols", "themez"], "did you mean 'themes'"),
                           (["--rows", "participants", "--cols", "groups"], "does not go with"),
                           (["--cols", "participants", "--percent"], "--percent needs counts"),
                           (["--coder", "zed"], "no codings by 'zed'")):
        r = run("matrix", *args, project=mini)
        assert r.exit_code == 2 and expected in r.output, (args, r.output)


def test_quotes_with_context_and_filters(mini):
    coded(mini)
    found = json.loads(run("quotes", "resource-barriers", "--context", "1", "--json", project=mini).stdout)
    assert [q["transcript_id"] for q in found] == ["cps-01", "cps-01", "yos-01"]
    first = found[0]
    assert first["text"] == "Court time is scarce and listing is unpredictable."
    assert first["before"] == ["Priya: Hearings are often adjourned."] and first["attribution"] == "CPS prosecutor"
    assert first["after"] == ["Priya: The bench wants more information."]
    assert [q["participant"] for q in json.loads(run("quotes", "resource-barriers", "--group", "YOS", "--json",
                                                      project=mini).stdout)] == ["P2"]
    r = run("quotes", "resource-barriers", "--context", "1", project=mini)
    assert r.exit_code == 0 and "3 passage(s)" in r.output
    assert "did you mean 'court-procedure'" in run("quotes", "court-proc", project=mini).output


def test_search_words_and_lemmas_with_themes(mini):
    coded(mini)
    hits = json.loads(run("search", "funding", "--json", project=mini).stdout)
    # Interviewer turns are searched too (with their speaker), but carry no themes.
    assert [(h["segment_id"], h["speaker"]) for h in hits] == [("cps-01:3.1", "Interviewer"), ("cps-01:4.1", "Priya"),
                                                                ("yos-01:3.2", "Dana")]
    assert hits[1]["themes"] == ["resource-barriers"] and hits[1]["left"] == "There is no" and hits[0]["themes"] == []
    assert json.loads(run("search", "adjourn", "--json", project=mini).stdout) == []  # whole words only
    lemma = json.loads(run("search", "adjourn", "--lemma", "--json", project=mini).stdout)
    assert [h["match"] for h in lemma] == ["adjourned"]
    assert [h["segment_id"] for h in json.loads(run("search", "funding", "--group", "YOS", "--json",
                                                     project=mini).stdout)] == ["yos-01:3.2"]
    assert run("search", "  ", project=mini).exit_code == 2


def test_anonymous_projects_leak_no_participant_name_or_id_in_any_output(example, tmp_path):
    (example / "qualcode.yaml").write_text((example / "qualcode.yaml").read_text() + "anonymous: true\n")
    from qualcode.transcripts import load_transcripts

    transcripts = load_transcripts(example / "transcripts", example)
    secrets = {t.id for t in transcripts} | {t.participant for t in transcripts} | {
        turn.speaker for t in transcripts for turn in t.turns if turn.speaker and not turn.is_interviewer}
    secrets |= {part for name in list(secrets) for part in name.split() if len(part) >= 3 and part[0].isupper()}
    assert {"mps-03", "P05", "Taylor Reid", "Alex"} <= secrets
    outputs = []
    for fmt in ("table", "markdown", "csv", "json"):
        outputs.append(run("summary", "--format", fmt, project=example).stdout)
        outputs.append(run("matrix", "--cols", "participants", "--format", fmt, project=example).stdout)
    outputs.append(run("matrix", "--rows", "participants", "--cols", "themes", "-f", "csv", project=example).stdout)
    for args in (["quotes", "resource-barriers", "--context", "2"], ["search", "funding"]):
        outputs.append(run(*args, project=example).stdout)
        outputs.append(run(*args, "--json", project=example).stdout)
    run("summary", "--out", tmp_path / "report.md", project=example)
    outputs.append((tmp_path / "report.md").read_text())
    text = "\n".join(outputs)
    assert "Participant 1" in text and "Interview 1" in text
    # Quotes are attributed by group and pseudonym: a role can name a person.
    assert "(Metropolitan Police Service, Participant " in text and "MPS legislation lead" not in text
    import re

    leaks = sorted(s for s in secrets if re.search(r"(?<![\w-])" + re.escape(s) + r"(?![\w-])", text))
    assert leaks == []


def test_saturation_counts_new_themes_in_interview_order(mini):
    coded(mini)
    (mini / "transcripts" / "cps-01.md").write_text((mini / "transcripts" / "cps-01.md").read_text()
                                                     .replace("role: CPS prosecutor", "role: CPS prosecutor\ndate: 2025-05-01"))
    (mini / "transcripts" / "yos-01.md").write_text((mini / "transcripts" / "yos-01.md").read_text()
                                                     .replace("role: YOS service manager", "role: YOS service manager\ndate: 2025-04-01"))
    sat = json.loads(run("saturation", "--format", "json", project=mini).stdout)
    steps = [(s["transcript_id"], s["themes"], s["new"], s["cumulative"]) for s in sat["steps"]]
    assert steps == [("yos-01", 2, ["resource-barriers", "exploitation"], 2),
                     ("cps-01", 2, ["court-procedure"], 3)]  # resource-barriers was not new any more
    by_name = json.loads(run("saturation", "--order", "name", "--format", "json", project=mini).stdout)
    assert [s["transcript_id"] for s in by_name["steps"]] == ["cps-01", "yos-01"]
    assert by_name["steps"][1]["new"] == ["exploitation"]
    rows = list(csv.reader(io.StringIO(run("saturation", "--format", "csv", project=mini).stdout)))
    assert rows[0][:3] == ["#", "interview", "date"] and rows[1][1] == "yos-01"
    assert run("saturation", project=mini).exit_code == 0
    r = run("saturation", "--order", "dat", project=mini)
    assert r.exit_code == 2 and "did you mean 'date'" in r.output
    cps = json.loads(run("saturation", "--group", "CPS", "--format", "json", project=mini).stdout)
    assert [(s["transcript_id"], s["new"]) for s in cps["steps"]] == [("cps-01", ["court-procedure", "resource-barriers"])]
    r = run("saturation", "--group", "CPX", project=mini)
    assert r.exit_code == 2 and "did you mean 'CPS'" in r.output


def test_a_wide_matrix_is_paged_to_the_terminal_with_numbered_theme_columns(example, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    out = run("matrix", "--rows", "participants", "--cols", "themes", project=example).stdout
    lines = out.splitlines()
    assert max(len(x) for x in lines) <= 80
    titles = [x for x in lines if x.startswith("participants x themes")]
    assert len(titles) >= 2 and "columns 1-" in titles[0] and "of 32)" in titles[0]
    assert sum(x.count("│ P01 │") for x in lines) == len(titles)  # the row labels on every page
    assert "  1  Legislative intent (with sub-themes)  legislative-intent" in out  # the legend
    co = run("matrix", "--cols", "themes", project=example).stdout
    assert " 2 Origin and context" in co and max(len(x) for x in co.splitlines()) <= 80
    monkeypatch.setenv("COLUMNS", "2000")
    wide = run("matrix", "--cols", "themes", project=example).stdout
    assert wide.count("themes x themes") == 1  # it fits: one table


def test_parents_roll_up_their_sub_themes_unless_coded_themselves(mini):
    coded(mini)
    m = json.loads(run("matrix", "--format", "json", project=mini).stdout)
    row = m["row_ids"].index("safeguarding")
    assert m["rolled_up"] == ["safeguarding"] and m["row_labels"][row] == "Safeguarding (with sub-themes)"
    assert m["cells"][row] == m["cells"][m["row_ids"].index("exploitation")] == [0, 1]
    off = json.loads(run("matrix", "--format", "json", "--no-roll-up", project=mini).stdout)
    assert off["rolled_up"] == [] and off["cells"][off["row_ids"].index("safeguarding")] == [0, 0]
    s = json.loads(run("summary", "--format", "json", project=mini).stdout)
    yos = next(g for g in s["groups"] if g["id"] == "YOS")
    parent = next(t for t in yos["themes"] if t["id"] == "safeguarding")
    assert parent["rolled_up"] and parent["participants"] == 1 and parent["quotes"] == []
    assert parent["gloss"] == "All its sub-themes together (Exploitation)."
    shown = json.loads(run("codebook", "show", "--json", project=mini).stdout)
    assert next(t for t in shown["themes"] if t["id"] == "safeguarding")["codings_of_sub_themes"] == 1
    assert "0 codings, 1 under its sub-themes" in run("codebook", "show", project=mini).stdout
    # coded itself, the parent keeps its own codes only
    assert run("tag", "yos-01", "3.1", "--code", "safeguarding", "--coder", "ann", project=mini).exit_code == 0
    m = json.loads(run("matrix", "--format", "json", project=mini).stdout)
    assert m["rolled_up"] == [] and m["row_labels"][row] == "Safeguarding"


def test_saturation_as_a_spreadsheet_and_a_web_page(mini, tmp_path):
    import openpyxl

    coded(mini)
    assert run("saturation", "--out", tmp_path / "sat.xlsx", project=mini).exit_code == 0
    ws = openpyxl.load_workbook(tmp_path / "sat.xlsx").active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0][:3] == ["#", "interview", "date"] and rows[1][0] == 1 and isinstance(rows[1][4], int)
    assert run("saturation", "--format", "html", "--out", tmp_path / "sat.html", project=mini).exit_code == 0
    page = (tmp_path / "sat.html").read_text()
    assert "<table>" in page and "<svg" in page and "cps-01" in page and "http" not in page.split("<svg")[0]


def test_search_finds_exactly_what_a_scan_of_every_segment_finds(mini):
    """search scans each body once and looks only at the segments a match can lie in; that must
    be the same hits, in the same order, as matching every segment's own text."""
    coded(mini)
    (mini / "transcripts" / "cps-02.md").write_text(
        "---\nid: cps-02\nparticipant: P3\ngroup: CPS\n---\n"
        "Interviewer: Anything else?\n\n"
        "Sam: Funding ends. Funding\nends here, said the end.Next one... end.\n"
        "funding funding-funding (funding) FUNDING: ended ends\n\n"
        "Sam: No funding\n\nends at all. Court, court, courts; end. end.\n")
    from qualcode.analysis.coded_units import coded_units
    from qualcode.analysis.queries import _pattern
    from qualcode.corpus import load_corpus

    corpus = load_corpus(project_dir=mini)
    themes = {u.segment.id: sorted(u.themes) for u in coded_units(corpus)}
    for query, flags in [("funding", []), ("funding ends", []), ("end.", []), ("end", []), ("ends here", []),
                         ("court", ["--lemma"]), ("end", ["--lemma"]), ("funding", ["--group", "CPS"]),
                         ("no funding", [])]:
        pattern, _ = _pattern(query, "--lemma" in flags)
        expected = [(s.id, m.group(0), themes.get(s.id, [])) for segs in corpus.segments().values() for s in segs
                    if "--group" not in flags or s.group == "CPS" for m in pattern.finditer(s.text)]
        hits = json.loads(run("search", query, *flags, "--json", project=mini).stdout)
        assert [(h["segment_id"], h["match"], h["themes"]) for h in hits] == expected, query
        assert expected, query  # the comparison is never between two empty lists
