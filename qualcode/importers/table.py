"""Open-ended survey answers from a CSV or Excel table: each row becomes a one-turn transcript
with its attributes, and optional one-hot code columns become one coder's codings.

Rows are written as `transcripts/<prefix>/<id>.txt` with front matter (`speakers: []` so no
answer is mistaken for a speaker label; `unit: turn` so each answer is coded whole, whatever
the project's unit for interviews), and codings as `codings/<coder>/<id>.jsonl` with source
`import`. Nothing existing is overwritten unless it is identical or `force` is given.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import QualcodeError, did_you_mean
from ..model import ACCEPTED, Coding
from ..project import Project
from ..storage import atomic_write_text
from ..store import check_coder, coding_path, now, sort_key, to_json
from ..transcripts import slug
from ..transcripts.decode import decode

TRUE = {"1", "1.0", "true", "yes", "y", "x"}
FALSE = {"", "0", "0.0", "false", "no", "n"}


@dataclass
class Table:
    path: Path
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line or row number in the file, values)


@dataclass
class TableImport:
    transcripts: int = 0
    unchanged: int = 0
    skipped_empty: list[int] = field(default_factory=list)  # row numbers with no text
    codings: int = 0
    codes: list[str] = field(default_factory=list)  # theme ids the code columns became
    codebook_created: str | None = None
    folder: str = ""

    def to_dict(self) -> dict:
        return self.__dict__.copy()


def read_table(path: Path, encoding: str | None = None) -> Table:
    where = str(path)
    if not path.is_file():
        raise QualcodeError("file not found", where)
    if path.suffix.lower() == ".csv":
        text = decode(path.read_bytes(), where, encoding)
        reader = csv.reader(io.StringIO(text))
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise QualcodeError("the table is empty", where)
        rows = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header):
                raise QualcodeError(f"row has {len(values)} cells but the header has {len(header)} columns",
                                    f"{where}:{reader.line_num}", "Quote cells that contain commas.")
            rows.append((reader.line_num, dict(zip(header, [v.strip() for v in values]))))
        return Table(path, header, rows)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        import openpyxl  # imported here: only this command reads Excel

        from ..archives import check_office

        check_office(path, where)  # openpyxl inflates whatever it is given
        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises assorted errors on damaged or non-Excel files
            raise QualcodeError(f"cannot open the workbook: {exc}", where, "Save it again from Excel as .xlsx, or as .csv.")
        sheet = book.worksheets[0]
        it = sheet.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(it, [])]
        if not any(header):
            raise QualcodeError("the first sheet is empty", where)
        rows = []
        for number, values in enumerate(it, 2):
            cells = ["" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)).strip()
                     for v in values]
            if any(cells):
                rows.append((number, dict(zip(header, cells))))
        book.close()
        return Table(path, header, rows)
    raise QualcodeError(f"cannot read '{path.suffix}' tables", where, "Use a .csv or .xlsx file.")


def _column(table: Table, name: str, what: str) -> str:
    if name not in table.columns:
        raise QualcodeError(f"no column '{name}' for {what}" + did_you_mean(name, table.columns), str(table.path),
                            "Columns: " + ", ".join(table.columns))
    return name


def code_columns(table: Table, specs: list[str]) -> list[str]:
    """Column names, each given as itself or as a range 'First..Last' in the header's order."""
    out: list[str] = []
    for spec in specs:
        if ".." in spec and spec not in table.columns:
            first, last = (s.strip() for s in spec.split("..", 1))
            i, j = table.columns.index(_column(table, first, "codes")), table.columns.index(_column(table, last, "codes"))
            if j < i:
                raise QualcodeError(f"'{first}' comes after '{last}' in the header", str(table.path))
            out.extend(table.columns[i:j + 1])
        else:
            out.append(_column(table, spec, "codes"))
    return list(dict.fromkeys(out))


