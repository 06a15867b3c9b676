"""`status` remembered: its result kept under `.qualcode/` with a hash of everything it was
computed from, so running it again on an unchanged project hashes the files instead of loading
and segmenting every transcript (a shell prompt or a pre-commit hook runs it again and again);
a file that `stat` says is unchanged is not even read again (qualcode/file_digests.py).

The hash covers the contents and path of every file under the transcripts, codings and
codebooks folders and the settings file, the settings as resolved (command-line overrides
included), and the versions of qualcode and spaCy (which decide the segments). Any change, even
a byte of a file that status does not read, means the result is computed again; a file that
cannot be read means no cache at all, so the real error is what the user sees.

What `status` printed is remembered too (`shown`), per way of printing it: a run whose project,
options and terminal are all the same prints those characters from qualcode/launch.py without
importing typer or rich (60 of a warm run's 120 ms).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import fields
from pathlib import Path

from ..cache import ensure_cache_dir, package_version
from ..file_digests import FileDigests
from ..project import CONFIG_FILE, Project
from ..storage import atomic_write_text
from .status import Status, TranscriptStatus

VERSION = "2"  # what a stored result holds; bump when Status or its computation changes (2: key of digests)
FILE = "status.json"
SHOWN = "status-shown.json"  # what was printed, apart: launch.py reads it on every warm run
SHOWN_KEPT = 8  # ways of printing remembered (a terminal's sizes, a pipe, --json)
# What rich reads from the environment to decide colours, width and boxes (rich/console.py);
# rich's version is part of the key too, should a later one read more.
RICH_ENV = ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "TERM", "COLORTERM", "TTY_COMPATIBLE",
            "TTY_INTERACTIVE", "JUPYTER_COLUMNS", "JUPYTER_LINES", "DATABRICKS_RUNTIME_VERSION")


def inputs_key(project: Project) -> str | None:
    """A hash of everything `status` depends on, or None when some file cannot be read."""
    h = hashlib.sha256()
    for part in (VERSION, package_version("qualcode"), package_version("spacy"), repr(project)):
        h.update(part.encode("utf-8", "surrogatepass") + b"\0")
    folders = dict.fromkeys([project.transcripts_dir, project.codings_dir, project.root / "codebooks"])
    paths = [p for folder in folders for p in _files(folder)]
    paths += [p for p in (project.codebook_path, project.root / CONFIG_FILE) if p is not None and p.is_file()]
    digests = FileDigests(project.cache_dir)  # a file stat says is unchanged is not read again
    try:
        for path in dict.fromkeys(paths):  # the codebook is most often in codebooks/ too: once
            h.update(str(path).encode("utf-8", "surrogatepass") + b"\0" + digests.of(path) + b"\0")
    except OSError:
        return None
    digests.save()
    return h.hexdigest()


def _files(folder: Path) -> list[Path]:
    out = []
    for top, dirs, names in os.walk(folder, followlinks=True):
        dirs.sort()
        out.extend(Path(top) / n for n in sorted(names))
    return out


def load(project: Project, key: str | None) -> tuple[Status, list[str]] | None:
    """The stored result and the transcripts it skipped as unreadable, if it was computed from
    exactly these inputs."""
    if key is None:
        return None
    try:
        data = json.loads((project.cache_dir / FILE).read_text(encoding="utf-8"))
        if data.get("key") != key:
            return None
        s = data["status"]
        names = {f.name for f in fields(Status)}
        rows = [TranscriptStatus(**t) for t in s["transcripts"]]
        return Status(**{k: v for k, v in s.items() if k in names and k != "transcripts"}, transcripts=rows), data["skipped"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # absent, damaged or from another version: computed again


def save(project: Project, key: str | None, status: Status, skipped: list[str],
         shown: tuple[str, str] | None = None) -> None:
    """Keep the result under `key`, the inputs' hash taken before it was computed, unless they
    changed meanwhile (a `tag` in another terminal): the result may then hold the newer files,
    and would be wrong for the older ones should they come back. `shown`: a way of printing and
    what it printed, kept as remember_shown does."""
    if key is None or inputs_key(project) != key:
        return
    try:
        ensure_cache_dir(project.cache_dir)
        atomic_write_text(project.cache_dir / FILE, json.dumps({"key": key, "status": status.to_dict(), "skipped": skipped}),
                          durable=False)
    except OSError:
        return  # a read-only project: status still works, only not remembered
    if shown is not None:
        _keep_shown(project, key, *shown)


def way_shown(options: tuple[str, ...]) -> str:
    """How `status` with these options prints here: everything its characters depend on besides
    the result (colours, width and box characters follow the terminal, its size, the streams'
    encodings and rich's environment variables)."""
    if "--json" in options:  # plain text: only the encoding it is written in matters
        return repr(("--json", getattr(sys.stdout, "encoding", None)))
    streams = []
    for fd, stream in enumerate((sys.stdin, sys.stdout, sys.stderr)):
        try:
            size = tuple(os.get_terminal_size(fd))
        except (OSError, ValueError):
            size = None
        try:
            tty = stream.isatty()
        except (AttributeError, ValueError):
            tty = None
        streams.append((tty, size, getattr(stream, "encoding", None)))
    return repr((sorted(options), sys.platform, package_version("rich"), [os.environ.get(k) for k in RICH_ENV], streams))


def shown(project: Project, key: str | None, way: str) -> str | None:
    """What `status` printed for exactly these inputs and this way of printing, if remembered."""
    if key is None:
        return None
    try:
        data = json.loads((project.cache_dir / SHOWN).read_text(encoding="utf-8"))
        text = data["shown"].get(way) if data.get("key") == key else None
        return text if isinstance(text, str) else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def remember_shown(project: Project, key: str | None, way: str, text: str) -> None:
    """Keep what was printed, as save() keeps the result: only while the inputs are still `key`."""
    if key is not None and inputs_key(project) == key:
        _keep_shown(project, key, way, text)


def _keep_shown(project: Project, key: str, way: str, text: str) -> None:
    """Beside the ways already kept for the same inputs: at most SHOWN_KEPT, the oldest dropped."""
    path = project.cache_dir / SHOWN
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        kept = data["shown"] if data.get("key") == key and isinstance(data.get("shown"), dict) else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        kept = {}
    kept.pop(way, None)
    kept[way] = text
    try:
        ensure_cache_dir(project.cache_dir)
        atomic_write_text(path, json.dumps({"key": key, "shown": dict(list(kept.items())[-SHOWN_KEPT:])}), durable=False)
    except OSError:
        pass
