"""Feature and throughput probes: does an endpoint stream, call tools, follow a JSON schema?

A probe checks the protocol, not the content's quality: a forced tool call must come
back as a tool call with arguments that fit the tool's schema, a `json_schema`
response format as JSON that fits the schema. Each probe's wording is drawn fresh, so
no fixed request can be recognised and answered specially.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jsonschema

from tokenpit.grading.client import Reply
from tokenpit.grading.replies import unfenced

THROUGHPUT_TOKENS = 256  # long enough that tokens per second is more than start-up noise

CITIES = ("Lisbon", "Oslo", "Nairobi", "Lima", "Hanoi", "Perth", "Quito", "Tunis", "Riga")
TOPICS = ("rivers", "bridges", "tea", "lighthouses", "glaciers", "markets", "bees", "trains")


@dataclass(frozen=True, slots=True)
class Probe:
    """One request and the rule its reply must meet; `check` returns a problem or None."""

    feature: str
    body: dict[str, Any]
    check: Callable[[Reply], str | None]


def streaming_probe(rng: random.Random) -> Probe:
    """Return a streamed request whose reply must arrive as events with content."""
    topic = rng.choice(TOPICS)
    body = _body(f"Write two sentences about {topic}.", max_tokens=80, stream=True)

    def check(reply: Reply) -> str | None:
        if reply.answer is None:
            return f"the streamed request failed: {reply.error}"
        if not reply.streamed:
            return "asked to stream, it answered with one plain response"
        if not (reply.answer.content or "").strip():
            return "the stream carried no content"
        return None

    return Probe("streaming", body, check)


def tools_probe(rng: random.Random, *, stream: bool) -> Probe:
    """Return a request that forces a tool call; the call must fit the tool's schema."""
    city = rng.choice(CITIES)
    schema = {
        "type": "object",
        "properties": {
            "city": {"type": "string"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        },
        "required": ["city"],
        "additionalProperties": False,
    }
    tool = {
        "type": "function",
        "function": {"name": "get_weather", "description": "Current weather", "parameters": schema},
    }
    body = _body(f"What is the weather in {city} right now?", max_tokens=100, stream=stream)
    body["tools"] = [tool]
    body["tool_choice"] = {"type": "function", "function": {"name": "get_weather"}}

    def check(reply: Reply) -> str | None:
        if reply.answer is None:
            return f"the request failed: {reply.error}"
        calls = reply.answer.tool_calls
        if not calls:
            return "asked for a tool call, it answered with text"
        if calls[0].name != "get_weather":
            return f"called {calls[0].name!r}, not the forced get_weather"
        return _fits(calls[0].arguments, schema, "tool arguments")

    return Probe("tools", body, check)


def json_schema_probe(rng: random.Random, *, stream: bool) -> Probe:
    """Return a request with a `json_schema` response format; the reply must fit it."""
    topic = rng.choice(TOPICS)
    schema = {
        "type": "object",
        "properties": {
            "topic": {"type": "string"},
            "facts": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
        },
        "required": ["topic", "facts"],
        "additionalProperties": False,
    }
    body = _body(f"Give up to three short facts about {topic}.", max_tokens=200, stream=stream)
    body["response_format"] = {
        "type": "json_schema",
        "json_schema": {"name": "facts", "schema": schema, "strict": True},
    }

    def check(reply: Reply) -> str | None:
        if reply.answer is None:
            return f"the request failed: {reply.error}"
        return _fits(reply.answer.content or "", schema, "the reply")

    return Probe("json_schema", body, check)


def throughput_probe(rng: random.Random) -> Probe:
    """Return a streamed request for a long reply, to time output tokens per second."""
    topic = rng.choice(TOPICS)
    prompt = f"Write a detailed essay of about 300 words on {topic}."
    body = _body(prompt, max_tokens=THROUGHPUT_TOKENS, stream=True)

    def check(reply: Reply) -> str | None:
        if reply.answer is None:
            return f"the request failed: {reply.error}"
        return None

    return Probe("throughput", body, check)


def _body(prompt: str, *, max_tokens: int, stream: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "messages": [{"role": "user", "content": prompt}],
        "max_tokens": max_tokens,
    }
    if stream:
        body["stream"] = True
    return body


def _fits(text: str, schema: dict[str, Any], what: str) -> str | None:
    try:
        value = json.loads(unfenced(text))
    except ValueError as error:
        return f"{what} is not JSON: {error}"
    try:
        jsonschema.validate(value, schema)
    except jsonschema.ValidationError as error:
        return f"{what} does not fit the schema: {error.message}"
    return None
