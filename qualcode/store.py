"""Codings on disk: `codings/<coder>/<transcript-id>.jsonl`, one coding per line, sorted.

Writes are atomic. Re-anchoring finds a coding whose text moved (its stored quote is found
again) and reports one it cannot find as orphaned; orphans are kept in the file, never dropped.
A file as loaded for a command is qualcode/coding_file.py.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from .errors import QualcodeError, did_you_mean
from .model import ACCEPTED, SUGGESTED, Coding
from .storage import atomic_write_text

FIELDS = ("code", "start", "end", "text", "source", "status", "confidence", "codebook_version", "at",
          "memo", "pinned")
SOURCES = ("manual", "rules", "model", "import", "split")  # split: a coding of a split theme, to re-decide
STATUSES = ("accepted", "suggested", "rejected")
CODER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def check_coder(name: str) -> str:
    if not CODER.match(name or ""):
        raise QualcodeError(f"coder name '{name}' may use only letters, digits, '-', '_' and '.'",
                            hint="It names a folder under codings/, e.g. --coder alice")
    return name


def coding_path(codings_dir: Path, coder: str, transcript_id: str) -> Path:
    return codings_dir / coder / f"{transcript_id}.jsonl"


def to_json(c: Coding) -> str:
    obj = {"code": c.code, "start": c.start, "end": c.end, "text": c.text, "source": c.source,
           "status": c.status}
    if c.confidence is not None:
        obj["confidence"] = c.confidence
    if c.codebook_version is not None:
        obj["codebook_version"] = c.codebook_version
    if c.at:
        obj["at"] = c.at
    if c.memo:
        obj["memo"] = c.memo
    if c.pinned:
        obj["pinned"] = True
    obj.update({k: c.extra[k] for k in sorted(c.extra)})
    return json.dumps(obj, ensure_ascii=False)


def _from_obj(obj: dict, where: str) -> Coding:
    fix = "Each line is one JSON object with code, start, end and text."
    if not isinstance(obj, dict):
        raise QualcodeError("a line must be a JSON object", where, fix)
    for key in ("code", "start", "end", "text"):
        if key not in obj:
            raise QualcodeError(f"missing '{key}'", where, fix)
    start, end = obj["start"], obj["end"]
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or not 0 <= start < end:
        raise QualcodeError(f"start and end must be whole numbers with 0 <= start < end (got {start!r}, {end!r})",
                            where, fix)
    if not isinstance(obj["code"], str) or not isinstance(obj["text"], str):
        raise QualcodeError("'code' and 'text' must be strings", where, fix)
    confidence = obj.get("confidence")
    if confidence is not None and (isinstance(confidence, bool) or not isinstance(confidence, (int, float))
                                   or not 0 <= confidence <= 1):
        raise QualcodeError(f"confidence must be a number from 0 to 1 (got {confidence!r})", where,
                            "Fix or remove 'confidence' on this line.")
    source, status = obj.get("source", "manual"), obj.get("status", ACCEPTED)
    if source not in SOURCES:
        raise QualcodeError(f"unknown source '{source}'" + did_you_mean(str(source), SOURCES), where,
                            "source is one of: " + ", ".join(SOURCES))
    if status not in STATUSES:
        raise QualcodeError(f"unknown status '{status}'" + did_you_mean(str(status), STATUSES), where,
                            "status is one of: " + ", ".join(STATUSES))
    coding = _NEW(Coding)  # the frozen dataclass's __init__ sets each field through object.__setattr__:
    coding.__dict__.update(  # a third of reading 30,000 codings; these are the same fields, set at once
        code=obj["code"], start=start, end=end, text=obj["text"], source=source, status=status,
        confidence=obj.get("confidence"), codebook_version=obj.get("codebook_version"), at=obj.get("at"),
        memo=obj.get("memo"), pinned=bool(obj.get("pinned", False)),
        extra={} if obj.keys() <= _FIELD_SET else {k: v for k, v in obj.items() if k not in _FIELD_SET},
    )
    return coding


_NEW = object.__new__
_FIELD_SET = frozenset(FIELDS)
_SCAN = json.JSONDecoder().scan_once  # json.loads without its Python wrappers: the C scanner, per line
_JSON_SPACE = " \t\r\n"


def _parse(line: str):
    """json.loads(line), faster; any line it would refuse goes to json.loads for its message."""
    text = line.strip(_JSON_SPACE)
    try:
        obj, end = _SCAN(text, 0)
    except (StopIteration, ValueError):
        return json.loads(line)
    return obj if end == len(text) else json.loads(line)


def read_codings(path: Path, rel: str | None = None, known_codes: set[str] | None = None) -> list[Coding]:
    """Read a codings file; with `known_codes`, a coding of an unknown theme is an error at its line."""
    return [c for _, c in numbered_codings(path, rel or str(path), known_codes)]


def file_lines(path: Path, rel: str, data: bytes | None = None):
    """(line number, line) of each line that is not blank, of the file or of its bytes as read."""
    try:
        text = (path.read_bytes() if data is None else data).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise QualcodeError("cannot read the codings file as UTF-8", rel, "Restore it from git: git checkout -- " + rel)
    return [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]


def numbered_codings(path: Path, rel: str, known_codes: set[str] | None = None,
                     data: bytes | None = None) -> list[tuple[int, Coding]]:
    """(line number in the file, coding) of each coding line: blank lines are skipped, not counted
    out. `data`: the file's bytes, already read."""
    return [(number, coding_of_line(line, f"{rel}:{number}", known_codes)) for number, line in file_lines(path, rel, data)]


