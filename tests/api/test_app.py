"""The application as a whole: its OpenAPI document, and schemathesis against a live server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tokenpit import __version__
from tokenpit.testing.api import ApiHarness, LiveServer

EXAMPLES_PER_OPERATION = 20


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with LiveServer(tmp_path_factory.mktemp("live") / "exchange.db") as server:
        yield server


@pytest.fixture(scope="module")
def every_role_headers(live: LiveServer) -> dict[str, str]:
    """The key of a funded account that may buy, sell and administer: every route opens."""
    operator = {"Authorization": f"Bearer {live.operator_key}"}
    with httpx.Client(base_url=live.url) as client:
        roles = ["buyer", "seller", "operator"]
        body = client.post("/api/accounts", json={"name": "fuzz", "roles": roles}, headers=operator)
        account_id = body.json()["id"]
        deposit = {"amount_micros": 10**12}
        client.post(f"/api/accounts/{account_id}/deposits", json=deposit, headers=operator)
    return {"Authorization": f"Bearer {body.json()['api_key']}"}


@pytest.mark.slow
def test_no_generated_request_gets_a_server_error(
    live: LiveServer, every_role_headers: dict[str, str]
) -> None:
    # Driven by hand rather than by schemathesis' pytest plugin, whose fixture loader
    # reads a pytest internal that pytest 9 no longer has.
    schema = schemathesis.openapi.from_url(f"{live.url}/openapi.json")
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @given(case=operation.as_strategy())
        def call(case: Any) -> None:
            case.call_and_validate(
                headers=every_role_headers, excluded_checks=[positive_data_acceptance]
            )

        try:
            call()
        except Exception as error:  # noqa: BLE001 (gather every operation's failure)
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")

    assert not failures, "\n\n".join(failures)


@pytest.mark.anyio
async def test_the_openapi_document_describes_the_api(api: ApiHarness) -> None:
    document = (await api.client.get("/openapi.json")).json()

    assert document["info"]["title"] == "tokenpit"
    assert document["info"]["version"] == __version__
    assert {tag["name"] for tag in document["tags"]} >= {"accounts", "orders", "market data"}
    assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    schemas = document["components"]["schemas"]
    for name in (
        "CreateAccountRequest",
        "AmountRequest",
        "PlaceOrderRequest",
        "ReplaceOrderRequest",
        "RegisterEndpointRequest",
        "SetGradeRequest",
        "Certificate",
        "CertificateDetail",
        "Seller",
        "Ticker",
        "IndexHistory",
    ):
        assert schemas[name]["examples"], name
    assert "HTTPValidationError" not in schemas  # errors are 400s in the one error shape
    place = document["paths"]["/api/orders"]["post"]
    assert place["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/OrderResult"
    )
    assert "4XX" in place["responses"]


def test_no_route_is_missing_from_the_document(tmp_path: Path) -> None:
    with LiveServer(tmp_path / "exchange.db") as live, httpx.Client(base_url=live.url) as client:
        paths = set(client.get("/openapi.json").json()["paths"])

    assert paths == {
        "/api/accounts",
        "/api/accounts/{account_id}/deposits",
        "/api/accounts/{account_id}/withdrawals",
        "/api/account",
        "/api/account/auto-buy",
        "/api/specs",
        "/api/instruments",
        "/api/book/{instrument}",
        "/api/trades",
        "/api/tickers",
        "/api/candles/{instrument}",
        "/api/index/{grade}",
        "/api/index/{grade}/history",
        "/api/curve/{grade}",
        "/api/orders",
        "/api/orders/{order_id}",
        "/api/endpoints",
        "/api/endpoints/{endpoint_id}/grade",
        "/api/endpoints/{endpoint_id}/certifications",
        "/api/endpoints/{endpoint_id}/certifications/{run_id}",
        "/api/certificates",
        "/api/certificates/{certificate_id}",
        "/api/sellers",
        "/api/lots",
        "/api/ledger",
        "/api/deliveries",
        "/healthz",
        "/metrics",
    }
