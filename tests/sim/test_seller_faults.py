"""The simulated seller's faults, failures and refusals, seen from the wire and the SDK."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import anyio
import httpx
import openai
import pytest

from tokenpit.settings import Secret
from tokenpit.sim.seller import Fault, RunningSimSeller, SimSellerConfig
from tokenpit.testing.sellers import FAST, running_sim_seller

HELLO = [{"role": "user", "content": "Say something."}]
REQUEST = {"model": "sim-model", "messages": HELLO}
STREAM_REQUEST = {**REQUEST, "stream": True}
CLIENT_TIMEOUT_S = 5.0


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@asynccontextmanager
async def http(config: SimSellerConfig) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        running_sim_seller(config) as seller,
        httpx.AsyncClient(base_url=seller.url, timeout=CLIENT_TIMEOUT_S) as client,
    ):
        yield client


def assert_openai_error(response: httpx.Response, status: int, param: str | None) -> str:
    """Check the status and OpenAI's error shape; return the message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["param"] == param
    assert isinstance(error["code"], str)
    assert isinstance(error["message"], str)
    if param is not None:
        assert param in error["message"]
    return str(error["message"])


def sse_data(body: str) -> list[str]:
    return [line[len("data: ") :] for line in body.splitlines() if line.startswith("data: ")]


@pytest.mark.anyio
@pytest.mark.parametrize("stream", [False, True])
async def test_hang_accepts_and_never_answers_until_the_client_gives_up(stream: bool) -> None:
    async with http(replace(FAST, fault=Fault.HANG)) as client:
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            await client.post(
                "/v1/chat/completions", json={**REQUEST, "stream": stream}, timeout=0.3
            )
        waited_s = time.monotonic() - started
        # The buyer gave up: the held request ends with its connection, not at shutdown.
        for _ in range(1_000):
            if (await client.get("/healthz")).json()["requests_in_flight"] == 0:
                break
        else:
            pytest.fail("the hung request outlived its buyer")

    assert waited_s >= 0.3


@pytest.mark.anyio
async def test_hang_surfaces_as_a_timeout_in_the_sdk() -> None:
    async with (
        running_sim_seller(replace(FAST, fault=Fault.HANG)) as seller,
        openai.AsyncOpenAI(
            base_url=f"{seller.url}/v1", api_key="k", max_retries=0, timeout=0.3
        ) as client,
    ):
        with pytest.raises(openai.APITimeoutError):
            await client.chat.completions.create(model="sim-model", messages=HELLO)  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_stopping_the_seller_releases_a_hung_request() -> None:
    hung: list[httpx.Response] = []
    async with (
        httpx.AsyncClient(timeout=CLIENT_TIMEOUT_S) as client,
        anyio.create_task_group() as tasks,
    ):
        async with running_sim_seller(replace(FAST, fault=Fault.HANG)) as seller:

            async def post() -> None:
                hung.append(await client.post(f"{seller.url}/v1/chat/completions", json=REQUEST))

            tasks.start_soon(post)
            for _ in range(1_000):
                health = await client.get(f"{seller.url}/healthz")
                if health.json()["requests_in_flight"] == 1:
                    break
            else:
                pytest.fail("the hung request never reached the seller")
            started = time.monotonic()
        stopped_s = time.monotonic() - started

    # The seller stops at once rather than waiting out its shutdown timeout for the request.
    assert stopped_s < 0.5
    assert_openai_error(hung[0], 503, None)


@pytest.mark.anyio
@pytest.mark.parametrize("stream", [False, True])
async def test_http_500_answers_a_server_error_in_openais_shape(stream: bool) -> None:
    async with http(replace(FAST, fault=Fault.HTTP_500)) as client:
        response = await client.post("/v1/chat/completions", json={**REQUEST, "stream": stream})

    assert_openai_error(response, 500, None)
    assert response.json()["error"]["type"] == "server_error"


@pytest.mark.anyio
async def test_invalid_json_answers_200_with_a_body_that_does_not_parse() -> None:
    async with http(replace(FAST, fault=Fault.INVALID_JSON)) as client:
        response = await client.post("/v1/chat/completions", json=REQUEST)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


@pytest.mark.anyio
async def test_invalid_json_streams_chunks_that_do_not_parse() -> None:
    async with http(replace(FAST, fault=Fault.INVALID_JSON)) as client:
        response = await client.post("/v1/chat/completions", json=STREAM_REQUEST)

    assert response.status_code == 200
    data = sse_data(response.text)
    assert data[-1] == "[DONE]"
    assert len(data) > 3
    for payload in data[:-1]:
        with pytest.raises(json.JSONDecodeError):
            json.loads(payload)


