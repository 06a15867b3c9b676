"""Transcripts kept as spreadsheets of talk, one row per utterance or sentence (columns such as
Turn, Speaker, Sentence, TimeStamp), as transcription and annotation tools export them, with
optional columns of code labels ("8 - Press for Accuracy") imported as one coder's codings.

Each file becomes `transcripts/<prefix>/<id>.txt`: a turn per run of rows with the same turn
number and speaker, each row its own paragraph, and `unit: paragraph` in its front matter, so
every row is exactly one coding unit (`3.p2`: turn 3, its second row) whatever the project's
unit. A label that says there is no code ("1 - None", "none", "n/a") is recorded as that
coder's "no code" decision on the row (a negative for assisted coding), a blank cell as nothing.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import yaml

from ..errors import QualcodeError
from ..model import ACCEPTED, Coding
from ..project import Project
from ..storage import atomic_write_text
from ..store import check_coder, coding_path, sort_key, to_json
from ..transcripts import slug
from .table import Table, _column, check_writes, existing_ids, held_elsewhere, read_table

GUESS = {
    "turn": ("turn", "turn number", "turn no"),
    "speaker": ("speaker", "name", "who", "participant"),
    "text": ("sentence", "text", "utterance", "transcript", "content", "transcription"),
    "time": ("timestamp", "time stamp", "time", "start time", "start", "begin"),
}
# A clock time, as typed or as Excel's time and date-time cells read (a date before it is dropped).
CLOCK = re.compile(r"(?:\d{4}-\d{2}-\d{2}[ T])?(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)")
NONE_LABELS = {"none", "no code", "n/a", "na", "-", "no", "nil"}
LABEL = re.compile(r"\s*(\d+)(?:\s*[^\w\s]+\s*|\s+|$)(.*)", re.S)  # "8 - x", "8: x", "8) x", "7\\"


@dataclass
class TalkImport:
    transcripts: int = 0
    rows: int = 0
    codings: int = 0
    no_code: int = 0  # rows whose label says "no code"
    codes: list[str] = field(default_factory=list)
    codebook_created: str | None = None
    folder: str = ""
    # "file row N: 'label'" for each label on a row with no text (no unit to code): left out
    ignored: list[str] = field(default_factory=list)
    timed: int = 0  # turns given their first row's time

    def to_dict(self) -> dict:
        return self.__dict__.copy()


def _guess(table: Table, what: str, given: str | None) -> str | None:
    if given:
        return _column(table, given, f"--{what}")
    for col in table.columns:
        if col.strip().casefold() in GUESS[what]:
            return col
    return None


def parse_label(cell: str) -> tuple[str, str] | None:
    """'8 - press for  accuracy' -> ('8', 'press for accuracy'); 'Revoicing' -> ('revoicing',
    'Revoicing'); blank or a stray mark -> None. The leading number, where there is one, is the code."""
    text = " ".join(str(cell).split())
    if not any(ch.isalnum() for ch in text) and not is_none(text):  # blank, or a stray mark such as "\\"
        return None
    m = LABEL.fullmatch(text)
    if m:
        return m.group(1), m.group(2).strip() or m.group(1)
    return text.casefold(), text


def is_none(label: str) -> bool:
    return label.strip().casefold() in NONE_LABELS


def _themes(project: Project, labels: dict[tuple[str, str], Counter]) -> tuple[dict, dict | None]:
    """(column, code key) -> theme id: the project's codebook's (by id, label, or the label's
    slug), or, with no codebook, a new one from the labels (the most frequent spelling of each)."""
    from ..codebook import load_codebook

    shown = {key: counts.most_common(1)[0][0] for key, counts in labels.items()}
    if project.codebook_path is not None and project.codebook_path.exists():
        cb = load_codebook(project.codebook_path, project.rel(project.codebook_path))
        by_label = {" ".join(t.label.casefold().split()): t.id for t in cb.themes}
        mapping, unknown = {}, []
        for key, label in shown.items():
            tid = (label if cb.theme(label) else by_label.get(label.casefold())
                   or (slug(label) if cb.theme(slug(label)) else None))
            if tid is None:
                unknown.append(f"{key[1]} - {label}" if key[1] != label.casefold() else label)
            mapping[key] = tid
        if unknown:
            raise QualcodeError("code labels with no theme in the codebook: " + ", ".join(repr(u) for u in sorted(unknown)),
                                project.rel(project.codebook_path),
                                "Add them to the codebook (as a theme id or label), or leave the code column out.")
        return mapping, None
    mapping: dict = {}
    used: set[str] = set()
    for (col, code), label in sorted(shown.items(), key=lambda kv: (kv[0][0], _order(kv[0][1]))):
        tid = slug(label) or f"code-{code}"
        if tid in used:
            tid = f"{slug(col)}-{tid}"
        used.add(tid)
        mapping[(col, code)] = tid
    themes = [{"id": mapping[k], "label": shown[k][:1].upper() + shown[k][1:]} for k in mapping]
    return mapping, {"themes": themes}


def _order(code: str):
    return (0, int(code)) if code.isdigit() else (1, code)


def import_talk(project: Project, paths: list[Path], coder: str | None = None, codes: list[str] = (),
                turn: str | None = None, speaker: str | None = None, text: str | None = None,
                prefix: str | None = None, group: str | None = None, force: bool = False,
                encoding: str | None = None, time: str | None = None) -> TalkImport:
    """Reads every file first (nothing is written if one cannot be read), then writes under the
    project lock."""
    from ..locking import command_name, project_lock

    if codes and not coder:
        raise QualcodeError("--codes needs --coder: whose codings are these?")
    if coder:
        check_coder(coder)
    tables = [read_table(p, encoding) for p in paths]
    columns = []
    for t in tables:
        text_col = _guess(t, "text", text)
        if text_col is None:
            raise QualcodeError("no column of text found (Sentence, Text, Utterance...)", str(t.path),
                                "Name it with --text COLUMN. Columns: " + (", ".join(c or "(blank)" for c in t.columns)))
        columns.append((_guess(t, "turn", turn), _guess(t, "speaker", speaker), text_col,
                        [_column(t, c, "--codes") for c in codes], _guess(t, "time", time)))
    labels: dict[tuple[str, str], Counter] = {}
    ignored = []
    for t, (_, _, text_col, code_cols, _) in zip(tables, columns):
        for line, row in t.rows:
            spoken = row.get(text_col, "").strip()
            for col in code_cols:
                parsed = parse_label(row.get(col, ""))
                if parsed and spoken:
                    labels.setdefault((col, parsed[0]), Counter())[parsed[1]] += 1
                elif parsed:  # a stray cell (a total, a note) on a row that is no coding unit
                    ignored.append(f"{t.path.name} row {line}: {' '.join(str(row[col]).split())!r} in {col!r}")
    # A number is "no code" when its usual label says so: a bare "1" beside "1 - None" is None too.
    nones = {key for key, counts in labels.items() if is_none(counts.most_common(1)[0][0])}
    labels = {key: counts for key, counts in labels.items() if key not in nones}
    mapping, new_codebook = _themes(project, labels) if labels else ({}, None)
    with project_lock(project.root, command_name()):
        result = _write(project, tables, columns, mapping, nones, new_codebook, coder, prefix, group, force)
    result.ignored = ignored
    return result


def _clock(cell: str) -> str | None:
    """The clock time in a cell, or None: a bare number is no time (seconds? minutes? a row
    count? TalkMoves has all three), nor is text."""
    m = CLOCK.fullmatch(cell.strip())
    return m.group(1) if m else None


def _default_prefix(paths: list[Path]) -> str:
    """One file: its name; several: their folder, or the nearest folder holding them all
    ('Subset 1' and 'Subset 2' under 'data': 'data')."""
    if len(paths) == 1:
        return paths[0].stem
    folders = {p.resolve().parent for p in paths}
    return Path(os.path.commonpath(sorted(map(str, folders)))).name


def _write(project, tables, columns, mapping, nones, new_codebook, coder, prefix, group, force) -> TalkImport:
    from .. import progress

    prefix = slug(prefix or _default_prefix([t.path for t in tables])) or "talk"
    folder = project.transcripts_dir / prefix
    result = TalkImport(codes=sorted(set(mapping.values())), folder=project.rel(folder))
    writes: list[tuple[Path, str]] = []
    decided: list[tuple[str, list[tuple[int, int, str]], str]] = []
    taken: set[str] = set()
    elsewhere = existing_ids(project)  # an id another file holds gets "-2", as within one import
    for t, (turn_col, speaker_col, text_col, code_cols, time_col) in zip(tables, columns):
        # the time the file was saved, so importing the same file again writes the same bytes
        stamp = datetime.fromtimestamp(t.path.stat().st_mtime, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        tid = base = slug(t.path.stem) or "transcript"
        n = 2
        while tid in taken or held_elsewhere(elsewhere, tid, folder / f"{tid}.txt"):
            tid, n = f"{base}-{n}", n + 1
        taken.add(tid)
        turns: list[tuple[str, list[tuple[str, dict]]]] = []  # (speaker, [(row text, row)])
        last = None
        for _, row in t.rows:
            said = " ".join(row.get(text_col, "").split())
            if not said:
                continue
            who = " ".join(row.get(speaker_col, "").split()) if speaker_col else ""
            who = who or "Unknown"
            key = (row.get(turn_col, "") if turn_col else None, who)
            if key != last:
                turns.append((who, []))
                last = key
            turns[-1][1].append((said, row))
        if not turns:
            continue
        speakers = sorted({who for who, _ in turns})
        meta = {"id": tid, "unit": "paragraph", "speakers": speakers, "source": t.path.name}
        if group:
            meta["group"] = group
        head = "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n"
        body, spans = "", []  # spans: (start, end, row) in the body
        for i, (who, said_rows) in enumerate(turns):
            if i:
                body += "\n"
            clock = next(filter(None, (_clock(row.get(time_col, "")) for _, row in said_rows)), None) if time_col else None
            result.timed += clock is not None
            label = (f"[{clock}] " if clock else "") + f"{who}: "
            for j, (said, row) in enumerate(said_rows):
                body += label if j == 0 else "\n"
                spans.append((len(body), len(body) + len(said), row))
                body += said + "\n"
        writes.append((folder / f"{tid}.txt", head + body))
        result.transcripts += 1
        result.rows += len(spans)
        coded, none = [], []
        for s, e, row in spans:
            found = False
            for col in code_cols:
                parsed = parse_label(row.get(col, ""))
                if parsed is None:
                    continue
                if (col, parsed[0]) in nones:
                    none.append((s, e, body[s:e]))
                    continue
                found = True
                coded.append(Coding(code=mapping[(col, parsed[0])], start=s, end=e, text=body[s:e], source="import",
                                    status=ACCEPTED, at=stamp))
            if found:
                none = [x for x in none if x[:2] != (s, e)]
        if coder and coded:
            coded = sorted({c.key: c for c in coded}.values(), key=sort_key)
            writes.append((coding_path(project.codings_dir, coder, tid), "".join(to_json(c) + "\n" for c in coded)))
            result.codings += len(coded)
        if coder and none:
            decided.append((tid, none, stamp))
            result.no_code += len(none)

    path = check_writes(project, writes, prefix if new_codebook is not None else None, force)
    if new_codebook is not None:
        doc = {"name": f"Codes from {prefix}", "version": 1, **new_codebook}
        atomic_write_text(path, "# Made by `qualcode import talk` from the code labels: add descriptions freely.\n" +
                          yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
        result.codebook_created = project.rel(path)
    for path, content in writes:
        if not (path.exists() and path.read_text(encoding="utf-8") == content):
            atomic_write_text(path, content, durable=False)
    for tid, rows, stamp in decided:  # "no code" rows: the coder's decisions, as the workbench records them
        path = progress.path_for(project.codings_dir, coder, tid)
        known = {(d.start, d.end): d for d in progress.read(path)}
        for s, e, said in rows:
            known[(s, e)] = progress.Decision(s, e, progress.NONE, stamp, progress.text_hash(said))
        progress.write(path, coder, tid, list(known.values()))
    os.sync()
    return result
