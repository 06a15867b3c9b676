"""`Speaker: text` lines -> turns with code-point offsets into the body.

Shared by every reader: captions and Word documents are first laid out as such lines.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Iterable

from ..model import Turn
from ..project import DEFAULT_INTERVIEWERS

# A time as transcripts write it, "1:07", "00:01:23", "00:00.500"; in brackets ("[00:01:23]",
# "(01:23)") a time stamp (segment.py never makes it a unit's edge).
TIME = r"\d{1,2}(?::\d{2}){1,2}(?:[.,]\d+)?"
BRACKETED_TIME = rf"[\[(]{TIME}[\])]"
_TS_OPEN = rf"[\[(]?{TIME}[\])]?"  # brackets optional
# A time before the name may be bare ("00:00:05 Jo Bloggs: Hello", Zoom's chat and captions).
# The name may be in square brackets, as WhisperX and other diarising speech-to-text tools write
# it ("[SPEAKER_00]: Hello"); the brackets are not part of it.
_LABEL_LINE = re.compile(
    rf"^(?P<ts1>(?:{BRACKETED_TIME}[ \t]*|{_TS_OPEN}[ \t]+))?"
    rf"(?:\*\*|__)?(?P<open>\[)?(?P<label>[^:\n*_\[(][^:\n]{{0,59}}?)(?(open)\])(?:\*\*|__)?"
    rf"[ \t]*(?P<ts2>{BRACKETED_TIME})?[ \t]*(?:\*\*|__)?:(?:\*\*|__)?(?=\s|$)"
    rf"[ \t]*(?P<ts3>{BRACKETED_TIME}[ \t]*)?",
    re.MULTILINE,
)

# A line that is only a name and a time, the words on the lines below it: Otter's and Teams'
# "Priya Shah  0:07", tl;dv's "**Priya Shah** (00:00:07)", Word's Transcribe "00:00:07 Speaker 2".
# The same groups as _LABEL_LINE (ts3 never matches); a match needs a time on one side (_heading).
_HEADING_LINE = re.compile(
    rf"^(?:(?P<ts1>{_TS_OPEN})[ \t]+)?(?:\*\*|__)?(?P<label>[^\s:*_\[(\d][^:\n]{{0,59}}?)(?:\*\*|__)?"
    rf"(?:[ \t]+(?P<ts2>{_TS_OPEN}))?(?P<ts3>(?!))?[ \t]*$",
    re.MULTILINE,
)


def _heading(body: str, at: int) -> re.Match | None:
    m = _HEADING_LINE.match(body, at)
    return m if m is not None and (m.group("ts1") or m.group("ts2")) else None


def is_heading(m: re.Match) -> bool:
    """Whether a label_lines match is a name-and-time line (the words follow on the next line)."""
    return m.re is _HEADING_LINE


def label_lines(body: str, pos: int = 0) -> list[re.Match]:
    """_LABEL_LINE's matches, as finditer would give them (a match never leaves its line), tried
    only at the start of lines holding a colon, found with str.find: on hard-wrapped transcripts
    most lines hold none, and the label pattern's lazy search costs 60 tries at every line start
    (0.86 s -> 0.1 s a million words with a regex for colon lines; 0.05 s with str.find). A line
    with no `Label:` may be a name-and-time line (_HEADING_LINE: its colon is the time's)."""
    match, find, rfind = _LABEL_LINE.match, body.find, body.rfind
    out = []
    i = find(":", pos)
    while i >= 0:
        nl = rfind("\n", pos, i)
        if nl >= 0 or pos == 0 or body[pos - 1] == "\n":  # the line starts at or after pos, as ^ must
            at = nl + 1 if nl >= 0 else pos
            m = match(body, at) or _heading(body, at)
            if m is not None:
                out.append(m)
        eol = find("\n", i)  # the next line's colon, if any
        if eol < 0:
            break
        i = find(":", eol)
    return out


_TS_VALUE = re.compile(TIME)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")



@lru_cache(maxsize=4096)
def _plausible_speaker(label: str) -> bool:
    """A label no one would write as a speaker name ('The problem was this') is left as text."""
    words = label.split()
    if not words or len(words) > 5 or not label[0].isalnum():
        return False
    if any(ch in label for ch in ",;!?\"“”"):
        return False
    return all(w[0].isupper() or w[0].isdigit() for w in words)


def find_speakers(labels: Iterable[str]) -> set[str]:
    """Labels that are speakers: plausible names, or any short label used on two or more lines."""
    counts = Counter(labels)
    return {label.casefold() for label, n in counts.items()
            if (n >= 2 and len(label.split()) <= 5) or _plausible_speaker(label)}


HEADER_KEYS = frozenset({
    "project", "study", "title", "interview", "interview id", "interview date", "interviewee", "participant",
    "participant id", "id", "group", "role", "date", "time", "location", "place", "site", "setting", "mode",
    "duration", "length", "recording", "recorded", "file", "transcript", "transcriber", "transcribed by",
    "organisation", "organization", "language",
})
_HEADER_LINE = re.compile(r"[ \t]*(?:\*\*|__)?(?P<key>[A-Za-z][A-Za-z ]{0,29}?)(?:\*\*|__)?[ \t]*:(?:\*\*|__)?[ \t]*(?P<value>[^\n]*)")


def header_block(body: str, interviewers: Iterable[str] = DEFAULT_INTERVIEWERS) -> tuple[dict[str, str], int]:
    """A block of `Key: value` lines before the first exchange (`Project:`, `Date:`,
    `Location:`, a Word title `Interview: patient 03`): its values as metadata, and where the
    interview itself begins. A line counts only if its key is a usual header word, its value is
    short and not a sentence, and the key is not a speaker (labelling two or more lines of the
    body, or an interviewer's name)."""
    labels: Counter | None = None  # how often each label opens a line: counted only if a header line is met
    speakers = {s.casefold() for s in interviewers}
    meta: dict[str, str] = {}
    at = 0
    while True:
        start = at
        while start < len(body) and body[start] in " \t\n":
            start += 1
        end = body.find("\n", start)
        end = len(body) if end == -1 else end
        m = _HEADER_LINE.fullmatch(body, start, end)
        if m is None:
            break
        key, value = m.group("key").strip().casefold(), m.group("value").strip()
        if (key not in HEADER_KEYS or key in speakers or not value or len(value) > 80
                or len(value.split()) > 10 or value[-1] in ".?!…"):
            break
        if labels is None:
            labels = Counter(m.group("label").strip().casefold() for m in label_lines(body))
        if labels[key] >= 2:
            break
        meta.setdefault(key.replace(" ", "_"), value)
        at = end
    return (meta, at) if meta else ({}, 0)


# What numbers or names one of several interviewers: "Interviewer 2", "I1", "Int.", "Q3",
# "Interviewer B", "Interviewer (JS)", "Moderator [Sam]".
_ROLE_SUFFIX = re.compile(r"(?:\.|\s+[a-z]|\s*(?:\d+|\([^()]*\)|\[[^\[\]]*\]))$")


def is_interviewer_label(speaker: str, names: set[str]) -> bool:
    """Whether a speaker is an interviewer: one of `names` (case-folded), as written or with a
    number, a letter, a name in brackets or a full stop after it."""
    label = speaker.casefold()
    return label in names or _ROLE_SUFFIX.sub("", label).rstrip() in names


def _timed(m: re.Match) -> bool:
    """A name-and-time line, or `TIME Name:` with a bare time: forms a time log in field notes
    ("10:30 Arrival: ...", "Monday 10:30") shares."""
    if is_heading(m):
        return True
    ts1 = m.group("ts1")
    return bool(ts1) and ts1[0] not in "[("


def _timed_format_kept(labelled: list) -> list:
    """Those lines open turns only where some name opens two of them, as speakers' names do in
    a conversation; a log of times and headings does not (each heading once)."""
    timed = Counter(label.casefold() for m, label in labelled if _timed(m))
    if timed and max(timed.values()) >= 2:
        return labelled
    return [(m, label) for m, label in labelled if not _timed(m)] if timed else labelled


def parse_turns(
    body: str,
    speakers: Iterable[str] | None = None,
    interviewers: Iterable[str] = DEFAULT_INTERVIEWERS,
    skip_headings: bool = False,
    skip_to: int = 0,
) -> list[Turn]:
    """Split a body into turns. Text with no speaker labels becomes one turn with speaker None.

    `speakers`, when given, is the complete list of speaker names (from front matter or a
    caption's voice tags); otherwise they are recognised by `find_speakers`.
    """
    # One C-level scan for lines that could open a turn (a label and a colon).
    labelled = [(m, m.group("label").strip()) for m in label_lines(body, skip_to)]  # after any header
    if speakers is None:
        labelled = _timed_format_kept(labelled)
    known = ({s.casefold() for s in speakers} if speakers is not None
             else find_speakers(label for _, label in labelled))
    interviewer_names = {s.casefold() for s in interviewers}

    starts: list[tuple[int, str | None, str | None, int]] = []  # (line start, speaker, timestamp, text start)
    for m, label in labelled:
        if label.casefold() in known:
            ts1, ts2, ts3 = m.group("ts1", "ts2", "ts3")
            ts = ts1 or ts2 or ts3
            starts.append((m.start(), label, _TS_VALUE.search(ts).group(0) if ts else None, m.end()))

    if not starts or starts[0][0] > skip_to:
        # Text before the first label (or the whole text) is a turn of its own.
        first = skip_to
        if skip_headings:  # Markdown titles above the interview are not what anyone said
            while first < len(body):
                line_end = body.find("\n", first)
                line_end = len(body) if line_end == -1 else line_end
                if not (body.startswith("#", first) or not body[first:line_end].strip()):
                    break
                first = line_end + 1
        starts.insert(0, (first, None, None, first))

    asks = {speaker: is_interviewer_label(speaker, interviewer_names) for speaker in {s[1] for s in starts} - {None}}
    turns: list[Turn] = []
    for i, (_, speaker, stamp, start) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(body)
        while start < end and body[start].isspace():  # trim in place: no copies of long turns
            start += 1
        while end > start and body[end - 1].isspace():
            end -= 1
        if end <= start:
            continue  # a label with nothing said, or an empty preamble
        turns.append(Turn(len(turns) + 1, speaker, start, end, body[start:end], stamp, asks.get(speaker, False)))
    return turns


def paragraphs(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """(start, end) of each blank-line-separated paragraph of `text`, shifted by `offset`."""
    if "\n" not in text:  # most turns are one paragraph: skip the regex
        return [(offset, offset + len(text))] if text.strip() else []
    spans = []
    position = 0
    for m in _PARAGRAPH_BREAK.finditer(text):
        spans.append((position, m.start()))
        position = m.end()
    spans.append((position, len(text)))
    out = []
    for s, e in spans:
        piece = text[s:e]
        s2 = s + (len(piece) - len(piece.lstrip()))
        e2 = s2 + len(piece.strip())
        if e2 > s2:
            out.append((s2 + offset, e2 + offset))
    return out
