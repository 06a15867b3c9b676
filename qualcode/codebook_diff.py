"""What changed between two versions of a codebook, in the codebook's own terms: themes added,
removed, renamed, moved in the tree, redefined, or coded for other groups; with how many codings
each change touches."""

from __future__ import annotations

import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .codebook import validate_text
from .errors import CodebookInvalid, QualcodeError
from .model import Codebook, Theme

FIELDS = ("label", "description", "include", "exclude", "keywords", "patterns", "examples", "color")


@dataclass
class Change:
    kind: str  # added | removed | renamed | moved | changed | groups
    theme: str  # the theme id (the new id for a rename)
    detail: str
    codings: int = 0  # accepted codings in the project with the (old) id


@dataclass
class CodebookDiff:
    old: str
    new: str
    old_version: int | str
    new_version: int | str
    changes: list[Change] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def coding_counts(project) -> dict[str, int]:
    """Accepted codings per theme id, read straight from the codings files: after a rename they
    name themes the codebook no longer has, so the corpus (which checks them) cannot be used."""
    from collections import Counter

    from .store import coding_files, read_codings

    counts: Counter = Counter()
    for _, _, path in coding_files(project.codings_dir):
        counts.update(c.code for c in read_codings(path, project.rel(path)) if c.status == "accepted")
    return dict(counts)


def load_revision(path: Path, rev: str, root: Path) -> tuple[str, str]:
    """(text, label) of a file at a git revision."""
    rel = path.resolve().relative_to(root.resolve())
    try:
        shown = subprocess.run(["git", "show", f"{rev}:{rel.as_posix()}"], cwd=root, capture_output=True, text=True)
    except FileNotFoundError:
        raise QualcodeError("git is not installed", hint="Compare two files instead: qualcode codebook diff OLD NEW")
    if shown.returncode != 0:
        raise QualcodeError(f"cannot read {rel} at revision '{rev}': {shown.stderr.strip().splitlines()[-1] if shown.stderr.strip() else 'unknown error'}",
                            hint="Is this a git repository, and does the revision exist?")
    return shown.stdout, f"{rel}@{rev}"


def parse(text: str, label: str) -> Codebook:
    codebook, problems = validate_text(text, label)
    if problems:
        raise CodebookInvalid(label, problems)
    return codebook


def _same_definition(a: Theme, b: Theme) -> bool:
    return a.label == b.label or (bool(a.description) and a.description == b.description)


def diff(old: Codebook, new: Codebook, counts: dict[str, int] | None = None) -> CodebookDiff:
    counts = counts or {}
    result = CodebookDiff(old.path, new.path, old.version, new.version)
    before, after = {t.id: t for t in old.themes}, {t.id: t for t in new.themes}
    removed = [i for i in before if i not in after]
    added = [i for i in after if i not in before]
    renamed: dict[str, str] = {}
    for r in removed:
        match = next((a for a in added if a not in renamed.values() and _same_definition(before[r], after[a])), None)
        if match:
            renamed[r] = match
    for r, a in renamed.items():
        result.changes.append(Change("renamed", a, f"'{r}' is now '{a}'", counts.get(r, 0)))
    for r in removed:
        if r not in renamed:
            result.changes.append(Change("removed", r, f"'{before[r].label}' removed", counts.get(r, 0)))
    for a in added:
        if a not in renamed.values():
            result.changes.append(Change("added", a, f"'{after[a].label}' added" +
                                         (f" under '{after[a].parent}'" if after[a].parent else "")))
    pairs = [(i, i) for i in before if i in after] + list(renamed.items())
    for o, n in pairs:
        a, b = before[o], after[n]
        old_parent = renamed.get(a.parent, a.parent)
        if old_parent != b.parent:
            result.changes.append(Change("moved", n, f"from under '{a.parent or '(top)'}' to under '{b.parent or '(top)'}'",
                                         counts.get(o, 0)))
        changed = [f for f in FIELDS if getattr(a, f, None) != getattr(b, f, None)]
        if changed:
            result.changes.append(Change("changed", n, "changed: " + ", ".join(changed), counts.get(o, 0)))
        if set(a.groups) != set(b.groups):
            result.changes.append(Change("groups", n, f"coded for {', '.join(a.groups) or 'all groups'} -> "
                                                      f"{', '.join(b.groups) or 'all groups'}", counts.get(o, 0)))
    order = {k: i for i, k in enumerate(("renamed", "removed", "added", "moved", "groups", "changed"))}
    result.changes.sort(key=lambda c: (order[c.kind], c.theme))
    return result
