"""Order entry's fast path: well-formed orders skip the framework; everything else does not."""

from __future__ import annotations

from typing import Any

import pytest

from tokenpit.api.routes import orders
from tokenpit.testing.api import INSTRUMENT, ApiHarness

pytestmark = pytest.mark.anyio


@pytest.fixture
def regular_route_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the orders the regular route builds (the fast path builds its own)."""
    calls: list[int] = []
    build = orders.place_order_command

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return build(*args, **kwargs)

    monkeypatch.setattr(orders, "place_order_command", counted)
    return calls


async def test_a_well_formed_order_is_served_by_the_fast_path(
    api: ApiHarness, regular_route_calls: list[int]
) -> None:
    buyer = await api.open_account("buyer", ["buyer"], deposit_micros=10_000_000)

    placed = await api.place(buyer, side="buy", price_micros=2_000_000, lots=1)

    assert placed.status_code == 201
    assert placed.json()["status"] == "open"
    assert regular_route_calls == []


async def test_a_malformed_order_gets_the_regular_routes_answer(
    api: ApiHarness, regular_route_calls: list[int]
) -> None:
    buyer = await api.open_account("buyer", ["buyer"], deposit_micros=10_000_000)

    response = await api.client.post(
        "/api/orders",
        headers=buyer.headers,
        json={"instrument": INSTRUMENT, "side": "buy", "price_micros": 2_000_000, "lots": 0},
    )

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "lots"
    assert regular_route_calls == []  # refused by the model before any command is built


async def test_an_order_without_a_key_gets_401_from_the_regular_route(api: ApiHarness) -> None:
    response = await api.client.post(
        "/api/orders",
        json={"instrument": INSTRUMENT, "side": "buy", "price_micros": 2_000_000, "lots": 1},
    )

    assert response.status_code == 401
    assert response.json()["error"]["type"] == "authentication_error"


async def test_a_refused_order_has_the_same_error_shape_on_the_fast_path(api: ApiHarness) -> None:
    buyer = await api.open_account("poor", ["buyer"], deposit_micros=1_000)

    response = await api.place(buyer, side="buy", price_micros=2_000_000, lots=1)

    assert response.status_code == 402
    assert response.json()["error"]["code"] == "insufficient_funds"
