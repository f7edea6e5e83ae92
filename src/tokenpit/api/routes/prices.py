"""Prices from the trade record: candles, a grade's index price, its history and its curve.

Each request reads at most `ApiConfig.market_trades_max` trades, newest first: a window
holding more trades than that is computed from its most recent ones only.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from tokenpit.api.errors import ApiError
from tokenpit.api.market_models import Candles, Curve, IndexHistory, IndexPrice
from tokenpit.api.reading import in_thread, recent_trades, trade_records
from tokenpit.api.routes import error_responses
from tokenpit.api.state import AppState, State
from tokenpit.api.texts import NS_PER_S, parse_time_ns
from tokenpit.marketdata import (
    CANDLE_INTERVALS_S,
    candles,
    forward_curve,
    index_history,
    index_price,
)
from tokenpit.specs import SymbolError, parse_grade_symbol, parse_symbol
from tokenpit.storage import Row

DEFAULT_CANDLES = 300  # a window without `since` spans this many intervals
MAX_CANDLES = 5_000
MAX_INDEX_WINDOW_S = 7 * 86_400

Symbol = Annotated[str, Path(min_length=1, max_length=64, examples=["CHAT-B.2026-12-03T14"])]
GradeSymbol = Annotated[str, Path(min_length=1, max_length=32, examples=["CHAT-B"])]
TimeQuery = Annotated[
    str | None,
    Query(max_length=64, description="ISO 8601 time", examples=["2026-12-03T13:00:00Z"]),
]


async def instrument_candles(
    instrument: Symbol,
    state: State,
    interval_s: Annotated[int, Query(description=f"one of {CANDLE_INTERVALS_S}")] = 60,
    since: TimeQuery = None,
    until: TimeQuery = None,
) -> dict[str, Any]:
    """Return an instrument's OHLCV candles in [since, until), oldest first.

    `until` defaults to the end of the interval under way and `since` to 300 intervals
    before it; intervals without trades have no candle.
    """
    _check_symbol(state, instrument)
    since_ns, until_ns = _interval_window(state, interval_s, since, until)
    rows = await in_thread(
        recent_trades,
        state.core.store,
        instrument=instrument,
        since_ns=since_ns,
        max_rows=state.config.market_trades_max,
    )
    records = trade_records(state.core.spec, [row for row in rows if row["ts_ns"] < until_ns])
    built = candles(records, interval_s, since_ns, until_ns)
    return {
        "instrument": instrument,
        "interval_s": interval_s,
        "since_ns": since_ns,
        "until_ns": until_ns,
        "data": [candle.to_dict() for candle in built],
    }


async def grade_index_history(
    grade: GradeSymbol,
    state: State,
    interval_s: Annotated[
        int, Query(description=f"one of {CANDLE_INTERVALS_S}", examples=[60])
    ] = 60,
    since: TimeQuery = None,
    until: TimeQuery = None,
) -> dict[str, Any]:
    """Return a grade's index price per interval in [since, until), oldest first.

    Each point is the VWAP of the grade's trades in that interval, every delivery period
    together. `until` defaults to the end of the interval under way and `since` to 300
    intervals before it; intervals without trades have no point.
    """
    _check_grade(state, grade)
    since_ns, until_ns = _interval_window(state, interval_s, since, until)
    rows = await in_thread(
        recent_trades,
        state.core.store,
        instrument=None,
        since_ns=since_ns,
        max_rows=state.config.market_trades_max,
    )
    records = trade_records(state.core.spec, _of_grade(rows, grade))
    points = index_history(records, grade, interval_s * NS_PER_S, since_ns, until_ns)
    return {
        "grade": grade,
        "interval_s": interval_s,
        "since_ns": since_ns,
        "until_ns": until_ns,
        "data": [point.to_dict() for point in points],
    }


def _interval_window(
    state: AppState, interval_s: int, since: str | None, until: str | None
) -> tuple[int, int]:
    """Return [since_ns, until_ns) of a series of intervals; 400 naming a bad parameter."""
    if interval_s not in CANDLE_INTERVALS_S:
        raise ApiError(
            400,
            f"interval_s: must be one of {', '.join(map(str, CANDLE_INTERVALS_S))}, "
            f"got {interval_s}",
            code="bad_interval",
            param="interval_s",
        )
    interval_ns = interval_s * NS_PER_S
    if until:
        until_ns = _time_ns("until", until)
    else:  # the end of the interval under way, so that the latest interval shows
        now_ns = state.core.clock.now_ns()
        until_ns = now_ns - now_ns % interval_ns + interval_ns
    since_ns = _time_ns("since", since) if since else until_ns - DEFAULT_CANDLES * interval_ns
    if since_ns >= until_ns:
        raise ApiError(
            400, f"since: must come before until ({until})", code="bad_window", param="since"
        )
    if (until_ns - since_ns) // interval_ns > MAX_CANDLES:
        raise ApiError(
            400,
            f"since: the window holds more than {MAX_CANDLES:,} intervals of {interval_s} s",
            code="window_too_long",
            param="since",
        )
    return since_ns, until_ns


async def grade_index(
    grade: GradeSymbol,
    state: State,
    window_s: Annotated[int, Query(ge=1, le=MAX_INDEX_WINDOW_S)] = 3_600,
) -> dict[str, Any]:
    """Return a grade's index price: the VWAP of its trades, every period, in the window."""
    _check_grade(state, grade)
    now_ns = state.core.clock.now_ns()
    rows = await in_thread(
        recent_trades,
        state.core.store,
        instrument=None,
        since_ns=now_ns - window_s * NS_PER_S,
        max_rows=state.config.market_trades_max,
    )
    records = trade_records(state.core.spec, _of_grade(rows, grade))
    return index_price(records, grade, now_ns, window_s).to_dict()


