"""Progress bars for long work (first segmentation of a big project, training, evaluation,
REFI archives): shown on stderr, only when it is a terminal and the command is not printing
JSON, and only for work big enough to take seconds. The bar is transient: once done it leaves
nothing on the screen, so a command's output is the same with or without it."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator

_enabled = False
_active = False


def enable(on: bool) -> None:
    """Set by the `qualcode` command: a terminal on stderr, and no --json."""
    global _enabled
    _enabled = on


def wanted_for(argv: list[str], stderr) -> bool:
    return bool(getattr(stderr, "isatty", lambda: False)()) and "--json" not in argv


@contextmanager
def steps(description: str, total: int, big: bool = True) -> Iterator[Callable[[int], None]]:
    """Yields advance(n): a bar of `total` steps when enabled and `big`; otherwise a no-op."""
    global _active
    if not (_enabled and big and total > 0) or _active:  # one bar at a time: inner work runs under it
        yield lambda n=1: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)
        _active = True
        try:
            yield lambda n=1: bar.advance(task, n)
        finally:
            _active = False


def each(description: str, items, big: bool = True) -> Iterator:
    """The items, one step of a bar each (see steps)."""
    items = list(items)
    with steps(description, len(items), big) as advance:
        for item in items:
            yield item
            advance(1)
