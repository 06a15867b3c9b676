"""Codebook migrations: add, rename, merge, move or split themes, and carry every coder's codings
along in one all-or-nothing change (see transaction.py) with the codebook's version bumped.

A split never guesses: each coding of the split theme becomes a suggestion of every new theme
(source `split`), for a person to accept or reject in `qualcode review`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import codebook_edit as edit
from .codebook import read_codebook_text, validate_text
from .errors import QualcodeError
from .model import ACCEPTED, REJECTED, SUGGESTED, Coding
from .project import Project
from .store import coding_files, now, read_codings, sort_key, to_json
from .transaction import Transaction

RANK = {ACCEPTED: 0, SUGGESTED: 1, REJECTED: 2}  # when two codings meet on one span, the decision wins


@dataclass
class Migration:
    summary: str
    old_version: object
    new_version: object
    codebook: Path
    files: dict[Path, bytes | None] = field(default_factory=dict)  # what commit() writes
    changed: Counter = field(default_factory=Counter)  # codings rewritten, per coder
    flagged: Counter = field(default_factory=Counter)  # split suggestions awaiting review, per coder
    withdrawn: int = 0  # open machine suggestions of a split theme, dropped (suggest makes them again)
    combined: int = 0  # codings that met another on the same span after a merge
    notes: list[str] = field(default_factory=list)
    reformatted: int = 0  # lines outside the edit the YAML writer re-formats

    def to_dict(self, project: Project) -> dict:
        return {"summary": self.summary, "old_version": self.old_version, "new_version": self.new_version,
                "files": sorted(project.rel(p) for p in self.files), "codings_changed": dict(self.changed),
                "flagged_for_review": dict(self.flagged), "suggestions_withdrawn": self.withdrawn,
                "codings_combined": self.combined, "notes": self.notes, "reformatted_lines": self.reformatted}


def _collapse(codings: list[Coding]) -> tuple[list[Coding], int]:
    best: dict[tuple, Coding] = {}
    for c in codings:
        old = best.get(c.key)
        if old is None:
            best[c.key] = c
            continue
        keep, other = (c, old) if RANK.get(c.status, 3) < RANK.get(old.status, 3) else (old, c)
        memos = [m for m in (keep.memo, other.memo) if m]
        best[c.key] = replace(keep, memo="\n".join(dict.fromkeys(memos)) or None)
    return list(best.values()), len(codings) - len(best)


def _renamed_rules(c: Coding, ids: dict[str, str]) -> Coding:
    """Rule names start with their theme id ('theme/keyword'): renamed so a rule's review history
    (its precision) follows the theme."""
    rules = c.extra.get("rules")
    if not isinstance(rules, list):
        return c
    def rename(rule):
        theme, slash, rest = rule.partition("/")
        return ids.get(theme, theme) + slash + rest
    renamed = [rename(r) if isinstance(r, str) else r for r in rules]
    return replace(c, extra={**c.extra, "rules": renamed})


def _recode(ids: dict[str, str]) -> Callable[[Coding, str], list[Coding]]:
    def go(c: Coding, coder: str) -> list[Coding]:
        if c.code not in ids:
            return [c]
        return [_renamed_rules(replace(c, code=ids[c.code]), ids)]
    return go


def _split(theme: str, into: list[str], version, stamp: str, report: Migration) -> Callable[[Coding, str], list[Coding]]:
    def go(c: Coding, coder: str) -> list[Coding]:
        if c.code != theme:
            return [c]
        if c.status == SUGGESTED and c.source in ("rules", "model"):
            report.withdrawn += 1
            return []
        if c.status == REJECTED:  # not the old theme: not any part of it either
            return [replace(c, code=new, extra={**c.extra, "split_from": theme}) for new in into]
        report.flagged[coder] += len(into)
        extra = {k: v for k, v in c.extra.items() if k not in ("rules", "matched", "threshold", "model", "also")}
        return [Coding(code=new, start=c.start, end=c.end, text=c.text, source="split", status=SUGGESTED,
                       codebook_version=version, at=stamp, memo=c.memo,
                       extra={**extra, "split_from": theme, "was": c.source}) for new in into]
    return go


def _mentions(text: str, rel: str, ids: list[str]) -> list[str]:
    """Free text that still names a theme that is gone (an exclude saying '-> use old-id')."""
    import re

    notes = []
    for theme_id in ids:
        pattern = re.compile(rf"(?<![\w-]){re.escape(theme_id)}(?![\w-])")
        lines = [n for n, line in enumerate(text.splitlines(), 1) if pattern.search(line)]
        if lines:
            notes.append(f"'{theme_id}' is still mentioned at {rel}:{', '.join(map(str, lines))}; update the wording")
    return notes


def plan(project: Project, action: str, **kw) -> Migration:
    """Work out the whole change in memory; nothing is written (see commit)."""
    if project.codebook_path is None:
        raise QualcodeError("the project has no codebook to change")
    path = project.codebook_path
    rel = project.rel(path)
    read_codebook_text(path, rel)  # the usual clear errors for a missing, empty or non-UTF-8 file
    ed = edit.EditedCodebook.parse(path.read_bytes(), rel)
    groups_of = {t.id: t.groups for t in ed.before.themes}
    version = ed.doc.get("version", 1)
    old_v, new_v = ed.bump_version()
    report = Migration("", old_v, new_v, path)
    if action == "rename":
        old, new = kw["old"], kw["new"]
        edit.rename(ed, old, new, kw.get("label"))
        report.summary = f"renamed '{old}' to '{new}'"
        recode = _recode({old: new})
    elif action == "merge":
        sources, into = kw["sources"], kw["into"]
        edit.merge(ed, sources, into, kw.get("label"), groups_of)
        report.summary = f"merged {', '.join(repr(s) for s in sources)} into '{into}'"
        recode = _recode({s: into for s in sources if s != into})
    elif action == "move":
        theme, under = kw["theme"], kw.get("under")
        edit.move(ed, theme, under)
        report.summary = f"moved '{theme}' " + (f"under '{under}'" if under else "to the top level")
        recode = None
    elif action == "add":
        edit.add(ed, kw["theme"], kw.get("label"), kw.get("under"), kw.get("description"), kw.get("groups"))
        report.summary = f"added theme '{kw['theme']}'" + (f" under '{kw['under']}'" if kw.get("under") else "")
        recode = None
    elif action == "split":
        theme, into = kw["theme"], kw["into"]
        edit.split(ed, theme, into, kw.get("labels") or [], version)
        report.summary = f"split '{theme}' into {', '.join(repr(i) for i in into)}"
        recode = _split(theme, into, new_v, now(), report)
    else:
        raise ValueError(action)
    report.notes += ed.notes
    report.reformatted = ed.reformatted_elsewhere()

    new_text = ed.dump()
    after, problems = validate_text(new_text, rel, check_patterns=False)
    if problems:  # a bug here must never reach the file
        raise QualcodeError("the changed codebook would not be valid: " + problems[0].message, rel,
                            "Nothing was changed. Please report this with the codebook attached.")
    report.files[path] = ed.to_bytes(new_text)
    gone = {"rename": [kw.get("old")], "merge": [x for x in kw.get("sources", []) if x != kw.get("into")],
            "split": [kw.get("theme")]}.get(action, [])
    report.notes += _mentions(new_text, rel, [g for g in gone if g and g not in after.ids])
    if action == "move":
        moved = next(t for t in after.themes if t.id == kw["theme"])
        if set(moved.groups) != set(groups_of[kw["theme"]]):
            report.notes.append(f"'{moved.id}' inherits its groups from its new parent: now coded for "
                                f"{', '.join(moved.groups) or 'all groups'}")
    if recode is None:
        return report
    for coder, _, file in coding_files(project.codings_dir):
        codings = read_codings(file, project.rel(file))
        out = [new for c in codings for new in recode(c, coder)]
        out, combined = _collapse(out)
        report.combined += combined
        changed = sum(1 for c in codings if c not in out)
        if changed == 0 and len(out) == len(codings):
            continue
        report.changed[coder] += changed
        items = sorted(out, key=sort_key)
        report.files[file] = "".join(to_json(c) + "\n" for c in items).encode("utf-8") if items else None
    return report


def run(project: Project, action: str, dry_run: bool = False, **kw) -> Migration:
    """Plan the change and, unless `dry_run`, commit it; the read, the plan and the commit all under
    the project lock, so no tag or other migration can slip in between and be undone or lost."""
    if dry_run:
        return plan(project, action, **kw)
    from .locking import command_name, project_lock

    with project_lock(project.root, command_name()):
        migration = plan(project, action, **kw)
        commit(project, migration)
    return migration


def commit(project: Project, migration: Migration) -> None:
    from .cache import ensure_cache_dir

    tx = Transaction(project.root, ensure_cache_dir(project.cache_dir))
    for path, data in migration.files.items():
        tx.write(path, data)
    tx.commit()
