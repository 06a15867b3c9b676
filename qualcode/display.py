"""Small helpers for how text appears in messages and tables."""

from __future__ import annotations


def short(text: str, n: int = 70) -> str:
    """White space folded, cut to n characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
