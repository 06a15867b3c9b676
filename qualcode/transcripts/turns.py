"""`Speaker: text` lines -> turns with code-point offsets into the body.

Shared by every reader: captions and Word documents are first laid out as such lines.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

from ..model import Turn

_TS = r"[\[(]\d{1,2}(?::\d{2}){1,2}(?:[.,]\d+)?[\])]"
_LABEL_LINE = re.compile(
    rf"^(?P<ts1>{_TS}\s*)?(?:\*\*|__)?(?P<label>[^:\n*_\[(][^:\n]{{0,59}}?)(?:\*\*|__)?"
    rf"\s*(?P<ts2>{_TS})?\s*(?:\*\*|__)?:(?:\*\*|__)?(?=\s|$)[ \t]*(?P<ts3>{_TS}\s*)?"
)
_TS_VALUE = re.compile(r"\d{1,2}(?::\d{2}){1,2}(?:[.,]\d+)?")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")

DEFAULT_INTERVIEWERS = ("interviewer", "int", "i", "q", "moderator", "facilitator", "researcher")


def _plausible_speaker(label: str) -> bool:
    """A label no one would write as a speaker name ('The problem was this') is left as text."""
    words = label.split()
    if not words or len(words) > 5 or not label[0].isalnum():
        return False
    if any(ch in label for ch in ",;!?\"“”"):
        return False
    return all(w[0].isupper() or w[0].isdigit() for w in words)


def _match(line: str, speakers: set[str] | None) -> re.Match | None:
    m = _LABEL_LINE.match(line)
    if not m:
        return None
    label = m.group("label").strip()
    if speakers is not None:
        return m if label.casefold() in speakers else None
    return m


def find_speakers(lines: Iterable[str]) -> set[str]:
    """Labels that are speakers: plausible names, or any label used on two or more lines."""
    counts = Counter()
    for line in lines:
        m = _LABEL_LINE.match(line)
        if m:
            counts[m.group("label").strip()] += 1
    return {label.casefold() for label, n in counts.items() if n >= 2 and len(label.split()) <= 5
            or _plausible_speaker(label)}


def parse_turns(
    body: str,
    speakers: Iterable[str] | None = None,
    interviewers: Iterable[str] = DEFAULT_INTERVIEWERS,
    skip_headings: bool = False,
) -> list[Turn]:
    """Split a body into turns. Text with no speaker labels becomes one turn with speaker None.

    `speakers`, when given, is the complete list of speaker names (from front matter or a
    caption's voice tags); otherwise they are recognised by `find_speakers`.
    """
    lines = body.split("\n")
    known = {s.casefold() for s in speakers} if speakers is not None else find_speakers(lines)
    interviewer_names = {s.casefold() for s in interviewers}

    starts: list[tuple[int, str | None, str | None, int]] = []  # (line no, speaker, timestamp, text offset)
    offset = 0
    line_offsets = []
    for number, line in enumerate(lines):
        line_offsets.append(offset)
        m = _match(line, known)
        if m:
            ts = m.group("ts1") or m.group("ts2") or m.group("ts3")
            stamp = _TS_VALUE.search(ts).group(0) if ts else None
            starts.append((number, m.group("label").strip(), stamp, offset + m.end()))
        offset += len(line) + 1

    if not starts or starts[0][0] > 0:
        # Text before the first label (or the whole text) is a turn of its own.
        first_line = 0
        first_offset = 0
        if skip_headings:
            while first_line < len(lines) and (lines[first_line].startswith("#") or not lines[first_line].strip()):
                first_offset += len(lines[first_line]) + 1
                first_line += 1
        starts.insert(0, (first_line, None, None, first_offset))

    turns: list[Turn] = []
    for i, (number, speaker, stamp, text_start) in enumerate(starts):
        end = line_offsets[starts[i + 1][0]] if i + 1 < len(starts) else len(body)
        end = min(end, len(body))
        start = min(text_start, end)
        chunk = body[start:end]
        stripped_left = len(chunk) - len(chunk.lstrip())
        start += stripped_left
        end = start + len(chunk.strip())
        if end <= start:
            continue  # a label with nothing said, or an empty preamble
        is_interviewer = speaker is not None and speaker.casefold() in interviewer_names
        turns.append(Turn(index=len(turns) + 1, speaker=speaker, start=start, end=end,
                          text=body[start:end], timestamp=stamp, is_interviewer=is_interviewer))
    return turns


def paragraphs(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """(start, end) of each blank-line-separated paragraph of `text`, shifted by `offset`."""
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
