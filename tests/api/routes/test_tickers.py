"""Tickers: every listed instrument's last price, best prices, volume and change."""

from __future__ import annotations

from typing import Any

import pytest

from tokenpit.testing.api import GRADE, INSTRUMENT, ApiHarness

pytestmark = pytest.mark.anyio

OPENING_NS = 1_796_303_400_000_000_000  # 2026-12-03T13:10:00Z, the harness's clock


async def tickers(api: ApiHarness, **params: Any) -> dict[str, Any]:
    response = await api.client.get("/api/tickers", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_ticker_has_the_last_price_best_prices_and_the_change(api: ApiHarness) -> None:
    seller, endpoint_id = await api.open_seller()
    buyer = await api.open_account("buyer", ["buyer"], deposit_micros=100_000_000)
    for price_micros in (2_000_000, 2_100_000):
        await api.place(
            seller, side="sell", price_micros=price_micros, lots=2, endpoint_id=endpoint_id
        )
        await api.place(buyer, side="buy", price_micros=price_micros, lots=2)
    await api.place(buyer, side="buy", price_micros=1_900_000, lots=1)
    await api.place(seller, side="sell", price_micros=2_200_000, lots=1, endpoint_id=endpoint_id)

    body = await tickers(api)

    row = next(row for row in body["data"] if row["instrument"] == INSTRUMENT)
    assert row == {
        "instrument": INSTRUMENT,
        "grade": GRADE,
        "period_start_ns": OPENING_NS + 50 * 60 * 10**9,
        "period_end_ns": OPENING_NS + 110 * 60 * 10**9,
        "state": "trading",
        "last_micros": 2_100_000,
        "best_bid_micros": 1_900_000,
        "best_ask_micros": 2_200_000,
        "spread_micros": 300_000,
        "volume_lots": 4,
        "change_micros": 100_000,
        "change_bps": 500,
        "high_micros": 2_100_000,
        "low_micros": 2_000_000,
    }
    assert (body["as_of_ns"], body["window_s"]) == (OPENING_NS, 86_400)


async def test_every_listed_instrument_has_a_ticker_by_period_best_grade_first(
    api: ApiHarness,
) -> None:
    body = await tickers(api)

    rows = body["data"]
    assert len(rows) == 75  # three grades, 25 listed periods each
    assert [row["grade"] for row in rows[:3]] == ["CHAT-A", "CHAT-B", "CHAT-C"]
    assert rows[0]["state"] == "delivering"  # the period under way
    assert all(row["last_micros"] is None and row["volume_lots"] == 0 for row in rows)


async def test_a_trade_older_than_the_window_still_sets_the_last_price(api: ApiHarness) -> None:
    seller, endpoint_id = await api.open_seller()
    buyer = await api.open_account("buyer", ["buyer"], deposit_micros=100_000_000)
    await api.place(seller, side="sell", price_micros=2_000_000, lots=1, endpoint_id=endpoint_id)
    await api.place(buyer, side="buy", price_micros=2_000_000, lots=1)
    api.clock.advance(600)

    body = await tickers(api, grade=GRADE, window_s=60)

    row = next(row for row in body["data"] if row["instrument"] == INSTRUMENT)
    assert (row["last_micros"], row["volume_lots"], row["change_bps"]) == (2_000_000, 0, None)
    assert {row["grade"] for row in body["data"]} == {GRADE}


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"grade": "CHAT-Q"}, "grade"),
        ({"window_s": 0}, "window_s"),
        ({"window_s": "x"}, "window_s"),
    ],
)
async def test_bad_ticker_parameters_are_a_400_naming_them(
    api: ApiHarness, params: dict[str, Any], param: str
) -> None:
    response = await api.client.get("/api/tickers", params=params)

    assert response.status_code == 400
    assert response.json()["error"]["param"] == param
