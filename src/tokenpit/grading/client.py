"""The seam between grading and the network: what a chat call to an endpoint returns.

Certification and audits send Chat Completions bodies through a `ChatClient` and read
back a `Reply`. The exchange's client goes through the gateway's own path to sellers
(`tokenpit.gateway.probe`), so audits look like buyer traffic; tests and benchmarks
may answer in-process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from tokenpit.grading.items import Answer


@dataclass(frozen=True, slots=True)
class Reply:
    """What one request brought back, with when; `answer` is None when it failed."""

    answer: Answer | None
    error: str | None = None  # why there is no answer
    streamed: bool = False  # the answer came as server-sent events
    ttft_ms: float | None = None  # streamed: until the first content or tool-call delta
    duration_ms: float = 0.0  # until the last byte
    output_tokens: int = 0  # by the reference tokenizer

    @property
    def output_tps(self) -> float | None:
        """Return output tokens per second after the first token, for a streamed reply."""
        if self.ttft_ms is None or self.output_tokens < 2:
            return None
        after_first_s = (self.duration_ms - self.ttft_ms) / 1_000
        if after_first_s <= 0:
            return None
        return (self.output_tokens - 1) / after_first_s


class ChatClient(Protocol):
    """Send a Chat Completions body to one endpoint; never raise for the endpoint's faults."""

    async def chat(self, body: dict[str, Any]) -> Reply:
        """Return the endpoint's reply to `body` (its `model` is set by the client)."""
        ...
