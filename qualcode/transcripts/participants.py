"""Participant metadata for formats that cannot carry front matter.

`transcripts/participants.csv` (or `.yaml`) maps a file name or transcript id to participant,
group, role and any other attributes. A row that also names a `speaker` describes one speaker
of a focus group.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import QualcodeError, did_you_mean, yaml_location
from .decode import decode

KNOWN_COLUMNS = ("file", "id", "speaker", "participant", "group", "role", "date")
# Headers as a spreadsheet user writes them ("File", "Transcript", "File name") -> ours.
_ALIASES = {"transcript": "file", "filename": "file", "file name": "file", "file_name": "file"}


@dataclass
class Participants:
    by_key: dict[str, dict[str, Any]] = field(default_factory=dict)  # file name, path or id -> attrs
    speakers: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # key -> speaker -> attrs
    rows: dict[str, str] = field(default_factory=dict)  # key -> where it was given (file:line)

    def lookup(self, *keys: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
        meta: dict[str, Any] = {}
        per_speaker: dict[str, dict[str, Any]] = {}
        for key in keys:
            meta = {**self.by_key.get(key, {}), **meta}
            for name, attrs in self.speakers.get(key, {}).items():
                per_speaker.setdefault(name, attrs)
        return meta, per_speaker


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    return {_column(str(k)): (v.strip() if isinstance(v, str) else v) for k, v in row.items()
            if k is not None and v not in (None, "")}


def _add(result: Participants, row: dict[str, Any], where: str) -> None:
    key = row.pop("file", None) or row.get("id")
    if not key:
        raise QualcodeError("row names neither a file nor an id", where,
                            "Each row needs a 'file' (e.g. cps-02.vtt) or an 'id' column value.")
    key = str(key)
    result.rows.setdefault(key, where)
    speaker = row.pop("speaker", None)
    if speaker:
        result.speakers.setdefault(key, {})[str(speaker)] = row
    else:
        if key in result.by_key:
            raise QualcodeError(f"'{key}' is described twice", where, "Keep one row per file (or per speaker).")
        result.by_key[key] = row


def _column(name: str) -> str:
    """A header cell as the column it names: known ones whatever their case ("Group" is group)."""
    name = name.strip()
    low = " ".join(name.lower().split())
    low = _ALIASES.get(low, low)
    return low if low in KNOWN_COLUMNS else name


def load_participants(folder: Path, encoding: str | None = None) -> Participants:
    result = Participants()
    csv_path, yaml_path = folder / "participants.csv", folder / "participants.yaml"
    if csv_path.exists():
        text = decode(csv_path.read_bytes(), str(csv_path), encoding)
        header = text.split("\n", 1)[0]
        # Excel saves ';'-separated CSV where ',' is the decimal mark; a tab-separated export too.
        delimiter = next((d for d in ";\t" if "," not in header and d in header), ",")
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
        reader.fieldnames = [_column(c) for c in reader.fieldnames or []]
        columns = reader.fieldnames
        if "file" not in columns and "id" not in columns:
            raise QualcodeError("participants.csv needs a 'file' or 'id' column" +
                                did_you_mean(columns[0] if columns else "", ["file", "id"]),
                                f"{csv_path}:1", "The first line names the columns, e.g. file,participant,group,role")
        for row in reader:
            if None in row:
                raise QualcodeError("row has more cells than the header has columns",
                                    f"{csv_path}:{reader.line_num}", "Quote cells that contain commas.")
            _add(result, _clean(row), f"{csv_path}:{reader.line_num}")
    if yaml_path.exists():
        text = decode(yaml_path.read_bytes(), str(yaml_path), encoding)
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            where, problem = yaml_location(str(yaml_path), exc)
            raise QualcodeError(f"not valid YAML: {problem}", where)
        if isinstance(data, dict):
            data = [{"file": k, **(v or {})} for k, v in data.items()]
        if not isinstance(data, list):
            raise QualcodeError("participants.yaml must map each file to its attributes", str(yaml_path),
                                "For example:\n  cps-02.vtt: {participant: P7, group: CPS, role: prosecutor}")
        for entry in data:
            if not isinstance(entry, dict):
                raise QualcodeError("each entry must be a mapping of attributes", str(yaml_path))
            speakers = entry.pop("speakers", None) or {}
            cleaned = _clean(entry)
            key = str(cleaned.get("file") or cleaned.get("id"))
            _add(result, cleaned, str(yaml_path))
            for name, attrs in speakers.items():
                result.speakers.setdefault(key, {})[str(name)] = _clean(attrs or {})
    return result


def unmatched(participants: Participants, transcripts, root: Path) -> list[str]:
    """Rows that describe no transcript (a typo in a file name leaves that transcript without a
    group, silently): one warning each, with the closest file names."""
    from . import slug

    names: set[str] = set()
    for t in transcripts:
        path = Path(t.path)
        names |= {t.id, t.path, path.name, path.stem, slug(path.stem)}
    out = []
    for key, where in participants.rows.items():
        if key not in names:
            where = where.replace(str(root) + "/", "")
            out.append(f"{where}: '{key}' is no transcript" + did_you_mean(key, sorted({Path(t.path).name for t in transcripts}))
                       + "; its row is not used")
    return out

