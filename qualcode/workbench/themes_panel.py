"""The theme panel both workbench apps share (`code`, and `review` / `reconcile`): each theme in
its colour, indented by depth, and the keys that reach the panel."""

from __future__ import annotations

import hashlib

from rich.text import Text
from textual.widgets import Input, OptionList

from ..model import Theme

PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#e15759", "#76b7b2", "#edc948", "#9c755f",
           "#ff9da7", "#bab0ac")


def colour(theme: Theme) -> str:
    """The codebook's colour, else a stable one from the palette (the same every run)."""
    if theme.color:
        return theme.color
    return PALETTE[int(hashlib.sha1(theme.id.encode()).hexdigest(), 16) % len(PALETTE)]


def theme_label(theme: Theme, mine: bool = True) -> Text:
    """A theme in the panel: its colour, indented by depth, dimmed when for another group."""
    label = Text(no_wrap=True, overflow="ellipsis")
    label.append("█ ", style=colour(theme))
    label.append(" " * theme.depth + theme.label, style="" if mine else "dim italic")
    return label


class ThemePicker:
    """The keys both workbench apps give the theme panel: / opens the filter, tab moves there."""

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()

    def action_switch(self) -> None:
        themes = self.query_one("#themes", OptionList)
        self.set_focus(None if self.focused is themes else themes)
