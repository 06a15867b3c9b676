"""A matrix as terminal tables that fit the width: theme columns are numbered with a legend, and
columns that still do not fit go on to a further table, each repeating the row labels (as a
spreadsheet repeats its first column when printed)."""

from __future__ import annotations

from ..analysis.matrix import Matrix
from .matrix import _cell

ROW_LABEL_MAX = 32
PAD = 3  # a column's padding and border


def matrix_tables(m: Matrix, width: int, unit: str) -> list:
    from rich.table import Table
    from rich.text import Text

    numbered = m.cols == "themes"  # 30-odd long labels: numbers in the header, the labels in a legend
    heads = [str(i) for i in range(1, len(m.col_ids) + 1)] if numbered else [c or label for c, label in zip(m.col_ids, m.col_labels)]
    rows = [f"{i:>2} {r}" for i, r in enumerate(m.row_labels, 1)] if numbered and m.rows == "themes" else m.row_labels
    label_w = min(ROW_LABEL_MAX, max((len(r) for r in rows), default=4))
    widths = [max(len(h), *(len(_cell(row[i])) for row in m.cells)) + PAD if m.cells else len(h) + PAD
              for i, h in enumerate(heads)]
    pages, page, used = [], [], label_w + PAD + 1
    for i, w in enumerate(widths):
        if page and used + w > width:
            pages.append(page)
            page, used = [], label_w + PAD + 1
        page.append(i)
        used += w
    if page or not pages:
        pages.append(page)

    out = []
    for n, cols in enumerate(pages, 1):
        part = f", columns {heads[cols[0]]}-{heads[cols[-1]]} of {len(heads)}" if len(pages) > 1 and cols else ""
        table = Table(title=f"{m.rows} x {m.cols} ({unit}{part})", title_justify="left")
        table.add_column("", max_width=label_w, overflow="fold")
        for i in cols:
            table.add_column(Text(heads[i]), justify="right", no_wrap=True)
        for label, row in zip(rows, m.cells):
            table.add_row(Text(label), *(Text(_cell(row[i]), style="dim" if not row[i] else "") for i in cols))
        out.append(table)
    if numbered:
        legend = Text()
        for i, (cid, label) in enumerate(zip(m.col_ids, m.col_labels), 1):
            legend.append(f"{'' if i == 1 else chr(10)}{i:>3}  ", style="bold")
            legend.append(label)
            legend.append(f"  {cid}", style="dim")
        out.append(legend)
    return out
