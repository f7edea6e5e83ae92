"""The llama.cpp server on SmolLM2-135M, certified end to end with the official openai SDK.

A 135M model writes poor text; these tests hold the protocol to account, not the content:
what the server sends, in which shape, and what it refuses. The refusals are asserted too,
so that the gateway's tests can rely on them and an upgrade that changes one is noticed.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import openai
import pytest

from tokenpit.testing.llama import (
    LlamaProcess,
    LlamaServer,
    require_llama_server,
    running_llama_server,
    serving_llama,
)

pytestmark = pytest.mark.slow

MESSAGES: list[Any] = [{"role": "user", "content": "Name three rivers of Europe."}]
WEATHER_TOOL: Any = {
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
WEATHER_MESSAGES: list[Any] = [{"role": "user", "content": "What is the weather in Paris?"}]
FORCE_WEATHER: Any = {"type": "function", "function": {"name": "get_weather"}}
PERSON_SCHEMA = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
}
PERSON_MESSAGES: list[Any] = [{"role": "user", "content": "Describe a person as JSON."}]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def llama() -> Iterator[LlamaServer]:
    # One server for the module: each start loads the model again.
    require_llama_server()
    with running_llama_server() as server:
        yield server


@pytest.fixture
def client(llama: LlamaServer) -> Iterator[openai.OpenAI]:
    # No retries: the SDK would retry a 500 twice, hiding a refusal behind seconds of backoff.
    with openai.OpenAI(base_url=llama.url, api_key="unused", max_retries=0, timeout=60) as sdk:
        yield sdk


def test_lists_the_model_by_its_alias(llama: LlamaServer, client: openai.OpenAI) -> None:
    assert [model.id for model in client.models.list()] == [llama.model]


def test_completion_returns_text_and_usage(llama: LlamaServer, client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(
        model=llama.model, messages=MESSAGES, max_tokens=16, temperature=0
    )

    assert reply.choices[0].message.content
    assert reply.choices[0].finish_reason in {"stop", "length"}
    assert reply.usage is not None
    assert 0 < reply.usage.completion_tokens <= 16
    assert reply.usage.prompt_tokens > 0


def test_stream_yields_text_chunks_without_usage(llama: LlamaServer, client: openai.OpenAI) -> None:
    chunks = list(
        client.chat.completions.create(
            model=llama.model,
            messages=MESSAGES,
            max_tokens=16,
            temperature=0,
            stream=True,
            stream_options={"include_usage": True},
        )
    )

    text = [chunk.choices[0].delta.content for chunk in chunks if chunk.choices]
    assert len([piece for piece in text if piece]) > 1
    assert chunks[-1].choices[0].finish_reason in {"stop", "length"}
    # Asked for usage, the server still sends none: whoever bills a stream must count it.
    assert all(chunk.usage is None for chunk in chunks)


def test_forced_tool_call_has_json_arguments(llama: LlamaServer, client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(
        model=llama.model,
        messages=WEATHER_MESSAGES,
        tools=[WEATHER_TOOL],
        tool_choice=FORCE_WEATHER,
        max_tokens=48,
        temperature=0,
    )

    assert reply.choices[0].finish_reason == "tool_calls"
    calls = reply.choices[0].message.tool_calls
    assert calls is not None
    assert len(calls) == 1
    assert calls[0].type == "function"
    assert calls[0].function.name == "get_weather"
    assert isinstance(json.loads(calls[0].function.arguments), dict)


def test_streamed_tool_call_arguments_join_into_json(
    llama: LlamaServer, client: openai.OpenAI
) -> None:
    chunks = list(
        client.chat.completions.create(
            model=llama.model,
            messages=WEATHER_MESSAGES,
            tools=[WEATHER_TOOL],
            tool_choice=FORCE_WEATHER,
            max_tokens=48,
            temperature=0,
            stream=True,
        )
    )

    deltas = [call for c in chunks if c.choices for call in c.choices[0].delta.tool_calls or []]
    assert {call.function.name for call in deltas if call.function} == {"get_weather"}
    arguments = "".join(call.function.arguments or "" for call in deltas if call.function)
    assert isinstance(json.loads(arguments), dict)
    assert chunks[-1].choices[0].finish_reason == "tool_calls"


def test_required_tool_choice_is_refused(llama: LlamaServer, client: openai.OpenAI) -> None:
    with pytest.raises(openai.InternalServerError):
        client.chat.completions.create(
            model=llama.model,
            messages=WEATHER_MESSAGES,
            tools=[WEATHER_TOOL],
            tool_choice="required",
            max_tokens=48,
        )


def test_json_mode_replies_with_json(llama: LlamaServer, client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(
        model=llama.model,
        messages=PERSON_MESSAGES,
        response_format={"type": "json_object"},
        max_tokens=64,
        temperature=0,
    )

    assert reply.choices[0].message.content is not None
    assert isinstance(json.loads(reply.choices[0].message.content), dict)


def test_json_mode_with_a_schema_follows_it(llama: LlamaServer, client: openai.OpenAI) -> None:
    # llama.cpp's extension: a schema inside json_object becomes a grammar the reply obeys.
    response_format: Any = {"type": "json_object", "schema": PERSON_SCHEMA}

    reply = client.chat.completions.create(
        model=llama.model,
        messages=PERSON_MESSAGES,
        response_format=response_format,
        max_tokens=64,
        temperature=0,
    )

    assert reply.choices[0].message.content is not None
    jsonschema.validate(json.loads(reply.choices[0].message.content), PERSON_SCHEMA)


def test_json_schema_response_format_is_refused(llama: LlamaServer, client: openai.OpenAI) -> None:
    with pytest.raises(openai.InternalServerError, match="json_object"):
        client.chat.completions.create(
            model=llama.model,
            messages=PERSON_MESSAGES,
            response_format={
                "type": "json_schema",
                "json_schema": {"name": "person", "schema": PERSON_SCHEMA},
            },
            max_tokens=64,
        )


def test_a_second_request_waits_instead_of_cutting_a_stream(
    llama: LlamaServer, client: openai.OpenAI
) -> None:
    stream = client.chat.completions.create(
        model=llama.model,
        messages=[{"role": "user", "content": "Tell a long story about a cat."}],
        max_tokens=48,
        temperature=0,
        stream=True,
    )
    chunks = [next(stream)]
    replies: list[openai.types.chat.ChatCompletion] = []
    second = threading.Thread(
        target=lambda: replies.append(
            client.chat.completions.create(model=llama.model, messages=MESSAGES, max_tokens=4)
        )
    )

    second.start()
    chunks.extend(stream)
    second.join(timeout=60)

    assert chunks[-1].choices[0].finish_reason in {"stop", "length"}
    assert len(replies) == 1
    assert replies[0].choices[0].message.content


@pytest.mark.anyio
async def test_serves_from_an_event_loop(tmp_path: Path) -> None:
    require_llama_server()
    async with (
        serving_llama(log_dir=tmp_path) as server,
        openai.AsyncOpenAI(base_url=server.url, api_key="unused", max_retries=0) as sdk,
    ):
        reply = await sdk.chat.completions.create(
            model=server.model, messages=MESSAGES, max_tokens=4, temperature=0
        )

    assert reply.choices[0].message.content
    assert (tmp_path / "llama-server.log").stat().st_size > 0


def test_a_server_that_cannot_start_raises_with_its_log(tmp_path: Path) -> None:
    require_llama_server()
    process = LlamaProcess(tmp_path / "llama-server.log")

    # Something else holds the port, so the server loads the model and then fails to bind.
    with (
        socket.create_server(("127.0.0.1", process.port)),
        pytest.raises(RuntimeError, match="exited with") as raised,
    ):
        process.start()

    assert "address already in use" in str(raised.value)
    assert process.process is None
