"""The isolation matrix: every route, called with the owner's key, another account's key,
no key, and the operator's key. A key sees and changes only its own account."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tokenpit.testing.api import (
    GRADE,
    INSTRUMENT,
    PUBLIC_ENDPOINT_URL,
    ApiHarness,
    Trader,
    api_harness,
)

pytestmark = pytest.mark.anyio

PUBLIC = {"own": 200, "other": 200, "none": 200, "operator": 200}
PRIVATE = {"own": 200, "other": 200, "none": 401, "operator": 200}
OPERATOR_ONLY = {"own": 403, "other": 403, "none": 401, "operator": 201}
OWNED = {"own": 200, "other": 404, "none": 401, "operator": 404}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    expected: dict[str, int]
    body: dict[str, Any] | None = None
    owner: str = "buyer"

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


ROUTES = [
    Route("GET", "/api/account", PRIVATE),
    Route("POST", "/api/accounts", OPERATOR_ONLY, {"name": "new", "roles": ["buyer"]}),
    Route("POST", "/api/accounts/{buyer}/deposits", OPERATOR_ONLY, {"amount_micros": 1}),
    Route("POST", "/api/accounts/{buyer}/withdrawals", OPERATOR_ONLY, {"amount_micros": 1}),
    Route("GET", "/api/specs", PUBLIC),
    Route("GET", "/api/instruments", PUBLIC),
    Route("GET", f"/api/book/{INSTRUMENT}", PUBLIC),
    Route("GET", "/api/trades", PUBLIC),
    Route("GET", "/api/trades?mine=true", PRIVATE),
    Route("GET", "/api/tickers", PUBLIC),
    Route("GET", f"/api/candles/{INSTRUMENT}", PUBLIC),
    Route("GET", f"/api/index/{GRADE}", PUBLIC),
    Route("GET", f"/api/index/{GRADE}/history", PUBLIC),
    Route("GET", f"/api/curve/{GRADE}", PUBLIC),
    Route(
        "POST",
        "/api/orders",
        {"own": 201, "other": 201, "none": 401, "operator": 403},
        {"instrument": INSTRUMENT, "side": "buy", "price_micros": 1_000_000, "lots": 1},
    ),
    Route("GET", "/api/orders", PRIVATE),
    Route("GET", "/api/orders/{order}", OWNED),
    Route("DELETE", "/api/orders/{order}", OWNED),
    Route("PATCH", "/api/orders/{order}", OWNED, {"price_micros": 1_100_000, "lots": 1}),
    Route(
        "POST",
        "/api/endpoints",
        {"own": 201, "other": 403, "none": 401, "operator": 403},
        {"url": PUBLIC_ENDPOINT_URL, "model": "m", "capacity_units": 100_000},
        owner="seller",
    ),
    Route("GET", "/api/endpoints", PRIVATE, owner="seller"),
    Route(
        "PUT",
        "/api/endpoints/{endpoint}/grade",
        {"own": 403, "other": 403, "none": 401, "operator": 200},
        {"grade": "C"},
        owner="seller",
    ),
    Route(
        "POST",
        "/api/endpoints/{endpoint}/certifications",
        {"own": 202, "other": 404, "none": 401, "operator": 202},
        owner="seller",
    ),
    Route(
        "GET",
        "/api/endpoints/{endpoint}/certifications",
        {"own": 200, "other": 404, "none": 401, "operator": 200},
        owner="seller",
    ),
    Route("GET", "/api/certificates", PUBLIC),
    Route("GET", "/api/certificates/{certificate}", PUBLIC, owner="seller"),
    Route("GET", "/api/sellers", PUBLIC),
    Route("GET", "/api/lots", PRIVATE),
    Route("GET", "/api/ledger", PRIVATE),
    Route("GET", "/healthz", PUBLIC),
    Route("GET", "/metrics", PUBLIC),
]


@dataclass(frozen=True)
class Market:
    """A buyer with a lot and a resting bid, a seller with an endpoint, another buyer."""

    api: ApiHarness
    buyer: Trader
    seller: Trader
    other: Trader
    order_id: int
    endpoint_id: int
    certificate_id: int


@pytest.fixture
async def market(tmp_path: Path) -> AsyncIterator[Market]:
    async with api_harness(tmp_path / "exchange.db") as api:
        seller, endpoint_id = await api.open_seller()
        buyer = await api.open_account("buyer", ["buyer"], deposit_micros=10_000_000)
        other = await api.open_account("other", ["buyer"], deposit_micros=10_000_000)
        await api.place(
            seller, side="sell", price_micros=2_000_000, lots=1, endpoint_id=endpoint_id
        )
        await api.place(buyer, side="buy", price_micros=2_000_000, lots=1)
        resting = await api.place(buyer, side="buy", price_micros=1_000_000, lots=1)
        certificate_id = api.core.exchange.state.endpoints[endpoint_id].certificate_id
        assert certificate_id is not None
        yield Market(api, buyer, seller, other, resting.json()["id"], endpoint_id, certificate_id)


def headers_of(market: Market, who: str, owner: str) -> dict[str, str]:
    if who == "none":
        return {}
    if who == "operator":
        return market.api.operator.headers
    own = market.seller if owner == "seller" else market.buyer
    return (own if who == "own" else market.other).headers


@pytest.mark.parametrize("who", ["own", "other", "none", "operator"])
@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_each_route_answers_each_caller_as_the_matrix_says(
    market: Market, route: Route, who: str
) -> None:
    path = route.path.format(
        buyer=market.buyer.account_id,
        order=market.order_id,
        endpoint=market.endpoint_id,
        certificate=market.certificate_id,
    )

    response = await market.api.client.request(
        route.method, path, json=route.body, headers=headers_of(market, who, route.owner)
    )

    assert response.status_code == route.expected[who], response.text


@pytest.mark.parametrize(
    "path", ["/api/orders", "/api/lots", "/api/ledger", "/api/trades?mine=true"]
)
async def test_lists_hold_only_the_callers_records(market: Market, path: str) -> None:
    own = await market.api.client.get(path, headers=market.buyer.headers)
    other = await market.api.client.get(path, headers=market.other.headers)

    assert own.json()["data"]
    assert other.json()["data"] == [] or path == "/api/ledger"
    if path == "/api/ledger":  # the other buyer's deposit only
        assert [entry["reason"] for entry in other.json()["data"]] == ["deposit"]


async def test_endpoints_list_is_own_except_for_the_operator(market: Market) -> None:
    seller = await market.api.client.get("/api/endpoints", headers=market.seller.headers)
    other = await market.api.client.get("/api/endpoints", headers=market.other.headers)
    operator = await market.api.client.get("/api/endpoints", headers=market.api.operator.headers)

    assert [endpoint["id"] for endpoint in seller.json()["data"]] == [market.endpoint_id]
    assert other.json()["data"] == []
    assert [endpoint["id"] for endpoint in operator.json()["data"]] == [market.endpoint_id]


async def test_a_wrong_key_is_401_even_on_a_public_route_that_reads_it(market: Market) -> None:
    bad = {"Authorization": "Bearer tp_not-a-key"}
    malformed = {"Authorization": "Basic dXNlcjpwYXNz"}

    unknown = await market.api.client.get("/api/trades?mine=true", headers=bad)
    wrong_scheme = await market.api.client.get("/api/account", headers=malformed)
    public = await market.api.client.get("/api/specs", headers=bad)

    assert (unknown.status_code, unknown.json()["error"]["code"]) == (401, "unknown_api_key")
    assert wrong_scheme.status_code == 401
    assert wrong_scheme.json()["error"]["type"] == "authentication_error"
    assert public.status_code == 200
