"""Seller faults: failover before the first byte, honest charging after it, defaults.

The buyer holds one lot from a faulty seller (tried first: the lower lot id) and, where
the test says so, one from a good seller. In no case is the buyer charged for what it
did not receive: a charge would show as delivered units on the lot and delivery entries
in the seller's ledger (the buyer's cash moved when the lot was bought, not now).

The documented outcomes (README, "Failover"): a fault before any byte reaches the buyer
(refused, hang, http_500, invalid_json, and a non-streamed body cut or stalled halfway)
skips to the next lot, or answers 502 when none is left; a fault after bytes were
streamed (close_midstream, stall_midstream, invalid_json_midstream) ends the stream with
an error chunk and charges only what arrived.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import openai
import pytest

from tokenpit.gateway.metering import Meter
from tokenpit.sim.seller.config import Fault
from tokenpit.specs import default_spec
from tokenpit.testing.gateway import (
    CURRENT_INSTRUMENT,
    LOT_PRICE_MICROS,
    ExchangeServer,
    GatewayMarket,
    gateway_test_config,
    serving_exchange,
)
from tokenpit.testing.sellers import FAST, running_sim_seller
from tokenpit.testing.server import free_port

MESSAGES = [{"role": "user", "content": "Tell me about tea."}]
TIMEOUTS = {"first_byte_timeout_s": 1.0, "idle_timeout_s": 1.0}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@asynccontextmanager
async def faulty_seller(fault: str) -> AsyncIterator[str]:
    """Yield the base URL of a seller with `fault`; "refused" is a port nobody listens on."""
    if fault == "refused":
        yield f"http://127.0.0.1:{free_port()}"
        return
    async with running_sim_seller(dataclasses.replace(FAST, fault=Fault(fault))) as seller:
        yield seller.url


async def add_good_seller(exchange: ExchangeServer, market: GatewayMarket, url: str) -> int:
    seller = await exchange.account("good seller", ["seller"], 100_000_000)
    endpoint_id = await exchange.endpoint(seller, f"{url}/v1", "sim-model")
    await exchange.trade(market.buyer, seller, endpoint_id, 1, CURRENT_INSTRUMENT)
    return endpoint_id


async def deliveries(exchange: ExchangeServer, market: GatewayMarket) -> list[dict[str, Any]]:
    response = await exchange.client.get("/api/deliveries", headers=market.buyer.headers)
    rows: list[dict[str, Any]] = response.json()["data"]
    return sorted(rows, key=lambda row: row["delivery_id"])


async def buyer_cash(exchange: ExchangeServer, market: GatewayMarket) -> int:
    response = await exchange.client.get("/api/account", headers=market.buyer.headers)
    return int(response.json()["cash_micros"])


async def charged(exchange: ExchangeServer, market: GatewayMarket) -> tuple[int, int]:
    """Return the units delivered on the faulty seller's lot and what the seller was paid."""
    lots = await exchange.rows("/api/lots", market.buyer)
    [lot] = [lot for lot in lots if lot["lot_id"] in market.lot_ids]
    ledger = await exchange.rows("/api/ledger", market.seller)
    paid = sum(entry["amount_micros"] for entry in ledger if entry["reason"] == "delivery")
    return lot["delivered_units"], paid


async def complete(exchange: ExchangeServer, market: GatewayMarket, *, stream: bool) -> str:
    async with openai.AsyncOpenAI(
        base_url=f"{exchange.url}/v1", api_key=market.buyer.key, max_retries=0, timeout=20
    ) as client:
        if not stream:
            completion = await client.chat.completions.create(model="CHAT-B", messages=MESSAGES)
            return completion.choices[0].message.content or ""
        chunks = await client.chat.completions.create(
            model="CHAT-B", messages=MESSAGES, stream=True
        )
        return "".join([c.choices[0].delta.content or "" async for c in chunks if c.choices])


async def drain(chunks: Any, received: list[str]) -> None:
    """Read a stream to its end, keeping the content that arrives."""
    async for chunk in chunks:
        received.extend(choice.delta.content or "" for choice in chunk.choices)


FAULTS = ["refused", "hang", "http_500", "invalid_json"]
# Not streamed, nothing reaches the buyer until the whole body is in: a body cut or
# stalled halfway fails before the first byte too.
PLAIN_FAULTS = [*FAULTS, "close_midstream", "stall_midstream"]
BEFORE_FIRST_BYTE = [(fault, False) for fault in PLAIN_FAULTS] + [(f, True) for f in FAULTS]


@pytest.mark.anyio
@pytest.mark.parametrize(("fault", "stream"), BEFORE_FIRST_BYTE)
async def test_a_failing_seller_is_skipped_for_the_next_lot(
    tmp_path: Path, fault: str, stream: bool
) -> None:
    config = gateway_test_config(**TIMEOUTS)
    async with (
        faulty_seller(fault) as bad_url,
        running_sim_seller(FAST) as good,
        serving_exchange(tmp_path / "x.db", config) as exchange,
    ):
        market = await exchange.market(bad_url)
        good_endpoint = await add_good_seller(exchange, market, good.url)

        content = await complete(exchange, market, stream=stream)
        await exchange.settled()

        assert content
        failed, served = await deliveries(exchange, market)
        assert (failed["endpoint_id"], failed["outcome"]) == (market.endpoint_id, "failed")
        assert (failed["units"], failed["paid_micros"]) == (0, 0)
        assert failed["reason"]
        assert (served["endpoint_id"], served["outcome"]) == (good_endpoint, "on_grade")
        assert served["units"] > 0
        assert await charged(exchange, market) == (0, 0)


