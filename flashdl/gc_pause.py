"""``paused_gc()``: run a bulk load without the cyclic garbage collector.

A bulk load (a large deck, a million-review history, an .apkg) allocates
millions of objects that live on and form no reference cycles; the cyclic
collector, triggered by allocation counts alone, would walk them again and
again. Reference counting still frees everything as usual. Each caller
says, measured, what the pause buys it; where a benchmark showed nothing,
the pause was removed rather than copied. Pure (no I/O), so the core may use it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic collection inside the block; the collector's state is restored after
    (nested pauses are harmless: only the outermost one turns it back on)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
