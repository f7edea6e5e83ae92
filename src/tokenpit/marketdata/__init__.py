"""Market data: candles, index prices, the forward curve, tickers and depth for charts.

Pure computations over trade records and book snapshots, in integer money: prices are
µUSD per million units and amounts µUSD, never floats. No clock, no I/O, no logging: the
caller passes the time (`now_ns`) and the data; serving them over REST and WebSocket is
the api's job. Times are UTC epoch nanoseconds. Every result type has `to_dict()` giving
JSON-friendly plain data.

It imports only `tokenpit.specs` (symbols, the price quote size) and the engine's trade
event type (`tokenpit.engine.TradeExecuted`), nothing else of ours.
"""

from tokenpit.marketdata.builder import CandleBuilder
from tokenpit.marketdata.candles import (
    CANDLE_INTERVALS_S,
    Candle,
    candles,
    check_interval,
    fill_candle_gaps,
)
from tokenpit.marketdata.curve import (
    BestPrices,
    CurvePoint,
    ListedInstrument,
    forward_curve,
    mid_price,
)
from tokenpit.marketdata.depth import DepthChart, DepthLevel, EngineLevel, depth_levels
from tokenpit.marketdata.prices import (
    IndexPoint,
    IndexPrice,
    index_history,
    index_price,
    vwap,
    vwap_of,
)
from tokenpit.marketdata.records import (
    NS_PER_S,
    TradeRecord,
    in_trade_order,
    trade_order,
    trade_record,
    trades_between,
)
from tokenpit.marketdata.ticker import Ticker, ticker

__all__ = [
    "CANDLE_INTERVALS_S",
    "NS_PER_S",
    "BestPrices",
    "Candle",
    "CandleBuilder",
    "CurvePoint",
    "DepthChart",
    "DepthLevel",
    "EngineLevel",
    "IndexPoint",
    "IndexPrice",
    "ListedInstrument",
    "Ticker",
    "TradeRecord",
    "candles",
    "check_interval",
    "depth_levels",
    "fill_candle_gaps",
    "forward_curve",
    "in_trade_order",
    "index_history",
    "index_price",
    "mid_price",
    "ticker",
    "trade_order",
    "trade_record",
    "trades_between",
    "vwap",
    "vwap_of",
]
