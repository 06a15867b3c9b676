"""Bytes -> normalised text: BOM-aware, strict, never mojibake."""

from __future__ import annotations

import codecs

from ..errors import QualcodeError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode(data: bytes, where: str, encoding: str | None = None) -> str:
    """Decode a text file: a BOM decides (UTF-8 or UTF-16); else UTF-8; else, only if it is not
    valid UTF-8, the `encoding` the user named. So a legacy encoding set for one old file never
    garbles the project's UTF-8 files.

    Returns LF-only text without a BOM. Raises QualcodeError naming the file, the line and
    what to do, for empty, binary or undecodable input.
    """
    if not data.strip():
        raise QualcodeError("the file is empty", where, "Add the interview text, or remove the file.")
    chosen = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    if chosen is None and b"\x00" in data[:4096]:
        raise QualcodeError(
            "this looks like a binary file, not a text transcript",
            where,
            "Save it as plain text (UTF-8), .docx, .vtt or .srt; Word's 'Unicode text' is fine too.",
        )
    try:
        text = data.decode(chosen or "utf-8")
    except UnicodeDecodeError as exc:
        if chosen is None and encoding:
            text = _decode_as(data, encoding, where)
        else:
            line = data[: exc.start].count(b"\n") + 1
            column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
            raise QualcodeError(
                f"cannot read the file as {chosen or 'UTF-8'} (byte 0x{data[exc.start]:02x} at line {line}, "
                f"column {column})",
                where,
                "If it was saved in another encoding, say which: qualcode --encoding cp1252 ... "
                "(or 'encoding: cp1252' in qualcode.yaml), or re-save it as UTF-8.",
            )
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        raise QualcodeError("the text contains NUL characters; it looks like a binary file", where,
                            "Save it as plain text (UTF-8).")
    return normalise_newlines(text)


def _decode_as(data: bytes, encoding: str, where: str) -> str:
    try:
        return data.decode(encoding)
    except LookupError:
        from ..errors import SettingsError

        raise SettingsError(f"unknown encoding '{encoding}'", where, "Use a Python codec name such as cp1252 or latin-1.")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise QualcodeError(f"cannot read the file as {encoding} either (byte 0x{data[exc.start]:02x} at line {line})",
                            where, "Find out how it was saved, or re-save it as UTF-8.")