@pytest.mark.anyio
async def test_close_midstream_sends_part_of_the_stream_then_drops_the_connection() -> None:
    received: list[str] = []

    async def read(client: httpx.AsyncClient) -> None:
        async with client.stream("POST", "/v1/chat/completions", json=STREAM_REQUEST) as response:
            received.append(str(response.status_code))
            async for line in response.aiter_lines():
                received.append(line)  # noqa: PERF401 - lines read before the drop must stay

    async with http(replace(FAST, fault=Fault.CLOSE_MIDSTREAM, reply_tokens=20)) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            await read(client)

    assert received[0] == "200"

    data = sse_data("\n".join(received))
    assert "[DONE]" not in data
    chunks = [json.loads(payload) for payload in data]
    content = "".join(chunk["choices"][0]["delta"].get("content") or "" for chunk in chunks)
    assert content
    assert all(chunk["choices"][0]["finish_reason"] is None for chunk in chunks)


@pytest.mark.anyio
async def test_close_midstream_cuts_a_non_streaming_body_short() -> None:
    async with http(replace(FAST, fault=Fault.CLOSE_MIDSTREAM)) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post("/v1/chat/completions", json=REQUEST)


@pytest.mark.anyio
async def test_a_buyer_hanging_up_mid_stream_frees_the_seller_at_once() -> None:
    slow = replace(FAST, output_tps=20, reply_tokens=200)  # ten seconds of reply
    async with running_sim_seller(slow) as seller, httpx.AsyncClient(base_url=seller.url) as client:
        async with client.stream("POST", "/v1/chat/completions", json=STREAM_REQUEST) as response:
            async for line in response.aiter_lines():
                if '"content":"' in line and '"content":""' not in line:
                    break
        for _ in range(1_000):
            if (await client.get("/healthz")).json()["requests_in_flight"] == 0:
                break
        else:
            pytest.fail("the seller kept pacing a stream nobody reads")
        after = await client.post("/v1/chat/completions", json={**REQUEST, "max_tokens": 2})

    assert after.status_code == 200


@pytest.mark.anyio
async def test_failure_rate_zero_never_fails_and_one_always_fails() -> None:
    async with http(replace(FAST, failure_rate=0.0, seed=3)) as client:
        healthy = [await client.post("/v1/chat/completions", json=REQUEST) for _ in range(10)]
    async with http(replace(FAST, failure_rate=1.0, seed=3)) as client:
        failing = [await client.post("/v1/chat/completions", json=REQUEST) for _ in range(10)]

    assert [r.status_code for r in healthy] == [200] * 10
    for response in failing:
        assert_openai_error(response, 500, None)


@pytest.mark.anyio
async def test_a_failure_rate_between_fails_some_requests_the_same_way_for_a_seed() -> None:
    async def outcomes(seed: int) -> list[int]:
        async with http(replace(FAST, failure_rate=0.5, seed=seed, ttft_ms=0)) as client:
            return [
                (await client.post("/v1/chat/completions", json=REQUEST)).status_code
                for _ in range(30)
            ]

    first, again = await outcomes(11), await outcomes(11)

    assert first == again
    assert {200, 500} == set(first)


BAD_REQUESTS: list[tuple[Any, int, str | None]] = [
    ([1, 2], 400, None),
    ({"messages": HELLO}, 400, "model"),
    ({"model": "gpt-9", "messages": HELLO}, 404, "model"),
    ({"model": "sim-model"}, 400, "messages"),
    ({"model": "sim-model", "messages": []}, 400, "messages"),
    ({"model": "sim-model", "messages": "hi"}, 400, "messages"),
    ({"model": "sim-model", "messages": ["hi"]}, 400, "messages[0]"),
    ({"model": "sim-model", "messages": [{"content": "hi"}]}, 400, "messages[0].role"),
    (
        {"model": "sim-model", "messages": [{"role": "king", "content": "x"}]},
        400,
        "messages[0].role",
    ),
    ({"model": "sim-model", "messages": [{"role": "user"}]}, 400, "messages[0].content"),
    (
        {"model": "sim-model", "messages": [{"role": "user", "content": 7}]},
        400,
        "messages[0].content",
    ),
    (
        {
            "model": "sim-model",
            "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {}}]}],
        },
        400,
        "messages[0].content[0].type",
    ),
    (
        {"model": "sim-model", "messages": [{"role": "assistant", "tool_calls": [{"id": "x"}]}]},
        400,
        "messages[0].tool_calls[0].function",
    ),
    ({**REQUEST, "stream": "yes"}, 400, "stream"),
    ({**REQUEST, "stream_options": {"include_usage": True}}, 400, "stream_options"),
    ({**REQUEST, "max_tokens": 0}, 400, "max_tokens"),
    ({**REQUEST, "max_completion_tokens": "many"}, 400, "max_completion_tokens"),
    ({**REQUEST, "n": 2}, 400, "n"),
    ({**REQUEST, "tools": {"type": "function"}}, 400, "tools"),
    (
        {**REQUEST, "tools": [{"type": "function", "function": {"name": "a b"}}]},
        400,
        "tools[0].function.name",
    ),
    ({**REQUEST, "tool_choice": "auto"}, 400, "tool_choice"),
    (
        {
            **REQUEST,
            "tools": [{"type": "function", "function": {"name": "f"}}],
            "tool_choice": {"type": "function", "function": {"name": "g"}},
        },
        400,
        "tool_choice",
    ),
    (
        {
            **REQUEST,
            "tools": [
                {"type": "function", "function": {"name": "f", "parameters": {"type": "tuple"}}}
            ],
        },
        400,
        "tools[0].function.parameters",
    ),
    ({**REQUEST, "response_format": {"type": "yaml"}}, 400, "response_format"),
    (
        {**REQUEST, "response_format": {"type": "json_schema", "json_schema": {"name": "x"}}},
        400,
        "response_format.json_schema.schema",
    ),
    (
        {
            **REQUEST,
            "response_format": {
                "type": "json_schema",
                "json_schema": {
                    "schema": {"$ref": "#/$defs/me", "$defs": {"me": {"$ref": "#/$defs/me"}}}
                },
            },
        },
        400,
        "response_format.json_schema.schema",
    ),
]


