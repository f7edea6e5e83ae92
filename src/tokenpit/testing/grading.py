"""An in-process endpoint of known true quality, for certification tests and benchmarks.

`SimulatedEndpoint` is a grading `ChatClient` that answers without a network: grading
items right with a set probability per category (through the suite's reference
solver, as sim sellers do), anything else with filler of the asked length, and
timings from its settings rather than a clock, so runs are fast and deterministic.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tokenpit.grading.client import Reply
from tokenpit.grading.items import CATEGORIES, Answer, ToolCall
from tokenpit.grading.solvers import solve

FILLER_TOKENS = 64
WRONG = Answer(content="I am not sure.")


@dataclass(frozen=True, slots=True)
class EndpointTraits:
    """What a simulated endpoint is: its true quality per category, speed and features."""

    quality: Mapping[str, float]  # category -> probability of a right answer
    ttft_ms: float = 200.0
    output_tps: float = 100.0
    streams: bool = True
    calls_tools: bool = True
    follows_schemas: bool = True
    failure_rate: float = 0.0
    context_tokens: int = 10_000_000  # longer prompts fail, as over a model's window

    @classmethod
    def uniform(cls, quality: float, **traits: Any) -> EndpointTraits:
        """Return traits with the same quality in every category."""
        return cls(quality=dict.fromkeys(map(str, CATEGORIES), quality), **traits)

    @property
    def overall(self) -> float:
        """Return the true overall quality: the mean over categories, sampled alike."""
        return sum(self.quality.values()) / len(self.quality)


@dataclass(slots=True)
class SimulatedEndpoint:
    """A `ChatClient` answering from `traits`, drawing from `rng`."""

    traits: EndpointTraits
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    requests: int = 0

    async def chat(self, body: dict[str, Any]) -> Reply:
        """Answer one Chat Completions body."""
        self.requests += 1
        traits = self.traits
        if self.rng.random() < traits.failure_rate:
            return Reply(None, error="simulated failure")
        if _prompt_chars(body) > traits.context_tokens * 4:
            return Reply(None, error="seller answered 400: context length exceeded")
        answer, tokens = self._answer(body)
        streamed = traits.streams and body.get("stream") is True
        duration_ms = traits.ttft_ms + max(tokens - 1, 0) * 1_000 / traits.output_tps
        return Reply(
            answer,
            streamed=streamed,
            ttft_ms=traits.ttft_ms if streamed else None,
            duration_ms=duration_ms,
            output_tokens=tokens,
        )

    def _answer(self, body: dict[str, Any]) -> tuple[Answer, int]:
        if body.get("tools") and not self.traits.calls_tools:
            return WRONG, 4
        if body.get("response_format") and not self.traits.follows_schemas:
            return WRONG, 4
        solution = solve(body)
        if solution is None:
            return _protocol_answer(body)
        if self.rng.random() < self.traits.quality.get(str(solution.category), 0.0):
            answer = solution.answer
            return answer, max(1, len(answer.content or "") // 4 + len(answer.tool_calls) * 8)
        return WRONG, 4


def _prompt_chars(body: Mapping[str, Any]) -> int:
    """Return the characters of the prompt; about four make a token of English."""
    return sum(len(str(m.get("content") or "")) for m in body.get("messages") or ())


def _protocol_answer(body: Mapping[str, Any]) -> tuple[Answer, int]:
    """Answer a request that is not a grading item: a tool call, schema JSON or filler."""
    tools = body.get("tools") or []
    if tools:
        function = tools[0]["function"]
        arguments = json.dumps(_example(function.get("parameters") or {}))
        return Answer(content=None, tool_calls=(ToolCall(function["name"], arguments),)), 16
    response_format = body.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        schema = response_format["json_schema"].get("schema") or {}
        return Answer(content=json.dumps(_example(schema))), 16
    tokens = min(int(body.get("max_tokens") or FILLER_TOKENS), 4_096)
    return Answer(content=" word" * tokens), tokens


def _example(schema: Mapping[str, Any]) -> Any:
    """Return the smallest value that fits a simple JSON schema."""
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties") or {}
        return {name: _example(properties[name]) for name in schema.get("required") or ()}
    return {"array": [], "string": "x", "integer": 0, "number": 0, "boolean": True}.get(str(kind))
