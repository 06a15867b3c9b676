"""One writer at a time: the project lock that every change to project files is made under.

Every read-modify-write of a codings file, every codebook migration (for its whole read, plan and
commit), every import into a project and every rollback of an interrupted change takes it. The
lock is an OS file lock (filelock: flock on POSIX, LockFileEx on Windows), so a process that
dies, even by kill -9, lets go of it at once; nothing stale is ever left to clean up by hand.

A waiting command logs who holds the lock (logger 'qualcode.locking'; the CLI prints it) and
gives up after QUALCODE_LOCK_TIMEOUT seconds (default 60) with that holder in its message.
Writes under the lock take milliseconds, so waiting that long means something is stuck.

One exclusive lock for the project, not one per file: a tag has to be kept out of a migration's
way anyway, so per-file locks would only add a second lock to every write. Readers take no
lock (a read-only checkout must still report); see corpus.load_corpus for how they stay
consistent with a migration that commits while they read.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from .errors import QualcodeError

log = logging.getLogger("qualcode.locking")

LOCK_DIR = Path(".qualcode") / "locks"
DEFAULT_TIMEOUT = 60.0
_held = threading.local()  # lock file -> depth, so a holder may take it again (reentrant)


def timeout_seconds() -> float:
    raw = os.environ.get("QUALCODE_LOCK_TIMEOUT")
    if raw is None:
        return DEFAULT_TIMEOUT
    try:
        return max(0.0, float(raw))
    except ValueError:
        raise QualcodeError(f"QUALCODE_LOCK_TIMEOUT must be a number of seconds (got '{raw}')")


def _owner_text(what: str) -> str:
    return json.dumps({"pid": os.getpid(), "command": what, "since":
                       datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")})


def holder(lock_dir: Path) -> str:
    """Who holds the lock, as a person would say it (from the note its holder left)."""
    try:
        info = json.loads((lock_dir / "project.owner").read_text(encoding="utf-8"))
        return f"'{info['command']}' (process {info['pid']}, since {info['since']})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another qualcode command"


@contextmanager
def project_lock(root: Path, what: str, timeout: float | None = None):
    """Hold the project's write lock while the block runs. `what` names the command for the
    message another waiting command shows."""
    from filelock import FileLock, Timeout

    lock_dir = root / LOCK_DIR
    path = lock_dir / "project.lock"
    depth = getattr(_held, "locks", {})
    _held.locks = depth
    key = str(path)
    if depth.get(key):
        depth[key] += 1
        try:
            yield
        finally:
            depth[key] -= 1
        return
    try:
        lock_dir.mkdir(parents=True, exist_ok=True)
        from .cache import ensure_cache_dir

        ensure_cache_dir(root / ".qualcode")
    except OSError as exc:
        raise QualcodeError(f"cannot create the project's lock file: {exc.strerror}", str(path),
                            "Changes need a writable project folder; reading commands work without one.")
    limit = timeout_seconds() if timeout is None else timeout
    lock = FileLock(str(path), timeout=0)
    deadline = time.monotonic() + limit
    told = False
    while True:
        try:
            lock.acquire(timeout=min(0.25, max(0.0, deadline - time.monotonic())), poll_interval=0.01)
            break
        except Timeout:
            if time.monotonic() >= deadline:
                raise QualcodeError(f"the project is busy: {holder(lock_dir)} is changing it, and it did not finish "
                                    f"within {limit:g} s", str(path.parent.parent.parent),
                                    "Wait for it to finish and run this again (QUALCODE_LOCK_TIMEOUT sets the wait). "
                                    "If that process is gone, the lock is already free.")
            if not told:
                log.warning("waiting for %s to finish changing the project ...", holder(lock_dir))
                told = True
        except OSError as exc:
            raise QualcodeError(f"cannot take the project's lock: {exc.strerror}", str(path))
    depth[key] = 1
    try:
        try:
            (lock_dir / "project.owner").write_text(_owner_text(what), encoding="utf-8")
        except OSError:
            pass  # the note is for messages only
        yield
    finally:
        depth[key] = 0
        lock.release()


def command_name() -> str:
    """The running command as typed, for the holder note ('qualcode tag cps-01 12.2 ...')."""
    words = [Path(sys.argv[0]).name, *sys.argv[1:4]] if sys.argv else ["qualcode"]
    return " ".join(words) + (" ..." if len(sys.argv) > 4 else "")
