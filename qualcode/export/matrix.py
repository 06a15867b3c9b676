"""A matrix query as csv (one row per matrix row), json (the library's dict) or a markdown table."""

from __future__ import annotations

import csv
import io
import json

from ..analysis.matrix import Matrix


def _cell(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


def to_csv(m: Matrix) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([m.rows[:-1] if m.rows.endswith("s") else m.rows, "label", *m.col_ids])
    for rid, label, row in zip(m.row_ids, m.row_labels, m.cells):
        w.writerow([rid, label, *(_cell(v) for v in row)])
    return out.getvalue()


def to_json(m: Matrix) -> str:
    return json.dumps(m.to_dict(), ensure_ascii=False, indent=2) + "\n"


def to_markdown(m: Matrix) -> str:
    unit = "%" if m.percent else m.count
    what = "0/1" if (m.cols == "participants" or m.rows == "participants") and m.count == "participants" else unit
    head = [f"{m.rows} x {m.cols} ({what})", *(label.replace("|", "/") for label in m.col_labels)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label, row in zip(m.row_labels, m.cells):
        lines.append("| " + " | ".join([label.replace("|", "/"), *(_cell(v) for v in row)]) + " |")
    return "\n".join(lines) + "\n"
