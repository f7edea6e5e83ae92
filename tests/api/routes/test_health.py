"""Operations: liveness and metrics."""

from __future__ import annotations

import pytest

from tokenpit.testing.api import INSTRUMENT, ApiHarness

pytestmark = pytest.mark.anyio


async def test_healthz_reports_the_sequence_number(api: ApiHarness) -> None:
    response = await api.client.get("/healthz")

    assert response.json() == {"status": "ok", "seq": api.core.seq}


async def test_metrics_count_requests_by_route_template(api: ApiHarness) -> None:
    await api.open_account("buyer", ["buyer"])
    await api.client.get("/api/orders/7", headers=api.operator.headers)
    await api.client.get(f"/api/book/{INSTRUMENT}")

    text = (await api.client.get("/metrics")).text

    assert (
        'tokenpit_http_requests_total{method="GET",route="/api/orders/{order_id}",status="404"} 1.0'
        in text
    )
    assert 'route="/api/book/{instrument}"' in text
    assert "tokenpit_core_commands_total" in text
    assert 'tokenpit_api_commands_total{command="CreateAccount",outcome="ok"} 1.0' in text
    assert "tokenpit_http_request_duration_seconds_bucket" in text


async def test_healthz_is_503_once_the_core_has_failed(api: ApiHarness) -> None:
    api.core.failed = OSError("disk full")

    response = await api.client.get("/healthz")
    api.core.failed = None

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "core_failed"
