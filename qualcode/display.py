"""Small helpers for how text appears in messages and tables."""

from __future__ import annotations


def said(speaker: str | None, text: str = "") -> str:
    """'Speaker: text', or the text alone where no one is named (a file with no speaker labels
    is one turn with no speaker: ': text' read as a stray colon)."""
    return f"{speaker}: {text}" if speaker else text


def short(text: str, n: int = 70) -> str:
    """White space folded, cut to n characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def as_number(text: str, digits: int = 6) -> int | None:
    """A small whole number typed at a prompt ('12'), else None. ASCII digits only and a few of
    them: int() of a pasted 1 MB line of digits, or of '²', raises instead."""
    text = text.strip()
    if text.isascii() and text.isdigit() and len(text) <= digits:
        return int(text)
    return None

