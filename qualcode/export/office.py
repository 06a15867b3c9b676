"""Excel (.xlsx) and Word (.docx) versions of the theme summary and of matrix queries.

`scrub` is applied to every piece of text written, so an anonymous project's pseudonyms hold in
binary formats too."""

from __future__ import annotations

import io
import re
from typing import Callable

from ..analysis.matrix import Matrix
from ..analysis.summary import Summary

Scrub = Callable[[str], str]


def _same(text: str) -> str:
    return text


def _sheet_name(text: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", text).strip()[:28] or "Sheet"
    base, n = name, 2
    while name in used:
        name = f"{base[:25]} {n}"
        n += 1
    used.add(name)
    return name


def _style_sheet(ws, widths: list[int]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="305496")
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "B2"


def _matrix_sheet(wb, m: Matrix, title: str, used: set[str], scrub: Scrub) -> None:
    ws = wb.create_sheet(_sheet_name(title, used))
    ws.append([scrub(f"{m.rows} x {m.cols} ({'%' if m.percent else m.count})"), *(scrub(c) for c in m.col_labels)])
    for label, row in zip(m.row_labels, m.cells):
        ws.append([scrub(label), *row])
    _style_sheet(ws, [36] + [14] * len(m.col_labels))


def summary_xlsx(s: Summary, m: Matrix | None = None, scrub: Scrub = _same) -> bytes:
    """A theme table sheet, one sheet of quotes per group, and the theme x group matrix."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    used = {"Themes"}
    ws.title = "Themes"
    ws.append(["Group", "Theme", "Gloss", "Participants", "Of participants", "Segments"])
    for g in s.groups:
        for t in g.themes:
            ws.append([scrub(g.label), scrub(t.label), scrub(t.gloss), t.participants, t.participants_in_group, t.segments])
    _style_sheet(ws, [26, 32, 60, 13, 15, 11])
    for g in s.groups:
        qs = wb.create_sheet(_sheet_name(f"Quotes {g.id or 'no group'}", used))
        qs.append(["Theme", "Quote", "Attribution"])
        for t in g.themes:
            for q in t.quotes:
                qs.append([scrub(t.label), scrub(q.text), scrub(q.attribution)])
        _style_sheet(qs, [30, 90, 30])
    if m is not None:
        _matrix_sheet(wb, m, "Matrix", used, scrub)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def matrix_xlsx(m: Matrix, scrub: Scrub = _same) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    _matrix_sheet(wb, m, "Matrix", set(), scrub)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _word_table(doc, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = text


def summary_docx(s: Summary, m: Matrix | None = None, scrub: Scrub = _same,
                 figures: list[tuple[str, bytes]] = ()) -> bytes:
    """Headings, a theme table as a real Word table, then per group a bullet per theme with its
    gloss and counts and the quotes in italics with their attribution: ready to paste into a report."""
    import docx

    doc = docx.Document()
    doc.add_heading("Key themes by stakeholder group", level=1)
    doc.add_paragraph(scrub(f"Codebook: {s.codebook} (version {s.codebook_version}); coded by "
                            f"{', '.join(s.coders) or 'nobody yet'}; unit: {s.unit}."))
    if m is not None and m.row_ids:
        doc.add_heading("Themes by stakeholder group", level=2)
        shown = [i for i, row in enumerate(m.cells) if any(row)]
        _word_table(doc, ["Theme", *(scrub(c) for c in m.col_labels)],
                    [[scrub(m.row_labels[i]), *(str(int(v)) if float(v).is_integer() else f"{v:.1f}" for v in m.cells[i])]
                     for i in shown])
    from docx.shared import Inches

    for title, png in figures:
        doc.add_heading(title, level=2)
        doc.add_picture(io.BytesIO(png), width=Inches(6))
    for g in s.groups:
        doc.add_heading(scrub(f"Key themes from interviews with {g.label} participants"), level=2)
        if not g.transcripts or not g.themes:
            doc.add_paragraph("No transcripts from this group yet." if not g.transcripts else "No themes coded yet.")
            continue
        for t in g.themes:
            p = doc.add_paragraph(style="List Bullet")
            p.add_run(scrub(t.label)).bold = True
            p.add_run(scrub(f". {t.gloss} " if t.gloss else ". ") +
                      f"Raised by {t.participants} of {t.participants_in_group} participants "
                      f"({t.segments} coded segment{'s' if t.segments != 1 else ''}).")
            for q in t.quotes:
                quote = doc.add_paragraph(style="List Bullet 2")
                quote.add_run(scrub(f"“{q.text}”")).italic = True
                quote.add_run(scrub(f" ({q.attribution})"))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def matrix_docx(m: Matrix, scrub: Scrub = _same) -> bytes:
    import docx

    doc = docx.Document()
    doc.add_heading(f"{m.rows} x {m.cols} ({'%' if m.percent else m.count})", level=1)
    _word_table(doc, ["", *(scrub(c) for c in m.col_labels)],
                [[scrub(label), *(str(int(v)) if float(v).is_integer() else f"{v:.1f}" for v in row)]
                 for label, row in zip(m.row_labels, m.cells)])
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