def coding_of_line(line: str, where: str, known_codes: set[str] | None) -> Coding:
    try:
        obj = _parse(line)
    except json.JSONDecodeError as exc:
        raise QualcodeError(f"not valid JSON: {exc.msg} (column {exc.colno})", where,
                            "Fix the line or restore the file from git (a merge conflict marker?).")
    coding = _from_obj(obj, where)
    check_known(coding.code, where, known_codes)
    return coding


def check_known(code: str, where: str, known_codes: set[str] | None) -> None:
    if known_codes is not None and code not in known_codes:
        raise QualcodeError(f"unknown theme '{code}'" + did_you_mean(code, known_codes),
                            where, "Add the theme to the codebook, or correct the code on this line.")


def sort_key(c: Coding):
    return (c.start, c.end, c.code, c.status, c.source)


def write_codings(path: Path, codings: Iterable[Coding], durable: bool = True, lines: Lines | None = None) -> None:
    """Write sorted, atomically. An empty list removes the file, so untagging everything leaves no stub.
    Bulk writers pass durable=False and call os.sync() once at the end instead of an fsync per file."""
    items = sorted(codings, key=sort_key)
    if not items:
        if path.exists():
            path.unlink()
        return
    line = (lines if lines is not None else Lines()).of
    atomic_write_text(path, "".join(line(c) + "\n" for c in items), durable=durable)


class Lines(dict):
    """Each coding's JSON line, made once however often it is asked for: merge compares codings
    by their lines and write_codings writes them (a large `suggest` made each of its 200,000
    lines five times). Keyed by the object, which a coding's immutability makes safe; the
    object is held so its id is not reused meanwhile."""

    def of(self, c: Coding) -> str:
        got = self.get(id(c))
        if got is None:
            got = self[id(c)] = (c, to_json(c))
        return got[1]


# --- re-anchoring -----------------------------------------------------------------------------

OK, MOVED, FUZZY, ORPHANED = "ok", "moved", "fuzzy", "orphaned"
FUZZY_THRESHOLD = 85  # rapidfuzz similarity (0-100) a changed quote must keep to be found again


def loose(text: str) -> re.Pattern:
    """The quote with any run of white space matching any other (re-wrapped lines)."""
    return re.compile(r"\s+".join(re.escape(w) for w in text.split()))


