"""`qualcode check`: is the project consistent? For editors, CI and a pre-commit hook.

Lists every problem instead of stopping at the first: the codebook (spaCy patterns included),
codings lines that cannot be read, codings of unknown themes or transcripts, and codings whose
text moved (found again exactly or approximately) or can no longer be found (orphaned).
`fix` rewrites the moved ones' offsets; orphans are kept and listed until a person deletes them."""

from __future__ import annotations

from dataclasses import dataclass, field

from .codebook import read_codebook_text, validate_text
from .display import short
from .errors import QualcodeError, did_you_mean
from .project import Project
from .store import (
    FUZZY,
    MOVED,
    ORPHANED,
    anchor,
    coding_files,
    numbered_codings,
    write_codings,
)
from .transcripts import load_transcripts


@dataclass
class Finding:
    location: str
    kind: str  # problem | moved | fuzzy | orphaned
    message: str


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    fixed: int = 0  # codings whose offsets --fix rewrote

    @property
    def ok(self) -> bool:
        return not self.findings

    def to_dict(self) -> dict:
        return {"ok": self.ok, "fixed": self.fixed, "findings": [f.__dict__ for f in self.findings]}


def check(project: Project, fix: bool = False) -> CheckReport:
    """With `fix`, the whole read and rewrite runs under the project lock (locking.py)."""
    if not fix:
        return _check(project, False)
    from .locking import command_name, project_lock

    with project_lock(project.root, command_name()):
        return _check(project, True)


def _check(project: Project, fix: bool) -> CheckReport:
    report = CheckReport()
    known: set[str] | None = None
    if project.codebook_path is None:
        report.findings.append(Finding("codebooks/", "problem", "no codebook found"))
    else:
        rel = project.rel(project.codebook_path)
        codebook, problems = validate_text(read_codebook_text(project.codebook_path, rel), rel, check_patterns=True,
                                           cache_dir=project.cache_dir)
        report.findings += [Finding(p.location, "problem", f"{p.id} {p.message}") for p in problems]
        known = set(codebook.ids) if codebook else None
    bodies = {t.id: t.body for t in load_transcripts(project.transcripts_dir, project.root, project.interviewers,
                                                      project.encoding, project.cache_dir,
                                                      allow_outside=project.allow_outside_links)}
    for coder, tid, path in coding_files(project.codings_dir):
        rel = project.rel(path)
        try:
            codings = numbered_codings(path, rel)
        except QualcodeError as exc:
            report.findings.append(Finding(exc.location or rel, "problem", exc.message))
            continue
        if tid not in bodies:
            report.findings.append(Finding(rel, "problem", f"no transcript with id '{tid}'" + did_you_mean(tid, bodies)))
            continue
        changed, result = False, []
        for line, c in codings:
            where = f"{rel}:{line}"
            if known is not None and c.code not in known:
                report.findings.append(Finding(where, "problem", f"unknown theme '{c.code}'" + did_you_mean(c.code, known)))
            new, state = anchor(c, bodies[tid])
            if state == MOVED:
                report.findings.append(Finding(where, "moved", f"'{c.code}' moved from {c.start}-{c.end} to {new.start}-{new.end}"))
            elif state == FUZZY:
                report.findings.append(Finding(where, "fuzzy", f"'{c.code}' found again approximately at {new.start}-{new.end}: "
                                                              f"\"{short(c.text, 50)}\" is now \"{short(new.text, 50)}\""))
            elif state == ORPHANED:
                report.findings.append(Finding(where, "orphaned", f"'{c.code}': \"{short(c.text, 50)}\" is no longer in the "
                                                                 "transcript (kept; delete the line if it should go)"))
            if fix and state in (MOVED, FUZZY):
                changed = True
                report.fixed += 1
                result.append(new)
            else:
                result.append(c)
        if changed:
            write_codings(path, result)
    if fix:  # what --fix mended is no longer a finding
        report.findings = [f for f in report.findings if f.kind not in ("moved", "fuzzy")]
    return report