def _ids(table: Table, id_col: str | None, prefix: str) -> list[str]:
    out, seen = [], {}
    for number, row in table.rows:
        raw = row.get(id_col, "") if id_col else str(number)
        if not raw:
            raise QualcodeError(f"row has no value in the id column '{id_col}'", f"{table.path}:{number}")
        tid = f"{prefix}-{slug(raw)}"
        if tid in seen:
            raise QualcodeError(f"id '{raw}' is also on row {seen[tid]}", f"{table.path}:{number}",
                                "Each row needs a unique id (or omit --id to number the rows).")
        seen[tid] = number
        out.append(tid)
    return out


def _themes_for(columns: list[str], project: Project) -> tuple[dict[str, str], dict | None]:
    """Map code columns to theme ids: the project's codebook's (by id or label), or a new codebook."""
    from ..codebook import load_codebook

    if project.codebook_path is not None and project.codebook_path.exists():
        cb = load_codebook(project.codebook_path, project.rel(project.codebook_path))
        by_label = {t.label.casefold(): t.id for t in cb.themes}
        mapping, unknown = {}, []
        for col in columns:
            tid = col if cb.theme(col) else by_label.get(col.casefold()) or (slug(col) if cb.theme(slug(col)) else None)
            if tid is None:
                unknown.append(col)
            mapping[col] = tid
        if unknown:
            raise QualcodeError("code columns with no theme in the codebook: " + ", ".join(repr(u) for u in unknown),
                                project.rel(project.codebook_path),
                                "Add them to the codebook (id or label), or leave those columns out.")
        return mapping, None
    mapping = {col: slug(col) for col in columns}
    clashes = [c for c in columns if list(mapping.values()).count(mapping[c]) > 1]
    if clashes:
        raise QualcodeError("these code columns would get the same theme id: " + ", ".join(clashes))
    return mapping, {"themes": [{"id": mapping[c], "label": c} for c in columns]}


def check_writes(project: Project, writes: list[tuple[Path, str]], codebook_name: str | None, force: bool) -> Path | None:
    """Before anything is written: no file with other content replaced, and no codebook over
    one that exists, unless `force`. Returns the path of the codebook to make, if any."""
    clashes = [p for p, content in writes if p.exists() and p.read_text(encoding="utf-8") != content]
    if clashes and not force:
        raise QualcodeError(f"{len(clashes)} file(s) exist with other content, e.g. {project.rel(clashes[0])}",
                            hint="Nothing was written. Use --force to replace them, or another --prefix.")
    if codebook_name is None:
        return None
    path = project.root / "codebooks" / f"{codebook_name}.yaml"
    if path.exists() and not force:
        raise QualcodeError("would create a codebook where one exists", project.rel(path), "Use --force to replace it.")
    return path


def existing_ids(project: Project) -> dict[str, Path]:
    """Transcript id -> its file, for the transcripts already in the project (unreadable ones
    left out: an import need not wait on them), so an import never writes a second transcript
    with an id another file has: the project would no longer load."""
    from ..transcripts import load_transcripts

    fingerprints: dict[str, tuple[Path, str]] = {}
    load_transcripts(project.transcripts_dir, project.root, project.interviewers, project.encoding,
                     project.cache_dir, fingerprints, skipped=[])
    return {tid: path.resolve() for tid, (path, _) in fingerprints.items()}


def held_elsewhere(ids: dict[str, Path], tid: str, path: Path) -> bool:
    """Whether a transcript other than the file at `path` already has the id (see existing_ids)."""
    mine = path.resolve()
    return ids.get(tid, mine) != mine


def _group_id(value: str) -> str:
    return value if re.match(r"^[A-Za-z0-9][A-Za-z0-9_-]*$", value) else slug(value)


def import_table(project: Project, table: Table, text: str, id_col: str | None = None, attrs: list[str] = (),
                 group: str | None = None, codes: list[str] = (), coder: str | None = None,
                 prefix: str | None = None, force: bool = False) -> TableImport:
    """Writes transcripts (and codings) into the project under its lock (locking.py)."""
    from ..locking import command_name, project_lock

    with project_lock(project.root, command_name()):
        return _import_table(project, table, text, id_col, attrs, group, codes, coder, prefix, force)


