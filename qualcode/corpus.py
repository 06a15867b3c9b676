"""Everything a command works on, loaded once: project settings, codebook, transcripts, codings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .cache import digest
from .codebook import load_codebook
from .display import short
from .errors import QualcodeError, did_you_mean
from .model import ACCEPTED, Codebook, Coding, Segment, Transcript
from .perf import paused_gc
from .project import Project, open_project
from .segment import segment_all
from .coding_file import CodingFile, load_file
from .store import check_coder, coding_files, coding_path
from .transcripts import find_transcript, load_transcripts


@dataclass
class Corpus:
    project: Project
    codebook: Codebook
    transcripts: list[Transcript]
    files: list[CodingFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # what was read, to make sure a save goes against the same text: transcript id -> (file, hash
    # of its bytes), and the codebook's hash
    fingerprints: dict[str, tuple[Path, str]] = field(default_factory=dict, repr=False)
    codebook_digest: str | None = None
    _index: dict = field(default_factory=dict, repr=False)
    _segmented: tuple | None = field(default=None, repr=False, compare=False)

    def transcript(self, name: str) -> Transcript:
        return find_transcript(self.transcripts, name)

    def segments(self, transcripts: list[Transcript] | None = None) -> dict[str, list[Segment]]:
        if transcripts is not None:
            return segment_all(transcripts, self.project.unit, self.project.cache_dir)
        # The whole corpus is segmented once per command: several analyses ask for it, and even
        # from the cache a million words take a few tenths of a second to rebuild. The key holds
        # the transcripts themselves (frozen), so a changed list segments again.
        key = (self.project.unit, tuple(self.transcripts))
        if self._segmented is None or self._segmented[0] != key:
            self._segmented = (key, segment_all(self.transcripts, self.project.unit, self.project.cache_dir))
        return {tid: list(segs) for tid, segs in self._segmented[1].items()}

    @property
    def coders(self) -> list[str]:
        return sorted({f.coder for f in self.files})

    def file(self, coder: str, transcript_id: str) -> CodingFile:
        """This coder's codings of this transcript (an empty, unsaved one if there are none yet)."""
        if len(self._index) != len(self.files):  # files were added: re-index (a dict, not a scan per call)
            self._index = {(f.coder, f.transcript_id): f for f in self.files}
        found = self._index.get((coder, transcript_id))
        if found is not None:
            return found
        return CodingFile(coder, transcript_id, coding_path(self.project.codings_dir, coder, transcript_id))

    def group_id(self, name: str | None) -> str | None:
        """A stakeholder group as typed (`--group cps`): its id when it matches one without regard
        to case (codebook groups and the groups transcripts name); otherwise as given, for the
        caller's own did-you-mean."""
        if name is None:
            return None
        known = {*self.codebook.groups, *(t.group for t in self.transcripts if t.group)}
        if name in known:
            return name
        return next((g for g in sorted(known) if g.casefold() == name.casefold()), name)

    @property
    def consensus_coders(self) -> list[str]:
        """Coders written by `reconcile` (their codings say which coders they reconcile)."""
        return sorted({f.coder for f in self.files if any("reconciled" in c.extra for c in f.held)})

    def report_coder(self, coder: str | None) -> str | None:
        """Whose codes a report counts, when --coder does not say: qualcode.yaml's `coder` (if they
        have coded), else the one consensus coder `reconcile` wrote, else None: every coder
        pooled. Reports print the choice in their header."""
        if coder is not None:
            return self.known_coder(coder)
        if self.project.coder and self.project.coder in self.coders:
            return self.project.coder
        consensus = self.consensus_coders
        return consensus[0] if len(consensus) == 1 else None

    def known_coder(self, coder: str | None) -> str | None:
        """The coder, if they have codings (None stays None: everyone); else a clear error."""
        if coder is not None and coder not in self.coders:
            raise QualcodeError(f"no codings by '{coder}'" + did_you_mean(coder, self.coders),
                                hint="Coders: " + (", ".join(self.coders) or "none yet"))
        return coder

    def accepted(self, coder: str | None = None) -> list[tuple[str, str, Coding]]:
        """(coder, transcript id, coding) for every accepted, anchored coding."""
        return [(f.coder, f.transcript_id, c) for f in self.files if coder in (None, f.coder)
                for c in f.decided if c.status == ACCEPTED]


