"""The exchange's grader: certification runs through the API, and audits that suspend.

A real exchange and real simulated sellers on loopback. Audits are driven one at a time
(`Grader.audit`) rather than by the background loop, so the test waits for nothing.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import openai
import pytest
from aiohttp import web
from openai.types.chat import ChatCompletionMessageParam

from tokenpit.core.commands import AuditResult
from tokenpit.core.events import AuditRecorded
from tokenpit.gateway.grader import GraderConfig
from tokenpit.grading.items import CATEGORIES
from tokenpit.grading.suite import SUITE_VERSION
from tokenpit.sim.seller import RunningSimSeller, SimSellerConfig, serving_sim_seller
from tokenpit.testing.api import Trader
from tokenpit.testing.gateway import (
    CURRENT_INSTRUMENT,
    ExchangeServer,
    gateway_test_config,
    serving_exchange,
)
from tokenpit.testing.server import free_port

GOOD = SimSellerConfig(model="sim", ttft_ms=5, output_tps=2_000, reply_tokens=64, quality=1.0)
RUN_TIMEOUT_S = 60.0


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@asynccontextmanager
async def seller_at(config: SimSellerConfig, port: int) -> AsyncIterator[RunningSimSeller]:
    async with serving_sim_seller(config, "127.0.0.1", port, shutdown_timeout_s=0.5) as seller:
        yield seller


async def register(exchange: ExchangeServer, url: str) -> tuple[Trader, int]:
    """Open a seller and register its endpoint, without any grade."""
    seller = await exchange.account("seller", ["seller"], 100_000_000)
    body = {"url": f"{url}/v1", "model": "sim", "capacity_units": 10_000_000}
    response = await exchange.client.post("/api/endpoints", json=body, headers=seller.headers)
    assert response.status_code == 201, response.text
    return seller, int(response.json()["id"])


async def certified(exchange: ExchangeServer, seller: Trader, endpoint_id: int) -> dict[str, Any]:
    """Start a certification run through the API and return it once it has finished."""
    path = f"/api/endpoints/{endpoint_id}/certifications"
    started = await exchange.client.post(path, headers=seller.headers)
    assert started.status_code == 202, started.text
    run_path = f"{path}/{started.json()['id']}"
    async with asyncio.timeout(RUN_TIMEOUT_S):
        while True:
            run = (await exchange.client.get(run_path, headers=seller.headers)).json()
            if run["status"] != "running":
                return dict(run)
            await asyncio.sleep(0.05)


@pytest.mark.anyio
async def test_a_certified_endpoint_may_sell_its_grade(tmp_path: Path) -> None:
    async with seller_at(GOOD, 0) as sim, serving_exchange(tmp_path / "x.db") as exchange:
        seller, endpoint_id = await register(exchange, sim.url)
        before = await exchange.client.post(
            "/api/orders",
            json={
                "instrument": CURRENT_INSTRUMENT.replace("-B", "-A"),
                "side": "sell",
                "price_micros": 3_000_000,
                "lots": 1,
                "endpoint_id": endpoint_id,
            },
            headers=seller.headers,
        )

        run = await certified(exchange, seller, endpoint_id)
        listed = await exchange.client.get(f"/api/certificates?endpoint_id={endpoint_id}")
        after = await exchange.client.post(
            "/api/orders",
            json={
                "instrument": CURRENT_INSTRUMENT.replace("-B", "-A"),
                "side": "sell",
                "price_micros": 3_000_000,
                "lots": 1,
                "endpoint_id": endpoint_id,
            },
            headers=seller.headers,
        )

    assert before.status_code == 409
    assert before.json()["error"]["code"] == "certificate_required"
    assert (run["status"], run["grade"], run["phase"]) == ("completed", "A", "done")
    assert run["items"] > 0
    certificate = listed.json()["data"][0]
    assert certificate["id"] == run["certificate_id"]
    assert (certificate["grade"], certificate["method"]) == ("A", "measured")
    assert after.status_code == 201, after.text


@pytest.mark.anyio
async def test_a_certificate_holds_what_the_run_measured(tmp_path: Path) -> None:
    validity_s = 3 * 3_600
    config = gateway_test_config(
        grader=GraderConfig(audit_interval_s=0, certificate_validity_s=validity_s)
    )
    async with (
        seller_at(GOOD, 0) as sim,
        serving_exchange(tmp_path / "x.db", config) as exchange,
    ):
        seller, endpoint_id = await register(exchange, sim.url)
        run = await certified(exchange, seller, endpoint_id)
        response = await exchange.client.get(f"/api/certificates/{run['certificate_id']}")
        now_ns = exchange.core.clock.now_ns()

    assert response.status_code == 200, response.text
    certificate = response.json()
    assert (certificate["grade"], certificate["endpoint_id"]) == ("A", endpoint_id)
    assert certificate["suite_version"] == SUITE_VERSION

    # Every category sampled, each score inside its own bounds, all adding up.
    scores = certificate["scores"]
    assert {score["category"] for score in scores} == {str(c) for c in CATEGORIES}
    for score in [*scores, certificate["overall"]]:
        assert score["items"] > 0, score
        rate = score["passed"] / score["items"]
        assert 0 <= score["lower"] <= rate <= score["upper"] <= 1, score
    assert certificate["items_used"] == run["items"] > 0
    assert certificate["overall"]["items"] == certificate["items_used"]
    assert sum(score["items"] for score in scores) == certificate["items_used"]
    assert sum(score["passed"] for score in scores) == certificate["overall"]["passed"]

    assert certificate["ttft_p95_ms"] > 0
    assert certificate["output_tps_median"] > 0
    # The exchange's clock is a fake that stood still through the run.
    assert certificate["issued_ns"] == now_ns
    assert certificate["expires_at_ns"] == certificate["issued_ns"] + validity_s * 1_000_000_000


@pytest.mark.anyio
async def test_a_weak_endpoint_is_certified_with_no_grade(tmp_path: Path) -> None:
    weak = dataclasses.replace(GOOD, quality=0.1)
    async with seller_at(weak, 0) as sim, serving_exchange(tmp_path / "x.db") as exchange:
        seller, endpoint_id = await register(exchange, sim.url)
        run = await certified(exchange, seller, endpoint_id)
        certificate = await exchange.client.get(f"/api/certificates/{run['certificate_id']}")

    assert (run["status"], run["grade"]) == ("completed", None)
    assert certificate.json()["grade"] is None
    assert certificate.json()["reason"].startswith("below every grade")


@pytest.mark.anyio
async def test_one_run_at_a_time_and_only_for_the_owner(tmp_path: Path) -> None:
    slow = dataclasses.replace(GOOD, ttft_ms=300)
    async with seller_at(slow, 0) as sim, serving_exchange(tmp_path / "x.db") as exchange:
        seller, endpoint_id = await register(exchange, sim.url)
        other = await exchange.account("other", ["seller"], 1)
        path = f"/api/endpoints/{endpoint_id}/certifications"

        first = await exchange.client.post(path, headers=seller.headers)
        second = await exchange.client.post(path, headers=seller.headers)
        stranger = await exchange.client.post(path, headers=other.headers)
        missing = await exchange.client.get(f"{path}/999", headers=seller.headers)
        listed = await exchange.client.get(path, headers=seller.headers)

    assert first.status_code == 202
    assert (second.status_code, second.json()["error"]["code"]) == (
        409,
        "certification_in_progress",
    )
    assert stranger.status_code == 404
    assert missing.status_code == 404
    assert [run["id"] for run in listed.json()["data"]] == [first.json()["id"]]


@pytest.mark.anyio
async def test_an_endpoint_that_degrades_after_certification_is_suspended_by_audits(
    tmp_path: Path,
) -> None:
    port = free_port()
    async with serving_exchange(tmp_path / "x.db") as exchange:
        async with seller_at(GOOD, port) as sim:
            seller, endpoint_id = await register(exchange, sim.url)
            run = await certified(exchange, seller, endpoint_id)
            buyer = await exchange.account("buyer", ["buyer"], 100_000_000)
            await exchange.trade(buyer, seller, endpoint_id, 2, CURRENT_INSTRUMENT)
            resting = await exchange.client.post(
                "/api/orders",
                json={
                    "instrument": CURRENT_INSTRUMENT,
                    "side": "sell",
                    "lots": 1,
                    "price_micros": 2_500_000,
                    "endpoint_id": endpoint_id,
                },
                headers=seller.headers,
            )
            passing = [
                await exchange.grader.audit(_endpoint(exchange, endpoint_id)) for _ in range(6)
            ]
        cash_before = (await exchange.client.get("/api/account", headers=buyer.headers)).json()

        # The seller swaps in a model that gets nothing right, behind the same URL.
        async with seller_at(dataclasses.replace(GOOD, quality=0.0), port):
            failing: list[AuditResult] = []
            while _endpoint(exchange, endpoint_id).grade is not None and len(failing) < 60:
                failing.append(await exchange.grader.audit(_endpoint(exchange, endpoint_id)))

        certificate = await exchange.client.get(f"/api/certificates/{run['certificate_id']}")
        order = await exchange.client.get(
            f"/api/orders/{resting.json()['id']}", headers=seller.headers
        )
        lots = (await exchange.client.get("/api/lots", headers=buyer.headers)).json()["data"]
        cash_after = (await exchange.client.get("/api/account", headers=buyer.headers)).json()

    assert all(result.passed for result in passing)
    assert not any(result.passed for result in failing)
    assert len(passing) + len(failing) >= 20  # the rolling window must hold 20 first
    assert len(failing) < 60
    assert certificate.json()["status"] == "suspended"
    assert "audits:" in certificate.json()["suspended_reason"]
    assert order.json()["status"] == "cancelled"
    assert {lot["status"] for lot in lots} == {"defaulted"}
    assert cash_after["cash_micros"] > cash_before["cash_micros"]  # refunded, with penalty


def _endpoint(exchange: ExchangeServer, endpoint_id: int) -> Any:
    return exchange.core.exchange.state.endpoints[endpoint_id]


@dataclasses.dataclass(frozen=True, slots=True)
class Received:
    """One request as the seller received it."""

    headers: dict[str, str]
    body: dict[str, Any]


class FixedDraws(random.Random):
    """A grader's random source whose `random()` always draws `draw`: audits stream or not."""

    def __init__(self, draw: float) -> None:
        super().__init__(0)
        self.draw = draw

    def random(self) -> float:
        return self.draw

    # Defined here too, so that `randrange` keeps drawing from the real bits.
    def getrandbits(self, k: int) -> int:
        return super().getrandbits(k)


