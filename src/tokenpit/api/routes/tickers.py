"""Tickers: one row per listed instrument, what a markets table shows at a glance.

Each request reads at most `ApiConfig.market_trades_max` trades, newest first: a window
holding more trades than that is summarised from its most recent ones only.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Final

from fastapi import APIRouter, Query

from tokenpit.api.errors import ApiError
from tokenpit.api.market_models import Tickers
from tokenpit.api.reading import in_thread, recent_trades, trade_records
from tokenpit.api.routes import error_responses
from tokenpit.api.state import AppState, State
from tokenpit.api.texts import NS_PER_S
from tokenpit.core.state import InstrumentRecord
from tokenpit.marketdata import BestPrices, ticker
from tokenpit.specs import instrument_state, parse_symbol
from tokenpit.storage import Row

MAX_TICKER_WINDOW_S: Final = 7 * 86_400


async def list_tickers(
    state: State,
    grade: Annotated[
        str | None,
        Query(min_length=1, max_length=32, description="only this grade's", examples=["CHAT-B"]),
    ] = None,
    window_s: Annotated[
        int, Query(ge=1, le=MAX_TICKER_WINDOW_S, description="volume and change over this")
    ] = 86_400,
) -> dict[str, Any]:
    """List every listed instrument's ticker, by delivery period, best grade first.

    Last price (however old), best bid and ask, spread, and the volume, change, high and
    low of its trades in the last `window_s` seconds.
    """
    listed = _listed(state, grade)
    now_ns = state.core.clock.now_ns()
    # Books belong to the core's event loop: read them here, before going to a thread.
    engine_books = state.core.exchange.engine.books
    books: dict[str, BestPrices] = {
        record.symbol: (book.best_bid(), book.best_ask())
        for record in listed
        if (book := engine_books.get(record.symbol)) is not None
    }
    since_ns = now_ns - window_s * NS_PER_S
    rows = await in_thread(_trades_of, state, [record.symbol for record in listed], since_ns)
    records = trade_records(state.core.spec, rows)

    now = dt.datetime.fromtimestamp(now_ns // NS_PER_S, dt.UTC)
    data = []
    for record in listed:
        instrument = parse_symbol(state.core.spec, record.symbol)
        bid, ask = books.get(record.symbol, (None, None))
        row = ticker(record.symbol, records, bid, ask, now_ns, window_s).to_dict()
        data.append(
            {
                **row,
                "grade": instrument.grade_symbol,
                "period_start_ns": record.period_start_ns,
                "period_end_ns": record.period_end_ns,
                "state": str(instrument_state(instrument, state.core.spec, now)),
            }
        )
    return {"as_of_ns": now_ns, "window_s": window_s, "data": data}


def _listed(state: AppState, grade: str | None) -> list[InstrumentRecord]:
    """Return the listed instruments (of `grade` when given), by period, best grade first."""
    spec = state.core.spec
    symbols = [f"{spec.symbol_family}-{name}" for name in spec.grade_names]
    if grade is not None and grade not in symbols:
        raise ApiError(
            400,
            f"grade: must be one of {symbols}, got {grade!r}",
            code="unknown_grade",
            param="grade",
        )
    records = [
        record
        for record in state.core.exchange.state.instruments.values()
        if grade is None or record.symbol.partition(".")[0] == grade
    ]
    return sorted(records, key=lambda record: (record.period_start_ns, spec.rank(record.grade)))


def _trades_of(state: AppState, symbols: list[str], since_ns: int) -> list[Row]:
    """Return each instrument's trades since `since_ns`, or else its latest trade."""
    rows: list[Row] = []
    for symbol in symbols:
        left = state.config.market_trades_max - len(rows)
        if left <= 0:
            break
        store = state.core.store
        made = recent_trades(store, instrument=symbol, since_ns=since_ns, max_rows=left)
        rows += made or store.trades(instrument=symbol, limit=1)
    return rows


def routes() -> APIRouter:
    """Build the tickers router (public: no key needed)."""
    router = APIRouter(tags=["market data"], responses=error_responses())
    router.add_api_route(
        "/api/tickers",
        list_tickers,
        methods=["GET"],
        response_model=Tickers,
        summary="Every listed instrument's ticker: last, bid, ask, volume, change",
    )
    return router
