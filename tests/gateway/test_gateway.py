"""The gateway end to end: the official openai SDK, a live exchange and simulated sellers.

Every test runs a real exchange on a loopback port and real seller servers; the buyer
is the `openai` SDK. Money is checked against the reference count: units are what
`Meter` counts for the request and the reply the buyer received, whatever the seller
says, and the seller is paid exactly floor(units × price / 1e6).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openai
import pytest

from tokenpit.gateway.metering import Meter
from tokenpit.specs import default_spec
from tokenpit.testing.gateway import (
    LOT_PRICE_MICROS,
    ExchangeServer,
    GatewayMarket,
    running_xpyd_sim,
    serving_exchange,
)
from tokenpit.testing.sellers import FAST, running_sim_seller

MESSAGES = [{"role": "user", "content": "Name three rivers of Europe."}]
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
            "required": ["city"],
        },
    },
}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def meter() -> Meter:
    return Meter(default_spec())


def buyer_client(exchange: ExchangeServer, market: GatewayMarket) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(
        base_url=f"{exchange.url}/v1", api_key=market.buyer.key, max_retries=0, timeout=20
    )


async def rows(exchange: ExchangeServer, path: str, headers: dict[str, str]) -> list[Any]:
    response = await exchange.client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    data: list[Any] = response.json()["data"]
    return data


async def seller_earned(exchange: ExchangeServer, market: GatewayMarket) -> int:
    entries = await rows(exchange, "/api/ledger", market.seller.headers)
    return sum(e["amount_micros"] for e in entries if e["reason"] == "delivery")


def expected_units(meter: Meter, request: dict[str, Any], content: str, tools: Any = ()) -> int:
    output = meter.completion_tokens(content, [dict(call) for call in tools])
    return meter.units(meter.prompt_tokens(request), output)


async def assert_charged_exactly(
    exchange: ExchangeServer, market: GatewayMarket, units: int
) -> None:
    """Check the buyer's lot lost exactly `units` and the seller earned exactly their price."""
    [lot] = await rows(exchange, "/api/lots", market.buyer.headers)
    assert lot["delivered_units"] == units
    assert await seller_earned(exchange, market) == units * LOT_PRICE_MICROS // 1_000_000


@pytest.mark.anyio
async def test_a_completion_charges_the_reference_count_and_pays_the_seller_exactly(
    tmp_path: Path, meter: Meter
) -> None:
    async with running_sim_seller(FAST) as seller, serving_exchange(tmp_path / "x.db") as exchange:
        market = await exchange.market(seller.url)
        async with buyer_client(exchange, market) as client:
            completion = await client.chat.completions.create(model="CHAT-B", messages=MESSAGES)
        await exchange.settled()

        content = completion.choices[0].message.content or ""
        units = expected_units(meter, {"model": "CHAT-B", "messages": MESSAGES}, content)
        [delivery] = await rows(exchange, "/api/deliveries", market.buyer.headers)
        [lot] = await rows(exchange, "/api/lots", market.buyer.headers)
        assert content
        assert (delivery["outcome"], delivery["units"], lot["delivered_units"]) == (
            "on_grade",
            units,
            units,
        )
        assert await seller_earned(exchange, market) == units * LOT_PRICE_MICROS // 1_000_000


@pytest.mark.anyio
@pytest.mark.parametrize("include_usage", [False, True])
async def test_a_stream_arrives_in_chunks_and_is_metered(
    tmp_path: Path, meter: Meter, include_usage: bool
) -> None:
    slow = FAST.__class__(model="sim-model", ttft_ms=5, output_tps=400, reply_tokens=40)
    async with running_sim_seller(slow) as seller, serving_exchange(tmp_path / "x.db") as exchange:
        market = await exchange.market(seller.url)
        request: dict[str, Any] = {"model": "CHAT-B", "messages": MESSAGES, "stream": True}
        if include_usage:
            request["stream_options"] = {"include_usage": True}
        async with buyer_client(exchange, market) as client:
            chunks = [chunk async for chunk in await client.chat.completions.create(**request)]
        await exchange.settled()

        content = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        usage_chunks = [c for c in chunks if c.usage is not None]
        assert len([c for c in chunks if c.choices and c.choices[0].delta.content]) > 5
        assert len(usage_chunks) == (1 if include_usage else 0)
        [delivery] = await rows(exchange, "/api/deliveries", market.buyer.headers)
        units = expected_units(meter, request, content)
        assert delivery["streamed"] is True
        assert delivery["units"] == units
        assert delivery["reported_output_tokens"] is not None  # asked of the seller regardless
        await assert_charged_exactly(exchange, market, units)


