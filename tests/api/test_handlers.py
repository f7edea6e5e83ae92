"""Every refusal answers in one shape, with the right status, naming field, value and rule."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import structlog

from tokenpit.api import ApiConfig
from tokenpit.core.sequencer import OverloadedError
from tokenpit.testing.api import INSTRUMENT, ApiHarness, api_harness

pytestmark = pytest.mark.anyio


def error_of(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"message", "type", "param", "code"}
    error: dict[str, Any] = body["error"]
    return error


async def test_each_failure_kind_has_its_status_and_type(api: ApiHarness) -> None:
    seller, endpoint_id = await api.open_seller()
    buyer = await api.open_account("buyer", ["buyer"], deposit_micros=300_000)
    await api.place(seller, side="sell", price_micros=2_000_000, lots=1, endpoint_id=endpoint_id)

    invalid = await api.place(buyer, side="buy", price_micros=2_000_500, lots=1)
    not_found = await api.client.delete("/api/orders/999", headers=buyer.headers)
    conflict = await api.place(buyer, side="buy", price_micros=2_000_000, lots=1, post_only=True)
    funds = await api.place(buyer, side="buy", price_micros=1_000_000, lots=5)
    forbidden = await api.place(buyer, side="sell", price_micros=1_000_000, lots=1)

    assert (invalid.status_code, error_of(invalid)["type"]) == (400, "invalid_request_error")
    assert error_of(invalid)["code"] == "price_off_tick"
    assert error_of(invalid)["param"] == "price_micros"
    assert (not_found.status_code, error_of(not_found)["code"]) == (404, "unknown_order")
    assert (conflict.status_code, error_of(conflict)["code"]) == (409, "post_only_would_cross")
    assert (funds.status_code, error_of(funds)["type"]) == (402, "insufficient_funds")
    assert (forbidden.status_code, error_of(forbidden)["type"]) == (403, "permission_error")


async def test_an_unlisted_instrument_is_a_conflict_saying_when_it_opens(api: ApiHarness) -> None:
    buyer = await api.open_account("buyer", ["buyer"], deposit_micros=10_000_000)

    response = await api.place(
        buyer, instrument="CHAT-B.2026-12-09T14", side="buy", price_micros=1_000_000, lots=1
    )

    assert response.status_code == 409
    assert "trading opens at 2026-12-08T14:00:00" in error_of(response)["message"]


@pytest.mark.parametrize(
    ("order", "param", "message"),
    [
        ({"lots": 0}, "lots", "lots: input should be greater than or equal to 1, got 0"),
        ({"lots": 1.5}, "lots", "lots: input should be a valid integer, got 1.5"),
        ({"lots": "3"}, "lots", 'lots: input should be a valid integer, got "3"'),
        ({"lots": True}, "lots", "lots: input should be a valid integer, got true"),
        ({"price_micros": 10**13}, "price_micros", "less than or equal to 1000000000000"),
        ({"side": "hold"}, "side", "side: input should be 'buy' or 'sell', got \"hold\""),
        ({"expire_at": "tomorrow"}, "expire_at", "expire_at: must be an ISO 8601 time"),
        ({"expire_at": "2026-12-03T14:00"}, "expire_at", "must give a time zone"),
        ({"expire_at": "9999-12-03T14:00Z"}, "expire_at", "must lie from 2000 to 2200"),
        ({"client_order_id": "a\u0000b"}, "client_order_id", "must not hold control"),
        ({"color": "red"}, "color", "color: unknown field, not accepted here"),
    ],
)
async def test_validation_errors_name_the_field_the_value_and_the_rule(
    api: ApiHarness, order: dict[str, Any], param: str, message: str
) -> None:
    buyer = await api.open_account("buyer", ["buyer"], deposit_micros=10_000_000)
    body = {"side": "buy", "price_micros": 1_000_000, "lots": 1} | order

    response = await api.place(buyer, **body)

    assert response.status_code == 400
    error = error_of(response)
    assert error["param"] == param
    assert message in error["message"]
    assert error["type"] == "invalid_request_error"


async def test_a_limit_order_needs_a_price(api: ApiHarness) -> None:
    buyer = await api.open_account("buyer", ["buyer"], deposit_micros=10_000_000)

    response = await api.place(buyer, side="buy", lots=1)

    assert response.status_code == 400
    assert error_of(response)["param"] == "price_micros"


async def test_a_missing_field_and_a_bad_query_are_400(api: ApiHarness) -> None:
    buyer = await api.open_account("buyer", ["buyer"])

    missing = await api.client.post(
        "/api/orders", json={"instrument": INSTRUMENT, "side": "buy"}, headers=buyer.headers
    )
    bad_query = await api.client.get("/api/orders?limit=0", headers=buyer.headers)
    bad_path = await api.client.get("/api/orders/abc", headers=buyer.headers)
    not_json = await api.client.post(
        "/api/orders",
        content=b"{lots",
        headers={**buyer.headers, "Content-Type": "application/json"},
    )

    assert error_of(missing)["message"] == "lots: field required"
    assert (bad_query.status_code, error_of(bad_query)["param"]) == (400, "limit")
    assert (bad_path.status_code, error_of(bad_path)["param"]) == (400, "order_id")
    assert not_json.status_code == 400
    assert "not valid JSON" in error_of(not_json)["message"]


async def test_unknown_routes_and_methods_answer_in_the_error_shape(api: ApiHarness) -> None:
    unknown = await api.client.get("/api/nothing")
    wrong_method = await api.client.put("/api/specs")

    assert (unknown.status_code, error_of(unknown)["code"]) == (404, "unknown_route")
    assert (wrong_method.status_code, error_of(wrong_method)["code"]) == (405, "method_not_allowed")


@pytest.mark.parametrize("declared", [True, False])
async def test_a_body_over_the_limit_is_413(api: ApiHarness, declared: bool) -> None:
    padding = "x" * 70_000
    body = f'{{"name": "{padding}", "roles": ["buyer"]}}'.encode()

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 8_192):
            yield body[start : start + 8_192]

    response = await api.client.post(
        "/api/accounts",
        content=body if declared else chunks(),
        headers={**api.operator.headers, "Content-Type": "application/json"},
    )

    assert response.status_code == 413
    assert error_of(response)["code"] == "body_too_large"
    assert "65,536 bytes" in error_of(response)["message"]
    assert list(api.core.exchange.state.accounts) == [1]  # only the operator's


async def test_a_key_over_its_rate_limit_gets_429_with_retry_after(tmp_path: Path) -> None:
    config = ApiConfig(rate_limit_per_s=0.001, rate_limit_burst=3)
    async with api_harness(tmp_path / "exchange.db", config) as api:
        statuses = [
            (await api.client.get("/api/account", headers=api.operator.headers)).status_code
            for _ in range(4)
        ]
        limited = await api.client.get("/api/account", headers=api.operator.headers)
        anonymous = await api.client.get("/api/specs")

    assert statuses == [200, 200, 200, 429]
    assert limited.headers["Retry-After"] == "1000"
    assert error_of(limited)["type"] == "rate_limit_error"
    assert anonymous.status_code == 200  # another client: the address has its own bucket


async def test_a_stopped_core_is_503(api: ApiHarness) -> None:
    await api.core.stop()

    response = await api.client.post(
        "/api/accounts", json={"name": "x", "roles": ["buyer"]}, headers=api.operator.headers
    )

    assert response.status_code == 503
    assert error_of(response)["type"] == "service_unavailable"


async def test_an_overloaded_core_is_503_with_retry_after(
    api: ApiHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def overloaded(command: object) -> None:
        raise OverloadedError("100000 commands are waiting; retry shortly")

    monkeypatch.setattr(api.core, "submit", overloaded)
    response = await api.client.post(
        "/api/accounts", json={"name": "x", "roles": ["buyer"]}, headers=api.operator.headers
    )

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert error_of(response)["code"] == "overloaded"


async def test_an_escaped_exception_is_500_logged_with_the_request_id(
    api: ApiHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    buyer = await api.open_account("buyer", ["buyer"])

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(api.core.store, "orders", broken)
    with structlog.testing.capture_logs() as logs:
        response = await api.client.get(
            "/api/orders", headers={**buyer.headers, "X-Request-Id": "req-42"}
        )

    assert response.status_code == 500
    assert error_of(response)["type"] == "internal_error"
    assert "req-42" in error_of(response)["message"]
    assert response.headers["X-Request-Id"] == "req-42"
    failed = [entry for entry in logs if entry["event"] == "request_failed"]
    assert failed[0]["log_level"] == "error"
    assert failed[0]["request_id"] == "req-42"


async def test_text_the_journal_cannot_hold_is_refused_before_the_core(api: ApiHarness) -> None:
    seller, endpoint_id = await api.open_seller()
    body = b'{"grade": "\\ud800"}'  # a lone surrogate: valid JSON, not encodable as UTF-8

    response = await api.client.put(
        f"/api/endpoints/{endpoint_id}/grade",
        content=body,
        headers={**api.operator.headers, "Content-Type": "application/json"},
    )
    after = await api.client.get("/api/account", headers=seller.headers)

    assert response.status_code == 400
    assert error_of(response)["param"] == "grade"
    assert after.status_code == 200  # the core still runs
