"""Response bodies of the market-data routes: spec, instruments, book, candles, prices."""

from __future__ import annotations

from pydantic import BaseModel


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
