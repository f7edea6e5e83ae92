"""Process-wide settings for a long-running tokenpit process (server, demo, benchmarks).

Only programs call this, once, at start: a library that changed the garbage collector
behind its caller's back would surprise it.
"""

from __future__ import annotations

import gc

# CPython's default (700, 10, 10) runs a young-generation pass every 700 container
# allocations; the core allocates several per command (an outcome, its events, a response
# body), and each pass also walks the survivors of the last ones. Measured on order entry
# (bench/order_entry.py), these passes cost about 40% of the core's time; at the values
# below they cost a few per cent, while cyclic garbage still goes within a fraction of a
# second under load.
YOUNG_THRESHOLD = 10_000
MIDDLE_THRESHOLD = 20
OLD_THRESHOLD = 100


def tune_garbage_collector() -> None:
    """Collect rarely, and never again scan what exists now (the recovered state).

    Call it after start-up work: the exchange's state loaded from a snapshot lives as long
    as the process, so it moves to the collector's permanent generation.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, MIDDLE_THRESHOLD, OLD_THRESHOLD)
