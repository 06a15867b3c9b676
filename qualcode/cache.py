"""The rebuildable cache under `.qualcode/` (git-ignored): JSON packs of entries keyed by content hashes.

One file per kind of entry, read once and written once per run: creating a file per transcript
cost more than the work it saved. A damaged or outdated pack is silently rebuilt; nothing
here is ever the only copy of anything.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from .storage import atomic_write_text

KEEP = 20_000  # entries kept from earlier runs, so switching between folders or units stays warm


@lru_cache(maxsize=8)
def package_version(name: str) -> str:
    """An installed package's version, part of cache keys whose entries that package made.
    Read from the name of the `name-VERSION.dist-info` folder in the first folder on sys.path
    that has one, where importlib.metadata looks too, for a wheel and an editable install
    alike: importing importlib.metadata alone took 20-35 ms, a seventh of a warm `status` on a
    million words. importlib.metadata decides anything else (two such folders left by a
    broken upgrade, an egg)."""
    import sys

    for entry in sys.path:
        try:
            found = [p.name for p in Path(entry or ".").glob(f"{name}-*.dist-info")]
        except OSError:
            continue
        if len(found) == 1:
            return found[0][len(name) + 1:-len(".dist-info")]
        if found:
            break
    from importlib.metadata import version

    return version(name)


def ensure_cache_dir(cache_dir: Path) -> Path:
    """The cache folder, with a .gitignore of its own (as pytest does), so git ignores it in any
    project: a committed cache would conflict whenever two coders' branches merge."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    ignore = cache_dir / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# qualcode's rebuildable cache: never commit it\n*\n", encoding="utf-8")
    return cache_dir


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()[:32]


class Pack:
    def __init__(self, cache_dir: Path | None, name: str, version: str, keep: int = KEEP):
        self.path = cache_dir / f"{name}.json" if cache_dir else None
        self.version = version
        self.keep = keep  # entries at most, the ones used in this run first
        self.entries: dict[str, Any] = self._read()
        self.used: dict[str, Any] = {}
        self.changed = False

    def _read(self) -> dict[str, Any]:
        if self.path is None:
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != self.version or not isinstance(data.get("entries"), dict):
            return {}
        return data["entries"]

    def get(self, key: str) -> Any:
        value = self.entries.get(key)
        if value is not None:
            self.used[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        self.used[key] = value
        self.changed = True

    def save(self) -> None:
        if self.path is None or not self.changed:
            return
        room = max(0, self.keep - len(self.used))
        older = [(k, v) for k, v in self.entries.items() if k not in self.used][-room:] if room else []
        payload = {"version": self.version, "entries": {**dict(older), **self.used}}
        try:
            ensure_cache_dir(self.path.parent)
            atomic_write_text(self.path, json.dumps(payload, ensure_ascii=False, separators=(",", ":")), durable=False)
        except OSError:
            pass  # a read-only project: the work is done again next time, nothing else is lost
        self.changed = False