@pytest.mark.anyio
@pytest.mark.parametrize("fault", PLAIN_FAULTS)
async def test_with_no_seller_left_the_buyer_gets_502_and_pays_nothing(
    tmp_path: Path, fault: str
) -> None:
    config = gateway_test_config(**TIMEOUTS)
    async with faulty_seller(fault) as url, serving_exchange(tmp_path / "x.db", config) as exchange:
        market = await exchange.market(url)

        with pytest.raises(openai.APIStatusError) as raised:
            await complete(exchange, market, stream=False)
        await exchange.settled()

        assert raised.value.status_code == 502
        assert "failed" in raised.value.message
        [failed] = await deliveries(exchange, market)
        assert (failed["outcome"], failed["units"], failed["paid_micros"]) == ("failed", 0, 0)
        assert await charged(exchange, market) == (0, 0)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (Fault.CLOSE_MIDSTREAM, "stream broke"),
        (Fault.STALL_MIDSTREAM, "stream paused over 1 s"),
        (Fault.INVALID_JSON_MIDSTREAM, "malformed stream: chunk is not JSON"),
    ],
)
async def test_a_stream_broken_midway_ends_with_an_error_and_charges_only_what_arrived(
    tmp_path: Path, fault: Fault, reason: str
) -> None:
    broken = dataclasses.replace(FAST, fault=fault, reply_tokens=40)
    config = gateway_test_config(**TIMEOUTS)
    async with (
        running_sim_seller(broken) as seller,
        serving_exchange(tmp_path / "x.db", config) as exchange,
    ):
        market = await exchange.market(seller.url)
        received: list[str] = []

        async with openai.AsyncOpenAI(
            base_url=f"{exchange.url}/v1", api_key=market.buyer.key, max_retries=0
        ) as client:
            chunks = await client.chat.completions.create(
                model="CHAT-B", messages=MESSAGES, stream=True
            )
            with pytest.raises(openai.APIError) as raised:
                await drain(chunks, received)
        await exchange.settled()

        meter = Meter(default_spec())
        request = {"model": "CHAT-B", "messages": MESSAGES, "stream": True}
        output = meter.completion_tokens("".join(received), [])
        expected = meter.units(meter.prompt_tokens(request), output)
        [delivery] = await deliveries(exchange, market)
        assert reason in raised.value.message  # the error chunk that ended the stream
        assert 0 < output < broken.reply_tokens  # what came before the fault, nothing after
        assert delivery["output_tokens"] == output
        assert delivery["units"] == delivery["charged_units"] == expected
        assert reason in delivery["reason"]
        assert await charged(exchange, market) == (
            expected,
            expected * LOT_PRICE_MICROS // 1_000_000,
        )


@pytest.mark.anyio
async def test_over_reported_usage_is_recorded_and_never_billed(tmp_path: Path) -> None:
    greedy = dataclasses.replace(FAST, usage_factor=2.0)
    async with (
        running_sim_seller(greedy) as seller,
        serving_exchange(tmp_path / "x.db") as exchange,
    ):
        market = await exchange.market(seller.url)

        content = await complete(exchange, market, stream=False)
        await exchange.settled()

        meter = Meter(default_spec())
        output = meter.completion_tokens(content, [])
        [delivery] = await deliveries(exchange, market)
        assert delivery["output_tokens"] == output
        assert delivery["reported_output_tokens"] == 2 * output
        assert delivery["units"] == meter.units(delivery["input_tokens"], output)


@pytest.mark.anyio
async def test_repeated_failures_default_the_sellers_lots_and_refund_the_buyer(
    tmp_path: Path,
) -> None:
    config = gateway_test_config(default_after_failures=2, max_attempts=1, **TIMEOUTS)
    broken = dataclasses.replace(FAST, fault=Fault.HTTP_500)
    async with (
        running_sim_seller(broken) as seller,
        serving_exchange(tmp_path / "x.db", config) as exchange,
    ):
        market = await exchange.market(seller.url)
        cash = await buyer_cash(exchange, market)

        for _ in range(2):
            with pytest.raises(openai.APIStatusError):
                await complete(exchange, market, stream=False)
        await exchange.settled()

        response = await exchange.client.get("/api/lots", headers=market.buyer.headers)
        [lot] = response.json()["data"]
        assert lot["status"] == "defaulted"
        # The 200,000 µUSD lot comes back, with the spec's 10% penalty from the seller's bond.
        assert lot["penalty_micros"] == 20_000
        assert await buyer_cash(exchange, market) == cash + 200_000 + 20_000
        with pytest.raises(openai.APIStatusError) as raised:
            await complete(exchange, market, stream=False)
        assert raised.value.status_code == 402


@pytest.mark.anyio
async def test_failure_counts_of_an_ended_period_are_forgotten(tmp_path: Path) -> None:
    config = gateway_test_config(max_attempts=1, **TIMEOUTS)
    broken = dataclasses.replace(FAST, fault=Fault.HTTP_500)
    async with (
        running_sim_seller(broken) as seller,
        serving_exchange(tmp_path / "x.db", config) as exchange,
    ):
        market = await exchange.market(seller.url)
        with pytest.raises(openai.APIStatusError):
            await complete(exchange, market, stream=False)
        [(endpoint_id, first_period_ns)] = exchange.gateway.failures_in_a_row()

        exchange.core.clock.advance(3_600)  # 14:10, the next period
        next_instrument = CURRENT_INSTRUMENT.replace("T13", "T14")
        await exchange.trade(market.buyer, market.seller, endpoint_id, 1, next_instrument)
        with pytest.raises(openai.APIStatusError):
            await complete(exchange, market, stream=False)
        await exchange.settled()

        assert exchange.gateway.failures_in_a_row() == {
            (endpoint_id, first_period_ns + 3_600 * 1_000_000_000): 1
        }
