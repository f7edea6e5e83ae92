"""Public market data: the spec, listed instruments and order books."""

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


async def test_specs_show_the_contract_terms_and_grades(api: ApiHarness) -> None:
    spec = (await api.client.get("/api/specs")).json()

    assert spec["lot_units"] == 100_000
    assert spec["tick_micros"] == 1_000
    assert spec["input_weight"] == "0.25"
    assert [grade["symbol"] for grade in spec["grades"]] == ["CHAT-A", "CHAT-B", "CHAT-C"]


async def test_instruments_are_listed_with_their_periods_and_state(api: ApiHarness) -> None:
    data = (await api.client.get("/api/instruments")).json()["data"]

    by_symbol = {instrument["symbol"]: instrument for instrument in data}
    assert by_symbol["CHAT-B.2026-12-03T13"]["state"] == "delivering"
    assert by_symbol[INSTRUMENT] == {
        "symbol": INSTRUMENT,
        "grade": GRADE,
        "period_start": "2026-12-03T14:00:00Z",
        "period_end": "2026-12-03T15:00:00Z",
        "period_start_ns": OPENING_NS + 50 * 60 * 10**9,
        "period_end_ns": OPENING_NS + 110 * 60 * 10**9,
        "state": "trading",
    }
    assert len(data) == 25 * 3  # the period under way and 24 ahead, in three grades


async def test_the_book_shows_levels_best_first_with_running_totals(api: ApiHarness) -> None:
    buyer = await api.open_account("buyer", ["buyer"], deposit_micros=100_000_000)
    for price_micros, lots in ((1_000_000, 2), (1_200_000, 1), (1_200_000, 3)):
        await api.place(buyer, side="buy", price_micros=price_micros, lots=lots)

    book = (await api.client.get(f"/api/book/{INSTRUMENT}?levels=1")).json()

    assert book == {
        "instrument": INSTRUMENT,
        "best_bid_micros": 1_200_000,
        "best_ask_micros": None,
        "bids": [{"price_micros": 1_200_000, "lots": 4, "orders": 2, "cumulative_lots": 4}],
        "asks": [],
    }


@pytest.mark.parametrize(
    ("symbol", "message"),
    [
        ("CHAT-B.2026-12-09T14", "is not listed yet: trading opens at 2026-12-08T14:00:00"),
        ("CHAT-B.2026-12-01T14", "has closed: its period ended at 2026-12-01T15:00:00"),
        ("CHAT-Z.2026-12-03T14", "symbol 'CHAT-Z.2026-12-03T14'"),
    ],
)
async def test_the_book_of_an_unlisted_instrument_is_404_saying_why(
    api: ApiHarness, symbol: str, message: str
) -> None:
    response = await api.client.get(f"/api/book/{symbol}")

    assert response.status_code == 404
    assert message in response.json()["error"]["message"]
