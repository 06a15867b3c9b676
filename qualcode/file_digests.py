"""Content digests of project files, remembered by what `stat` says of each file (size, mtime,
ctime, inode) in `.qualcode/digests.json`, so a command that only asks whether files changed (a
remembered `status`, `check`'s remembered findings) reads a file again only when `stat` says it
may have changed: after a `suggest`, hashing 82 MB of codings was most of a remembered status.

ctime is in the fingerprint because no tool sets it back: copying a file of the same size over
another and restoring its mtime (`cp -p`, `rsync -t`) still moves it (on Windows, where it is
the creation time, size, mtime and the file index decide). A file written in the
last two seconds is not remembered (the racy case git knows: a write within the clock tick of
the reading would leave `stat` the same), and the file is stat'ed before it is read.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

VERSION = "1"
FILE = "digests.json"
RACY_NS = 2_000_000_000


class FileDigests:
    def __init__(self, cache_dir: Path | None):
        self.cache_dir = cache_dir
        self.before: dict[str, list] = {}
        if cache_dir is not None:
            try:
                data = json.loads((cache_dir / FILE).read_text(encoding="utf-8"))
                if data.get("version") == VERSION and isinstance(data.get("files"), dict):
                    self.before = data["files"]
            except (OSError, ValueError, TypeError, AttributeError):
                pass  # absent or damaged: every file is read
        self.now: dict[str, list] = {}  # what this run found, of the files it looked at
        self.seen: set[str] = set()

    def of(self, path: Path) -> bytes:
        """The file's SHA-256; OSError when it cannot be read."""
        return self.read(path)[0]

    def read(self, path: Path) -> tuple[bytes, bytes | None]:
        """The file's SHA-256, and its bytes when they had to be read; OSError when it cannot be."""
        name = str(path)
        self.seen.add(name)
        st = os.stat(path)
        stamp = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        got = self.before.get(name)
        if isinstance(got, list) and len(got) == 5 and got[:4] == stamp and isinstance(got[4], str):
            try:
                digest = bytes.fromhex(got[4])
            except ValueError:
                digest = None
            if digest is not None and len(digest) == 32:
                self.now[name] = got
                return digest, None
        data = path.read_bytes()
        digest = hashlib.sha256(data).digest()
        if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) >= RACY_NS:
            self.now[name] = [*stamp, digest.hex()]
        return digest, data

    def save(self) -> None:
        """Keep what this run learned, beside what others did of files it did not look at (status
        looks at every file, check at the codings), those files still there."""
        if self.cache_dir is None:
            return
        kept = {name: got for name, got in self.before.items() if name not in self.seen and os.path.exists(name)}
        kept.update(self.now)
        if kept == self.before:
            return
        from .cache import ensure_cache_dir
        from .storage import atomic_write_text

        try:
            ensure_cache_dir(self.cache_dir)
            atomic_write_text(self.cache_dir / FILE, json.dumps({"version": VERSION, "files": kept}), durable=False)
        except OSError:
            pass  # a read-only project: the files are read every time, that is all
