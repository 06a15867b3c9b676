"""Roll sub-themes up into parents that are not coded themselves (as NVivo's aggregate and qc's
`stats -a`): a parent used only to group its children otherwise reads 0 in every report.

A parent that is coded itself keeps its own codings only: adding its children would count two
levels of the scheme as one, and a coder who codes the parent means something by it."""

from __future__ import annotations

from dataclasses import replace

from ..model import Codebook, Coding


def rolled_parents(codebook: Codebook, coded: set[str]) -> set[str]:
    """Themes that have sub-themes and no coding of their own."""
    parents = {t.parent for t in codebook.themes if t.parent}
    return {p for p in parents if p not in coded}


def ancestors(codebook: Codebook) -> dict[str, list[str]]:
    """Theme id -> its parent, grandparent, ... (nearest first)."""
    parent = {t.id: t.parent for t in codebook.themes}
    out: dict[str, list[str]] = {}
    for t in codebook.themes:  # parents come before children, so theirs is known already
        p = parent[t.id]
        out[t.id] = [p, *out.get(p, [])] if p else []
    return out


def roll_up(codebook: Codebook, accepted: list[tuple[str, str, Coding]]
            ) -> tuple[list[tuple[str, str, Coding]], set[str]]:
    """`accepted` (coder, transcript id, coding) plus, for every coding of a sub-theme, a copy
    coded with each ancestor that is rolled up; and the ids of those ancestors."""
    rolled = rolled_parents(codebook, {c.code for _, _, c in accepted})
    if not rolled:
        return accepted, rolled
    up = ancestors(codebook)
    extra = [(coder, tid, replace(c, code=a, pinned=False)) for coder, tid, c in accepted
             for a in up.get(c.code, ()) if a in rolled]
    return accepted + extra, rolled


def rolled_gloss(codebook: Codebook, theme_id: str) -> str:
    """What a rolled-up row stands for, in place of the parent's own gloss."""
    children = [t.label for t in codebook.themes if t.parent == theme_id]
    return "All its sub-themes together (" + ", ".join(children) + ")."
