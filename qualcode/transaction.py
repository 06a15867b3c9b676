"""Several files changed all together or not at all (a codebook change and every coder's codings).

A rollback journal of its own in `.qualcode/transaction/<id>/`: the new contents are staged as temp files beside
their targets and the originals copied aside, all flushed to disk, before any target is replaced.
If the process dies while replacing, the next qualcode command finds the journal and puts every
original back (`recover`), so a half-done migration is never what a coder sees or commits.
Commits and recoveries run under the project lock (locking.py): a journal belongs to a live
process exactly while that process holds the lock, so recovery never undoes a running change.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

from . import busy
from .storage import atomic_write_bytes

BIG = 300  # files from which a change takes seconds (each is written and synced twice): a progress bar

JOURNAL = "journal.json"
STAGING, REPLACING = "staging", "replacing"


class Transaction:
    def __init__(self, root: Path, state_dir: Path):
        self.root = root
        self.state_dir = state_dir
        self.dir = state_dir / "transaction" / f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self.changes: dict[Path, bytes | None] = {}  # None deletes the file

    def write(self, path: Path, data: bytes | None) -> None:
        self.changes[path] = data

    def _entries(self) -> list[dict]:
        out = []
        for n, (path, data) in enumerate(sorted(self.changes.items(), key=lambda kv: str(kv[0]))):
            # relative to the project (a codings folder set outside it gives '../...'), so a moved
            # project still recovers
            out.append({"target": os.path.relpath(path, self.root),
                        "temp": None if data is None else os.path.relpath(path.with_name(f".{path.name}.qualcode-new"), self.root),
                        "backup": f"{n}.orig" if path.exists() else None})
        return out

    def _journal(self, phase: str, entries: list[dict]) -> None:
        atomic_write_bytes(self.dir / JOURNAL, json.dumps({"phase": phase, "files": entries}, indent=1).encode())

    def commit(self) -> None:
        if not self.changes:
            return
        from .locking import command_name, project_lock

        with project_lock(self.root, command_name()):
            self._commit()

    def _commit(self) -> None:
        recover(self.root, self.state_dir)  # one left by a process that died: undone first
        self.dir.mkdir(parents=True, exist_ok=True)
        entries = self._entries()
        self._journal(STAGING, entries)  # from here a crash leaves temps and copies to clean up, targets untouched
        for e in busy.each(f"Writing {len(entries)} files", entries, len(entries) >= BIG):
            target = self.root / e["target"]
            if e["backup"]:
                atomic_write_bytes(self.dir / e["backup"], target.read_bytes())
            if e["temp"]:
                atomic_write_bytes(self.root / e["temp"], self.changes[target])
        self._journal(REPLACING, entries)  # every original is safe on disk: targets may now change
        try:
            for e in entries:
                target = self.root / e["target"]
                if e["temp"]:
                    os.replace(self.root / e["temp"], target)
                elif target.exists():
                    target.unlink()
        except BaseException:
            _undo(self.root, self.dir)
            raise
        (self.dir / JOURNAL).unlink()  # the commit point
        shutil.rmtree(self.dir, ignore_errors=True)
        _tidy(self.state_dir / "transaction")


def pending(state_dir: Path) -> list[Path]:
    """Journals left on disk (by a change in progress, or by one that was interrupted)."""
    tdir = state_dir / "transaction"
    if not tdir.is_dir():
        return []
    found = [tdir] if (tdir / JOURNAL).is_file() else []  # the single journal of earlier versions
    return found + sorted(d for d in tdir.iterdir() if d.is_dir() and (d / JOURNAL).is_file())


def _tidy(tdir: Path) -> None:
    try:
        tdir.rmdir()  # only when empty
    except OSError:
        pass


def recover(root: Path, state_dir: Path) -> list[str]:
    """Undo every interrupted transaction left: each target back as it was. Returns the files
    restored (empty when there was nothing to undo). Call it holding the project lock."""
    restored = []
    for tdir in pending(state_dir):
        restored += _undo(root, tdir)
    tdir = state_dir / "transaction"
    if tdir.is_dir():  # empty leftovers of a crash before the first journal write
        for d in tdir.iterdir():
            if d.is_dir() and not (d / JOURNAL).exists():
                shutil.rmtree(d, ignore_errors=True)
        _tidy(tdir)
    return restored


def _undo(root: Path, tdir: Path) -> list[str]:
    journal = tdir / JOURNAL
    if not journal.is_file():
        return []
    try:
        state = json.loads(journal.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = None  # the journal itself was being written: nothing had been replaced yet
    restored = []
    for e in (state or {}).get("files", []):
        target = root / e["target"]
        if e.get("temp"):
            (root / e["temp"]).unlink(missing_ok=True)
        if state.get("phase") != REPLACING:
            continue
        if e.get("backup"):
            original = (tdir / e["backup"]).read_bytes()
            if not target.is_file() or target.read_bytes() != original:
                atomic_write_bytes(target, original)
                restored.append(e["target"])
        elif target.exists():
            target.unlink()  # a file the transaction created
            restored.append(e["target"])
    journal.unlink()
    if tdir.name == "transaction":  # the earlier single-journal layout: its own files only
        for f in tdir.glob("*.orig"):
            f.unlink(missing_ok=True)
    else:
        shutil.rmtree(tdir, ignore_errors=True)
    return restored
