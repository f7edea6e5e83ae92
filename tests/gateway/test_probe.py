"""Grading requests over the gateway's own path to a real simulated seller on loopback."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from tokenpit.gateway.config import GatewayConfig
from tokenpit.gateway.probe import SellerProbe, seller_headers, standalone_probe
from tokenpit.grading.certify import Certification, CertificationConfig
from tokenpit.grading.items import CATEGORIES, check
from tokenpit.grading.suite import Suite
from tokenpit.settings import Secret
from tokenpit.sim.seller.config import Fault, SimSellerConfig
from tokenpit.specs import default_spec
from tokenpit.testing.sellers import running_sim_seller

# Fast, and quick enough for grade A: ttft 5 ms, 2,000 tokens/s.
PERFECT = SimSellerConfig(model="sim", ttft_ms=5, output_tps=2_000, reply_tokens=64, quality=1.0)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@asynccontextmanager
async def probe_of(config: SimSellerConfig, key: str | None = None) -> AsyncIterator[SellerProbe]:
    """Run a sim seller and yield a probe of it over the gateway's upstream client."""
    gateway_config = GatewayConfig(first_byte_timeout_s=2.0, idle_timeout_s=2.0)
    secret = Secret(key) if key else None
    async with (
        running_sim_seller(config) as seller,
        standalone_probe(
            default_spec(), gateway_config, f"{seller.url}/v1", config.model, secret
        ) as probe,
    ):
        yield probe


@pytest.mark.anyio
@pytest.mark.parametrize("stream", [False, True])
async def test_every_category_comes_back_answered_and_timed(stream: bool) -> None:
    suite = Suite(b"p" * 32)
    async with probe_of(PERFECT) as probe:
        for category in CATEGORIES:
            item = suite.item(category, 0)
            body = item.request_body("")
            if stream:
                body["stream"] = True

            reply = await probe.chat(body)

            assert reply.answer is not None, reply.error
            assert check(item, reply.answer).passed, (category, reply.answer)
            assert reply.streamed is stream
            assert (reply.ttft_ms is not None) is stream
            assert reply.output_tokens > 0


@pytest.mark.anyio
async def test_a_seller_error_comes_back_as_the_reply_error() -> None:
    async with probe_of(dataclasses.replace(PERFECT, fault=Fault.HTTP_500)) as probe:
        reply = await probe.chat(Suite(b"p" * 32).item(CATEGORIES[0], 0).request_body(""))

    assert reply.answer is None
    assert reply.error is not None
    assert "500" in reply.error


@pytest.mark.anyio
async def test_a_seller_key_is_sent_as_the_gateway_sends_it() -> None:
    config = dataclasses.replace(PERFECT, api_key=Secret("seller-secret"))
    async with probe_of(config, "seller-secret") as probe:
        good = await probe.chat({"messages": [{"role": "user", "content": "hi"}]})
    async with probe_of(config, "wrong") as probe:
        refused = await probe.chat({"messages": [{"role": "user", "content": "hi"}]})

    assert good.answer is not None
    assert refused.answer is None
    assert seller_headers(Secret("k")) == {
        "Content-Type": "application/json",
        "Authorization": "Bearer k",
    }


@pytest.mark.anyio
async def test_a_perfect_sim_seller_is_certified_grade_a_over_http() -> None:
    async with probe_of(PERFECT) as probe:
        run = Certification(
            probe, default_spec(), Suite(b"c" * 32), CertificationConfig(), rng=random.Random(1)
        )
        report = await run.run()

    assert report.grade == "A", report.reason
    assert report.features == ("json_schema", "streaming", "tools")
    assert report.context_tokens == 128_000
    assert report.failed_requests == 0


@pytest.mark.anyio
async def test_a_sim_seller_weak_in_one_category_is_capped_by_it() -> None:
    config = dataclasses.replace(PERFECT, category_quality=(("logic", 0.1),))
    async with probe_of(config) as probe:
        run = Certification(
            probe, default_spec(), Suite(b"w" * 32), CertificationConfig(), rng=random.Random(1)
        )
        report = await run.run()

    logic = next(score for score in report.categories if score.category == "logic")
    assert report.grade is None
    assert logic.upper < 0.35
    assert "logic upper bound" in report.reason
