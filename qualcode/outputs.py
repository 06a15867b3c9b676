"""Where a report may be written (`--out`): never onto project data, never over a file by surprise.

- A path inside the project's codebooks/, transcripts/, codings/, memos/ or .qualcode/ folders
  (or onto qualcode.yaml or the codebook itself, wherever settings put them) is refused, --force
  or not: a report there would replace data that exists nowhere else.
- An existing file is replaced only if qualcode wrote it and nobody changed it since (a record
  of what each --out wrote, by content hash, in .qualcode/outputs.json), or with --force. So
  re-running a report refreshes it, and a report someone edited by hand is never lost.
"""

from __future__ import annotations

import json
from pathlib import Path

from .cache import digest
from .errors import QualcodeError

PROTECTED = ("codebooks", "transcripts", "codings", "memos", ".qualcode")
RECORD = Path(".qualcode") / "outputs.json"


def _protected(project) -> list[Path]:
    root = project.root
    paths = [root / name for name in PROTECTED] + [project.transcripts_dir, project.codings_dir, root / "qualcode.yaml"]
    if project.codebook_path is not None:
        paths.append(project.codebook_path)
    return [p.resolve() for p in paths]


def _record(root: Path) -> dict[str, str]:
    try:
        data = json.loads((root / RECORD).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def check_out(out: Path, project=None, force: bool = False) -> Path:
    """The resolved path to write, or a clear refusal (nothing written)."""
    target = out.resolve()
    if project is not None:
        for place in _protected(project):
            if target == place or place in target.parents:
                raise QualcodeError(f"refusing to write a report into project data ({project.rel(place)})", str(out),
                                    "Write it somewhere else, e.g. --out reports/" + out.name +
                                    "; qualcode never writes --out inside codebooks/, transcripts/, codings/, "
                                    "memos/ or .qualcode/.")
    if target.is_dir():
        raise QualcodeError("this is a folder", str(out), "Give a file name, e.g. --out " + str(out / "report.md"))
    if target.exists() and not force:
        ours = project is not None and _record(project.root).get(str(target))
        try:
            same = ours and digest(target.read_bytes()) == ours
        except OSError:
            same = False
        if not same:
            raise QualcodeError("the file exists and qualcode did not write it (or it was changed since)", str(out),
                                "Nothing was written. Add --force to replace it, or choose another name.")
    return target


def remember(target: Path, data: bytes, project=None) -> None:
    """Note what was written, so the next run may replace it (see check_out)."""
    if project is None:
        return
    from .storage import atomic_write_text

    record = _record(project.root)
    record[str(target)] = digest(data)
    try:
        atomic_write_text(project.root / RECORD, json.dumps(record, indent=1, sort_keys=True), durable=False)
    except OSError:
        pass  # only costs a --force next time
