"""Judging a delivery against its grade."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenpit.gateway.measure import (
    OUTPUT_TPS_MIN_SAMPLE,
    DeliveryMeasurement,
    Outcome,
    allowed_duration_ms,
    judge,
)
from tokenpit.specs import Grade, default_spec

# Grade B of the packaged spec: ttft_p95_ms 2,500, output_tps_min 40.
GRADE_B = default_spec().grade("B")


def grade_with(ttft_p95_ms: int, output_tps_min: float) -> Grade:
    return dataclasses.replace(GRADE_B, ttft_p95_ms=ttft_p95_ms, output_tps_min=output_tps_min)


def streamed(ttft_ms: float, duration_ms: float, output_tokens: int) -> DeliveryMeasurement:
    return DeliveryMeasurement(ttft_ms, duration_ms, output_tokens, streamed=True)


def whole(duration_ms: float, output_tokens: int) -> DeliveryMeasurement:
    return DeliveryMeasurement(duration_ms, duration_ms, output_tokens, streamed=False)


def test_the_grade_under_test_has_the_limits_the_cases_assume() -> None:
    assert (GRADE_B.ttft_p95_ms, GRADE_B.output_tps_min) == (2_500, 40)


def test_a_fast_stream_is_on_grade() -> None:
    verdict = judge(GRADE_B, streamed(800, 2_000, 101))

    assert verdict.outcome is Outcome.ON_GRADE
    assert verdict.on_grade
    assert verdict.reason == ""


def test_a_stream_whose_first_token_is_late_is_off_grade() -> None:
    verdict = judge(GRADE_B, streamed(3_100, 4_000, 101))

    assert verdict.outcome is Outcome.OFF_GRADE
    assert verdict.reason == "ttft 3100 ms over the grade's 2500 ms"


def test_a_first_token_exactly_at_the_limit_is_on_grade() -> None:
    assert judge(GRADE_B, streamed(2_500, 3_000, 5)).on_grade
    assert not judge(GRADE_B, streamed(2_500.5, 3_000, 5)).on_grade


def test_a_slow_stream_is_off_grade() -> None:
    # 64 tokens: the first at 500 ms, 63 more over 2 s, 31.5 tokens/s.
    verdict = judge(GRADE_B, streamed(500, 2_500, 64))

    assert verdict.reasons == ("output 31.5 tokens/s under the grade's 40 tokens/s",)


def test_too_short_a_stream_is_not_judged_on_its_rate() -> None:
    slow_but_short = streamed(500, 60_000, OUTPUT_TPS_MIN_SAMPLE - 1)
    slow_and_long_enough = streamed(500, 60_000, OUTPUT_TPS_MIN_SAMPLE)

    assert slow_but_short.output_tps is None
    assert judge(GRADE_B, slow_but_short).on_grade
    assert not judge(GRADE_B, slow_and_long_enough).on_grade


def test_a_stream_late_and_slow_gives_both_reasons() -> None:
    verdict = judge(GRADE_B, streamed(3_000, 13_000, 101))

    assert verdict.reasons == (
        "ttft 3000 ms over the grade's 2500 ms",
        "output 10 tokens/s under the grade's 40 tokens/s",
    )
    assert verdict.reason == "; ".join(verdict.reasons)


def test_the_output_rate_counts_the_tokens_after_the_first() -> None:
    assert streamed(500, 1_500, 41).output_tps == 40.0


def test_a_reply_not_streamed_is_judged_on_its_whole_time() -> None:
    # 100 tokens at 40 tokens/s after a 2,500 ms first token: 5,000 ms allowed.
    assert allowed_duration_ms(GRADE_B, 100) == 5_000
    assert judge(GRADE_B, whole(5_000, 100)).on_grade

    verdict = judge(GRADE_B, whole(5_000.25, 100))

    assert verdict.reasons == (
        "duration 5000.25 ms over the 5000 ms the grade allows for 100 output tokens",
    )


def test_a_reply_not_streamed_has_no_output_rate() -> None:
    assert whole(3_000, 500).output_tps is None


def test_a_measurement_from_clock_readings() -> None:
    start_ns = 7_000_000_000

    stream = DeliveryMeasurement.from_ns(
        start_ns, start_ns + 250_500_000, start_ns + 1_000_000_000, 12, streamed=True
    )
    not_streamed = DeliveryMeasurement.from_ns(
        start_ns, None, start_ns + 1_000_000_000, 12, streamed=False
    )
    empty_stream = DeliveryMeasurement.from_ns(
        start_ns, None, start_ns + 2_000_000_000, 0, streamed=True
    )

    assert stream == streamed(250.5, 1_000, 12)
    assert not_streamed == whole(1_000, 12)
    assert empty_stream == streamed(2_000, 2_000, 0)


@pytest.mark.parametrize(
    ("ttft_ms", "duration_ms", "output_tokens", "problem"),
    [
        (-1, 10, 1, "must be >= 0"),
        (11, 10, 1, "<= duration_ms 10"),
        (1, 10, -1, "output_tokens -1"),
        (math.nan, 10, 1, "must be finite"),
        (1, math.inf, 1, "must be finite"),
    ],
)
def test_an_impossible_measurement_is_refused(
    ttft_ms: float, duration_ms: float, output_tokens: int, problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        DeliveryMeasurement(ttft_ms, duration_ms, output_tokens, streamed=True)


@given(
    # Whole milliseconds, so that sums of times are exact and only the rules decide.
    ttft_ms=st.integers(min_value=0, max_value=60_000),
    decode_ms=st.integers(min_value=0, max_value=60_000),
    extra_ttft_ms=st.integers(min_value=0, max_value=10_000),
    extra_decode_ms=st.integers(min_value=0, max_value=10_000),
    output_tokens=st.integers(min_value=0, max_value=10_000),
    ttft_p95_ms=st.integers(min_value=1, max_value=10_000),
    output_tps_min=st.floats(min_value=1, max_value=500),
)
def test_a_slower_delivery_of_the_same_reply_is_never_judged_better(
    ttft_ms: int,
    decode_ms: int,
    extra_ttft_ms: int,
    extra_decode_ms: int,
    output_tokens: int,
    ttft_p95_ms: int,
    output_tps_min: float,
) -> None:
    grade = grade_with(ttft_p95_ms, output_tps_min)
    slow_ttft_ms, slow_decode_ms = ttft_ms + extra_ttft_ms, decode_ms + extra_decode_ms
    pairs = [
        (
            streamed(ttft_ms, ttft_ms + decode_ms, output_tokens),
            streamed(slow_ttft_ms, slow_ttft_ms + slow_decode_ms, output_tokens),
        ),
        (
            whole(ttft_ms + decode_ms, output_tokens),
            whole(slow_ttft_ms + slow_decode_ms, output_tokens),
        ),
    ]

    for fast, slow in pairs:
        fast_verdict, slow_verdict = judge(grade, fast), judge(grade, slow)

        assert fast_verdict.on_grade == (not fast_verdict.reasons)
        if not fast_verdict.on_grade:
            assert not slow_verdict.on_grade
