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
def steps(description: str, total: int, big: bool = True, delay: float = 0.0) -> Iterator[Callable[[int], None]]:
    """Yields advance(n): a bar of `total` steps when enabled and `big`; otherwise a no-op. With
    `delay`, the bar (and rich's import) waits until the work has taken that many seconds: work
    that is often quick (reading transcripts the cache already holds) does not flash a bar."""
    global _active
    if not (_enabled and big and total > 0) or _active:  # one bar at a time: inner work runs under it
        yield lambda n=1: None
        return
    bar = _Bar(description, total, delay)
    _active = True
    try:
        yield bar.advance
    finally:
        _active = False
        bar.close()


class _Bar:
    """A rich progress bar on stderr, started once `delay` seconds have passed; transient."""

    def __init__(self, description: str, total: int, delay: float):
        import time

        self.description, self.total, self.done, self.progress = description, total, 0, None
        self.clock = time.monotonic
        self.since = self.clock()
        self.delay = delay
        if delay <= 0:
            self._start()

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.progress is not None:
            self.progress.advance(self.task, n)
        elif self.clock() - self.since >= self.delay:
            self._start()

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                                 TimeRemainingColumn(), console=Console(stderr=True), transient=True)
        self.task = self.progress.add_task(self.description, total=self.total, completed=self.done)
        self.progress.start()

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def each(description: str, items, big: bool = True, delay: float = 0.0) -> Iterator:
    """The items, one step of a bar each (see steps)."""
    items = list(items)
    with steps(description, len(items), big, delay) as advance:
        for item in items:
            yield item
            advance(1)