async def grade_curve(grade: GradeSymbol, state: State) -> dict[str, Any]:
    """Return a grade's forward curve: best prices and trades of each listed period."""
    _check_grade(state, grade)
    now_ns = state.core.clock.now_ns()
    exchange = state.core.exchange
    listed = [
        (record.symbol, record.period_start_ns, record.period_end_ns)
        for record in exchange.state.instruments.values()
        if record.symbol.partition(".")[0] == grade
    ]
    # Books belong to the core's event loop: read them here, before going to a thread.
    books = {
        symbol: (book.best_bid(), book.best_ask())
        for symbol, _, _ in listed
        if (book := exchange.engine.books.get(symbol)) is not None
    }
    rows = await in_thread(_trades_of, state, [symbol for symbol, _, _ in listed])
    points = forward_curve(grade, listed, trade_records(state.core.spec, rows), books, now_ns)
    return {"grade": grade, "as_of_ns": now_ns, "data": [point.to_dict() for point in points]}


def _trades_of(state: AppState, symbols: list[str]) -> list[Row]:
    rows: list[Row] = []
    for symbol in symbols:
        left = state.config.market_trades_max - len(rows)
        if left <= 0:
            break
        rows += recent_trades(state.core.store, instrument=symbol, since_ns=None, max_rows=left)
    return rows


def _of_grade(rows: list[Row], grade: str) -> list[Row]:
    return [row for row in rows if row["instrument"].partition(".")[0] == grade]


def _check_symbol(state: AppState, symbol: str) -> None:
    try:
        parse_symbol(state.core.spec, symbol)
    except SymbolError as error:
        raise ApiError(404, str(error), code="unknown_instrument", param="instrument") from None


def _check_grade(state: AppState, grade: str) -> None:
    try:
        parse_grade_symbol(state.core.spec, grade)
    except SymbolError as error:
        raise ApiError(404, str(error), code="unknown_grade", param="grade") from None


def _time_ns(param: str, text: str) -> int:
    try:
        return parse_time_ns(text)
    except ValueError as error:
        raise ApiError(
            400, f"{param}: {error}, got {text!r}", code="bad_time", param=param
        ) from None


def routes() -> APIRouter:
    """Build the prices router (public: no key needed)."""
    router = APIRouter(tags=["market data"], responses=error_responses())
    router.add_api_route(
        "/api/candles/{instrument}",
        instrument_candles,
        methods=["GET"],
        response_model=Candles,
        summary="An instrument's candles",
    )
    router.add_api_route(
        "/api/index/{grade}",
        grade_index,
        methods=["GET"],
        response_model=IndexPrice,
        summary="A grade's index price (VWAP over a window)",
    )
    router.add_api_route(
        "/api/index/{grade}/history",
        grade_index_history,
        methods=["GET"],
        response_model=IndexHistory,
        summary="A grade's index price per interval (VWAP of each interval's trades)",
    )
    router.add_api_route(
        "/api/curve/{grade}",
        grade_curve,
        methods=["GET"],
        response_model=Curve,
        summary="A grade's forward curve",
    )
    return router
