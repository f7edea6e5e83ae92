"""The engine demo market: it trades, replays from its seed, and ranks grades by price."""

from __future__ import annotations

import datetime as dt

from tokenpit.engine import TradeExecuted
from tokenpit.sim import EngineDemo
from tokenpit.specs import default_spec

NOW = dt.datetime(2026, 12, 3, 14, 30, tzinfo=dt.UTC)


def run(seed: int, steps: int) -> EngineDemo:
    market = EngineDemo(default_spec(), NOW, seed=seed)
    for _ in range(steps):
        market.step()
    return market


def test_demo_lists_every_grade_for_the_first_periods() -> None:
    market = EngineDemo(default_spec(), NOW, periods=2)

    assert sorted(market.summaries) == [
        "CHAT-A.2026-12-03T14",
        "CHAT-A.2026-12-03T15",
        "CHAT-B.2026-12-03T14",
        "CHAT-B.2026-12-03T15",
        "CHAT-C.2026-12-03T14",
        "CHAT-C.2026-12-03T15",
    ]


def test_the_same_seed_replays_the_same_market() -> None:
    first = [e.to_dict() for e in _events(7, 500)]
    second = [e.to_dict() for e in _events(7, 500)]

    assert first == second
    assert any(e["event"] == "TradeExecuted" for e in first)


def test_better_grades_settle_at_higher_prices() -> None:
    market = run(seed=3, steps=6_000)

    vwap: dict[str, list[int]] = {}
    for summary in market.summaries.values():
        assert summary.vwap_micros is not None, summary.symbol
        vwap.setdefault(summary.symbol[:6], []).append(summary.vwap_micros)
    assert min(vwap["CHAT-A"]) > max(vwap["CHAT-B"])
    assert min(vwap["CHAT-B"]) > max(vwap["CHAT-C"])


def test_summary_volume_matches_the_trades() -> None:
    market = EngineDemo(default_spec(), NOW, seed=5)
    volume: dict[str, int] = {}
    for _ in range(2_000):
        for event in market.step():
            if isinstance(event, TradeExecuted):
                volume[event.instrument] = volume.get(event.instrument, 0) + event.lots

    assert {s.symbol: s.volume_lots for s in market.summaries.values() if s.volume_lots} == volume


def _events(seed: int, steps: int) -> list[TradeExecuted]:
    market = EngineDemo(default_spec(), NOW, seed=seed)
    return [e for _ in range(steps) for e in market.step()]  # type: ignore[misc]
