"""What a simulated seller is told to be: its model, speed, failures and honesty."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

from tokenpit.settings import Secret

REPLY_TOKENS_MAX = 1_000_000
OUTPUT_TPS_MAX = 1_000_000.0
TTFT_MS_MAX = 3_600_000.0
CONTEXT_TOKENS_MAX = 10_000_000


class Fault(enum.StrEnum):
    """A fixed misbehaviour, on every valid request, for fault tests."""

    NONE = "none"
    HANG = "hang"  # accept the request and never answer
    HTTP_500 = "http_500"  # answer 500 in OpenAI's error shape
    INVALID_JSON = "invalid_json"  # 200, but a body (or stream chunks) that is not JSON
    CLOSE_MIDSTREAM = "close_midstream"  # send part of the reply, then drop the connection
    STALL_MIDSTREAM = "stall_midstream"  # send part of the reply, then send nothing more
    # Stream part of the reply, then a chunk that is not JSON, then the rest; not streamed,
    # the same as invalid_json.
    INVALID_JSON_MIDSTREAM = "invalid_json_midstream"


@dataclass(frozen=True, slots=True)
class SimSellerConfig:
    """How a simulated seller behaves; every field is checked on construction.

    Timing: the first token comes `ttft_ms` after the request, the rest at `output_tps`
    tokens per second, and a non-streaming reply waits for the same total time.
    Usage: token counts are honest cl100k counts multiplied by `usage_factor`.
    """

    model: str = "sim-model"
    api_key: Secret | None = None
    ttft_ms: float = 50.0
    output_tps: float = 100.0
    reply_tokens: int = 64
    failure_rate: float = 0.0
    fault: Fault = Fault.NONE
    usage_factor: float = 1.0
    seed: int = 0
    # Grading items answered right with this probability (None: never solved, pseudo-text);
    # `category_quality` overrides it per category, as (category, probability) pairs.
    quality: float | None = None
    category_quality: tuple[tuple[str, float], ...] = ()
    context_tokens: int = CONTEXT_TOKENS_MAX  # longer prompts are refused, as a model's are

    def quality_of(self, category: str) -> float:
        """Return the probability of answering a grading item of `category` right."""
        for name, probability in self.category_quality:
            if name == category:
                return probability
        return 0.0 if self.quality is None else self.quality

    def __post_init__(self) -> None:
        problems = list(_problems(self))
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def ttft_s(self) -> float:
        """Return the delay before the first token, in seconds."""
        return self.ttft_ms / 1_000

    def reply_duration_s(self, tokens: int) -> float:
        """Return how long a reply of `tokens` tokens takes, from request to last token."""
        return self.ttft_s + max(tokens - 1, 0) / self.output_tps


def _problems(config: SimSellerConfig) -> list[str]:
    problems = []
    if not isinstance(config.model, str) or not config.model.strip():
        problems.append(f"model must be a non-empty name, got {config.model!r}")
    if config.api_key is not None and not config.api_key.reveal():
        problems.append("api_key must not be empty; leave it out to accept every request")
    if not _number_in(config.ttft_ms, 0, TTFT_MS_MAX):
        problems.append(f"ttft_ms must be between 0 and {TTFT_MS_MAX:g}, got {config.ttft_ms!r}")
    if not _number_in(config.output_tps, 0, OUTPUT_TPS_MAX) or config.output_tps == 0:
        problems.append(
            f"output_tps must be above 0 and at most {OUTPUT_TPS_MAX:g}, got {config.output_tps!r}"
        )
    if not _integer_in(config.reply_tokens, 1, REPLY_TOKENS_MAX):
        problems.append(
            f"reply_tokens must be an integer from 1 to {REPLY_TOKENS_MAX}, "
            f"got {config.reply_tokens!r}"
        )
    if not _number_in(config.failure_rate, 0, 1):
        problems.append(f"failure_rate must be between 0 and 1, got {config.failure_rate!r}")
    if not isinstance(config.fault, Fault):
        problems.append(f"fault must be one of {', '.join(Fault)}, got {config.fault!r}")
    if not _number_in(config.usage_factor, 0, 1_000):
        problems.append(f"usage_factor must be between 0 and 1000, got {config.usage_factor!r}")
    if not _integer_in(config.seed, -(2**63), 2**63 - 1):
        problems.append(f"seed must be a 64-bit integer, got {config.seed!r}")
    return problems + _model_problems(config)


def _model_problems(config: SimSellerConfig) -> list[str]:
    """Return what is wrong with the simulated model's quality and context window."""
    problems = []
    if config.quality is not None and not _number_in(config.quality, 0, 1):
        problems.append(f"quality must be between 0 and 1, got {config.quality!r}")
    for name, probability in config.category_quality:
        if not _number_in(probability, 0, 1):
            problems.append(f"quality of {name} must be between 0 and 1, got {probability!r}")
    if not _integer_in(config.context_tokens, 1, CONTEXT_TOKENS_MAX):
        problems.append(
            f"context_tokens must be an integer from 1 to {CONTEXT_TOKENS_MAX}, "
            f"got {config.context_tokens!r}"
        )
    return problems


def _number_in(value: object, low: float, high: float) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and low <= value <= high
    )


def _integer_in(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
