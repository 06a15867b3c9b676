"""Small, measured speed-ups shared by the bulk loaders."""

from __future__ import annotations

import gc
from contextlib import contextmanager


# Set by the command-line entry point: a short-lived process, where freezing cannot pile up
# garbage cycles the way it could in a long-running session that loads corpora again and again.
FREEZE_LONG_LIVED = False


@contextmanager
def paused_gc(long_lived: bool = False):
    """Pause the cyclic garbage collector while building many small acyclic objects.

    With spaCy loaded the heap is large, and every automatic collection walks it; building a
    million-word corpus's tuples triggered enough of them to cost ~40% of that step
    (benchmarks/bench_foundation.py). Reference counting still frees everything as usual.

    `long_lived`: what was built lives as long as the command (a corpus's transcripts and
    segments), so in the CLI it is frozen out of later collections (gc.freeze) instead of being
    walked again by the first ones after the pause: 30-50 ms each on a million words, paid by
    whatever step happened to allocate next. Frozen objects are still freed when unreferenced."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if long_lived and FREEZE_LONG_LIVED:
            gc.freeze()
        if was_enabled:
            gc.enable()