@asynccontextmanager
async def recording_seller() -> AsyncIterator[tuple[str, list[Received]]]:
    """Serve a seller that answers "ok" and records each request's headers and body."""
    seen: list[Received] = []

    async def chat(request: web.Request) -> web.StreamResponse:
        body = await request.json()
        seen.append(Received(dict(request.headers), body))
        message = {"role": "assistant", "content": "ok"}
        if not body.get("stream"):
            return web.json_response(
                {
                    "id": "c",
                    "object": "chat.completion",
                    "created": 0,
                    "model": "sim",
                    "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                }
            )
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        chunk = {
            "id": "c",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "sim",
            "choices": [{"index": 0, "delta": message, "finish_reason": "stop"}],
        }
        await response.write(b"data: " + json.dumps(chunk).encode() + b"\n\ndata: [DONE]\n\n")
        return response

    app = web.Application()
    app.router.add_post("/v1/chat/completions", chat)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}", seen
    finally:
        await runner.cleanup()


@pytest.mark.anyio
@pytest.mark.parametrize("stream", [False, True])
async def test_an_audit_reaches_the_seller_exactly_as_buyer_traffic_does(
    tmp_path: Path, stream: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with (
        recording_seller() as (url, seen),
        serving_exchange(tmp_path / "x.db") as exchange,
    ):
        market = await exchange.market(url, model="sim", credential="sk-seller-key")
        async with openai.AsyncOpenAI(
            base_url=f"{exchange.url}/v1", api_key=market.buyer.key, max_retries=0
        ) as client:
            # A buyer asking for a short, deterministic answer, as grading items do; the
            # SDK leaves `stream` out unless it is asked to stream, as most callers do.
            messages: list[ChatCompletionMessageParam] = [{"role": "user", "content": "hi"}]
            if stream:
                chunks = await client.chat.completions.create(
                    model="CHAT-B", messages=messages, max_tokens=50, temperature=0, stream=True
                )
                [chunk async for chunk in chunks]
            else:
                await client.chat.completions.create(
                    model="CHAT-B", messages=messages, max_tokens=50, temperature=0
                )
        # Audits stream when the draw is under one half; the first audit is arithmetic,
        # an item with neither tools nor a response format.
        monkeypatch.setattr(exchange.grader, "_rng", FixedDraws(0.0 if stream else 0.99))
        await exchange.grader.audit(_endpoint(exchange, market.endpoint_id))

    buyer, audit = seen
    assert buyer.headers.keys() == audit.headers.keys()
    for name in buyer.headers.keys() - {"Content-Length"}:
        assert buyer.headers[name] == audit.headers[name], name
    assert audit.headers["Authorization"] == "Bearer sk-seller-key"

    # The same fields; their order is each client's own (the SDK puts `stream` second).
    assert buyer.body.keys() == audit.body.keys()
    assert buyer.body["model"] == audit.body["model"] == "sim"
    assert buyer.body.get("stream") == audit.body.get("stream") == (True if stream else None)
    assert buyer.body.get("stream_options") == audit.body.get("stream_options")
    assert audit.body.get("stream_options") == ({"include_usage": True} if stream else None)


@pytest.mark.anyio
async def test_the_audit_loop_audits_certified_endpoints_on_its_own(tmp_path: Path) -> None:
    config = gateway_test_config(grader=GraderConfig(audit_interval_s=0.05))
    async with seller_at(GOOD, 0) as sim, serving_exchange(tmp_path / "x.db", config) as exchange:
        subscription = exchange.core.subscribe()
        await exchange.market(sim.url, model="sim")
        audited: list[AuditRecorded] = []
        async with asyncio.timeout(RUN_TIMEOUT_S):
            async for batch in subscription:
                audited += [e for e in batch if isinstance(e, AuditRecorded)]
                if len(audited) >= 3:
                    break

    assert all(event.passed for event in audited)


@pytest.mark.anyio
async def test_a_run_that_breaks_on_our_side_fails_with_an_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_client(*_: Any) -> Any:
        raise RuntimeError("a bug of ours")

    async with seller_at(GOOD, 0) as sim, serving_exchange(tmp_path / "x.db") as exchange:
        seller, endpoint_id = await register(exchange, sim.url)
        monkeypatch.setattr(exchange.grader, "_client", broken_client)
        run = await certified(exchange, seller, endpoint_id)

    assert run["status"] == "failed"
    assert run["error"].startswith("internal error")
    assert "a bug of ours" not in run["error"]  # our internals stay in our log
