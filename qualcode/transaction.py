"""Several files changed all together or not at all (a codebook change and every coder's codings).

A rollback journal in `.qualcode/transaction/`: the new contents are staged as temp files beside
their targets and the originals copied aside, all flushed to disk, before any target is replaced.
If the process dies while replacing, the next qualcode command finds the journal and puts every
original back (`recover`), so a half-done migration is never what a coder sees or commits.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from .storage import atomic_write_bytes

JOURNAL = "journal.json"
STAGING, REPLACING = "staging", "replacing"


class Transaction:
    def __init__(self, root: Path, state_dir: Path):
        self.root = root
        self.dir = state_dir / "transaction"
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
        if (self.dir / JOURNAL).exists():
            recover(self.root, self.dir.parent)
        self.dir.mkdir(parents=True, exist_ok=True)
        entries = self._entries()
        self._journal(STAGING, entries)  # from here a crash leaves temps and copies to clean up, targets untouched
        for e in entries:
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
            recover(self.root, self.dir.parent)
            raise
        (self.dir / JOURNAL).unlink()  # the commit point
        shutil.rmtree(self.dir, ignore_errors=True)


def recover(root: Path, state_dir: Path) -> list[str]:
    """Undo an interrupted transaction, if one was left: every target back as it was. Returns the
    files restored (empty when there was nothing to undo)."""
    tdir = state_dir / "transaction"
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
    shutil.rmtree(tdir, ignore_errors=True)
    return restored
