"""Write many rows with few statement steps: multi-row VALUES statements.

Python's sqlite3 releases the GIL around every step of a statement, and `executemany`
steps once per row. When another thread is busy (the core's event loop is, under load),
each release may cost the writer a whole GIL switch interval to get back: a batch of a
thousand rows would wait a thousand times. Writing up to `MAX_ROWS_PER_STEP` rows per step
makes those waits, and the per-step overhead, that many times rarer.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Collection, Sequence
from itertools import chain
from typing import Any

MAX_VALUES_PER_STEP = 999
"""The most values one statement binds: the limit of SQLite builds before 3.32 (2020)."""
MAX_ROWS_PER_STEP = 256


def _shift(row_sql: str, offset: int) -> str:
    """Return `row_sql` with each numbered parameter `?N` renumbered `?(N + offset)`."""
    return re.sub(r"\?(\d+)", lambda number: f"?{int(number[1]) + offset}", row_sql)


class RowStatement:
    """An INSERT whose VALUES row repeats 1, 8 or as many times as fit one step.

    `head` ends where the rows begin (`INSERT INTO t (a, b) VALUES`), `row_sql` is one row
    (`(?, ?)`, or `(?2, -?1), (?1, ?2)` to write several rows from one value tuple) and
    `tail` follows the rows (an `ON CONFLICT` clause). Each value tuple binds `width`
    parameters.
    """

    __slots__ = ("_steps",)

    def __init__(self, head: str, row_sql: str, width: int, tail: str = "") -> None:
        most = max(1, min(MAX_ROWS_PER_STEP, MAX_VALUES_PER_STEP // width))
        numbered = re.search(r"\?\d", row_sql) is not None
        steps = []
        for size in sorted({most, min(most, 8), 1}, reverse=True):
            rows = [
                _shift(row_sql, index * width) if numbered else row_sql for index in range(size)
            ]
            steps.append((size, f"{head} {', '.join(rows)} {tail}".rstrip()))
        self._steps = tuple(steps)

    @property
    def text(self) -> str:
        """Return the statement for one value tuple."""
        return self._steps[-1][1]

    def run(self, cursor: sqlite3.Cursor, rows: Collection[Sequence[Any]]) -> None:
        """Write `rows` in their order, as many as possible per step."""
        pending = rows if isinstance(rows, list) else list(rows)
        start = 0
        for size, text in self._steps:
            count = (len(pending) - start) // size
            if count == 0:
                continue
            end = start + count * size
            if size == 1:
                cursor.executemany(text, pending[start:end])
            else:
                flat = chain.from_iterable
                groups = [tuple(flat(pending[i : i + size])) for i in range(start, end, size)]
                cursor.executemany(text, groups)
            start = end
