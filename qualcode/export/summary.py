"""Theme summary as markdown (a report's findings section), csv and json."""

from __future__ import annotations

import csv
import io
import json

from ..analysis.summary import Summary


def group_title(label: str) -> str:
    """A group's heading; the label stands alone ("interviews with ward nurses participants" does not read)."""
    return f"Key themes: {label}"


def counted(n: int, noun: str) -> str:
    """'1 theme', '3 themes': report prose is pasted into papers, where '1 themes' or 'theme(s)' jars."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def to_markdown(s: Summary) -> str:
    lines = ["# Key themes by stakeholder group", "",
             f"*Codebook: {s.codebook} (version {s.codebook_version}); coded by {s.coded_by}; "
             f"unit: {s.unit}.*", ""]
    for g in s.groups:
        lines += [f"## {group_title(g.label)}", ""]
        if not g.transcripts:
            lines += ["No transcripts from this group yet.", ""]
            continue
        if not g.themes:
            lines += [f"No themes coded yet in {counted(g.transcripts, 'transcript')}.", ""]
            continue
        lines += [f"{counted(sum(not r.rolled_up for r in g.themes), 'theme')}, from "
                  f"{counted(g.participants, 'participant')} in {counted(g.transcripts, 'transcript')}.", ""]
        for row in g.themes:
            gloss = f" {row.gloss}" if row.gloss else ""
            lines.append(f"- **{row.label}**.{gloss} Raised by {row.participants} of {row.participants_in_group} "
                         f"participants ({counted(row.segments, 'coded segment')}).")
            for q in row.quotes:
                text = q.text.replace("*", "\\*")
                lines.append(f"  - *“{text}”* ({q.attribution})")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


CSV_COLUMNS = ["group", "group_label", "theme", "theme_label", "gloss", "participants", "participants_in_group",
               "segments", "quote_rank", "quote", "attribution", "transcript", "start", "end", "pinned"]


def to_csv(s: Summary) -> str:
    """One row per group x theme x quote (quote_rank 1..N); a theme with no quote has one row, rank 0."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for g in s.groups:
        for row in g.themes:
            base = [g.id or "", g.label, row.id, row.label, row.gloss, row.participants,
                    row.participants_in_group, row.segments]
            if not row.quotes:
                w.writerow(base + [0, "", "", "", "", "", ""])
            for rank, q in enumerate(row.quotes, 1):
                w.writerow(base + [rank, q.text, q.attribution, q.transcript_id, q.start, q.end,
                                   str(q.pinned).lower()])
    return out.getvalue()


def to_json(s: Summary) -> str:
    return json.dumps(s.to_dict(), ensure_ascii=False, indent=2) + "\n"