def _import_table(project: Project, table: Table, text: str, id_col: str | None, attrs: list[str],
                  group: str | None, codes: list[str], coder: str | None, prefix: str | None,
                  force: bool) -> TableImport:
    text_col = _column(table, text, "--text")
    id_col = _column(table, id_col, "--id") if id_col else None
    attr_cols = [_column(table, a, "--attr") for a in attrs]
    group_col = _column(table, group, "--group") if group else None
    code_cols = code_columns(table, list(codes))
    if code_cols and not coder:
        raise QualcodeError("--codes-from needs --coder: whose codings are these?")
    if coder:
        check_coder(coder)
    prefix = slug(prefix or table.path.stem)
    ids = _ids(table, id_col, prefix)
    mapping, new_codebook = _themes_for(code_cols, project) if code_cols else ({}, None)

    # Check every code cell before writing anything.
    for number, row in table.rows:
        for col in code_cols:
            if row.get(col, "").strip().lower() not in TRUE | FALSE:
                raise QualcodeError(f"code column '{col}' holds '{row[col]}', not 1/0 (or yes/no, true/false, blank)",
                                    f"{table.path}:{number}", "One-hot code columns mark each row 1 (coded) or 0/blank.")

    result = TableImport(codes=[mapping[c] for c in code_cols], folder=f"{project.transcripts_dir.name}/{prefix}")
    folder = project.transcripts_dir / prefix
    writes: list[tuple[Path, str]] = []
    groups: set[str] = set()
    stamp = now()
    for (number, row), tid in zip(table.rows, ids):
        answer = row.get(text_col, "").strip().replace("\r\n", "\n")
        if not answer:
            result.skipped_empty.append(number)
            continue
        meta = {"id": tid, "participant": tid}
        if group_col and row.get(group_col):
            meta["group"] = _group_id(row[group_col])
            groups.add(meta["group"])
        meta.update({a: row.get(a, "") for a in attr_cols})
        meta.update({"speakers": [], "unit": "turn", "source": f"{table.path.name}:{number}"})
        body = answer + "\n"
        writes.append((folder / f"{tid}.txt", "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) +
                       "---\n" + body))
        if code_cols and coder:
            coded = sorted((Coding(code=mapping[c], start=0, end=len(answer), text=answer, source="import",
                                   status=ACCEPTED, at=stamp)
                            for c in code_cols if row.get(c, "").strip().lower() in TRUE), key=sort_key)
            if coded:
                writes.append((coding_path(project.codings_dir, coder, tid), "".join(to_json(c) + "\n" for c in coded)))
                result.codings += len(coded)

    elsewhere = existing_ids(project)
    for path, _ in writes:
        tid = path.stem
        if path.parent == folder and held_elsewhere(elsewhere, tid, path):  # not a codings file
            raise QualcodeError(f"transcript id '{tid}' is already used by {project.rel(elsewhere[tid])}", str(table.path),
                                "Nothing was written. Import with another --prefix (ids are PREFIX-ID).")
    path = check_writes(project, writes, prefix if new_codebook is not None else None, force)
    if new_codebook is not None:
        doc = {"name": f"Codes from {table.path.name}", "version": 1,
               "groups": {g: {"label": g} for g in sorted(groups)}, **new_codebook}
        if not groups:
            del doc["groups"]
        atomic_write_text(path, "# Made by `qualcode import table`: edit labels and add descriptions freely.\n" +
                          yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
        result.codebook_created = project.rel(path)
    for path, content in writes:
        if path.exists() and path.read_text(encoding="utf-8") == content:
            result.unchanged += path.suffix == ".txt"
            continue
        atomic_write_text(path, content, durable=False)  # each file whole (temp + rename) ...
    os.sync()  # ... and all of them on disk at once: an fsync per file made big imports crawl
    result.transcripts = sum(p.suffix == ".txt" for p, _ in writes)
    return result
