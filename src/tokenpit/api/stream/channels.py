"""Channels a stream client may subscribe to, and which events each one selects.

trades                           every trade
trades:<instrument>              one instrument's trades
book:<instrument>                the book after it changes (coalesced by the session)
candles:<instrument>:<interval>  the changed candle after each trade
orders                           your orders' updates          (needs a key)
account                          your balances, lots, ledger   (needs a key)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import msgspec

from tokenpit.api.market import public_trade
from tokenpit.core import events as ev
from tokenpit.marketdata import CANDLE_INTERVALS_S, CandleBuilder, TradeRecord
from tokenpit.specs import Spec, SymbolError, epoch_seconds, parse_symbol

TRADES: Final = "trades"
BOOK: Final = "book"
CANDLES: Final = "candles"
ORDERS: Final = "orders"
ACCOUNT: Final = "account"
NS_PER_S: Final = 1_000_000_000

Message = tuple[str, dict[str, Any]]


class ChannelError(ValueError):
    """A channel name the stream refuses, with a stable code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class Channel:
    """A parsed channel name."""

    name: str
    kind: str
    instrument: str | None = None
    interval_s: int | None = None
    period_start_ns: int = 0


def parse_channel(spec: Spec, name: str, *, signed_in: bool) -> Channel:
    """Return the channel `name` names, or raise `ChannelError` saying what is wrong."""
    kind, _, rest = name.partition(":")
    if kind in (ORDERS, ACCOUNT) and not rest:
        if not signed_in:
            raise ChannelError(
                "api_key_required", f"channel {name!r} is private: connect with an API key"
            )
        return Channel(name, kind)
    if kind == TRADES and not rest:
        return Channel(name, kind)
    if kind in (TRADES, BOOK):
        return Channel(name, kind, rest, None, _period_start_ns(spec, rest))
    if kind == CANDLES:
        instrument, _, interval = rest.rpartition(":")
        if not interval.isdigit() or int(interval) not in CANDLE_INTERVALS_S:
            offered = ", ".join(map(str, CANDLE_INTERVALS_S))
            raise ChannelError(
                "bad_interval",
                f"channel {name!r}: the interval must be one of {offered} seconds",
            )
        return Channel(name, kind, instrument, int(interval), _period_start_ns(spec, instrument))
    raise ChannelError(
        "unknown_channel",
        f"unknown channel {name!r}: use trades, trades:<instrument>, book:<instrument>, "
        "candles:<instrument>:<interval_s>, orders or account",
    )


def _period_start_ns(spec: Spec, symbol: str) -> int:
    try:
        return epoch_seconds(parse_symbol(spec, symbol).period_start) * NS_PER_S
    except SymbolError as error:
        raise ChannelError("unknown_instrument", str(error)) from None


class _CandleSeries:
    """The candles of one channel, and the last trade they hold (to skip repeats)."""

    __slots__ = ("builder", "channel", "last_trade_id")

    def __init__(self, channel: Channel, seed: list[TradeRecord]) -> None:
        assert channel.instrument is not None
        assert channel.interval_s is not None
        self.channel = channel
        self.builder = CandleBuilder(channel.instrument, channel.interval_s, max_candles=1)
        self.last_trade_id = 0
        for record in seed:
            self.add(record)

    def add(self, record: TradeRecord) -> dict[str, Any] | None:
        if record.trade_id <= self.last_trade_id:
            return None
        self.last_trade_id = record.trade_id
        candle = self.builder.add(record)
        return {
            "instrument": self.channel.instrument,
            "interval_s": self.channel.interval_s,
            **candle.to_dict(),
        }


class Feed:
    """One connection's channels, and the messages a batch of events makes for them."""

    def __init__(self, account_id: int | None) -> None:
        self._account_id = account_id
        self.channels: dict[str, Channel] = {}
        self._candles: dict[str, _CandleSeries] = {}

    def add(self, channel: Channel, seed: list[TradeRecord] | None = None) -> None:
        """Subscribe to `channel`; a candles channel starts from `seed`, its interval's trades."""
        self.channels[channel.name] = channel
        if channel.kind == CANDLES:
            self._candles[channel.name] = _CandleSeries(channel, seed or [])

    def remove(self, name: str) -> None:
        """Unsubscribe from the channel called `name`, if subscribed."""
        self.channels.pop(name, None)
        self._candles.pop(name, None)

    def messages(self, events: list[ev.AnyEvent]) -> tuple[list[Message], list[str]]:
        """Return the messages `events` make, and the subscribed books they changed."""
        messages: list[Message] = []
        books: list[str] = []
        for event in events:
            if isinstance(event, ev.TradeExecuted):
                messages += self._trade(event)
            elif isinstance(event, ev.BookChanged):
                if f"{BOOK}:{event.instrument}" in self.channels:
                    books.append(event.instrument)
            elif isinstance(event, ev.OrderUpdated):
                if ORDERS in self.channels and event.account_id == self._account_id:
                    messages.append((ORDERS, _data(event)))
            elif ACCOUNT in self.channels and self._concerns_account(event):
                messages.append((ACCOUNT, _data(event)))
        return messages, books

    def _trade(self, event: ev.TradeExecuted) -> list[Message]:
        trade = public_trade(msgspec.structs.asdict(event))
        names = (TRADES, f"{TRADES}:{event.instrument}")
        messages: list[Message] = [(name, trade) for name in names if name in self.channels]
        for name, series in self._candles.items():
            channel = series.channel
            if channel.instrument != event.instrument:
                continue
            record = TradeRecord(
                trade_id=event.trade_id,
                ts_ns=event.ts_ns,
                instrument=event.instrument,
                grade=event.instrument.partition(".")[0],
                period_start_ns=channel.period_start_ns,
                price_micros=event.price_micros,
                lots=event.lots,
                units=event.units,
            )
            candle = series.add(record)
            if candle is not None:
                messages.append((name, candle))
        return messages

    def _concerns_account(self, event: ev.AnyEvent) -> bool:
        me = self._account_id
        if isinstance(event, ev.BalanceChanged):
            return event.account_id == me
        if isinstance(event, ev.LotUpdated):
            return me in (event.buyer_account_id, event.seller_account_id)
        if isinstance(event, ev.TransferPosted):
            return me in (event.source_account_id, event.destination_account_id)
        return False


def _data(event: ev.AnyEvent) -> dict[str, Any]:
    """Return an event as plain data, its type under `event`."""
    data: dict[str, Any] = msgspec.to_builtins(event)
    return data
