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
        if not self.mapping:
            return text
        pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(k) for k in sorted(self.mapping, key=len, reverse=True))
                             + r")(?![\w-])")
        return pattern.sub(lambda m: self.mapping[m.group(1)], text)
