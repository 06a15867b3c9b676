"""Transcript readers: every format becomes the same Transcript (id, metadata, turns, body)."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable

from .. import busy
from ..cache import Pack, digest
from ..errors import QualcodeError, SettingsError, did_you_mean
from ..model import Transcript, Turn
from ..perf import paused_gc
from .decode import decode
from .participants import Participants, load_participants, unmatched
from .text import split_front_matter
from .turns import DEFAULT_INTERVIEWERS, header_block, parse_turns

FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".vtt": "vtt", ".srt": "srt", ".docx": "docx",
           ".html": "html", ".htm": "html"}
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
    data: bytes | None = None,
) -> Transcript:
    """`data`: the file's bytes when the caller has read them already (the loader hashes them)."""
    where = rel or str(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise QualcodeError(f"unsupported file type '{path.suffix}'", where,
                            "qualcode reads " + ", ".join(sorted(set(FORMATS))) + " files.")
    try:
        if data is None and fmt != "docx":
            data = path.read_bytes()
    except OSError as exc:
        raise QualcodeError(f"cannot read the file: {exc.strerror}", where)
    meta: dict[str, Any] = {}
    speakers: set[str] | None = None
    if fmt in ("txt", "md", "html"):
        if fmt == "html":  # noScribe's own format, or a document saved as a web page
            from .html_text import html_text

            body = html_text(decode(data, where, encoding))
        else:
            meta, body = split_front_matter(decode(data, where, encoding), where)
        if fmt != "md" and ("]:" in body or "-->" in body):  # perhaps speech-to-text: a line per stretch of audio
            from .captions import voice_lines

            laid_out = voice_lines(body)
            if laid_out is not None:
                body, speakers = laid_out
    elif fmt in ("vtt", "srt"):  # these readers are imported when needed: a warm run reads the cache
        from .captions import caption_lines

        body, speakers = caption_lines(decode(data, where, encoding), where, fmt)
        speakers = speakers or None
    else:
        from .word import docx_text

        body = docx_text(path, where)

    file_meta, per_speaker = participants.lookup(rel or path.name, path.name, path.stem, slug(path.stem)) if participants else ({}, {})
    meta = {**file_meta, **meta}  # front matter wins over the participants file
    if "speakers" in meta and isinstance(meta["speakers"], dict):
        per_speaker = {**per_speaker, **{str(k): v or {} for k, v in meta["speakers"].items()}}
    per_speaker = {name: v for k, v in per_speaker.items() for name in names([k])}  # "[SPEAKER_01]" is SPEAKER_01
    interviewer_names = list(interviewers) + names(meta.get("interviewers"))
    listed = meta.get("speakers")
    if listed is not None and not isinstance(listed, dict):  # the exact list of who speaks
        speakers = set(names(listed))
    elif isinstance(listed, dict) or (per_speaker and speakers is None):  # metadata per speaker: the interviewer speaks too
        speakers = set(per_speaker) | set(interviewer_names)

    tid = str(meta.get("id") or slug(path.stem))
    if not _ID.match(tid):
        raise QualcodeError(f"transcript id '{tid}' may use only letters, digits, '-', '_' and '.'", where,
                            "Change 'id' in the front matter or participants file.")
    meta["id"] = tid
    meta = _plain(meta)
    skip_to = 0
    if fmt in ("txt", "md", "docx", "html"):  # captions have no header lines
        header, skip_to = header_block(body, interviewer_names)
        for key, value in header.items():
            meta.setdefault(key, value)  # front matter and participants.csv win
    turns = parse_turns(body, speakers, interviewer_names, skip_headings=(fmt == "md"), skip_to=skip_to)
    if not turns and fmt == "html":
        raise QualcodeError("the page has no text outside its head, styles and scripts", where,
                            "Is this the transcript? Save it again from the tool that made it, or as .txt or .docx.")
    if not turns:
        raise QualcodeError("the transcript has no text after its front matter", where,
                            "Add the interview text below the closing '---'.")
    if per_speaker:
        lowered = {k.casefold(): v for k, v in per_speaker.items()}
        turns = [t._replace(participant=str(a.get("participant") or t.speaker), group=a.get("group"),
                            role=a.get("role")) if (a := lowered.get((t.speaker or "").casefold())) else t
                 for t in turns]
    return Transcript(id=tid, path=where, format=fmt, metadata=meta, body=body, turns=tuple(turns))


def names(value: Any) -> list[str]:
    """Speaker names given in front matter or a participants.csv cell: a list, or one text of
    names split by ';' ("interviewers: SPEAKER_00" is one name, not ten letters; a comma may be
    in a name, as in Teams' "Lee, Amy"), each as a label names it: "[SPEAKER_00]" is SPEAKER_00."""
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).split(";")
    return [name for name in (re.sub(r"^\[(.*)\]$", r"\1", str(v).strip()).strip() for v in items) if name]