@pytest.mark.anyio
@pytest.mark.parametrize("stream", [False, True])
async def test_tool_calls_reach_the_sdk_and_are_metered(
    tmp_path: Path, meter: Meter, stream: bool
) -> None:
    async with running_sim_seller(FAST) as seller, serving_exchange(tmp_path / "x.db") as exchange:
        market = await exchange.market(seller.url)
        request = {"model": "CHAT-B", "messages": MESSAGES, "tools": [WEATHER_TOOL]}
        async with buyer_client(exchange, market) as client:
            if stream:
                chunks = [
                    c async for c in await client.chat.completions.create(**request, stream=True)
                ]
                name = "".join(
                    call.function.name or ""
                    for c in chunks
                    if c.choices
                    for call in c.choices[0].delta.tool_calls or []
                    if call.function
                )
                arguments = "".join(
                    call.function.arguments or ""
                    for c in chunks
                    if c.choices
                    for call in c.choices[0].delta.tool_calls or []
                    if call.function
                )
            else:
                completion = await client.chat.completions.create(**request)
                [call] = completion.choices[0].message.tool_calls or []
                name, arguments = call.function.name, call.function.arguments  # type: ignore[union-attr]
        await exchange.settled()

        assert name == "get_weather"
        assert isinstance(json.loads(arguments)["city"], str)
        tool = {"function": {"name": name, "arguments": arguments}}
        units = expected_units(meter, request, "", [tool])
        [delivery] = await rows(exchange, "/api/deliveries", market.buyer.headers)
        assert delivery["units"] == units
        await assert_charged_exactly(exchange, market, units)


@pytest.mark.anyio
@pytest.mark.parametrize("stream", [False, True])
async def test_json_mode_gives_json_and_is_metered(
    tmp_path: Path, meter: Meter, stream: bool
) -> None:
    async with running_sim_seller(FAST) as seller, serving_exchange(tmp_path / "x.db") as exchange:
        market = await exchange.market(seller.url)
        request = {
            "model": "CHAT-B",
            "messages": MESSAGES,
            "response_format": {"type": "json_object"},
            "stream": stream,
        }
        async with buyer_client(exchange, market) as client:
            if stream:
                chunks = [c async for c in await client.chat.completions.create(**request)]
                content = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
            else:
                completion = await client.chat.completions.create(**request)
                content = completion.choices[0].message.content or ""
        await exchange.settled()

        assert isinstance(json.loads(content), dict)
        units = expected_units(meter, request, content)
        [delivery] = await rows(exchange, "/api/deliveries", market.buyer.headers)
        assert delivery["units"] == units
        await assert_charged_exactly(exchange, market, units)


@pytest.mark.anyio
@pytest.mark.parametrize("stream", [False, True])
async def test_a_third_party_server_serves_as_a_seller(
    tmp_path: Path, meter: Meter, stream: bool
) -> None:
    async with running_xpyd_sim("tiny") as url, serving_exchange(tmp_path / "x.db") as exchange:
        market = await exchange.market(url, model="tiny")
        request = {"model": "CHAT-B", "messages": MESSAGES, "max_tokens": 12}
        async with buyer_client(exchange, market) as client:
            if stream:
                chunks = [
                    c async for c in await client.chat.completions.create(**request, stream=True)
                ]
                content = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
            else:
                completion = await client.chat.completions.create(**request)
                content = completion.choices[0].message.content or ""
            tooled = await client.chat.completions.create(
                model="CHAT-B",
                messages=MESSAGES,
                max_tokens=64,
                tools=[WEATHER_TOOL],
                tool_choice="required",
            )
            json_request = {**request, "response_format": {"type": "json_object"}}
            json_mode = await client.chat.completions.create(**json_request)
        await exchange.settled()

        assert content
        [call] = tooled.choices[0].message.tool_calls or []
        assert call.function.name == "get_weather"  # type: ignore[union-attr]
        json_content = json_mode.choices[0].message.content or ""
        assert isinstance(json.loads(json_content), dict)
        deliveries = await rows(exchange, "/api/deliveries", market.buyer.headers)
        first, tool_delivery, json_delivery = sorted(deliveries, key=lambda d: d["delivery_id"])
        assert first["units"] == expected_units(meter, request, content)
        tool_request = {**request, "max_tokens": 64, "tools": [WEATHER_TOOL]}
        tool_request["tool_choice"] = "required"
        tool = {"function": call.function.model_dump()}  # type: ignore[union-attr]
        assert tool_delivery["units"] == expected_units(meter, tool_request, "", [tool])
        assert json_delivery["units"] == expected_units(meter, json_request, json_content)
        # xpyd-sim counts its own tokens; the exchange bills the reference count.
        assert first["reported_input_tokens"] != meter.prompt_tokens(request)
        total = first["units"] + tool_delivery["units"] + json_delivery["units"]
        await assert_charged_exactly(exchange, market, total)
