"""Excel (.xlsx) and Word (.docx) versions of the theme summary and of matrix queries.

`scrub` is applied to every piece of text written, so an anonymous project's pseudonyms hold in
binary formats too."""

from __future__ import annotations

import io
import re
from typing import Callable

from ..analysis.matrix import Matrix
from ..analysis.summary import Summary
from .summary import group_title

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
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for row in ws.iter_rows(min_row=1):
        lines = 1
        for cell, width in zip(row, widths + [14] * len(row)):
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if cell.row > 1:
                cell.font = Font(bold=False)
            # Row heights are not computed by openpyxl and not every viewer fits them: estimate.
            text = "" if cell.value is None else str(cell.value)
            lines = max(lines, -(-len(text) * 11 // (10 * max(width - 1, 1))) or 1)
        ws.row_dimensions[row[0].row].height = 15 * lines
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
    ws.freeze_panes = "B2"
    # Printed: landscape, every column on one page's width, the header row on every page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


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


def table_xlsx(title: str, rows: list[list], scrub: Scrub = _same) -> bytes:
    """One sheet: a header row and data rows (numbers written as numbers, so they sum and sort)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_name(title, set())
    for i, row in enumerate(rows):
        ws.append([int(v) if i and isinstance(v, str) and v.isdigit() else scrub(str(v)) for v in row])
    _style_sheet(ws, [max(8, min(60, max(len(str(r[c])) for r in rows) + 2)) for c in range(len(rows[0]))])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _word_table(doc, header: list[str], rows: list[list[str]], first_width: float = 2.4, total_width: float = 9.0) -> None:
    """A real Word table: a wide first column (theme names are not broken mid-word), the rest
    shared, 9 pt text; numbers right-aligned."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Inches, Pt

    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    rest = (total_width - first_width) / max(1, len(header) - 1)
    widths = [Inches(first_width)] + [Inches(rest)] * (len(header) - 1)

    def fill(cells, texts, bold=False):
        for i, (cell, text) in enumerate(zip(cells, texts)):
            cell.width = widths[i]
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(text)
            run.bold, run.font.size = bold, Pt(9)
            if i and not bold:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    fill(table.rows[0].cells, header, bold=True)
    for row in rows:
        fill(table.add_row().cells, row)


def _landscape_section(doc, landscape: bool) -> None:
    """Start a new section in landscape (for a wide table) or back in portrait."""
    from docx.enum.section import WD_ORIENT, WD_SECTION

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    width, height = section.page_width, section.page_height
    if (width < height) == landscape:
        section.page_width, section.page_height = height, width
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT


def summary_docx(s: Summary, m: Matrix | None = None, scrub: Scrub = _same,
                 figures: list[tuple[str, bytes]] = ()) -> bytes:
    """Headings, a theme table as a real Word table, then per group a bullet per theme with its
    gloss and counts and the quotes in italics with their attribution: ready to paste into a report."""
    import docx

    doc = docx.Document()
    doc.add_heading("Key themes by stakeholder group", level=1)
    doc.add_paragraph(scrub(f"Codebook: {s.codebook} (version {s.codebook_version}); coded by "
                            f"{s.coded_by}; unit: {s.unit}."))
    if m is not None and m.row_ids:
        _landscape_section(doc, True)
        doc.add_heading(f"Themes by stakeholder group ({m.count})", level=2)
        shown = [i for i, row in enumerate(m.cells) if any(row)]
        _word_table(doc, ["Theme", *(scrub(c) for c in m.col_labels)],
                    [[scrub(m.row_labels[i]), *(str(int(v)) if float(v).is_integer() else f"{v:.1f}" for v in m.cells[i])]
                     for i in shown])
        _landscape_section(doc, False)
    from docx.shared import Inches

    for title, png in figures:
        doc.add_heading(title, level=2)
        doc.add_picture(io.BytesIO(png), width=Inches(6))
    for g in s.groups:
        doc.add_heading(scrub(group_title(g.label)), level=2)
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
    section = doc.sections[0]  # a matrix is wide: the whole document in landscape
    from docx.enum.section import WD_ORIENT

    section.orientation, section.page_width, section.page_height = WD_ORIENT.LANDSCAPE, section.page_height, section.page_width
    doc.add_heading(f"{m.rows} x {m.cols} ({'%' if m.percent else m.count})", level=1)
    _word_table(doc, ["", *(scrub(c) for c in m.col_labels)],
                [[scrub(label), *(str(int(v)) if float(v).is_integer() else f"{v:.1f}" for v in row)]
                 for label, row in zip(m.row_labels, m.cells)])
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
