"""Trading through the API: an ask, a bid, a trade, and what it leaves in each account."""

from __future__ import annotations

import pytest

from tokenpit.testing.api import INSTRUMENT, ApiHarness

pytestmark = pytest.mark.anyio

PRICE_MICROS = 2_000_000  # $2 per million units: a lot of 100,000 units costs $0.20
LOT_COST_MICROS = 200_000
BOND_MICROS = 40_000  # 20% of the lot's notional


async def test_an_ask_and_a_bid_trade_and_leave_lots_and_ledger_entries(api: ApiHarness) -> None:
    seller, endpoint_id = await api.open_seller()
    buyer = await api.open_account("buyer", ["buyer"], deposit_micros=10_000_000)

    ask = await api.place(
        seller, side="sell", price_micros=PRICE_MICROS, lots=2, endpoint_id=endpoint_id
    )
    bid = await api.place(buyer, side="buy", price_micros=PRICE_MICROS, lots=1)

    assert ask.status_code == 201
    assert ask.json()["status"] == "open"
    assert bid.status_code == 201
    assert bid.json()["status"] == "filled"
    assert bid.json()["trades"] == [
        {"trade_id": 1, "price_micros": PRICE_MICROS, "lots": 1, "units": 100_000}
    ]

    buyer_account = (await api.client.get("/api/account", headers=buyer.headers)).json()
    assert buyer_account["cash_micros"] == 10_000_000 - LOT_COST_MICROS
    assert buyer_account["held_micros"] == 0
    seller_account = (await api.client.get("/api/account", headers=seller.headers)).json()
    assert seller_account["bond_micros"] == 2 * BOND_MICROS  # one lot sold, one offered

    lots = (await api.client.get("/api/lots", headers=buyer.headers)).json()["data"]
    assert len(lots) == 1
    assert lots[0] | {"lot_id": 1, "buyer_account_id": buyer.account_id} == lots[0]
    assert lots[0]["seller_account_id"] == seller.account_id
    assert lots[0]["notional_micros"] == LOT_COST_MICROS
    seller_lots = (await api.client.get("/api/lots", headers=seller.headers)).json()["data"]
    assert [lot["lot_id"] for lot in seller_lots] == [1]

    ledger = (await api.client.get("/api/ledger", headers=buyer.headers)).json()["data"]
    assert [(entry["reason"], entry["amount_micros"]) for entry in ledger] == [
        ("trade", -LOT_COST_MICROS),
        ("deposit", 10_000_000),
    ]


async def test_a_resting_bid_holds_cash_until_cancelled(api: ApiHarness) -> None:
    buyer = await api.open_account("buyer", ["buyer"], deposit_micros=10_000_000)

    placed = await api.place(buyer, side="buy", price_micros=PRICE_MICROS, lots=3)
    held = (await api.client.get("/api/account", headers=buyer.headers)).json()
    order_id = placed.json()["id"]
    cancelled = await api.client.delete(f"/api/orders/{order_id}", headers=buyer.headers)
    released = (await api.client.get("/api/account", headers=buyer.headers)).json()

    assert held["held_micros"] == 3 * LOT_COST_MICROS
    assert held["available_micros"] == 10_000_000 - 3 * LOT_COST_MICROS
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert released["held_micros"] == 0


async def test_replace_changes_price_and_lots(api: ApiHarness) -> None:
    buyer = await api.open_account("buyer", ["buyer"], deposit_micros=10_000_000)
    order_id = (await api.place(buyer, side="buy", price_micros=PRICE_MICROS, lots=3)).json()["id"]

    replaced = await api.client.patch(
        f"/api/orders/{order_id}",
        json={"price_micros": 1_500_000, "lots": 2},
        headers=buyer.headers,
    )
    read = await api.client.get(f"/api/orders/{order_id}", headers=buyer.headers)

    assert replaced.status_code == 200
    assert replaced.json()["price_micros"] == 1_500_000
    assert replaced.json()["remaining_lots"] == 2
    assert read.json()["price_micros"] == 1_500_000


async def test_orders_list_filters_and_pages(api: ApiHarness) -> None:
    buyer = await api.open_account("buyer", ["buyer"], deposit_micros=10_000_000)
    ids = [
        (await api.place(buyer, side="buy", price_micros=1_000_000 + n * 1_000, lots=1)).json()[
            "id"
        ]
        for n in range(3)
    ]
    await api.client.delete(f"/api/orders/{ids[0]}", headers=buyer.headers)

    first = await api.client.get("/api/orders?limit=2", headers=buyer.headers)
    second = await api.client.get(
        f"/api/orders?limit=2&before_id={first.json()['next_before_id']}", headers=buyer.headers
    )
    open_only = await api.client.get("/api/orders?status=open", headers=buyer.headers)

    assert [order["id"] for order in first.json()["data"]] == [ids[2], ids[1]]
    assert [order["id"] for order in second.json()["data"]] == [ids[0]]
    assert second.json()["next_before_id"] is None
    assert [order["id"] for order in open_only.json()["data"]] == [ids[2], ids[1]]


async def test_a_client_order_id_makes_placing_idempotent(api: ApiHarness) -> None:
    buyer = await api.open_account("buyer", ["buyer"], deposit_micros=10_000_000)
    order = {"side": "buy", "price_micros": PRICE_MICROS, "lots": 1, "client_order_id": "c-1"}

    first = await api.place(buyer, **order)
    again = await api.place(buyer, **order)

    assert first.json()["id"] == again.json()["id"]
    orders = (await api.client.get("/api/orders", headers=buyer.headers)).json()["data"]
    assert len(orders) == 1


async def test_a_market_order_defaults_to_immediate_or_cancel(api: ApiHarness) -> None:
    seller, endpoint_id = await api.open_seller()
    buyer = await api.open_account("buyer", ["buyer"], deposit_micros=10_000_000)
    await api.place(seller, side="sell", price_micros=PRICE_MICROS, lots=1, endpoint_id=endpoint_id)

    response = await api.place(buyer, side="buy", type="market", lots=2, price_micros=3_000_000)

    assert response.status_code == 201
    assert response.json()["time_in_force"] == "ioc"
    assert response.json()["filled_lots"] == 1
    assert response.json()["status"] == "cancelled"


async def test_a_good_till_date_order_takes_an_iso_time(api: ApiHarness) -> None:
    buyer = await api.open_account("buyer", ["buyer"], deposit_micros=10_000_000)

    response = await api.place(
        buyer,
        side="buy",
        price_micros=PRICE_MICROS,
        lots=1,
        time_in_force="gtd",
        expire_at="2026-12-03T13:30:00Z",
    )

    assert response.status_code == 201
    assert response.json()["expire_at_ns"] == 1_796_304_600_000_000_000


async def test_public_trades_never_name_the_traders(api: ApiHarness) -> None:
    seller, endpoint_id = await api.open_seller()
    buyer = await api.open_account("buyer", ["buyer"], deposit_micros=10_000_000)
    await api.place(seller, side="sell", price_micros=PRICE_MICROS, lots=1, endpoint_id=endpoint_id)
    await api.place(buyer, side="buy", price_micros=PRICE_MICROS, lots=1)

    public = (await api.client.get(f"/api/trades?instrument={INSTRUMENT}")).json()["data"]
    mine = (await api.client.get("/api/trades?mine=true", headers=seller.headers)).json()["data"]

    assert len(public) == 1
    assert "account" not in str(public)
    assert "order_id" not in {key for key, value in public[0].items() if value is not None}
    assert mine[0]["side"] == "sell"
    assert mine[0]["order_id"] == 1
