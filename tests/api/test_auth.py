"""The isolation matrix: every route, called with the owner's key, another account's key,
no key, and the operator's key. A key sees and changes only its own account."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from starlette.routing import Mount, WebSocketRoute

from tokenpit.core.commands import RecordDelivery
from tokenpit.gateway.asgi import CHAT, MODELS
from tokenpit.testing.api import (
    GRADE,
    INSTRUMENT,
    PUBLIC_ENDPOINT_URL,
    ApiHarness,
    Trader,
    api_harness,
)
from tokenpit.web.pages import PAGE_PATHS, PLOTLY_PATH, STATIC_PREFIX

pytestmark = pytest.mark.anyio

CURRENT = "CHAT-B.2026-12-03T13"  # the period the harness's clock stands in
PUBLIC = {"own": 200, "other": 200, "none": 200, "operator": 200}
PRIVATE = {"own": 200, "other": 200, "none": 401, "operator": 200}
OPERATOR_ONLY = {"own": 403, "other": 403, "none": 401, "operator": 201}
OWNED = {"own": 200, "other": 404, "none": 401, "operator": 404}
# The gateway serves buyers only; the operator's account has no buyer role.
GATEWAY = {"own": 200, "other": 200, "none": 401, "operator": 403}
CHAT_BODY = {"model": "CHAT-A", "messages": [{"role": "user", "content": "hi"}]}


@dataclass(frozen=True)
class Route:
    """A route, whom it answers with which status, and which field names the caller."""

    method: str
    path: str  # the app's template; `?query` is sent but not part of the route
    expected: dict[str, int]
    body: dict[str, Any] | None = None
    owner: str = "buyer"
    caller_field: str | None = None  # a field of the answer that must be the caller's id

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def template(self) -> str:
        """Return the path as the app routes it, without the query."""
        return self.path.partition("?")[0]


ROUTES = [
    Route("GET", "/api/account", PRIVATE, caller_field="id"),
    Route(
        "PUT",
        "/api/account/auto-buy",
        PRIVATE,
        {"max_price_micros": 3_000_000},
        caller_field="account_id",
    ),
    Route("POST", "/api/accounts", OPERATOR_ONLY, {"name": "new", "roles": ["buyer"]}),
    Route("POST", "/api/accounts/{account_id}/deposits", OPERATOR_ONLY, {"amount_micros": 1}),
    Route("POST", "/api/accounts/{account_id}/withdrawals", OPERATOR_ONLY, {"amount_micros": 1}),
    Route("GET", "/api/specs", PUBLIC),
    Route("GET", "/api/instruments", PUBLIC),
    Route("GET", "/api/book/{instrument}", PUBLIC),
    Route("GET", "/api/trades", PUBLIC),
    Route("GET", "/api/trades?mine=true", PRIVATE),
    Route("GET", "/api/tickers", PUBLIC),
    Route("GET", "/api/candles/{instrument}", PUBLIC),
    Route("GET", "/api/index/{grade}", PUBLIC),
    Route("GET", "/api/index/{grade}/history", PUBLIC),
    Route("GET", "/api/curve/{grade}", PUBLIC),
    Route(
        "POST",
        "/api/orders",
        {"own": 201, "other": 201, "none": 401, "operator": 403},
        {"instrument": INSTRUMENT, "side": "buy", "price_micros": 1_000_000, "lots": 1},
    ),
    Route("GET", "/api/orders", PRIVATE),
    Route("GET", "/api/orders/{order_id}", OWNED),
    Route("DELETE", "/api/orders/{order_id}", OWNED),
    Route("PATCH", "/api/orders/{order_id}", OWNED, {"price_micros": 1_100_000, "lots": 1}),
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
        "/api/endpoints/{endpoint_id}/grade",
        {"own": 403, "other": 403, "none": 401, "operator": 200},
        {"grade": "C"},
        owner="seller",
    ),
    Route(
        "POST",
        "/api/endpoints/{endpoint_id}/certifications",
        {"own": 202, "other": 404, "none": 401, "operator": 202},
        owner="seller",
    ),
    Route(
        "GET",
        "/api/endpoints/{endpoint_id}/certifications",
        {"own": 200, "other": 404, "none": 401, "operator": 200},
        owner="seller",
    ),
    Route(
        "GET",
        "/api/endpoints/{endpoint_id}/certifications/{run_id}",
        {"own": 200, "other": 404, "none": 401, "operator": 200},
        owner="seller",
    ),
    Route("GET", "/api/certificates", PUBLIC),
    Route("GET", "/api/certificates/{certificate_id}", PUBLIC, owner="seller"),
    Route("GET", "/api/sellers", PUBLIC),
    Route("GET", "/api/lots", PRIVATE),
    Route("GET", "/api/deliveries", PRIVATE),
    Route("GET", "/api/ledger", PRIVATE),
    Route("GET", "/healthz", PUBLIC),
    Route("GET", "/metrics", PUBLIC),
    # The buyer's lot is grade B: a request for grade A finds no units, whoever asks.
    Route("POST", CHAT, {**GATEWAY, "own": 402, "other": 402}, CHAT_BODY),
    Route("GET", MODELS, GATEWAY),
]

# Routes outside the matrix, none of which reads a key or shows an account: the API's
# documentation, the dashboard's pages (one static shell; its data comes from the API
# routes above) and its scripts. The stream's keys are tested in tests/api/stream.
UNCHECKED = {
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/docs/oauth2-redirect"),
    ("GET", "/redoc"),
    ("GET", PLOTLY_PATH),
    ("MOUNT", STATIC_PREFIX),
    ("WS", "/api/stream"),
    *(("GET", path) for path in PAGE_PATHS),
}


@dataclass(frozen=True)
class Market:
    """A buyer with a lot of the current period, a delivery and a resting bid, a seller
    with an endpoint, and another buyer."""

    api: ApiHarness
    buyer: Trader
    seller: Trader
    other: Trader
    order_id: int
    endpoint_id: int
    certificate_id: int
    lot_id: int


@pytest.fixture
async def market(tmp_path: Path) -> AsyncIterator[Market]:
    async with api_harness(tmp_path / "exchange.db") as api:
        seller, endpoint_id = await api.open_seller()
        buyer = await api.open_account("buyer", ["buyer"], deposit_micros=10_000_000)
        other = await api.open_account("other", ["buyer"], deposit_micros=10_000_000)
        trade = {"instrument": CURRENT, "price_micros": 2_000_000, "lots": 1}
        await api.place(seller, **trade, side="sell", endpoint_id=endpoint_id)
        await api.place(buyer, **trade, side="buy")
        resting = await api.place(buyer, side="buy", price_micros=1_000_000, lots=1)
        (lot,) = (await api.client.get("/api/lots", headers=buyer.headers)).json()["data"]
        lot_id = lot["lot_id"]
        delivered = await api.core.submit(
            RecordDelivery(
                request_id="req-1",
                buyer_account_id=buyer.account_id,
                lot_id=lot_id,
                outcome="on_grade",
                input_tokens=100,
                output_tokens=50,
                ttft_ms=300,
                duration_ms=1_000,
            )
        )
        assert delivered.result is not None, delivered.failure
        certificate_id = api.core.exchange.state.endpoints[endpoint_id].certificate_id
        assert certificate_id is not None
        yield Market(
            api,
            buyer,
            seller,
            other,
            resting.json()["id"],
            endpoint_id,
            certificate_id,
            lot_id,
        )


def caller_of(market: Market, who: str, owner: str) -> Trader | None:
    if who == "none":
        return None
    if who == "operator":
        return market.api.operator
    own = market.seller if owner == "seller" else market.buyer
    return own if who == "own" else market.other


async def path_of(market: Market, route: Route) -> str:
    run_id = 0
    if "{run_id}" in route.path:  # a certification run lives in memory: start one
        started = await market.api.client.post(
            f"/api/endpoints/{market.endpoint_id}/certifications",
            headers=market.api.operator.headers,
        )
        assert started.status_code == 202, started.text
        run_id = started.json()["id"]
    return route.path.format(
        account_id=market.buyer.account_id,
        order_id=market.order_id,
        endpoint_id=market.endpoint_id,
        certificate_id=market.certificate_id,
        run_id=run_id,
        instrument=INSTRUMENT,
        grade=GRADE,
    )


@pytest.mark.parametrize("who", ["own", "other", "none", "operator"])
@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_each_route_answers_each_caller_as_the_matrix_says(
    market: Market, route: Route, who: str
) -> None:
    caller = caller_of(market, who, route.owner)
    path = await path_of(market, route)

    response = await market.api.client.request(
        route.method, path, json=route.body, headers=caller.headers if caller else {}
    )

    assert response.status_code == route.expected[who], response.text
    if response.status_code >= 400 and route.template != "/metrics":
        assert set(response.json()["error"]) == {"message", "type", "param", "code"}
    elif route.caller_field is not None:
        assert caller is not None
        assert response.json()[route.caller_field] == caller.account_id


def served_routes(routes: Iterable[Any]) -> set[tuple[str, str]]:
    """Return (method, path) of every route the app serves: WS for a socket, MOUNT for a mount."""
    served: set[tuple[str, str]] = set()
    for route in routes:
        included = getattr(route, "original_router", None)  # FastAPI's wrapped include_router
        if included is not None:
            served |= served_routes(included.routes)
        elif isinstance(route, WebSocketRoute):
            served.add(("WS", route.path))
        elif isinstance(route, Mount):
            served.add(("MOUNT", route.path))
        else:
            served |= {(method, route.path) for method in route.methods - {"HEAD"}}
    return served


def documented_routes(app: FastAPI) -> set[tuple[str, str]]:
    paths = app.openapi()["paths"]
    return {(method.upper(), path) for path, item in paths.items() for method in item}


async def test_every_route_of_the_app_is_in_the_matrix_or_named_unchecked(market: Market) -> None:
    app = market.api.app
    served = served_routes(app.routes) | {("POST", CHAT), ("GET", MODELS)}  # the gateway's
    in_matrix = {(route.method, route.template) for route in ROUTES}

    assert documented_routes(app) <= served  # the walk sees what the OpenAPI document lists
    assert served - UNCHECKED == in_matrix
    assert served >= UNCHECKED  # nothing listed as unchecked is stale


@pytest.mark.parametrize(
    "path",
    ["/api/orders", "/api/lots", "/api/deliveries", "/api/ledger", "/api/trades?mine=true"],
)
async def test_lists_hold_only_the_callers_records(market: Market, path: str) -> None:
    own = await market.api.client.get(path, headers=market.buyer.headers)
    other = await market.api.client.get(path, headers=market.other.headers)

    assert own.json()["data"]
    assert other.json()["data"] == [] or path == "/api/ledger"
    if path == "/api/ledger":  # the other buyer's deposit only
        assert [entry["reason"] for entry in other.json()["data"]] == ["deposit"]


async def test_the_gateway_serves_a_buyer_only_from_its_own_lots(market: Market) -> None:
    ask_b = {**CHAT_BODY, "model": GRADE}

    own = await market.api.client.get(MODELS, headers=market.buyer.headers)
    other = await market.api.client.get(MODELS, headers=market.other.headers)
    refused = await market.api.client.post(CHAT, json=ask_b, headers=market.other.headers)
    (lot,) = (await market.api.client.get("/api/lots", headers=market.buyer.headers)).json()["data"]

    units_left = {model["id"]: model["units_left"] for model in own.json()["data"]}
    assert units_left[GRADE] == lot["units"] - lot["delivered_units"]
    assert other.json()["data"] == []
    assert refused.status_code == 402, refused.text
    assert refused.json()["error"]["code"] == "insufficient_units"
    assert lot["delivered_units"] == 75  # the fixture's delivery only: 100 × 0.25 + 50


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
