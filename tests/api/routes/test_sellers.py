"""Sellers, public: each endpoint's certificate and delivery record, and nothing private."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tokenpit.api.routes.sellers import delivery_stats, percentile
from tokenpit.core.commands import RecordDelivery
from tokenpit.testing.api import ApiHarness, Trader, api_harness
from tokenpit.testing.certificates import audit_command
from tokenpit.testing.gateway import gateway_test_config

pytestmark = pytest.mark.anyio

CURRENT = "CHAT-B.2026-12-03T13"  # the period the harness's clock stands in
URL = "https://8.8.4.4/v1"
MODEL = "canary-model-7f3a"
CREDENTIAL = "sk-canary-credential-91c2"


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[ApiHarness]:
    async with api_harness(tmp_path / "exchange.db", gateway_test_config()) as harness:
        yield harness


async def sold_lot(api: ApiHarness) -> tuple[Trader, int, int]:
    """Register a credentialed grade B endpoint and sell a lot of the current period."""
    seller = await api.open_account("seller", ["seller"], deposit_micros=1_000_000_000)
    body = {"url": URL, "model": MODEL, "capacity_units": 10_000_000, "credential": CREDENTIAL}
    response = await api.client.post("/api/endpoints", json=body, headers=seller.headers)
    assert response.status_code == 201, response.text
    endpoint_id = response.json()["id"]
    grade = await api.client.put(
        f"/api/endpoints/{endpoint_id}/grade", json={"grade": "B"}, headers=api.operator.headers
    )
    assert grade.status_code == 200, grade.text
    buyer = await api.open_account("buyer", ["buyer"], deposit_micros=100_000_000)
    order = {"instrument": CURRENT, "price_micros": 2_000_000, "lots": 1}
    await api.place(seller, **order, side="sell", endpoint_id=endpoint_id)
    await api.place(buyer, **order, side="buy")
    lots = await api.client.get("/api/lots", headers=buyer.headers)
    return buyer, endpoint_id, lots.json()["data"][0]["lot_id"]


async def deliver(api: ApiHarness, buyer: Trader, lot_id: int, outcome: str, ttft_ms: int) -> None:
    command = RecordDelivery(
        request_id=f"req-{outcome}-{ttft_ms}",
        buyer_account_id=buyer.account_id,
        lot_id=lot_id,
        outcome=outcome,
        input_tokens=100,
        output_tokens=0 if outcome == "failed" else 50,
        ttft_ms=ttft_ms,
        duration_ms=1_000,
    )
    outcome_ = await api.core.submit(command)
    assert outcome_.result is not None, outcome_.failure


async def sellers(api: ApiHarness) -> list[dict[str, Any]]:
    response = await api.client.get("/api/sellers")
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


async def test_a_seller_shows_its_certificate_and_delivery_record(api: ApiHarness) -> None:
    buyer, endpoint_id, lot_id = await sold_lot(api)
    for outcome, ttft_ms in [("on_grade", 300), ("on_grade", 500), ("off_grade", 2_000)]:
        await deliver(api, buyer, lot_id, outcome, ttft_ms)
    await deliver(api, buyer, lot_id, "failed", 0)

    (seller,) = await sellers(api)

    certificate_id = api.core.exchange.state.endpoints[endpoint_id].certificate_id
    assert seller == {
        "endpoint_id": endpoint_id,
        "grade": "B",
        "certificate_id": certificate_id,
        "certificate_status": "valid",
        "certificate_expires_at_ns": seller["certificate_expires_at_ns"],
        "deliveries": 4,
        "recent_deliveries": 4,
        "failed_share": 0.25,
        "off_grade_share": 0.25,
        "ttft_p50_ms": 500,
        "ttft_p95_ms": 2_000,
        "usage_drift": None,
    }


async def test_an_endpoint_without_deliveries_or_certificate_has_no_figures(
    api: ApiHarness,
) -> None:
    seller = await api.open_account("seller", ["seller"])
    body = {"url": URL, "model": MODEL, "capacity_units": 100_000}
    response = await api.client.post("/api/endpoints", json=body, headers=seller.headers)
    assert response.status_code == 201, response.text

    (row,) = await sellers(api)

    assert (row["grade"], row["certificate_id"], row["certificate_status"]) == (None, None, None)
    assert (row["deliveries"], row["failed_share"], row["ttft_p95_ms"]) == (0, None, None)


async def test_an_expired_certificate_shows_as_expired(api: ApiHarness) -> None:
    await sold_lot(api)
    api.clock.advance(8 * 86_400)  # an operator's certificate lasts 7 days

    (row,) = await sellers(api)

    assert row["certificate_status"] == "expired"


async def test_public_market_data_holds_no_url_model_credential_or_key(api: ApiHarness) -> None:
    buyer, endpoint_id, lot_id = await sold_lot(api)
    await deliver(api, buyer, lot_id, "on_grade", 300)
    api.clock.advance(17)
    audit_ns = str(api.core.clock.now_ns())
    await api.core.submit(audit_command(endpoint_id, passed=1, failed=1))
    api.clock.advance(3_600)  # the audit's hour is complete: it shows, by hour only
    certificate_id = api.core.exchange.state.endpoints[endpoint_id].certificate_id
    paths = [
        "/api/sellers",
        "/api/tickers",
        "/api/trades",
        "/api/index/CHAT-B/history?since=2026-12-03T13:00:00Z",
        "/api/curve/CHAT-B",
        "/api/certificates",
        f"/api/certificates/{certificate_id}",
        f"/api/book/{CURRENT}",
    ]

    bodies = [(await api.client.get(path)).text for path in paths]

    for path, text in zip(paths, bodies, strict=True):
        for secret in (URL, "8.8.4.4", MODEL, CREDENTIAL, buyer.key, api.operator.key, audit_ns):
            assert secret not in text, f"{path} shows {secret!r}"


def test_the_percentiles_are_nearest_rank_of_the_deliveries_that_did_not_fail() -> None:
    recent = [("on_grade", ttft) for ttft in range(100, 2_100, 100)] + [("failed", 0)]

    stats = delivery_stats(recent)

    assert (stats["ttft_p50_ms"], stats["ttft_p95_ms"]) == (1_000, 1_900)
    assert stats["failed_share"] == round(1 / 21, 4)
    assert (percentile([], 50), percentile([7], 95), percentile([1, 2], 1)) == (None, 7, 1)