@pytest.mark.anyio
@pytest.mark.parametrize(("body", "status", "param"), BAD_REQUESTS)
async def test_a_bad_request_gets_an_openai_shaped_4xx_naming_the_field(
    body: Any, status: int, param: str | None
) -> None:
    async with http(FAST) as client:
        response = await client.post("/v1/chat/completions", json=body)

    assert_openai_error(response, status, param)


@pytest.mark.anyio
@pytest.mark.parametrize("body", [b"{not json", b"", b"\xff\xfe", b"[" * 10_000])
async def test_a_body_that_is_not_json_gets_a_400(body: bytes) -> None:
    async with http(FAST) as client:
        response = await client.post(
            "/v1/chat/completions", content=body, headers={"Content-Type": "application/json"}
        )

    assert_openai_error(response, 400, None)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/v2/models"), ("GET", "/v1/chat/completions")]
)
async def test_an_unknown_route_gets_an_openai_shaped_404(method: str, path: str) -> None:
    async with http(FAST) as client:
        response = await client.request(method, path)

    assert path in assert_openai_error(response, 404, None)


@asynccontextmanager
async def keyed_seller() -> AsyncIterator[RunningSimSeller]:
    async with running_sim_seller(replace(FAST, api_key=Secret("sk-sim-secret"))) as seller:
        yield seller


@pytest.mark.anyio
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer sk-wrong"},
        {"Authorization": "sk-sim-secret"},
        {"Authorization": "Bearer sk-sim-secret-and-more"},
        {"Authorization": "Bearer s\u00e9cret".encode()},
    ],
)
async def test_a_missing_or_wrong_key_gets_a_401(headers: dict[str, Any]) -> None:
    async with keyed_seller() as seller, httpx.AsyncClient(base_url=seller.url) as client:
        chat = await client.post("/v1/chat/completions", json=REQUEST, headers=headers)
        models = await client.get("/v1/models", headers=headers)
        health = await client.get("/healthz", headers=headers)

    for response in (chat, models):
        message = assert_openai_error(response, 401, None)
        assert "sk-sim-secret" not in message
    assert health.status_code == 200


@pytest.mark.anyio
async def test_the_right_key_is_let_in_and_a_wrong_one_is_refused_by_the_sdk() -> None:
    async with keyed_seller() as seller:
        url = f"{seller.url}/v1"
        async with openai.AsyncOpenAI(base_url=url, api_key="sk-sim-secret", max_retries=0) as sdk:
            completion = await sdk.chat.completions.create(model="sim-model", messages=HELLO)  # type: ignore[arg-type]
        async with openai.AsyncOpenAI(base_url=url, api_key="sk-nope", max_retries=0) as sdk:
            with pytest.raises(openai.AuthenticationError) as refused:
                await sdk.chat.completions.create(model="sim-model", messages=HELLO)  # type: ignore[arg-type]

    assert completion.choices[0].message.content
    assert refused.value.code == "invalid_api_key"


@pytest.mark.anyio
async def test_a_key_is_checked_before_the_body_is_read() -> None:
    async with keyed_seller() as seller, httpx.AsyncClient(base_url=seller.url) as client:
        response = await client.post("/v1/chat/completions", content=b"{not json")

    assert_openai_error(response, 401, None)
