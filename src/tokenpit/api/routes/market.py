"""Public market data: the spec, listed instruments, order books and the trade tape."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from tokenpit.api.auth import MaybeCaller
from tokenpit.api.errors import ApiError
from tokenpit.api.market import book_body, own_trade, public_trade
from tokenpit.api.market_models import Book, Instrument, SpecTerms
from tokenpit.api.reading import in_thread, next_before_id
from tokenpit.api.requests import MAX_ID
from tokenpit.api.responses import Listing, Page, Trade
from tokenpit.api.routes import error_responses
from tokenpit.api.state import State
from tokenpit.api.texts import NS_PER_S, iso_utc
from tokenpit.specs import Spec, instrument_state, parse_symbol
from tokenpit.storage import MAX_PAGE_ROWS

MAX_BOOK_LEVELS = 100
Symbol = Annotated[str, Path(min_length=1, max_length=64, examples=["CHAT-B.2026-12-03T14"])]


async def spec_terms(state: State) -> dict[str, Any]:
    """Return the spec traded here: contract terms and grades, best first."""
    return spec_body(state.core.spec)


async def list_instruments(state: State) -> dict[str, Any]:
    """List the instruments open for trading, by delivery period, best grade first."""
    spec = state.core.spec
    now = dt.datetime.fromtimestamp(state.core.clock.now_ns() // NS_PER_S, dt.UTC)
    records = sorted(
        state.core.exchange.state.instruments.values(),
        key=lambda record: (record.period_start_ns, spec.rank(record.grade)),
    )
    data = []
    for record in records:
        instrument = parse_symbol(spec, record.symbol)
        data.append(
            {
                "symbol": record.symbol,
                "grade": instrument.grade_symbol,
                "period_start": iso_utc(record.period_start_ns),
                "period_end": iso_utc(record.period_end_ns),
                "period_start_ns": record.period_start_ns,
                "period_end_ns": record.period_end_ns,
                "state": str(instrument_state(instrument, spec, now)),
            }
        )
    return {"data": data}


async def order_book(
    instrument: Symbol,
    state: State,
    levels: Annotated[int, Query(ge=1, le=MAX_BOOK_LEVELS, description="levels a side")] = 10,
) -> dict[str, Any]:
    """Return an instrument's order book, aggregated by price, best first."""
    body = book_body(state.core.exchange, instrument, levels)
    if body is None:
        failure = state.core.exchange.unlisted(instrument)
        raise ApiError(404, failure.message, code=failure.code, param="instrument")
    return body


async def list_trades(
    state: State,
    caller: MaybeCaller,
    instrument: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    mine: Annotated[bool, Query(description="only your trades, with your side")] = False,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_ROWS)] = 100,
    before_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> dict[str, Any]:
    """Return the trade tape, newest first; with `mine=true` and a key, your own trades."""
    if mine and caller is None:
        raise ApiError(
            401,
            "mine=true needs an API key: send Authorization: Bearer <key>",
            code="missing_api_key",
        )
    account_id = caller.account_id if mine and caller is not None else None
    rows = await in_thread(
        state.core.store.trades,
        instrument=instrument,
        account_id=account_id,
        limit=limit,
        before_id=before_id,
    )
    show = own_trade if account_id is not None else public_trade
    cursor = next_before_id(rows, "trade_id", limit)
    return {"data": [show(row) for row in rows], "next_before_id": cursor}


def spec_body(spec: Spec) -> dict[str, Any]:
    """Return a spec's terms as JSON-friendly data; money and sizes stay integers."""
    weight = spec.input_weight
    return {
        "family": spec.family,
        "version": spec.version,
        "unit_tokenizer": spec.unit_tokenizer,
        # A weight read from decimal text has a finite decimal expansion: exact here.
        "input_weight": str(Decimal(weight.numerator) / Decimal(weight.denominator)),
        "lot_units": spec.lot_units,
        "tick_micros": spec.tick_micros,
        "period_s": spec.period_s,
        "listing_lead_s": spec.listing_lead_s,
        "unused": str(spec.unused),
        "seller_bond_pct": spec.seller_bond_pct,
        "offgrade_discount_pct": spec.offgrade_discount_pct,
        "fee_bps": spec.fee_bps,
        "default_penalty_pct": spec.default_penalty_pct,
        "grades": [
            {
                "name": grade.name,
                "symbol": f"{spec.symbol_family}-{grade.name}",
                "quality_min": grade.quality_min,
                "category_floor": grade.category_floor,
                "ttft_p95_ms": grade.ttft_p95_ms,
                "output_tps_min": grade.output_tps_min,
                "context_tokens_min": grade.context_tokens_min,
                "features": sorted(str(feature) for feature in grade.features),
            }
            for grade in spec.grades
        ],
    }


def routes() -> APIRouter:
    """Build the market-data router (public: no key needed)."""
    router = APIRouter(tags=["market data"], responses=error_responses())
    router.add_api_route(
        "/api/specs",
        spec_terms,
        methods=["GET"],
        response_model=SpecTerms,
        summary="The spec: contract terms and grades",
    )
    router.add_api_route(
        "/api/instruments",
        list_instruments,
        methods=["GET"],
        response_model=Listing[Instrument],
        summary="Listed instruments",
    )
    router.add_api_route(
        "/api/book/{instrument}",
        order_book,
        methods=["GET"],
        response_model=Book,
        summary="An instrument's order book",
    )
    router.add_api_route(
        "/api/trades",
        list_trades,
        methods=["GET"],
        response_model=Page[Trade],
        summary="The trade tape, or your own trades",
        # A key is optional here: it is needed only for mine=true.
        openapi_extra={"security": [{}, {"HTTPBearer": []}]},
    )
    return router
