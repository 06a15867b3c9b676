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
    """Decode a text file: UTF-8 (BOM or not), UTF-16 with a BOM, or the encoding asked for.

    Returns LF-only text without a BOM. Raises QualcodeError naming the file, the line and
    what to do, for empty, binary or undecodable input.
    """
    if not data.strip():
        raise QualcodeError("the file is empty", where, "Add the interview text, or remove the file.")
    chosen = encoding
    if chosen is None:
        for bom, name in _BOMS:
            if data.startswith(bom):
                chosen = name
                break
    if chosen is None:
        if b"\x00" in data[:4096]:
            raise QualcodeError(
                "this looks like a binary file, not a text transcript",
                where,
                "Save it as plain text (UTF-8), .docx, .vtt or .srt; Word's 'Unicode text' is fine too.",
            )
        chosen = "utf-8"
    try:
        text = data.decode(chosen)
    except LookupError:
        raise QualcodeError(f"unknown encoding '{encoding}'", where, "Use a Python codec name such as cp1252 or latin-1.")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise QualcodeError(
            f"cannot read the file as {chosen} (byte 0x{data[exc.start]:02x} at line {line}, column {column})",
            where,
            "If it was saved in another encoding, pass it, e.g. --encoding cp1252, or re-save it as UTF-8.",
        )
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        raise QualcodeError("the text contains NUL characters; it looks like a binary file", where,
                            "Save it as plain text (UTF-8).")
    return normalise_newlines(text)
