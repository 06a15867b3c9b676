"""Excel and Word exports, read back with openpyxl and python-docx: sheets, formatting, headings,
real tables, italic quotes; anonymous projects leak nothing in them either."""

from __future__ import annotations

import json

from conftest import run


def test_summary_xlsx_has_theme_table_quote_sheets_and_matrix(example, tmp_path):
    import openpyxl

    out = tmp_path / "report.xlsx"
    r = run("summary", "--out", out, project=example)
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Themes", "Quotes MPS", "Quotes HO", "Quotes CPS", "Quotes YOS", "Quotes CHARITY", "Matrix"]
    themes = wb["Themes"]
    assert [c.value for c in themes[1]] == ["Group", "Theme", "Gloss", "Participants", "Of participants", "Segments"]
    assert themes["A1"].font.bold and themes.freeze_panes == "B2" and themes["C2"].alignment.wrap_text
    data = json.loads(run("summary", "--format", "json", project=example).stdout)
    rows = [[c.value for c in row] for row in themes.iter_rows(min_row=2)]
    expected = [[g["label"], t["label"], t["gloss"], t["participants"], t["participants_in_group"], t["segments"]]
                for g in data["groups"] for t in g["themes"]]
    assert rows == expected
    cps = wb["Quotes CPS"]
    cps_quotes = [q for g in data["groups"] if g["id"] == "CPS" for t in g["themes"] for q in t["quotes"]]
    assert [[c.value for c in row][1:] for row in cps.iter_rows(min_row=2)] == [[q["text"], q["attribution"]] for q in cps_quotes]
    matrix = wb["Matrix"]
    assert [c.value for c in matrix[1]][1:] == ["Metropolitan Police Service", "Home Office", "Crown Prosecution Service",
                                                 "youth offending service", "charity"]


def test_summary_docx_reads_like_a_report(example, tmp_path):
    import docx

    out = tmp_path / "report.docx"
    assert run("summary", "--out", out, "--quotes", "2", project=example).exit_code == 0
    doc = docx.Document(out)
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == "Key themes by stakeholder group"
    assert "Key themes: Crown Prosecution Service" in headings
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells][:3] == ["Theme", "Metropolitan Police Service", "Home Office"]
    bullets = [p for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert bullets and bullets[0].runs[0].bold
    quotes = [p for p in doc.paragraphs if p.style.name == "List Bullet 2"]
    assert quotes and all(p.runs[0].italic and p.runs[0].text.startswith("“") for p in quotes)
    assert any(p.runs[1].text == " (CPS prosecutor)" for p in quotes)


def test_matrix_office_exports_and_format_errors(example, tmp_path):
    import docx
    import openpyxl

    assert run("matrix", "--count", "segments", "--out", tmp_path / "m.xlsx", project=example).exit_code == 0
    ws = openpyxl.load_workbook(tmp_path / "m.xlsx")["Matrix"]
    data = json.loads(run("matrix", "--count", "segments", "--format", "json", project=example).stdout)
    assert [[c.value for c in row][1:] for row in ws.iter_rows(min_row=2)] == data["cells"]
    assert run("matrix", "--out", tmp_path / "m.docx", project=example).exit_code == 0
    assert len(docx.Document(tmp_path / "m.docx").tables[0].rows) == len(data["row_ids"]) + 1
    r = run("summary", "--format", "docx", project=example)
    assert r.exit_code == 2 and "--out FILE.docx" in r.output
    r = run("summary", "--out", tmp_path / "x.pdf", project=example)
    assert r.exit_code == 2 and ".xlsx" in r.output


def test_anonymous_office_exports(example, tmp_path):
    import docx
    import openpyxl

    (example / "qualcode.yaml").write_text((example / "qualcode.yaml").read_text() + "anonymous: true\n")
    run("summary", "--out", tmp_path / "a.xlsx", project=example)
    run("summary", "--out", tmp_path / "a.docx", project=example)
    run("matrix", "--rows", "participants", "--cols", "themes", "--out", tmp_path / "m.xlsx", project=example)
    run("summary", "--out", tmp_path / "a.html", project=example)
    run("matrix", "--cols", "participants", "--out", tmp_path / "m.html", project=example)
    texts = [str(c.value) for f in ("a.xlsx", "m.xlsx") for ws in openpyxl.load_workbook(tmp_path / f)
             for row in ws.iter_rows() for c in row if c.value is not None]
    d = docx.Document(tmp_path / "a.docx")
    texts += [p.text for p in d.paragraphs] + [c.text for t in d.tables for row in t.rows for c in row.cells]
    texts += [(tmp_path / f).read_text() for f in ("a.html", "m.html")]
    text = "\n".join(texts)
    for secret in ("P01", "P05", "mps-01", "Taylor", "Alex", "Priya"):
        assert secret not in text, secret
    assert "Participant 1" in text


def test_empty_projects_and_groups_give_sensible_reports_in_every_format(mini, tmp_path):
    """mini: YOS has a transcript but nothing coded, themes with no codings; then no transcripts at all."""
    import docx
    import openpyxl

    assert run("tag", "cps-01", "2.1", "--code", "court-procedure", "--coder", "ann", project=mini).exit_code == 0
    for emptiness in ("nothing coded for YOS", "no transcripts at all"):
        if emptiness == "no transcripts at all":
            for path in (mini / "transcripts").glob("*.md"):
                path.unlink()
        for suffix in ("md", "csv", "json", "xlsx", "docx", "html"):
            out = tmp_path / emptiness.replace(" ", "-") / f"summary.{suffix}"
            r = run("summary", "--out", out, project=mini)
            assert r.exit_code == 0 and out.stat().st_size > 0, (emptiness, suffix, r.output)
        for suffix in ("md", "csv", "json", "xlsx", "docx"):
            assert run("matrix", "--out", tmp_path / emptiness.replace(" ", "-") / f"m.{suffix}", project=mini).exit_code == 0
        for kind in ("heatmap", "prevalence", "saturation"):
            assert run("plot", kind, "--out", tmp_path / f"{kind}.png", project=mini).exit_code == 0, (emptiness, kind)
        assert run("saturation", project=mini).exit_code == 0
        assert run("quotes", "safeguarding", project=mini).exit_code == 0
    first = tmp_path / "nothing-coded-for-YOS"
    assert "No themes coded yet in 1 transcript." in (first / "summary.md").read_text()
    assert "No themes coded yet" in (first / "summary.html").read_text()
    assert "No themes coded yet." in [p.text for p in docx.Document(first / "summary.docx").paragraphs]
    assert "Quotes YOS" in openpyxl.load_workbook(first / "summary.xlsx").sheetnames
    last = tmp_path / "no-transcripts-at-all"
    assert (last / "summary.md").read_text().count("No transcripts from this group yet.") == 2
