"""Usage drift end to end: a seller that over-reports is flagged, and still paid by reference.

Two sellers each serve their own buyer through a live exchange: one reports twice the
tokens it sends (`usage_factor=2.0`), one reports honestly. The gateway judges drift after
`drift_min_requests` deliveries, here 3 rather than the default 20.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openai
import pytest
import structlog

from tokenpit.gateway.metering import Meter
from tokenpit.specs import default_spec
from tokenpit.testing.gateway import (
    LOT_PRICE_MICROS,
    ExchangeServer,
    GatewayMarket,
    gateway_test_config,
    serving_exchange,
)
from tokenpit.testing.sellers import FAST, running_sim_seller

MESSAGES = [{"role": "user", "content": "Describe a quiet harbour at dawn."}]
REQUESTS = 4  # one more than needed to flag, to see the flag raised once only
FLAGGED = "tokenpit_gateway_usage_drift_flagged"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def buy_completions(exchange: ExchangeServer, market: GatewayMarket) -> list[str]:
    async with openai.AsyncOpenAI(
        base_url=f"{exchange.url}/v1", api_key=market.buyer.key, max_retries=0, timeout=20
    ) as client:
        contents = []
        for stream in [False, True] * (REQUESTS // 2):
            if stream:
                chunks = await client.chat.completions.create(
                    model="CHAT-B", messages=MESSAGES, stream=True
                )
                contents.append(
                    "".join([c.choices[0].delta.content or "" async for c in chunks if c.choices])
                )
            else:
                completion = await client.chat.completions.create(model="CHAT-B", messages=MESSAGES)
                contents.append(completion.choices[0].message.content or "")
        return contents


@pytest.mark.anyio
async def test_an_over_reporting_seller_is_flagged_and_the_buyer_pays_the_reference_count(
    tmp_path: Path,
) -> None:
    config = gateway_test_config(drift_min_requests=3, drift_min_reference_tokens=50)
    greedy_config = dataclasses.replace(FAST, usage_factor=2.0)
    async with (
        running_sim_seller(greedy_config) as greedy_seller,
        running_sim_seller(FAST) as honest_seller,
        serving_exchange(tmp_path / "x.db", config) as exchange,
    ):
        greedy = await exchange.market(greedy_seller.url)
        honest = await exchange.market(honest_seller.url)

        with structlog.testing.capture_logs() as logs:
            greedy_contents = await buy_completions(exchange, greedy)
            await buy_completions(exchange, honest)
            await exchange.settled()

        flags = [entry for entry in logs if entry["event"] == "usage_drift_flagged"]
        assert [flag["endpoint_id"] for flag in flags] == [greedy.endpoint_id]
        assert flags[0]["output_ratio"] == 2.0
        assert await exchange.metric(FLAGGED, endpoint=str(greedy.endpoint_id)) == 1.0
        assert await exchange.metric(FLAGGED, endpoint=str(honest.endpoint_id)) is None
        sellers = {row["endpoint_id"]: row for row in await exchange.rows("/api/sellers")}
        assert "output usage reported" in sellers[greedy.endpoint_id]["usage_drift"]
        assert sellers[honest.endpoint_id]["usage_drift"] is None

        # Flagged or not, the buyer pays for the reference count, and only that.
        meter = Meter(default_spec())
        input_tokens = meter.prompt_tokens({"model": "CHAT-B", "messages": MESSAGES})
        units = sum(
            meter.units(input_tokens, meter.completion_tokens(content, []))
            for content in greedy_contents
        )
        deliveries = await exchange.rows("/api/deliveries", greedy.buyer)
        assert sum(d["reported_output_tokens"] for d in deliveries) == 2 * sum(
            d["output_tokens"] for d in deliveries
        )
        [lot] = await exchange.rows("/api/lots", greedy.buyer)
        assert lot["delivered_units"] == sum(d["units"] for d in deliveries) == units
        ledger = await exchange.rows("/api/ledger", greedy.seller)
        paid = sum(e["amount_micros"] for e in ledger if e["reason"] == "delivery")
        assert paid == units * LOT_PRICE_MICROS // 1_000_000
