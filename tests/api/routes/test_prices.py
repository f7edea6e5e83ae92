"""Prices: candles, a grade's index price and its forward curve."""

from __future__ import annotations

import pytest

from tokenpit.testing.api import GRADE, INSTRUMENT, ApiHarness, Trader

pytestmark = pytest.mark.anyio

OPENING_NS = 1_796_303_400_000_000_000  # 2026-12-03T13:10:00Z, the harness's clock


async def trade(api: ApiHarness, prices_micros: list[int]) -> tuple[Trader, Trader, int]:
    """Make one one-lot trade at each price; return the seller, the buyer and the endpoint."""
    seller, endpoint_id = await api.open_seller()
    buyer = await api.open_account("buyer", ["buyer"], deposit_micros=100_000_000)
    for price_micros in prices_micros:
        await api.place(
            seller, side="sell", price_micros=price_micros, lots=1, endpoint_id=endpoint_id
        )
        await api.place(buyer, side="buy", price_micros=price_micros, lots=1)
    return seller, buyer, endpoint_id


async def test_candles_summarise_the_trades_of_each_interval(api: ApiHarness) -> None:
    await trade(api, [2_000_000, 2_100_000])
    api.clock.advance(60)
    await trade(api, [1_900_000])

    candles = (await api.client.get(f"/api/candles/{INSTRUMENT}?interval_s=60")).json()

    assert [candle["start_ns"] for candle in candles["data"]] == [
        OPENING_NS,
        OPENING_NS + 60 * 10**9,
    ]
    first = candles["data"][0]
    assert (first["open_micros"], first["high_micros"], first["close_micros"]) == (
        2_000_000,
        2_100_000,
        2_100_000,
    )
    assert first["volume_lots"] == 2
    assert first["notional_micros"] == 410_000


async def test_candles_take_a_window_in_iso_times(api: ApiHarness) -> None:
    await trade(api, [2_000_000])

    before = await api.client.get(
        f"/api/candles/{INSTRUMENT}",
        params={"since": "2026-12-03T12:00:00Z", "until": "2026-12-03T13:10:00Z"},
    )
    bad = await api.client.get(f"/api/candles/{INSTRUMENT}", params={"interval_s": 7})
    backwards = await api.client.get(
        f"/api/candles/{INSTRUMENT}",
        params={"since": "2026-12-03T14:00:00Z", "until": "2026-12-03T13:00:00Z"},
    )

    assert before.json()["data"] == []
    assert bad.status_code == 400
    assert bad.json()["error"]["param"] == "interval_s"
    assert backwards.status_code == 400


async def test_the_index_is_the_vwap_of_the_grade_over_the_window(api: ApiHarness) -> None:
    await trade(api, [2_000_000, 2_300_000])

    index = (await api.client.get(f"/api/index/{GRADE}?window_s=600")).json()
    other_grade = (await api.client.get("/api/index/CHAT-A")).json()
    unknown = await api.client.get("/api/index/CHAT-Q")

    assert index == {
        "grade": GRADE,
        "price_micros": 2_150_000,
        "window_s": 600,
        "trades": 2,
        "volume_units": 200_000,
        "as_of_ns": OPENING_NS,
    }
    assert other_grade["price_micros"] is None
    assert unknown.status_code == 404


async def test_the_curve_has_one_point_per_listed_period(api: ApiHarness) -> None:
    seller, _, endpoint_id = await trade(api, [2_000_000])
    await api.place(seller, side="sell", price_micros=2_500_000, lots=1, endpoint_id=endpoint_id)

    curve = (await api.client.get(f"/api/curve/{GRADE}")).json()

    points = {point["instrument"]: point for point in curve["data"]}
    assert len(points) == 25
    assert points[INSTRUMENT]["last_micros"] == 2_000_000
    assert points[INSTRUMENT]["best_ask_micros"] == 2_500_000
    assert points[INSTRUMENT]["volume_lots"] == 1


async def test_the_index_history_is_each_minutes_vwap_of_every_period(api: ApiHarness) -> None:
    seller, buyer, endpoint_id = await trade(api, [2_000_000])
    later = "CHAT-B.2026-12-03T15"
    await api.place(seller, side="sell", price_micros=2_300_000, lots=3, endpoint_id=endpoint_id)
    await api.place(
        seller,
        instrument=later,
        side="sell",
        price_micros=2_100_000,
        lots=1,
        endpoint_id=endpoint_id,
    )
    await api.place(buyer, instrument=later, side="buy", price_micros=2_100_000, lots=1)
    api.clock.advance(120)
    await api.place(buyer, side="buy", price_micros=2_300_000, lots=3)

    history = (await api.client.get(f"/api/index/{GRADE}/history?interval_s=60")).json()

    # (2_000_000 + 2_100_000) / 2 lots in the first minute; 2_300_000 two minutes later.
    assert [(point["start_ns"], point["price_micros"]) for point in history["data"]] == [
        (OPENING_NS, 2_050_000),
        (OPENING_NS + 120 * 10**9, 2_300_000),
    ]
    assert history["data"][0] | {"start_ns": 0, "price_micros": 0} == {
        "start_ns": 0,
        "price_micros": 0,
        "trades": 2,
        "volume_lots": 2,
        "volume_units": 200_000,
    }
    assert (history["grade"], history["interval_s"]) == (GRADE, 60)
    assert history["until_ns"] == OPENING_NS + 180 * 10**9  # the end of the minute under way


async def test_the_index_history_leaves_other_grades_and_times_out(api: ApiHarness) -> None:
    await trade(api, [2_000_000])

    other = (await api.client.get("/api/index/CHAT-A/history")).json()
    before = await api.client.get(
        f"/api/index/{GRADE}/history",
        params={"since": "2026-12-03T12:00:00Z", "until": "2026-12-03T13:10:00Z"},
    )

    assert other["data"] == []
    assert before.json()["data"] == []
    assert before.json()["since_ns"] == OPENING_NS - 70 * 60 * 10**9


@pytest.mark.parametrize(
    ("params", "param", "code"),
    [
        ({"interval_s": 7}, "interval_s", "bad_interval"),
        ({"since": "yesterday"}, "since", "bad_time"),
        ({"since": "2026-12-03T14:00:00Z", "until": "2026-12-03T13:00:00Z"}, "since", "bad_window"),
        ({"since": "2020-01-01T00:00:00Z"}, "since", "window_too_long"),
    ],
)
async def test_a_bad_index_history_window_is_a_400_naming_it(
    api: ApiHarness, params: dict[str, str | int], param: str, code: str
) -> None:
    response = await api.client.get(f"/api/index/{GRADE}/history", params=params)

    assert response.status_code == 400
    assert (response.json()["error"]["param"], response.json()["error"]["code"]) == (param, code)


async def test_the_index_history_of_an_unknown_grade_is_a_404(api: ApiHarness) -> None:
    response = await api.client.get("/api/index/CHAT-Q/history")

    assert (response.status_code, response.json()["error"]["code"]) == (404, "unknown_grade")
