"""Atomic file writes: a temp file beside the target, then os.replace, so no file is ever half-written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _umask_mode() -> int:
    """The mode a plain open() would give a new file: mkstemp's 0600 would hide reports and codings."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write_text(path: Path, text: str, durable: bool = True) -> None:
    """`durable` also flushes to disk: for codings and reports, not for the rebuildable cache."""
    atomic_write_bytes(path, text.encode("utf-8"), durable)


def atomic_write_bytes(path: Path, data: bytes, durable: bool = True) -> None:
    """The file whole or not at all: a temp file beside it, then os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not durable:  # cache files: a cheap unique name is enough, and mkstemp's retries cost time
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, _umask_mode())
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
