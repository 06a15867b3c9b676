"""One coder's codings of one transcript as loaded: re-anchored against the transcript's current
text, with the suggestions no command has asked about yet left unread (see CodingFile)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .model import SUGGESTED, Coding
from .perf import paused_gc
from .store import FUZZY, MOVED, ORPHANED, anchor, check_known, coding_of_line, file_lines


class _Undeferred:
    """A CodingFile list (`codings`, `base`) whose deferred suggestions are made Codings before it
    is read or replaced."""

    def __set_name__(self, owner, name: str) -> None:
        self.slot = "_" + name

    def __get__(self, cf, owner=None):
        if cf is None:
            return self
        cf._undefer()
        return getattr(cf, self.slot)

    def __set__(self, cf, value: list[Coding]) -> None:
        cf._undefer()
        setattr(cf, self.slot, value)


class CodingFile:
    """One coder's codings of one transcript, re-anchored against its current text.

    A large `suggest` leaves hundreds of thousands of suggestions, which reports, `status` and
    agreement never look into: read with `defer`, a suggestion line as qualcode writes it whose
    quote is where it says is kept as its line (its theme checked) and made a Coding only when
    `codings` or `base` is first asked for; `decided` and `pending` do without them."""

    def __init__(self, coder: str, transcript_id: str, path: Path, rel: str | None = None):
        self.coder, self.transcript_id, self.path = coder, transcript_id, path
        self._codings: list[Coding] = []
        self._base: list[Coding] = []  # as read: what a save merges this process's changes from
        self.moved: list[Coding] = []
        self.fuzzy: list[Coding] = []  # found again only approximately
        self.orphaned: list[Coding] = []
        # Deferred suggestions: (line number, line, start, end) each, and the line number of each
        # of _codings, to put them back in the file's order; `_rel` names the file in messages.
        self._deferred: list[tuple[int, str, int, int]] = []
        self._numbers: list[int] = []
        self._rel = rel or str(path)

    codings = _Undeferred()
    base = _Undeferred()

    @property
    def anchored(self) -> list[Coding]:
        """Codings whose text is where they say: what analysis uses."""
        return self._anchored(self.codings)

    @property
    def held(self) -> list[Coding]:
        """Every coding but the deferred suggestions (so every decision, orphaned ones too)."""
        return self._codings

    @property
    def decided(self) -> list[Coding]:
        """The anchored codings that are not suggestions, in the file's order (no deferred line read)."""
        return [c for c in self._anchored(self._codings) if c.status != SUGGESTED]

    @property
    def pending(self) -> int:
        """How many anchored suggestions wait for a decision."""
        return len(self.pending_spans)

    @property
    def pending_spans(self) -> list[tuple[int, int]]:
        """(start, end) of each anchored suggestion (a deferred one is in place: see load_file)."""
        return [(c.start, c.end) for c in self._anchored(self._codings) if c.status == SUGGESTED] + \
            [(start, end) for _, _, start, end in self._deferred]

    def _anchored(self, codings: list[Coding]) -> list[Coding]:
        orphans = {id(c) for c in self.orphaned}
        return [c for c in codings if id(c) not in orphans]

    def _undefer(self) -> None:
        if not self._deferred:
            return
        with paused_gc(long_lived=True):  # as reading them at first would have
            made = {number: coding_of_line(line, f"{self._rel}:{number}", None) for number, line, _, _ in self._deferred}
        made.update(zip(self._numbers, self._codings))
        # Nothing changed either list while lines were deferred (codings and base make them
        # first): both are still what was read, the same objects.
        self._codings = [made[n] for n in sorted(made)]
        self._base = list(self._codings)
        self._deferred, self._numbers = [], []


def load_file(path: Path, coder: str, transcript_id: str, body: str | None, rel: str,
              known_codes: set[str] | None = None, defer: bool = False) -> CodingFile:
    """A codings file, re-anchored against `body`. With `defer`, suggestion lines in place are
    kept unread (see CodingFile)."""
    cf = CodingFile(coder, transcript_id, path, rel)
    numbered = []
    for number, line in file_lines(path, rel) if path.exists() else []:
        quoted = _suggestion_quote(line) if defer and body is not None else None
        if quoted is not None and body[quoted[1]:quoted[2]] == quoted[3]:
            check_known(quoted[0], f"{rel}:{number}", known_codes)
            cf._deferred.append((number, line, quoted[1], quoted[2]))
            continue
        c = coding_of_line(line, f"{rel}:{number}", known_codes)
        if body is not None:
            c, state = anchor(c, body)
            if state == MOVED:
                cf.moved.append(c)
            elif state == FUZZY:
                cf.fuzzy.append(c)
            elif state == ORPHANED:
                cf.orphaned.append(c)
        numbered.append(number)
        cf._codings.append(c)
    if cf._deferred:
        cf._numbers = numbered
    cf._base = list(cf._codings)
    return cf


_STRING = json.decoder.scanstring  # one JSON string, from just after its opening quote (C)
_SUGGESTED = '"status": "suggested"'
# The start of a line as to_json writes it, up to the quote's opening quotation mark (a theme id
# with an escape in it is left to the JSON reader).
_HEAD = re.compile(r'\{"code": "([^"\\\x00-\x1f]*)", "start": (0|[1-9][0-9]*), "end": (0|[1-9][0-9]*), "text": "')


def _suggestion_quote(line: str) -> tuple[str, int, int, str] | None:
    """(code, start, end, text) of a suggestion's line as to_json writes it, read without the rest
    of it (its reasons, model and so on); None for any other line. A quotation mark inside a JSON
    string is escaped, so '"status"' is a key, or a value of its own; once in a line with no '{'
    after the first (no nested object), '"status": "suggested"' is the coding's own status."""
    if _SUGGESTED not in line or line.count('"status"') != 1 or line.find("{", 1) != -1:
        return None
    head = _HEAD.match(line)
    if head is None:
        return None
    try:
        text, _ = _STRING(line, head.end())
    except ValueError:  # not JSON
        return None
    start, end = int(head[2]), int(head[3])
    return (head[1], start, end, text) if start < end else None
