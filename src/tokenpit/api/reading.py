"""Read the store's read models off the event loop, and trades as market-data records.

Store calls block (SQLite), so they run in worker threads; the core's event loop never
waits on a read.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from anyio import to_thread

from tokenpit.marketdata import TradeRecord
from tokenpit.specs import Spec, epoch_seconds, parse_symbol
from tokenpit.storage import MAX_PAGE_ROWS, Row, Store

T = TypeVar("T")
NS_PER_S = 1_000_000_000


async def in_thread(read: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Run a blocking store read in a worker thread and return what it returns."""
    return await to_thread.run_sync(functools.partial(read, *args, **kwargs))


def next_before_id(rows: list[Row], id_field: str, limit: int) -> int | None:
    """Return the cursor of the next page, or None when this page is the last."""
    if len(rows) < limit or not rows:
        return None
    return int(rows[-1][id_field])


def recent_trades(
    store: Store, *, instrument: str | None, since_ns: int | None, max_rows: int
) -> list[Row]:
    """Return trades made at or after `since_ns`, newest first, at most `max_rows` of them."""
    rows: list[Row] = []
    before_id: int | None = None
    while len(rows) < max_rows:
        page = store.trades(
            instrument=instrument,
            since_ns=since_ns,
            limit=min(MAX_PAGE_ROWS, max_rows - len(rows)),
            before_id=before_id,
        )
        rows += page
        if len(page) < MAX_PAGE_ROWS:
            break
        before_id = int(page[-1]["trade_id"])
    return rows


def trade_records(spec: Spec, rows: list[Row]) -> list[TradeRecord]:
    """Return store trade rows as market-data records (grade and period from the symbol)."""
    period_starts: dict[str, int] = {}
    records = []
    for row in rows:
        symbol = row["instrument"]
        if symbol not in period_starts:
            period_starts[symbol] = epoch_seconds(parse_symbol(spec, symbol).period_start)
        records.append(
            TradeRecord(
                trade_id=row["trade_id"],
                ts_ns=row["ts_ns"],
                instrument=symbol,
                grade=symbol.partition(".")[0],
                period_start_ns=period_starts[symbol] * NS_PER_S,
                price_micros=row["price_micros"],
                lots=row["lots"],
                units=row["units"],
            )
        )
    return records