def _fuzzy(c: Coding, body: str) -> tuple[int, int, float] | None:
    """The span of the body most like the quote (typos fixed, a word redacted): near where it
    was first, then anywhere; its ends then nudged to the best whole match. None below threshold."""
    from rapidfuzz import fuzz

    text = c.text
    n = len(text)
    if n < 12:
        return None  # too short to recognise after an edit
    for lo, hi in ((max(0, c.start - 2 * n - 200), min(len(body), c.end + 2 * n + 200)), (0, len(body))):
        # Locate leniently (a window as long as the old quote holds extra text after a deletion),
        # then require the threshold of the refined span.
        found = fuzz.partial_ratio_alignment(text, body[lo:hi], score_cutoff=FUZZY_THRESHOLD - 20)
        if found is None:
            continue
        s, e = lo + found.dest_start, lo + found.dest_end
        reach = max(3, n // 8)
        best = (fuzz.ratio(text, body[s:e]), s, e)
        for end in range(max(s + 1, e - reach), min(len(body), e + reach) + 1):  # the end first, then the start
            best = max(best, (fuzz.ratio(text, body[s:end]), s, end))
        _, s, e = best
        for start in range(max(0, s - reach), min(e - 1, s + reach) + 1):
            best = max(best, (fuzz.ratio(text, body[start:e]), start, e))
        score, s, e = best
        while s < e and body[s].isspace():
            s += 1
        while e > s and body[e - 1].isspace():
            e -= 1
        if score >= FUZZY_THRESHOLD and e > s:
            return s, e, score
    return None


def anchor(c: Coding, body: str) -> tuple[Coding, str]:
    """Find a coding's quote in the body: in place, else the nearest exact copy, else the nearest
    copy up to white space, else (FUZZY) the most similar span, its new text stored and the old
    kept as `previous_text`; else it is orphaned (returned unchanged)."""
    if body[c.start:c.end] == c.text:
        return c, OK
    hits = []
    i = body.find(c.text)
    while i != -1 and c.text:
        hits.append((i, i + len(c.text)))
        i = body.find(c.text, i + 1)
    if not hits and c.text.split():
        hits = [(m.start(), m.end()) for m in loose(c.text).finditer(body)]
    if not hits:
        found = _fuzzy(c, body)
        if found is None:
            return c, ORPHANED
        s, e, score = found
        extra = {**c.extra, "previous_text": c.extra.get("previous_text", c.text)}
        return replace(c, start=s, end=e, text=body[s:e], extra=extra), FUZZY
    s, e = min(hits, key=lambda h: (abs(h[0] - c.start), h[0]))
    return c.moved(s, e), MOVED


def merge(base: list[Coding], mine: list[Coding], disk: list[Coding], lines: Lines | None = None) -> list[Coding]:
    """This process's changes (from `base`, what it read, to `mine`) applied to what is on disk now,
    so a coding another process saved meanwhile is kept. Where both put a coding on the same span
    and theme, this one wins, except that a suggestion never displaces another's decision."""
    from collections import Counter

    to_line = (lines if lines is not None else Lines()).of
    before, after = Counter(map(to_line, base)), Counter(map(to_line, mine))
    removed, wanted = before - after, after - before
    ours = {to_line(c): c for c in mine}  # unchanged codings keep their objects: callers hold them
    kept = []
    for c in disk:
        j = to_line(c)
        if removed[j] > 0:
            removed[j] -= 1
        else:
            kept.append(ours.get(j, c))
    theirs = {c.key: c for c in kept}
    added, replaced = [], set()
    for c in mine:
        j = to_line(c)
        if wanted[j] <= 0:
            continue
        wanted[j] -= 1
        other = theirs.get(c.key)
        if other is not None and c.status == SUGGESTED and other.status != SUGGESTED:
            continue
        replaced.add(c.key)
        added.append(c)
    return [c for c in kept if c.key not in replaced] + added


def coders(codings_dir: Path) -> list[str]:
    if not codings_dir.is_dir():
        return []
    return sorted(p.name for p in codings_dir.iterdir() if p.is_dir() and not p.name.startswith("."))


def coding_files(codings_dir: Path) -> list[tuple[str, str, Path]]:
    """(coder, transcript id, path) for every codings file."""
    out = []
    for coder in coders(codings_dir):
        for path in sorted((codings_dir / coder).glob("*.jsonl")):
            out.append((coder, path.stem, path))
    return out
