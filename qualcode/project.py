"""A qualcode project: a folder with codebooks/, transcripts/ and optionally qualcode.yaml."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import QualcodeError, did_you_mean, yaml_location

CONFIG_FILE = "qualcode.yaml"
UNITS = ("sentence", "turn", "paragraph")
CONFIG_KEYS = ("codebook", "transcripts", "codings", "unit", "interviewers", "coder", "encoding", "anonymous",
               "spacy_model", "allow_outside_links")
# Speaker labels read as the interviewer's (not coded) unless qualcode.yaml's `interviewers` says otherwise.
DEFAULT_INTERVIEWERS = ("interviewer", "int", "intv", "iv", "i", "q", "moderator", "facilitator", "researcher")


@dataclass(frozen=True)
class Project:
    root: Path
    codebook_path: Path | None
    transcripts_dir: Path
    codings_dir: Path
    unit: str = "sentence"
    interviewers: tuple[str, ...] = DEFAULT_INTERVIEWERS
    coder: str | None = None
    encoding: str | None = None
    anonymous: bool = False
    spacy_model: str | None = None  # an installed trained pipeline for lemmas; None = lookup tables
    allow_outside_links: bool = False  # read files that symbolic links lead to outside the project
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def cache_dir(self) -> Path:
        return self.root / ".qualcode"

    def rel(self, path: Path) -> str:
        """The path relative to the project root, for messages. `root` is already resolved and
        most paths are built from it, so a string prefix settles it before anything is resolved
        (pathlib's relative_to and resolve were a second per thousand files)."""
        root = str(self.root) + os.sep
        for candidate in (str(path), None):
            candidate = candidate or str(path.resolve())
            if candidate.startswith(root):
                return candidate[len(root):]
        return str(path)


def find_root(start: Path) -> Path | None:
    for folder in [start, *start.parents]:
        if (folder / CONFIG_FILE).is_file() or ((folder / "codebooks").is_dir() and (folder / "transcripts").is_dir()):
            return folder
    return None


SETTINGS_VERSION = "1"
SETTINGS_KEPT = 8  # versions of qualcode.yaml remembered: it is read on every run, so it stays small


def _read_config(path: Path) -> dict[str, Any]:
    """The settings, checked. Remembered under .qualcode/ by the file's bytes once a cache is
    kept there: importing PyYAML (its reader's Unicode class alone) was 11 ms of a warm `status`."""
    import json

    from .cache import Pack, digest

    raw = path.read_bytes()
    cache = path.parent / ".qualcode"
    pack = Pack(cache if cache.is_dir() else None, "settings", SETTINGS_VERSION, keep=SETTINGS_KEPT)
    key = digest(raw, repr(CONFIG_KEYS))  # what is checked is part of what is remembered
    data = pack.get(key)
    if isinstance(data, dict):
        return data
    data = _parse_config(raw)
    try:
        exact = json.loads(json.dumps(data)) == data  # plain strings, lists and booleans
    except (TypeError, ValueError):
        exact = False
    if exact:
        pack.put(key, data)
        pack.save()
    return data


def _parse_config(raw: bytes) -> dict[str, Any]:
    import yaml

    try:
        loader = yaml.SafeLoader(raw.decode("utf-8-sig"))  # yaml.safe_load's steps, keeping the node
        try:
            node = loader.get_single_node()
            data = (loader.construct_document(node) if node is not None else None) or {}
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        where, problem = yaml_location(CONFIG_FILE, exc)
        raise QualcodeError(f"not valid YAML: {problem}", where)
    except UnicodeDecodeError:
        raise QualcodeError("cannot read the file as UTF-8", CONFIG_FILE, "Save it as UTF-8.")
    if not isinstance(data, dict):
        raise QualcodeError("must be a mapping of settings, e.g. 'unit: sentence'", CONFIG_FILE)
    if node is not None:
        _refuse_repeats(node)
    for key in data:
        if key not in CONFIG_KEYS:
            raise QualcodeError(f"unknown setting '{key}'" + did_you_mean(str(key), CONFIG_KEYS), CONFIG_FILE,
                                "Settings: " + ", ".join(CONFIG_KEYS))
    return data


def _refuse_repeats(node) -> None:
    """A setting given twice: YAML would keep the last silently, and the first is often the one meant."""
    seen: dict[str, int] = {}
    for key, _ in node.value:  # a mapping node: the document was checked to be a mapping
        if not isinstance(key.value, str):
            continue  # not a setting's name: refused as unknown below
        line = key.start_mark.line + 1
        if key.value in seen:
            raise QualcodeError(f"the setting '{key.value}' is given twice (first on line {seen[key.value]}); "
                                "YAML would keep only this one", f"{CONFIG_FILE}:{line}",
                                "Keep the one you mean and delete the other.")
        seen[key.value] = line


def check_unit(unit: str) -> str:
    if unit not in UNITS:
        raise QualcodeError(f"unknown coding unit '{unit}'" + did_you_mean(unit, UNITS),
                            hint="Use one of: " + ", ".join(UNITS))
    return unit


def _recover(root: Path) -> None:
    """Roll back a codebook change that was interrupted, before anything reads a half-changed
    project. Under the project lock: a change still being made by a live process holds it, so
    this waits for that one to finish instead of undoing it."""
    import sys

    from .locking import command_name, project_lock
    from .transaction import pending, recover

    try:
        with project_lock(root, command_name()):
            restored = recover(root, root / ".qualcode")
    except QualcodeError:
        if not pending(root / ".qualcode"):
            return  # finished meanwhile
        raise
    if restored:
        sys.stderr.write(f"warning: an interrupted codebook change was rolled back; {len(restored)} file(s) "
                         f"restored as they were: {', '.join(restored[:5])}{' ...' if len(restored) > 5 else ''}\n")


def _check_link(path: Path, root: Path, where: str) -> None:
    if path.is_symlink() or (path.exists() and not path.resolve().is_relative_to(root)):
        from .transcripts import check_inside

        check_inside(path, root, where)


def open_project(path: Path | None = None, unit: str | None = None, encoding: str | None = None) -> Project:
    """Find the project at `path` (or from the current folder upwards) and read its settings;
    `unit` and `encoding`, when given, override qualcode.yaml."""
    if path is not None:
        root = path
        if not root.is_dir():
            raise QualcodeError(f"project folder '{path}' does not exist")
    else:
        root = find_root(Path.cwd())
        if root is None:
            raise QualcodeError("no qualcode project here or in any folder above",
                                hint="Run inside a folder with codebooks/ and transcripts/, or pass --project DIR.")
    root = root.resolve()
    if (root / ".qualcode" / "transaction").is_dir():
        _recover(root)
    _check_link(root / CONFIG_FILE, root, CONFIG_FILE)
    config = _read_config(root / CONFIG_FILE) if (root / CONFIG_FILE).is_file() else {}
    codebook = config.get("codebook")
    codebook_path = root / codebook if codebook else None
    if codebook_path is None:
        found = sorted((root / "codebooks").glob("*.y*ml")) if (root / "codebooks").is_dir() else []
        if len(found) > 1:
            raise QualcodeError("codebooks/ holds several codebooks: " + ", ".join(p.name for p in found),
                                CONFIG_FILE, "Say which one to use, e.g. 'codebook: codebooks/kcpo.yaml'.")
        codebook_path = found[0] if found else None
    allow_links = bool(config.get("allow_outside_links", False))
    if codebook_path is not None and not allow_links:
        _check_link(codebook_path, root, str(codebook_path.relative_to(root)) if codebook_path.is_relative_to(root)
                    else str(codebook_path))
    interviewers = config.get("interviewers")
    if isinstance(interviewers, str):
        interviewers = [interviewers]
    return Project(
        root=root,
        codebook_path=codebook_path,
        transcripts_dir=root / str(config.get("transcripts", "transcripts")),
        codings_dir=root / str(config.get("codings", "codings")),
        unit=check_unit(unit or str(config.get("unit", "sentence"))),
        interviewers=tuple(str(i) for i in interviewers) if interviewers else DEFAULT_INTERVIEWERS,
        coder=str(config["coder"]) if config.get("coder") else None,
        encoding=encoding or config.get("encoding"),
        anonymous=bool(config.get("anonymous", False)),
        spacy_model=str(config["spacy_model"]) if config.get("spacy_model") else None,
        allow_outside_links=allow_links,
        config=config,
    )
