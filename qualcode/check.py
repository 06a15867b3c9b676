"""`qualcode check`: is the project consistent? For editors, CI and a pre-commit hook.

Lists every problem instead of stopping at the first: the codebook (spaCy patterns included),
codings lines that cannot be read, codings of unknown themes or transcripts, and codings whose
text moved (found again exactly or approximately) or can no longer be found (orphaned).
`fix` rewrites the moved ones' offsets; orphans are kept and listed until a person deletes them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from .codebook import read_codebook_text, validate_text
from .display import short
from .errors import QualcodeError, did_you_mean
from .file_digests import FileDigests
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
    remembered = _Remembered(project, known, bodies) if not fix else None
    for coder, tid, path in coding_files(project.codings_dir):
        rel = project.rel(path)
        found, data = remembered.findings(path, rel, tid) if remembered else (None, None)
        if found is None:
            found, result = _examine(path, rel, tid, bodies, known, fix, data)
            if result is not None:
                report.fixed += sum(f.kind in ("moved", "fuzzy") for f in found)
                write_codings(path, result)
            if remembered:
                remembered.keep(rel, found)
        report.findings += found
    if remembered:
        remembered.save()
    if fix:  # what --fix mended is no longer a finding
        report.findings = [f for f in report.findings if f.kind not in ("moved", "fuzzy")]
    return report


def _examine(path, rel: str, tid: str, bodies: dict[str, str], known: set[str] | None, fix: bool,
             data: bytes | None = None) -> tuple[list[Finding], list | None]:
    """One codings file's findings (of its bytes `data` when read already), and with `fix` its
    codings to write when some moved."""
    findings = []
    try:
        codings = numbered_codings(path, rel, data=data)
    except QualcodeError as exc:
        return [Finding(exc.location or rel, "problem", exc.message)], None
    if tid not in bodies:
        return [Finding(rel, "problem", f"no transcript with id '{tid}'" + did_you_mean(tid, bodies))], None
    changed, result = False, []
    for line, c in codings:
        where = f"{rel}:{line}"
        if known is not None and c.code not in known:
            findings.append(Finding(where, "problem", f"unknown theme '{c.code}'" + did_you_mean(c.code, known)))
        new, state = anchor(c, bodies[tid])
        if state == MOVED:
            findings.append(Finding(where, "moved", f"'{c.code}' moved from {c.start}-{c.end} to {new.start}-{new.end}"))
        elif state == FUZZY:
            findings.append(Finding(where, "fuzzy", f"'{c.code}' found again approximately at {new.start}-{new.end}: "
                                                    f"\"{short(c.text, 50)}\" is now \"{short(new.text, 50)}\""))
        elif state == ORPHANED:
            findings.append(Finding(where, "orphaned", f"'{c.code}': \"{short(c.text, 50)}\" is no longer in the "
                                                       "transcript (kept; delete the line if it should go)"))
        changed |= fix and state in (MOVED, FUZZY)
        result.append(new if fix and state in (MOVED, FUZZY) else c)
    return findings, result if changed else None


class _Remembered:
    """Each codings file's findings, kept under .qualcode/ with a hash of all they depend on (the
    file's bytes, its transcript's text, the themes; the transcript ids when it has none), so a
    pre-commit hook's `check` parses only the files that changed: after a `suggest` that left
    218,000 suggestions, reading every line was most of it."""

    VERSION = "2"  # 2: keyed by the file's digest (file_digests.py), not its bytes
    FILE = "check.json"

    def __init__(self, project: Project, known: set[str] | None, bodies: dict[str, str]):
        from .cache import package_version

        self.project, self.bodies = project, bodies
        self.common = "\0".join([self.VERSION, package_version("qualcode"),
                                  "\n".join(sorted(known)) if known is not None else "\x01no codebook"])
        self.kept: dict[str, dict] = {}
        try:
            data = json.loads((project.cache_dir / self.FILE).read_text(encoding="utf-8"))
            self.before = data["files"] if data.get("version") == self.VERSION and isinstance(data["files"], dict) else {}
        except (OSError, ValueError, KeyError, TypeError):
            self.before = {}
        self.keys: dict[str, str] = {}
        self.digests: dict[str, bytes] = {}
        self.files = FileDigests(project.cache_dir)  # a file stat says is unchanged is not read

    def findings(self, path, rel: str, tid: str) -> tuple[list[Finding] | None, bytes | None]:
        """The file's findings if remembered for exactly these inputs, and its bytes if read."""
        try:
            digest, data = self.files.read(path)
        except OSError:
            return None, None  # the check itself says why
        self.keys[rel] = key = hashlib.sha256(self._of_transcript(tid) + digest).hexdigest()
        got = self.before.get(rel)
        if not isinstance(got, dict) or got.get("key") != key:
            return None, data
        try:
            found = [Finding(*f) for f in got["findings"]]
        except (TypeError, KeyError):
            return None, data
        self.kept[rel] = got
        return found, data

    def _of_transcript(self, tid: str) -> bytes:
        """A digest of the themes and the transcript's text (the ids of all when there is no
        such transcript), once per transcript: each coder's file of it shares it."""
        got = self.digests.get(tid)
        if got is None:
            body = self.bodies.get(tid)
            text = body if body is not None else "\x01" + "\n".join(sorted(self.bodies))
            got = self.digests[tid] = hashlib.sha256(f"{self.common}\0{text}".encode("utf-8", "surrogatepass")).digest()
        return got

    def keep(self, rel: str, found: list[Finding]) -> None:
        if rel in self.keys:
            self.kept[rel] = {"key": self.keys[rel], "findings": [[f.location, f.kind, f.message] for f in found]}

    def save(self) -> None:
        from .cache import ensure_cache_dir
        from .storage import atomic_write_text

        self.files.save()
        if self.kept == self.before:
            return
        try:
            ensure_cache_dir(self.project.cache_dir)
            atomic_write_text(self.project.cache_dir / self.FILE, json.dumps({"version": self.VERSION, "files": self.kept}),
                              durable=False)
        except OSError:
            pass  # a read-only project: checked all the same, only not remembered
