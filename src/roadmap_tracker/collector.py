"""Python's cycle collector: run less often for the whole of a command, and not at all while a
large plan, diary or history is read into the store.

The collector runs each time a few hundred objects have been made and, now and then, walks every
object still alive. A command over years of history makes hundreds of thousands of objects and
keeps most of them to its end; reading 100,000 items makes millions that all stay alive until
the store has them and that form no cycles. Walking them again and again finds nothing: it cost
a fifth of a long report and more than half of a first sync. Cycles are still collected, less
often (``tune``), and whatever cycles a paused step makes are collected once it ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


def tune() -> None:
    """Collect the youngest objects every 50,000 allocations instead of every 700."""
    gc.set_threshold(50_000, 20, 20)


@contextmanager
def paused() -> Iterator[None]:
    """Run the block with the collector off, and turn it back on after (unless it was off already)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