def load_corpus(project: Project | None = None, project_dir: Path | None = None,
                skipped: list[str] | None = None) -> Corpus:
    """`skipped`: for commands that only read, transcripts that cannot be read are left out and
    their errors collected there, instead of stopping the command."""
    project = project or open_project(project_dir)
    if project.codebook_path is None:
        raise QualcodeError("no codebook found in codebooks/", project.rel(project.root),
                            "Add a codebook such as codebooks/themes.yaml, or set 'codebook:' in qualcode.yaml.")
    fingerprints: dict[str, tuple[Path, str]] = {}
    unmatched_rows: list[str] = []
    transcripts = load_transcripts(project.transcripts_dir, project.root, project.interviewers, project.encoding,
                                   project.cache_dir, fingerprints, project.allow_outside_links, skipped, unmatched_rows)
    # The codebook and the codings are read without a lock (a read-only checkout must work). A
    # migration that commits meanwhile changes the codebook and leaves a journal while it
    # replaces files: seeing either, wait for it to finish and read again, never mix old and new.
    for attempt in range(3):
        stamp = _codebook_digest(project)
        try:
            corpus = _read_coded(project, transcripts)
        except QualcodeError:
            if attempt == 2 or not _changing(project, stamp):
                raise
            _wait_for_writer(project)
            continue
        if not _changing(project, stamp) or attempt == 2:
            break
        _wait_for_writer(project)
    corpus.fingerprints, corpus.codebook_digest = fingerprints, stamp
    corpus.warnings.extend(unmatched_rows)
    return corpus


def _codebook_digest(project: Project) -> str | None:
    try:
        return digest(project.codebook_path.read_bytes())
    except OSError:
        return None


def _changing(project: Project, stamp: str | None) -> bool:
    from .transaction import pending

    return _codebook_digest(project) != stamp or bool(pending(project.cache_dir))


def _wait_for_writer(project: Project) -> None:
    from .locking import command_name, project_lock

    try:
        with project_lock(project.root, command_name()):
            pass
    except QualcodeError:
        pass  # cannot lock (a read-only copy): read again all the same


def _read_coded(project: Project, transcripts: list[Transcript]) -> Corpus:
    codebook = load_codebook(project.codebook_path, project.rel(project.codebook_path))
    corpus = Corpus(project, codebook, transcripts)
    corpus.warnings.extend(_group_warnings(codebook, transcripts))
    bodies = {t.id: t.body for t in transcripts}
    known = set(codebook.ids)
    with paused_gc(long_lived=True):  # codings live as long as the command: 235k read 2.7x faster
        for coder, tid, path in coding_files(project.codings_dir):
            rel = project.rel(path)
            if tid not in bodies:
                corpus.warnings.append(f"{rel}: no transcript with id '{tid}'; its codings are kept but not used")
            cf = load_file(path, coder, tid, bodies.get(tid), rel, known, defer=True)
            for c in cf.orphaned:
                corpus.warnings.append(f"{rel}: coding '{c.code}' at {c.start}-{c.end} is orphaned: its text "
                                       f"\"{short(c.text, 50)}\" is no longer in the transcript (kept in the file)")
            corpus.files.append(cf)
    return corpus


def resolve_coder(corpus: Corpus, coder: str | None) -> str:
    """The coder to write as: the flag, else qualcode.yaml's `coder`, else the only coder there is."""
    name = coder or corpus.project.coder
    if not name:
        existing = corpus.coders
        if len(existing) == 1:
            name = existing[0]
        else:
            raise QualcodeError("which coder? " + (f"codings/ has {', '.join(existing)}" if existing else
                                                   "no one has coded yet"),
                                hint="Pass --coder NAME, or set 'coder: NAME' in qualcode.yaml.")
    return check_coder(name)


def _group_warnings(codebook: Codebook, transcripts: list[Transcript]) -> list[str]:
    """A transcript (or focus-group speaker) in a group the codebook does not declare would get
    no group-specific themes and a report section of its own: say so, with a likely fix."""
    if not codebook.groups:
        return []
    out = []
    for t in transcripts:
        if not t.group and not any(turn.group for turn in t.turns):
            out.append(f"{t.path}: no stakeholder group; add 'group:' to its front matter or its participants.csv "
                       f"row ({', '.join(codebook.groups)}); until then its themes are the ones for all groups")
        for g in sorted({x for x in [t.group, *(turn.group for turn in t.turns)] if x}):
            if g not in codebook.groups:
                out.append(f"{t.path}: group '{g}' is not declared in the codebook"
                           f"{did_you_mean(g, codebook.groups)}; its themes will be the ones for all groups")
    return out

