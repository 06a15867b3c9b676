"""WebVTT (Zoom, Teams) and SubRip captions -> `Speaker: text` lines, one per turn.

Consecutive cues of one speaker merge into one turn; the first cue's start time is kept. So do
consecutive lines of one voice in a speech-to-text .txt (`voice_lines`).
"""

from __future__ import annotations

import html
import re

from ..errors import QualcodeError
from .turns import TIME

_TIMING = re.compile(r"^\s*(\d{1,2}:)?(\d{1,2}):(\d{2})[.,](\d{1,3})\s*-->\s*(\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
_TAG = re.compile(r"</?[^>]+>")
_PREFIX = re.compile(r"^(?:\[([^:\n\]]{1,60})\]|([^:\n]{1,60}?)):\s+")  # "Name: ", or WhisperX's "[SPEAKER_00]: "


def _stamp(m: re.Match) -> str:
    hours = (m.group(1) or "0:")[:-1]
    return f"{int(hours):02d}:{int(m.group(2)):02d}:{int(m.group(3)):02d}"


def _cues(text: str, where: str, kind: str) -> list[tuple[str, int, list[str]]]:
    """(timestamp, line number, payload lines) for each cue."""
    blocks = re.split(r"\n\s*\n", text.strip("\n"))
    cues = []
    line_no = 1
    for block in blocks:
        lines = block.split("\n")
        for i, line in enumerate(lines):
            m = _TIMING.match(line)
            if m:
                cues.append((_stamp(m), line_no + i, [ln for ln in lines[i + 1:] if ln.strip()]))
                break
        line_no += len(lines) + 1  # assumes single blank separators; good enough for messages
    if not cues:
        raise QualcodeError(f"no {kind} cues found (lines like '00:00:01.000 --> 00:00:04.000')", where,
                            "Check the file is a caption file, or save the transcript as .txt instead.")
    return cues


def caption_lines(text: str, where: str, kind: str) -> tuple[str, set[str]]:
    """Lay captions out as '[hh:mm:ss] Speaker: text' lines; return them and the speaker names."""
    if kind == "vtt" and not text.lstrip().startswith("WEBVTT"):
        raise QualcodeError("a WebVTT file must start with 'WEBVTT'", f"{where}:1",
                            "Is this an .srt file? Rename it, or save the transcript as .txt.")
    cues = []  # (speaker, time, words)
    for stamp, _, payload in _cues(text, where, kind):
        speaker = None
        pieces = []
        for line in payload:
            voice = _VOICE.search(line)
            if voice:
                speaker = voice.group(1).strip()
            line = html.unescape(_TAG.sub("", line)).strip()
            prefix = _PREFIX.match(line)
            name = prefix and (prefix.group(1) or prefix.group(2)).strip()
            if name and speaker is None and len(name.split()) <= 5:
                speaker = name
                line = line[prefix.end():]
            if line:
                pieces.append(line)
        if pieces:
            cues.append((speaker, stamp, " ".join(pieces)))
    return _as_turns(cues)


def _as_turns(stretches) -> tuple[str, set[str]]:
    """Stretches of talk (speaker or None, time or None, words) laid out as `[time] Speaker: words`
    paragraphs, a turn each, and the speakers: one speaker's stretches in a row, and those with no
    speaker after them, are one turn, which keeps its first stretch's time."""
    turns: list[list] = []  # [speaker, time, [words]]
    for speaker, stamp, said in stretches:
        if turns and (not speaker or speaker == turns[-1][0]):
            turns[-1][2].append(said)
        else:
            turns.append([speaker, stamp, [said]])
    lines = [(f"[{stamp}] " if stamp else "") + (f"{speaker}: " if speaker else "") + " ".join(p for p in said if p)
             for speaker, stamp, said in turns]
    return "\n\n".join(lines) + "\n", {speaker for speaker, _, _ in turns if speaker}


# A line of speech-to-text: WhisperX's .txt writes "[SPEAKER_00]: text" for each stretch of audio
# (a line it could not give a voice to has no label), others the stretch's times first, whisper's
# console "[00:00.000 --> 00:04.000]  text".
_VOICE_LINE = re.compile(rf"(?:\[(?P<ts>{TIME})(?P<range>[ \t]*-->[ \t]*{TIME})?\][ \t]*)?"
                         r"(?:\[(?P<name>[^\]\n:]{1,60})\]:[ \t]*)?")


def voice_lines(text: str) -> tuple[str, set[str]] | None:
    """A speech-to-text .txt laid out as turns, or None when it is not one. Such a tool writes a
    line per stretch of audio, not per turn, and cuts sentences between lines: its consecutive
    lines of one voice are one turn, as captions' cues are, a line with no voice goes on the
    turn before it, and the stretches' times are not words. It is one when at least two lines
    open with a voice or a stretch's times and nearly all do."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    # A voice, or a stretch's two times: one time before "Name:" is an ordinary transcript's.
    opened = [m if (m := _VOICE_LINE.match(line)).group("name", "range") != (None, None) else None for line in lines]
    voiced = sum(m is not None for m in opened)
    if voiced < 2 or voiced < 0.8 * len(lines):
        return None
    # A voice's turn keeps its first time ("[00:05] SPEAKER_01: ..."); a turn with no voice is words alone.
    stretches = []
    for line, m in zip(lines, opened):
        name = ((m.group("name") or "").strip() if m else "") or None
        stretches.append((name, m.group("ts") if name else None, line[m.end():].strip() if m else line))
    return _as_turns(stretches)
