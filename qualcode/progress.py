"""Where a coder stopped: which units of a transcript they decided, "no code" included.

`codings/<coder>/<transcript-id>.decided`, plain text beside the codings, one line per decided
unit, sorted by position, so it diffs and merges in git like the codings (one coder, one file):

    # units amara decided in cps-01: start end decision at text-hash
    84 263 coded 2026-12-02T05:01:02Z 3f2a9c1e
    264 344 none 2026-12-02T05:01:09Z 9b1c0d44

A unit is matched by its offsets, else (the transcript was edited) by the hash of its text.
Units never decided are undecided: a project without these files is all undecided. Coding a
unit decides it ("coded"); skipping past it does not. Assisted tagging reads "none" as a
negative and an undecided unit as unlabelled."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .errors import QualcodeError
from .model import Segment
from .store import now

CODED, NONE = "coded", "none"
DECISIONS = (CODED, NONE)
SUFFIX = ".decided"


@dataclass(frozen=True)
class Decision:
    start: int
    end: int
    decision: str  # coded | none
    at: str
    text_hash: str

    def line(self) -> str:
        return f"{self.start} {self.end} {self.decision} {self.at} {self.text_hash}"


def text_hash(text: str) -> str:
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:8]


def path_for(codings_dir: Path, coder: str, transcript_id: str) -> Path:
    return codings_dir / coder / f"{transcript_id}{SUFFIX}"


def read(path: Path, rel: str | None = None) -> list[Decision]:
    rel = rel or str(path)
    if not path.exists():
        return []
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise QualcodeError("cannot read the progress file as UTF-8", rel, "Restore it from git: git checkout -- " + rel)
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split()
        ok = (len(parts) == 5 and parts[0].isascii() and parts[0].isdigit() and parts[1].isascii()
              and parts[1].isdigit() and parts[2] in DECISIONS and len(parts[0]) < 12 and len(parts[1]) < 12)
        if not ok or int(parts[0]) >= int(parts[1]):
            raise QualcodeError("a line must read 'START END coded|none TIME HASH'", f"{rel}:{number}",
                                "Fix the line (a merge conflict marker?), or delete it: that unit becomes undecided.")
        out.append(Decision(int(parts[0]), int(parts[1]), parts[2], parts[3], parts[4]))
    return out


def write(path: Path, coder: str, transcript_id: str, decisions: list[Decision]) -> None:
    from .storage import atomic_write_text

    items = sorted({(d.start, d.end): d for d in decisions}.values(), key=lambda d: (d.start, d.end))
    if not items:
        path.unlink(missing_ok=True)
        return
    head = f"# units {coder} decided in {transcript_id}: start end decision at text-hash\n"
    atomic_write_text(path, head + "".join(d.line() + "\n" for d in items))


def decided(decisions: list[Decision], segments: list[Segment]) -> dict[str, Decision]:
    """Segment id -> its decision, for the segments of one transcript."""
    by_span = {(d.start, d.end): d for d in decisions}
    by_hash: dict[str, list[Decision]] = {}
    for d in decisions:
        by_hash.setdefault(d.text_hash, []).append(d)
    out = {}
    for s in segments:
        d = by_span.get((s.start, s.end))
        if d is None:
            moved = by_hash.get(text_hash(s.text))
            d = min(moved, key=lambda x: abs(x.start - s.start)) if moved else None
        if d is not None:
            out[s.id] = d
    return out


def record(project_root: Path, codings_dir: Path, coder: str, transcript_id: str, units: list[Segment],
           decision: str | None) -> None:
    """Mark these units decided (`coded` or `none`), or undecided again (None), under the project
    lock: the file is read again first, so two processes never undo each other's progress."""
    from .locking import command_name, project_lock

    path = path_for(codings_dir, coder, transcript_id)
    with project_lock(project_root, command_name()):
        current = {(d.start, d.end): d for d in read(path)}
        stamp = now()
        for u in units:
            if decision is None:
                current.pop((u.start, u.end), None)
            else:
                current[(u.start, u.end)] = Decision(u.start, u.end, decision, stamp, text_hash(u.text))
        write(path, coder, transcript_id, list(current.values()))


def resume_at(segments: list[Segment], states: dict[str, Decision]) -> int:
    """Where a session picks up: the first undecided unit after the most recent decision, else
    the first undecided unit, else the start."""
    undecided = [i for i, s in enumerate(segments) if s.id not in states]
    if not undecided:
        return 0
    latest = max(((d.at, i) for i, s in enumerate(segments) if (d := states.get(s.id))), default=None)
    if latest is not None:
        after = [i for i in undecided if i > latest[1]]
        if after:
            return after[0]
    return undecided[0]
