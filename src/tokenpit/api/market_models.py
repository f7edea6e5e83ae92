"""Response bodies of the market-data routes: spec, instruments, book, candles, prices."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.config import JsonDict

_INDEX_POINT: JsonDict = {
    "start_ns": 1_796_302_800_000_000_000,
    "price_micros": 2_012_500,
    "trades": 14,
    "volume_lots": 37,
    "volume_units": 3_700_000,
}
_TICKER: JsonDict = {
    "instrument": "CHAT-B.2026-12-03T14",
    "grade": "CHAT-B",
    "period_start_ns": 1_796_306_400_000_000_000,
    "period_end_ns": 1_796_310_000_000_000_000,
    "state": "trading",
    "last_micros": 2_015_000,
    "best_bid_micros": 2_010_000,
    "best_ask_micros": 2_020_000,
    "spread_micros": 10_000,
    "volume_lots": 120,
    "change_micros": 35_000,
    "change_bps": 176,
    "high_micros": 2_040_000,
    "low_micros": 1_975_000,
}


class GradeTerms(BaseModel):
    """One grade of the spec: what an endpoint must measure to deliver it."""

    name: str
    symbol: str
    quality_min: float
    category_floor: float
    ttft_p95_ms: int
    output_tps_min: float
    context_tokens_min: int
    features: list[str]


class SpecTerms(BaseModel):
    """The contract terms of the spec traded here, and its grades best first."""

    family: str
    version: str
    unit_tokenizer: str
    input_weight: str
    lot_units: int
    tick_micros: int
    period_s: int
    listing_lead_s: int
    unused: str
    seller_bond_pct: int
    offgrade_discount_pct: int
    fee_bps: int
    default_penalty_pct: int
    grades: list[GradeTerms]


class Instrument(BaseModel):
    """A listed instrument: a grade delivered in one period."""

    symbol: str
    grade: str
    period_start: str
    period_end: str
    period_start_ns: int
    period_end_ns: int
    state: str


class BookLevel(BaseModel):
    """One price level, and the lots from the best level down to it."""

    price_micros: int
    lots: int
    orders: int
    cumulative_lots: int


class Book(BaseModel):
    """An instrument's order book, best levels first."""

    instrument: str
    best_bid_micros: int | None
    best_ask_micros: int | None
    bids: list[BookLevel]
    asks: list[BookLevel]


class Candle(BaseModel):
    """OHLCV of one interval starting at `start_ns`."""

    start_ns: int
    open_micros: int
    high_micros: int
    low_micros: int
    close_micros: int
    volume_lots: int
    volume_units: int
    notional_micros: int
    trades: int


class Candles(BaseModel):
    """An instrument's candles in a window, oldest first."""

    instrument: str
    interval_s: int
    since_ns: int
    until_ns: int
    data: list[Candle]


class IndexPrice(BaseModel):
    """A grade's index price: the VWAP of its trades over the window (null without trades)."""

    grade: str
    price_micros: int | None
    window_s: int
    trades: int
    volume_units: int
    as_of_ns: int


class CurvePoint(BaseModel):
    """One delivery period of the curve: its best prices and its trades so far."""

    instrument: str
    period_start_ns: int
    best_bid_micros: int | None
    best_ask_micros: int | None
    mid_micros: int | None
    last_micros: int | None
    vwap_micros: int | None
    volume_lots: int


class Curve(BaseModel):
    """A grade's forward curve, in delivery order."""

    grade: str
    as_of_ns: int
    data: list[CurvePoint]


class IndexPoint(BaseModel):
    """A grade's VWAP over the interval starting at `start_ns`, and the volume it weighs."""

    model_config = ConfigDict(json_schema_extra={"examples": [_INDEX_POINT]})

    start_ns: int
    price_micros: int
    trades: int
    volume_lots: int
    volume_units: int


class IndexHistory(BaseModel):
    """A grade's index price per interval in [since_ns, until_ns), oldest first."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "grade": "CHAT-B",
                    "interval_s": 60,
                    "since_ns": 1_796_284_800_000_000_000,
                    "until_ns": 1_796_302_860_000_000_000,
                    "data": [_INDEX_POINT],
                }
            ]
        }
    )

    grade: str
    interval_s: int
    since_ns: int
    until_ns: int
    data: list[IndexPoint]


class Ticker(BaseModel):
    """One row of a markets table: an instrument's last price, best prices and window.

    `last_micros` is the latest trade's price, however old; volume, change, high and low
    cover the window only (null, volume 0, without a trade in it). `change_bps` is the
    change in basis points of the window's first price, rounded down.
    """

    model_config = ConfigDict(json_schema_extra={"examples": [_TICKER]})

    instrument: str
    grade: str
    period_start_ns: int
    period_end_ns: int
    state: str
    last_micros: int | None
    best_bid_micros: int | None
    best_ask_micros: int | None
    spread_micros: int | None
    volume_lots: int
    change_micros: int | None
    change_bps: int | None
    high_micros: int | None
    low_micros: int | None


class Tickers(BaseModel):
    """The ticker of every listed instrument, by delivery period, best grade first."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"as_of_ns": 1_796_302_800_000_000_000, "window_s": 86_400, "data": [_TICKER]}
            ]
        }
    )

    as_of_ns: int
    window_s: int
    data: list[Ticker]
