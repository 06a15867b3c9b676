"""`qualcode init`: a new project from the commented starter files beside this module."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from ..errors import QualcodeError

LAYOUT = {"qualcode.yaml": "qualcode.yaml", "codebooks/codebook.yaml": "codebook.yaml",
          "transcripts/README.md": "transcripts-README.md"}


def init(folder: Path) -> list[str]:
    """Write the starter project into `folder` (made if missing). Refuses, writing nothing, if
    any of its files exist or the folder already is a project: nothing is ever replaced."""
    from ..project import find_root
    from ..storage import atomic_write_text

    if folder.exists() and not folder.is_dir():
        raise QualcodeError("this is a file, not a folder", str(folder))
    taken = [rel for rel in LAYOUT if (folder / rel).exists()]
    if taken or (folder.is_dir() and find_root(folder.resolve()) == folder.resolve()):
        raise QualcodeError("there is a qualcode project here already" + (f" ({taken[0]} exists)" if taken else ""),
                            str(folder), "Nothing was written. Choose a new folder: qualcode init DIR")
    source = files(__package__)
    for rel, name in LAYOUT.items():
        atomic_write_text(folder / rel, source.joinpath(name).read_text(encoding="utf-8"))
    return list(LAYOUT)
