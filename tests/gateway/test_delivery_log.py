"""One canonical `delivery_completed` line per delivery, and the delivery metrics."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openai
import pytest
import structlog

from tokenpit.gateway.metering import Meter
from tokenpit.sim.seller.config import Fault
from tokenpit.specs import default_spec
from tokenpit.testing.gateway import CURRENT_INSTRUMENT, serving_exchange
from tokenpit.testing.sellers import FAST, running_sim_seller

MESSAGES = [{"role": "user", "content": "Count the stars."}]
GRADE = {"grade": "CHAT-B"}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_each_attempt_logs_one_delivery_line_and_is_counted(tmp_path: Path) -> None:
    good_config = dataclasses.replace(FAST, reply_tokens=40)  # enough tokens to rate
    async with (
        running_sim_seller(dataclasses.replace(FAST, fault=Fault.HTTP_500)) as bad,
        running_sim_seller(good_config) as good,
        serving_exchange(tmp_path / "x.db") as exchange,
    ):
        # The failing seller's lot comes first; the request fails over to the good one.
        market = await exchange.market(bad.url)
        good_seller = await exchange.account("good seller", ["seller"], 100_000_000)
        good_endpoint = await exchange.endpoint(good_seller, f"{good.url}/v1", "sim-model")
        lot_ids = await exchange.trade(
            market.buyer, good_seller, good_endpoint, 1, CURRENT_INSTRUMENT
        )
        [good_lot] = set(lot_ids) - set(market.lot_ids)

        with structlog.testing.capture_logs() as logs:
            async with openai.AsyncOpenAI(
                base_url=f"{exchange.url}/v1", api_key=market.buyer.key, max_retries=0
            ) as client:
                chunks = await client.chat.completions.create(
                    model="CHAT-B", messages=MESSAGES, stream=True
                )
                content = "".join([c.choices[0].delta.content or "" async for c in chunks])
            await exchange.settled()

        meter = Meter(default_spec())
        input_tokens = meter.prompt_tokens({"model": "CHAT-B", "messages": MESSAGES})
        output_tokens = meter.completion_tokens(content, [])
        lines = [entry for entry in logs if entry["event"] == "delivery_completed"]
        failed, served = sorted(lines, key=lambda line: line["outcome"])
        keys = ("buyer", "seller", "endpoint", "lot", "units", "outcome")
        assert {key: failed[key] for key in keys} == {
            "buyer": market.buyer.account_id,
            "seller": market.seller.account_id,
            "endpoint": market.endpoint_id,
            "lot": market.lot_ids[0],
            "units": 0,
            "outcome": "failed",
        }
        assert "500" in failed["reason"]
        assert {key: served[key] for key in keys} == {
            "buyer": market.buyer.account_id,
            "seller": good_seller.account_id,
            "endpoint": good_endpoint,
            "lot": good_lot,
            "units": meter.units(input_tokens, output_tokens),
            "outcome": "on_grade",
        }
        assert served["log_level"] == failed["log_level"] == "info"
        assert type(served["ttft_ms"]) is int
        assert served["ttft_ms"] >= 0
        assert type(served["tps"]) is float
        assert served["tps"] > 0
        assert served["request_id"] != failed["request_id"]

        deliveries = "tokenpit_gateway_deliveries_total"
        assert await exchange.metric(deliveries, **GRADE, outcome="on_grade") == 1
        assert await exchange.metric(deliveries, **GRADE, outcome="failed") == 1
        tokens = "tokenpit_gateway_tokens_total"
        assert await exchange.metric(tokens, **GRADE, direction="input") == input_tokens
        assert await exchange.metric(tokens, **GRADE, direction="output") == output_tokens
        assert await exchange.metric("tokenpit_gateway_ttft_seconds_count", **GRADE) == 1
        ttft_s = await exchange.metric("tokenpit_gateway_ttft_seconds_sum", **GRADE)
        assert ttft_s == pytest.approx(served["ttft_ms"] / 1_000, abs=0.001)
        duration = "tokenpit_gateway_delivery_duration_seconds_count"
        assert await exchange.metric(duration, **GRADE) == 1
