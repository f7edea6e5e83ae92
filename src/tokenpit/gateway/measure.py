"""Measure one delivery and judge it against its grade (payments: `clearing.money`).

The rules a delivery is judged by:

- Streamed: off grade when the time to the first content byte is over the grade's
  `ttft_p95_ms`, or when the reply has at least `OUTPUT_TPS_MIN_SAMPLE` output tokens and
  its output rate is under the grade's `output_tps_min`.
- Not streamed: the buyer sees nothing until the whole reply is in, so the whole time is
  judged against the time the grade allows for that reply: off grade when it is over
  `ttft_p95_ms` plus `output_tokens / output_tps_min` seconds.

A single request is judged against the grade's 95th-percentile limit on purpose: the grade
promises that limit to every buyer, and the off-grade discount compensates the buyer for the
one request that missed it; certification and audits judge the percentile over many.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from typing import Final

from tokenpit.specs import Grade

# Fewer output tokens than this leave the rate to chance: sellers and proxies send several
# tokens per chunk and the network delivers chunks in bursts, so over a short reply one
# 50 ms stall or one batched chunk moves the measured rate by a third. Over 32 tokens, at
# least 0.5 s even at the fastest grade's 60 tokens/s, the same stall moves it by under 10%.
OUTPUT_TPS_MIN_SAMPLE: Final = 32

_NS_PER_MS: Final = 1_000_000
_MS_PER_S: Final = 1_000


class Outcome(enum.StrEnum):
    """Say whether a delivery met its grade's latency and throughput limits."""

    ON_GRADE = "on_grade"
    OFF_GRADE = "off_grade"


@dataclass(frozen=True, slots=True)
class DeliveryMeasurement:
    """Hold the timing of one delivery, measured at the gateway from the request sent.

    `ttft_ms` runs to the first content byte of a stream, or to the whole response when not
    streamed; `duration_ms` runs to the last byte. `output_tokens` is the reference count.
    Raises `ValueError` on impossible figures: a negative or non-finite time, a first byte
    after the last, a negative count.
    """

    ttft_ms: float
    duration_ms: float
    output_tokens: int
    streamed: bool

    def __post_init__(self) -> None:
        if not (math.isfinite(self.ttft_ms) and math.isfinite(self.duration_ms)):
            raise ValueError(
                f"ttft_ms {self.ttft_ms} and duration_ms {self.duration_ms} must be finite"
            )
        if not 0 <= self.ttft_ms <= self.duration_ms:
            raise ValueError(
                f"ttft_ms {self.ttft_ms} must be >= 0 and <= duration_ms {self.duration_ms}"
            )
        if self.output_tokens < 0:
            raise ValueError(f"output_tokens {self.output_tokens} must be >= 0")

    @classmethod
    def from_ns(
        cls,
        start_ns: int,
        first_content_ns: int | None,
        end_ns: int,
        output_tokens: int,
        *,
        streamed: bool,
    ) -> DeliveryMeasurement:
        """Build a measurement from monotonic clock readings in nanoseconds.

        `first_content_ns` is None when no content came, or when the reply was not streamed:
        the time to first token is then the whole time.
        """
        duration_ms = (end_ns - start_ns) / _NS_PER_MS
        if first_content_ns is None or not streamed:
            return cls(duration_ms, duration_ms, output_tokens, streamed)
        return cls((first_content_ns - start_ns) / _NS_PER_MS, duration_ms, output_tokens, streamed)

    @property
    def output_tps(self) -> float | None:
        """Return output tokens per second after the first token, or None when too few to judge.

        The first token arrived at `ttft_ms`; the other `output_tokens - 1` came in the time
        after it. None below `OUTPUT_TPS_MIN_SAMPLE` tokens, and when nothing came after the
        first byte (a reply not streamed).
        """
        decode_s = (self.duration_ms - self.ttft_ms) / _MS_PER_S
        if self.output_tokens < OUTPUT_TPS_MIN_SAMPLE or decode_s <= 0:
            return None
        return (self.output_tokens - 1) / decode_s


@dataclass(frozen=True, slots=True)
class Verdict:
    """Give a delivery's outcome against its grade and every limit it missed."""

    outcome: Outcome
    reasons: tuple[str, ...] = ()

    @property
    def on_grade(self) -> bool:
        """Tell whether the delivery met every limit of its grade."""
        return self.outcome is Outcome.ON_GRADE

    @property
    def reason(self) -> str:
        """Return the missed limits in one line; empty when on grade."""
        return "; ".join(self.reasons)


def judge(grade: Grade, measurement: DeliveryMeasurement) -> Verdict:
    """Judge one delivery against `grade` by the rules of this module."""
    reasons: list[str] = []
    if measurement.streamed:
        if measurement.ttft_ms > grade.ttft_p95_ms:
            reasons.append(
                f"ttft {_figure(measurement.ttft_ms)} ms over the grade's {grade.ttft_p95_ms} ms"
            )
        output_tps = measurement.output_tps
        if output_tps is not None and output_tps < grade.output_tps_min:
            reasons.append(
                f"output {_figure(output_tps)} tokens/s under the grade's "
                f"{_figure(grade.output_tps_min)} tokens/s"
            )
    else:
        allowed_ms = allowed_duration_ms(grade, measurement.output_tokens)
        if measurement.duration_ms > allowed_ms:
            reasons.append(
                f"duration {_figure(measurement.duration_ms)} ms over the "
                f"{_figure(allowed_ms)} ms the grade allows for "
                f"{measurement.output_tokens} output tokens"
            )

    if reasons:
        return Verdict(Outcome.OFF_GRADE, tuple(reasons))
    return Verdict(Outcome.ON_GRADE)


def allowed_duration_ms(grade: Grade, output_tokens: int) -> float:
    """Return the longest a reply not streamed may take: first token, then the minimum rate."""
    return grade.ttft_p95_ms + _MS_PER_S * output_tokens / grade.output_tps_min


def _figure(value: float) -> str:
    """Write a measured figure with up to three decimals, trailing zeros dropped."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text or "0"
