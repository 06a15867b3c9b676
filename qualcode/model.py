"""Plain data: what a transcript, a segment, a codebook and a coding are.

Offsets are Unicode code points into a transcript's normalised body (front matter removed,
LF newlines, no BOM), end exclusive: the REFI-QDA convention, so exports copy them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple


class Turn(NamedTuple):
    """One speaker's uninterrupted contribution. A NamedTuple: cheap to build by the thousand."""

    index: int  # 1-based position in the transcript, counting every turn
    speaker: str | None  # None when the text has no speaker labels
    start: int  # offsets of the spoken text (label and timestamp excluded)
    end: int
    text: str
    timestamp: str | None = None
    is_interviewer: bool = False
    participant: str | None = None  # resolved per speaker for focus groups
    group: str | None = None
    role: str | None = None


@dataclass(frozen=True)
class Transcript:
    id: str
    path: str  # relative to the project root where possible
    format: str  # txt | md | vtt | srt | docx | table
    metadata: dict[str, Any]
    body: str
    turns: tuple[Turn, ...]

    @property
    def participant(self) -> str:
        return str(self.metadata.get("participant") or self.id)

    @property
    def group(self) -> str | None:
        group = self.metadata.get("group")
        return None if group in (None, "") else str(group)

    @property
    def role(self) -> str | None:
        role = self.metadata.get("role")
        return None if role in (None, "") else str(role)


class Segment(NamedTuple):
    """A coding unit: a sentence, a paragraph or a whole turn. A NamedTuple because a corpus
    has hundreds of thousands of them and tuples are several times cheaper to build."""

    id: str  # "mps-01:12.2" = turn 12, sentence 2; "mps-01:12" = whole turn
    transcript_id: str
    turn: int
    start: int
    end: int
    text: str
    speaker: str | None
    is_interviewer: bool
    participant: str | None
    group: str | None
    role: str | None

    @property
    def local_id(self) -> str:
        return self.id.split(":", 1)[1]


@dataclass(frozen=True)
class Group:
    id: str
    label: str


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    description: str = ""
    groups: tuple[str, ...] = ()  # empty = coded for every group
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    patterns: tuple[Any, ...] = ()
    examples: tuple[str, ...] = ()
    parent: str | None = None
    depth: int = 0
    line: int | None = None  # 1-based line of the theme in the YAML file
    color: str | None = None  # '#RRGGBB', shown by tools that import the codebook

    @property
    def gloss(self) -> str:
        """The description's first sentence: a one-line gloss for reports."""
        text = " ".join(self.description.split())
        for stop in (". ", "? ", "! "):
            if stop in text:
                return text.split(stop, 1)[0] + stop.strip()
        return text

    def applies_to(self, group: str | None) -> bool:
        return not self.groups or group is None or group in self.groups


@dataclass(frozen=True)
class Codebook:
    name: str
    version: int | str
    groups: dict[str, Group]
    themes: tuple[Theme, ...]  # depth-first tree order, parents before children
    path: str = ""

    def theme(self, theme_id: str) -> Theme | None:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        return None

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.themes]

    def themes_for(self, group: str | None) -> list[Theme]:
        return [t for t in self.themes if t.applies_to(group)]

    def group_label(self, group: str | None) -> str:
        if group is None:
            return "No group"
        known = self.groups.get(group)
        return known.label if known else group


MANUAL = "manual"
ACCEPTED = "accepted"
SUGGESTED = "suggested"
REJECTED = "rejected"


@dataclass(frozen=True)
class Coding:
    code: str
    start: int
    end: int
    text: str
    source: str = MANUAL  # manual | rules | model | import
    status: str = ACCEPTED  # accepted | suggested | rejected
    confidence: float | None = None
    codebook_version: int | str | None = None
    at: str | None = None
    memo: str | None = None
    pinned: bool = False
    extra: dict[str, Any] = field(default_factory=dict)  # unknown keys, kept on rewrite

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.code)

    def moved(self, start: int, end: int) -> "Coding":
        return replace(self, start=start, end=end)
