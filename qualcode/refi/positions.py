"""A source's text, and where a selection is in the text qualcode stores.

The standard counts Unicode code points, end exclusive, in the source text as stored. NVivo for
Windows counts UTF-16 code units and ATLAS.ti is reported to count CRLF as one. The unit is chosen
by the file's `origin` and then verified: where selections name the text they cover, the unit
under which they land on it wins. Offsets are then mapped into the transcript text qualcode reads
(BOM gone, CRLF -> LF)."""

from __future__ import annotations

import bisect
import re

from .read import Source

CODE_POINTS, UTF16, CRLF_AS_ONE = "code points", "UTF-16 code units", "code points with CRLF as one"
ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def decode_source(data: bytes) -> str | None:
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc)
            except UnicodeDecodeError:
                return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None  # the standard says UTF-8; guessing a legacy code page would risk silent mojibake


class Positions:
    """Converts a tool's offsets in the raw text into offsets in the normalised body."""

    def __init__(self, raw: str):
        self.raw = raw
        self.body = raw.replace("\r\n", "\n").replace("\r", "\n")
        self.crlf = [m.start() for m in re.finditer("\r\n", raw)]  # each loses its \r in the body
        self._astral_ends: list[int] | None = None  # UTF-16 offset just past each character outside the BMP

    def _raw_index(self, pos: int, unit: str) -> int:
        """For UTF-16: the first code point whose UTF-16 offset is >= pos. Only characters outside
        the Basic Multilingual Plane (two code units) shift it, so only they are listed."""
        if unit != UTF16:
            return pos
        if self._astral_ends is None:
            self._astral_ends = [m.start() + j + 2 for j, m in enumerate(ASTRAL.finditer(self.raw))]
        if pos <= 0:
            return 0
        if pos > len(self.raw) + len(self._astral_ends):  # past the end: one past the last offset
            return len(self.raw) + 1
        return pos - bisect.bisect_right(self._astral_ends, pos)

    def to_body(self, pos: int, unit: str) -> int:
        if unit == CRLF_AS_ONE:  # counted with CRLF as one: already the body's offsets
            return pos
        i = self._raw_index(pos, unit)
        return i - bisect.bisect_left(self.crlf, i)

    def span(self, start: int, end: int, unit: str) -> tuple[int, int]:
        return self.to_body(start, unit), self.to_body(end, unit)


def _claims(text: str, claimed: str) -> bool:
    """Does the selected text match the name a tool gave the selection (often its text, maybe cut short)?"""
    a, b = " ".join(text.split()), " ".join(claimed.rstrip("…").split())
    if not a or not b:
        return False
    return a == b or (len(b) >= 10 and a.startswith(b)) or (len(a) >= 10 and b.startswith(a))


LABEL = re.compile(r"[A-Za-z_ ]{0,20}[:#]?\s*\d+(\s*[-:]\s*\d+)?")


def is_label(name: str) -> bool:
    """A selection name that labels rather than quotes ('line:12' from qc, 'Selection 3', '12-14'):
    nothing to verify positions against, and nothing to warn about."""
    return bool(LABEL.fullmatch(name.strip()))


def choose_unit(src: Source, pos: Positions, origin: str) -> tuple[str, int, int]:
    """(unit, selections verified, selections with a name to verify against)."""
    default = UTF16 if "nvivo" in origin.lower() else CODE_POINTS
    named = [s for s in src.selections if s.name and s.name.strip() and not is_label(s.name)]
    scores = {}
    for unit in (default, CODE_POINTS, UTF16, CRLF_AS_ONE):
        ok = 0
        for s in named:
            a, b = pos.span(s.start, s.end, unit)
            ok += _claims(pos.body[a:b], s.name)
        scores.setdefault(unit, ok)
    best = max(scores, key=lambda u: (scores[u], u == default))
    return best, scores[best], len(named)


def docx_text(data: bytes | None) -> str | None:
    """The paragraphs of a Word file, for a source that has no plain text; None if unreadable."""
    import io

    if data is None:
        return None
    from ..archives import check_office

    check_office(data, "a source's Word text in the archive")  # a bomb is refused, not inflated
    try:
        from docx import Document

        return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    except Exception:  # noqa: BLE001  python-docx raises assorted errors on damaged files; reported as missing text
        return None
