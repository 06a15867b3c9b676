"""Transcript readers: every format becomes the same Transcript (id, metadata, turns, body)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable

from ..errors import QualcodeError, did_you_mean
from ..model import Transcript
from .captions import caption_lines
from .decode import decode
from .participants import Participants, load_participants
from .text import split_front_matter
from .turns import DEFAULT_INTERVIEWERS, parse_turns
from .word import docx_text

FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".vtt": "vtt", ".srt": "srt", ".docx": "docx"}
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

__all__ = ["FORMATS", "read_transcript", "load_transcripts", "find_transcript", "transcript_files",
           "load_participants", "Participants"]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "transcript"


def transcript_files(folder: Path) -> list[Path]:
    """Transcript files below `folder`, sorted; participant lists, READMEs and hidden files skipped."""
    if not folder.is_dir():
        return []
    files = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if path.suffix.lower() in FORMATS and path.stem.lower() not in ("participants", "readme"):
            files.append(path)
    return files


def read_transcript(
    path: Path,
    participants: Participants | None = None,
    interviewers: Iterable[str] = DEFAULT_INTERVIEWERS,
    encoding: str | None = None,
    rel: str | None = None,
) -> Transcript:
    where = rel or str(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise QualcodeError(f"unsupported file type '{path.suffix}'", where,
                            "qualcode reads " + ", ".join(sorted(set(FORMATS))) + " files.")
    try:
        data = path.read_bytes() if fmt != "docx" else None
    except OSError as exc:
        raise QualcodeError(f"cannot read the file: {exc.strerror}", where)
    meta: dict[str, Any] = {}
    speakers: set[str] | None = None
    if fmt in ("txt", "md"):
        meta, body = split_front_matter(decode(data, where, encoding), where)
    elif fmt in ("vtt", "srt"):
        body, speakers = caption_lines(decode(data, where, encoding), where, fmt)
        speakers = speakers or None
    else:
        body = docx_text(path, where)

    file_meta, per_speaker = participants.lookup(rel or path.name, path.name, path.stem, slug(path.stem)) if participants else ({}, {})
    meta = {**file_meta, **meta}  # front matter wins over the participants file
    if "speakers" in meta and isinstance(meta["speakers"], dict):
        per_speaker = {**per_speaker, **{str(k): v or {} for k, v in meta["speakers"].items()}}
    listed = meta.get("speakers")
    if isinstance(listed, (list, dict)):
        speakers = {str(s) for s in listed}
    if per_speaker and speakers is None:
        speakers = set(per_speaker) | {s for s in interviewers}
    interviewer_names = list(interviewers) + [str(s) for s in meta.get("interviewers") or []]

    tid = str(meta.get("id") or slug(path.stem))
    if not _ID.match(tid):
        raise QualcodeError(f"transcript id '{tid}' may use only letters, digits, '-', '_' and '.'", where,
                            "Change 'id' in the front matter or participants file.")
    meta["id"] = tid
    turns = parse_turns(body, speakers, interviewer_names, skip_headings=(fmt == "md"))
    if not turns:
        raise QualcodeError("the transcript has no text after its front matter", where,
                            "Add the interview text below the closing '---'.")
    if per_speaker:
        lowered = {k.casefold(): v for k, v in per_speaker.items()}
        turns = [replace(t, participant=str(a.get("participant") or t.speaker), group=a.get("group"),
                         role=a.get("role")) if (a := lowered.get((t.speaker or "").casefold())) else t
                 for t in turns]
    return Transcript(id=tid, path=where, format=fmt, metadata=meta, body=body, turns=tuple(turns))


def load_transcripts(folder: Path, root: Path | None = None, interviewers: Iterable[str] = DEFAULT_INTERVIEWERS,
                     encoding: str | None = None) -> list[Transcript]:
    participants = load_participants(folder, encoding)
    out: list[Transcript] = []
    seen: dict[str, str] = {}
    for path in transcript_files(folder):
        rel = str(path.relative_to(root)) if root else str(path)
        t = read_transcript(path, participants, interviewers, encoding, rel=rel)
        if t.id in seen:
            raise QualcodeError(f"transcript id '{t.id}' is also used by {seen[t.id]}", rel,
                                "Give each transcript a unique 'id' in its front matter or participants file.")
        seen[t.id] = rel
        out.append(t)
    return out


def find_transcript(transcripts: list[Transcript], name: str) -> Transcript:
    """By id, file name or path; a clear error with close matches otherwise."""
    for t in transcripts:
        if name in (t.id, t.path, Path(t.path).name, Path(t.path).stem):
            return t
    raise QualcodeError(f"no transcript '{name}'" + did_you_mean(name, [t.id for t in transcripts]),
                        hint="List them with: qualcode status")
