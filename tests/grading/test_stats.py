"""Wilson score intervals: known values, edges, and coverage at the stated level."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenpit.grading.stats import interval, wilson, z_score


def test_the_interval_matches_a_worked_value() -> None:
    # 81 of 100 at 95%: Wilson's interval is [0.7222, 0.8749] (Newcombe, 1998, method 3).
    found = interval(81, 100)

    assert found.lower == pytest.approx(0.7222, abs=1e-4)
    assert found.upper == pytest.approx(0.8749, abs=1e-4)


def test_no_items_know_nothing() -> None:
    found = interval(0, 0)

    assert (found.lower, found.upper, found.rate) == (0.0, 1.0, 0.0)


def test_all_passed_reaches_one_and_none_passed_reaches_zero() -> None:
    assert interval(20, 20).upper == 1.0
    assert interval(20, 20).lower == pytest.approx(0.8389, abs=1e-4)
    assert interval(0, 20).lower == 0.0


def test_more_items_narrow_the_interval() -> None:
    small, large = interval(8, 10), interval(80, 100)

    assert large.upper - large.lower < small.upper - small.lower


@given(st.integers(0, 500), st.integers(1, 500))
def test_the_interval_holds_the_observed_rate(passed: int, extra: int) -> None:
    items = passed + extra
    found = interval(passed, items)

    assert 0.0 <= found.lower <= passed / items <= found.upper <= 1.0


def test_coverage_is_near_the_stated_level() -> None:
    rng = random.Random(7)
    z = z_score(0.95)
    covered = 0
    trials = 2_000
    for _ in range(trials):
        rate = rng.uniform(0.2, 0.9)
        passed = sum(rng.random() < rate for _ in range(60))
        found = wilson(passed, 60, z)
        covered += found.lower <= rate <= found.upper

    assert 0.93 <= covered / trials <= 0.97


@pytest.mark.parametrize(("passed", "items"), [(-1, 5), (6, 5)])
def test_impossible_counts_are_refused(passed: int, items: int) -> None:
    with pytest.raises(ValueError, match="passed must be between 0 and items"):
        interval(passed, items)


@pytest.mark.parametrize("confidence", [0.0, 1.0, 1.5])
def test_confidence_outside_zero_and_one_is_refused(confidence: float) -> None:
    with pytest.raises(ValueError, match="confidence must be between 0 and 1"):
        z_score(confidence)