def _plain(value: Any) -> Any:
    """Metadata as JSON can hold it: YAML dates become ISO text, so cached and fresh loads agree."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


# 2: a header block of `Key: value` lines is metadata, not turns; 3: name-and-time lines open
# turns; 4: participants.csv's headers in any case, its cells split by ';' or tabs too, and
# Word's tracked insertions and content controls read; 5: "[Name]:" labels, and interviewers
# or speakers given as one text, numbered interviewers ("Interviewer 2", "I1"); 6: a speech-to-text
# .txt's consecutive lines of one voice are one turn, its stretches' times not words
READER_VERSION = "6"


def _to_cache(t: Transcript, data: bytes, encoding: str | None) -> list:
    """A compact entry: a text file's body is stored as its offset in the file's text (decoding
    again is cheaper than storing it twice) when it is the end of it, as it is unless the file
    was laid out as turns (a speech-to-text .txt); turns without their text, which the body holds."""
    body: str | int = t.body
    if t.format in ("txt", "md") and (data.endswith(t.body.encode("utf-8", "surrogatepass"))
                                      or decode(data, t.path, encoding).endswith(t.body)):
        body = -len(t.body)
    return [t.id, t.format, t.metadata, body, [[x.index, x.speaker, x.start, x.end, *x[5:]] for x in t.turns]]


_CACHED_TURN = len(Turn._fields) - 1  # a cached turn is all of it but its text, which the body holds


def _from_cache(entry: list, data: bytes, rel: str, encoding: str | None) -> Transcript | None:
    try:
        tid, fmt, meta, body, turns = entry
        if isinstance(body, int):
            body = decode(data, rel, encoding)[body:] if body else ""
        if any(len(x) != _CACHED_TURN for x in turns):
            return None
        new = tuple.__new__  # the fast NamedTuple constructor, hence the check of each entry's width
        return Transcript(tid, rel, fmt, meta, body,
                          tuple([new(Turn, (x[0], x[1], x[2], x[3], body[x[2]:x[3]], *x[4:])) for x in turns]))
    except (ValueError, TypeError, QualcodeError):
        return None  # a damaged entry: parse the file again


def load_transcripts(folder: Path, root: Path | None = None, interviewers: Iterable[str] = DEFAULT_INTERVIEWERS,
                     encoding: str | None = None, cache_dir: Path | None = None,
                     fingerprints: dict[str, tuple[Path, str]] | None = None,
                     allow_outside: bool = False, skipped: list[str] | None = None,
                     warnings: list[str] | None = None) -> list[Transcript]:
    """Every transcript in the folder. With `cache_dir`, a file whose bytes (and participants file
    and settings) are unchanged is taken from the cache instead of being parsed again.
    `fingerprints`, when given, is filled with each transcript's file and a hash of the bytes it
    was read from, so a writer can make sure it saves against the text that is on disk.
    A file that is (or sits behind) a symbolic link leading out of `root` is refused unless
    `allow_outside`. With `skipped`, a file that cannot be read is left out and its error added
    there (for reading commands: one bad file need not hide the rest of the project). `warnings`
    gets participants-file rows that describe no transcript."""
    with paused_gc(long_lived=True):
        return _load_transcripts(folder, root, interviewers, encoding, cache_dir, fingerprints, allow_outside, skipped,
                                 warnings)


READ_BAR_DELAY = 1.0  # seconds of reading before a bar shows: cached projects load well within it
SETTLE = 0.02  # seconds: a file modified more recently than this may still be being written


def read_stable(path: Path, where: str, tries: int = 5) -> bytes:
    """The file's bytes as one consistent snapshot: its size and modification time must be the
    same before and after the read (an editor saving it meanwhile changes them), and a file
    modified a moment ago must stay unchanged a moment longer; else read again, then refuse."""
    import time

    for attempt in range(tries):
        try:
            before = path.stat()
            data = path.read_bytes()
            after = path.stat()
            if time.time_ns() - after.st_mtime_ns < SETTLE * 1e9:
                time.sleep(SETTLE)
                settled = path.stat()
            else:
                settled = after
        except OSError as exc:
            raise QualcodeError(f"cannot read the file: {exc.strerror}", where)
        stamps = {(s.st_size, s.st_mtime_ns) for s in (before, after, settled)}
        if len(stamps) == 1 and len(data) == after.st_size:
            return data
        time.sleep(SETTLE * (attempt + 1))
    raise QualcodeError("the file kept changing while it was read (is it being saved or synced?)", where,
                        "Wait until it is saved, then run the command again. Nothing was changed.")


def check_inside(path: Path, root: Path | None, where: str, allow_outside: bool = False) -> None:
    """Refuse a project file that is a symbolic link (or under one) leading outside the project:
    `ln -s /etc/passwd transcripts/notes.txt` must not be read, shown or exported unasked."""
    if root is None or allow_outside:
        return
    real = path.resolve()
    try:
        real.relative_to(root.resolve())
    except ValueError:
        raise QualcodeError(f"this is a link to a file outside the project ({real})", where,
                            "Copy the file into the project instead, or set 'allow_outside_links: true' in "
                            "qualcode.yaml if the link is meant.")


def _load_transcripts(folder: Path, root: Path | None, interviewers: Iterable[str], encoding: str | None,
                      cache_dir: Path | None, fingerprints: dict | None = None,
                      allow_outside: bool = False, skipped: list[str] | None = None,
                      warnings: list[str] | None = None) -> list[Transcript]:
    participants = load_participants(folder, encoding)
    interviewers = tuple(interviewers)
    context = digest(READER_VERSION, repr(interviewers), encoding or "",
                     *[(folder / n).read_bytes() for n in ("participants.csv", "participants.yaml") if (folder / n).is_file()])
    pack = Pack(cache_dir, "transcripts", READER_VERSION)
    out: list[Transcript] = []
    seen: dict[str, str] = {}
    files = transcript_files(folder)
    # a bar only if reading takes a while: parsing many files the cache does not hold yet
    with busy.steps("Reading transcripts", len(files), delay=READ_BAR_DELAY) as advance:
        for path in files:
            advance(1)
            rel = str(path.relative_to(root)) if root else str(path)
            try:
                if path.is_symlink() or root is not None and not allow_outside and _linked(path, folder):
                    check_inside(path, root, rel, allow_outside)
                data = read_stable(path, rel)
                key = digest(context, rel, data)
                cached = pack.get(key)
                t = _from_cache(cached, data, rel, encoding) if cached is not None else None
                if t is None:
                    t = read_transcript(path, participants, interviewers, encoding, rel=rel, data=data)
                    pack.put(key, _to_cache(t, data, encoding))
            except QualcodeError as exc:
                if skipped is None or isinstance(exc, SettingsError):
                    raise
                skipped.append(str(exc))
                continue
            if t.id in seen:
                raise QualcodeError(f"transcript id '{t.id}' is also used by {seen[t.id]}", rel,
                                    "Give each transcript a unique 'id' in its front matter or participants file.")
            seen[t.id] = rel
            if fingerprints is not None:
                fingerprints[t.id] = (path, digest(data))
            out.append(t)
    pack.save()
    if warnings is not None:
        warnings.extend(unmatched(participants, out, root or folder))
    return out


def _linked(path: Path, folder: Path) -> bool:
    """Is any folder between `folder` and the file a symbolic link? (rarely: checked cheaply)"""
    parent = path.parent
    while parent != folder and parent != parent.parent:
        if parent.is_symlink():
            return True
        parent = parent.parent
    return folder.is_symlink()


def find_transcript(transcripts: list[Transcript], name: str) -> Transcript:
    """By id, file name or path; a clear error with close matches otherwise."""
    for t in transcripts:
        if name in (t.id, t.path, Path(t.path).name, Path(t.path).stem):
            return t
    raise QualcodeError(f"no transcript '{name}'" + did_you_mean(name, [t.id for t in transcripts]),
                        hint="List them with: qualcode status")
