"""`anonymous: true`: no participant name or id in any output, whatever its format.

Pseudonyms are applied to the finished output text (markdown, csv, json, or a rendered table)
rather than field by field, so no format or future field can leak one. They are stable: numbered
in the sorted order of the ids they replace."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .corpus import Corpus


@dataclass
class Pseudonyms:
    mapping: dict[str, str]

    @classmethod
    def of(cls, corpus: Corpus) -> "Pseudonyms":
        people: set[str] = set()
        names: dict[str, str] = {}  # speaker name -> their participant id
        for t in corpus.transcripts:
            for turn in t.turns:
                if turn.is_interviewer or turn.speaker is None:
                    continue
                pid = turn.participant or t.participant
                people.add(pid)
                names.setdefault(turn.speaker, pid)
            people.add(t.participant)
        person = {pid: f"Participant {i}" for i, pid in enumerate(sorted(people), 1)}
        mapping = dict(person)
        for name, pid in names.items():
            mapping.setdefault(name, person[pid])
            for part in name.split():  # "Taylor Reid" is also "Taylor" and "Reid" in running text
                if len(part) >= 3 and part[0].isupper():
                    mapping.setdefault(part, person[pid])
        for i, t in enumerate(sorted(corpus.transcripts, key=lambda t: t.id), 1):
            mapping.setdefault(t.id, f"Interview {i}")
            mapping.setdefault(t.path, f"Interview {i}")
        return cls(mapping)

    def __call__(self, text: str) -> str:
        """Replace every name and id; idempotent: a pseudonym already in the text is left as it is,
        so text scrubbed before a table was drawn can be scrubbed again after."""
        if not self.mapping:
            return text
        pattern = re.compile(PSEUDONYM + "|" r"(?<![\w-])(" + "|".join(re.escape(k) for k in sorted(self.mapping, key=len, reverse=True))
                             + r")(?![\w-])")
        return pattern.sub(lambda m: self.mapping[m.group(1)] if m.group(1) else m.group(0), text)


PSEUDONYM = r"(?<![\w-])(?:Participant|Interview) \d+(?![\w-])"


def scrub_renderable(obj, scrub):
    """A rich renderable with its text pseudonymised before it is drawn, so column widths and
    borders fit the pseudonyms (scrubbing the drawn text afterwards breaks the borders)."""
    from rich.table import Table
    from rich.text import Text

    if isinstance(obj, str):
        return scrub(obj)
    if isinstance(obj, Text):
        return _scrub_text(obj, scrub)
    if isinstance(obj, Table):
        obj.title, obj.caption = scrub_renderable(obj.title, scrub), scrub_renderable(obj.caption, scrub)
        for column in obj.columns:
            column.header = scrub_renderable(column.header, scrub)
            column._cells = [scrub_renderable(c, scrub) for c in column._cells]
    return obj


def _scrub_text(text, scrub):
    """Scrub a styled Text piece by piece, keeping each piece's styles."""
    from rich.text import Text

    cuts = sorted({s.start for s in text.spans} | {s.end for s in text.spans})
    out = Text(style=text.style, justify=text.justify, overflow=text.overflow, no_wrap=text.no_wrap, end=text.end)
    for piece in text.divide(cuts):
        start = len(out)
        out.append(scrub(piece.plain))
        for span in piece.spans:
            out.stylize(span.style, start, len(out))
    return out
