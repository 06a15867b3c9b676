"""Long tables printed a batch of rows at a time.

rich measures and draws every row of a table before it writes a character: 5 s for the 10,000
rows of `disagreements` on a large project, so `qualcode disagreements | head` waited 5 s for
five lines. Here the column widths are worked out once over the whole table (rich's own
computation), then each batch of rows is drawn at those widths and printed, the edges between
batches left out: the same characters as printing the table whole (tests/test_output.py checks
it), the first rows on screen after the measuring, and a reader that stops early ends it.
"""

import copy

BATCH = 200  # rows drawn and written at a time


def print_table(out, table) -> None:
    """Print a rich Table on the console `out`, in batches when it is long (see above)."""
    if table.row_count <= BATCH or not _batchable(out, table):
        out.print(table)
        return
    if hasattr(out, "scrubbed"):  # an anonymous project's console: measure the pseudonyms
        table = out.scrubbed(table)
    try:
        room = out.options.max_width - table._extra_width
        widths = _content_widths(out, table) or table._calculate_column_widths(out, out.options.update_width(room))
        fixed = [w - table._get_padding_width(i) for i, w in enumerate(widths)]
    except (AttributeError, TypeError):  # a rich whose internals moved: print it whole
        out.print(table)
        return
    if sum(widths) > room or min(fixed) < 0:  # a column's min_width overflowed the console: rich
        out.print(table)                       # would squeeze each batch again, differently
        return
    n = table.row_count
    for start in range(0, n, BATCH):
        part = _rows(table, start, start + BATCH, fixed)
        part.title = table.title if start == 0 else None
        part.show_header = table.show_header and start == 0
        part.caption = table.caption if start + BATCH >= n else None
        # Through the console, as any print: a capture around print_table (status remembers
        # what it printed) gets the rows in their place, and rich ends a closed pipe quietly.
        out.print(_Batch(part, top=start == 0, bottom=start + BATCH >= n))


class _Batch:
    """A batch's rows as they show inside the whole table: the box's top edge only on the first
    batch and its bottom edge only on the last (each batch drawn alone has both; without a title
    or header the top edge is its first line). Lines split at "\n" only: a cell may hold other
    line separators, such as Word's U+2028."""

    def __init__(self, table, top: bool, bottom: bool):
        self.table, self.top, self.bottom = table, top, bottom

    def __rich_console__(self, console, options):
        from rich.segment import Segment

        lines = list(Segment.split_lines(console.render(self.table, options)))
        for line in lines[(0 if self.top else 1):(None if self.bottom else -1)]:
            yield from line
            yield Segment.line()


def _content_widths(out, table) -> list[int] | None:
    """Piped, the console is as wide as any content (common.WIDE): then rich gives each column
    the width of its widest line, header included, plus padding, and the words' widths it also
    measures do not count. Worked out here from the cells' text, as rich's measure of a Text does
    (a str cell made a Text as rich makes it, markup and all): a third of drawing 43,000 rows.
    None where a column or the table sets a width of its own, a cell is not text, or the console
    is a terminal's width (then rich's own computation, which wraps)."""
    from rich.cells import cell_len
    from rich.text import Text

    from .common import WIDE

    if out.width < WIDE or table.expand or table.min_width is not None:
        return None
    widths = []
    for i, column in enumerate(table.columns):
        if column.width is not None or column.min_width is not None or column.max_width is not None:
            return None
        most = 0
        for cell in ([column.header, *column._cells] if table.show_header else column._cells):
            if isinstance(cell, str):
                cell = out.render_str(cell, highlight=False)
            if not isinstance(cell, Text):
                return None
            lines = cell.plain.splitlines()
            if lines:
                most = max(most, max(map(cell_len, lines)))
        widths.append(most + table._get_padding_width(i) or 1)
    return widths if sum(widths) <= out.options.max_width - table._extra_width else None


def _batchable(out, table) -> bool:
    """Tables whose batches join into the whole: one box with edges, no lines or sections
    between rows, no footer or alternating row styles, and a console that writes text (not
    the legacy Windows console API)."""
    return (table.box is not None and table.show_edge and not table.show_lines and not table.show_footer
            and not table.row_styles and table.width is None and not table.expand
            and not any(row.end_section for row in table.rows) and not getattr(out, "legacy_windows", False))


def _rows(table, start: int, end: int, fixed: list[int]):
    """A copy of the table holding rows start..end, each column at its fixed width."""
    part = copy.copy(table)
    part.columns = []
    for column, width in zip(table.columns, fixed):
        col = copy.copy(column)
        col._cells = column._cells[start:end]
        col.width = width
        part.columns.append(col)
    part.rows = table.rows[start:end]
    return part
