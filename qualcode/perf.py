"""Small, measured speed-ups shared by the bulk loaders."""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def paused_gc():
    """Pause the cyclic garbage collector while building many small acyclic objects.

    With spaCy loaded the heap is large, and every automatic collection walks it; building a
    million-word corpus's tuples triggered enough of them to cost ~40% of that step
    (benchmarks/bench_foundation.py). Reference counting still frees everything as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
