"""Delivery periods: UTC-aligned windows of the spec's length."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenpit.specs import epoch_seconds, is_period_start, period_end, period_start
from tokenpit.testing.specs import build_spec

UTC = dt.UTC


def at(text: str) -> dt.datetime:
    """Return the UTC time written as ISO text without an offset."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("period", "t", "start"),
    [
        ("1m", "2026-12-03T14:05:59.999999", "2026-12-03T14:05"),
        ("15m", "2026-12-03T14:29:59", "2026-12-03T14:15"),
        ("15m", "2026-12-03T14:30:00", "2026-12-03T14:30"),
        ("1h", "2026-12-03T14:59:59", "2026-12-03T14:00"),
        ("1h", "2026-12-03T15:00:00", "2026-12-03T15:00"),
        ("24h", "2026-12-03T23:59:59", "2026-12-03T00:00"),
        ("24h", "1969-07-20T20:17:40", "1969-07-20T00:00"),
    ],
)
def test_period_start_floors_a_time_to_its_period(period: str, t: str, start: str) -> None:
    spec = build_spec(period=period, listing_lead="0s")

    assert period_start(spec, at(t)) == at(start)
    assert period_start(spec, at(t)).tzinfo is UTC


@pytest.mark.parametrize("period", ["1m", "15m", "1h", "24h"])
def test_period_end_is_the_start_plus_one_period(period: str) -> None:
    spec = build_spec(period=period, listing_lead="0s")
    t = at("2026-12-03T14:07:30")

    assert period_end(spec, t) - period_start(spec, t) == spec.period


@given(
    period=st.sampled_from(["1m", "5m", "15m", "30m", "1h", "2h", "3h", "8h", "24h"]),
    t=st.datetimes(
        # hypothesis takes naive bounds and attaches the zone itself
        min_value=dt.datetime(1900, 1, 1),  # noqa: DTZ001
        max_value=dt.datetime(2200, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
)
def test_every_period_starts_on_a_boundary_that_meets_utc_midnight(
    period: str, t: dt.datetime
) -> None:
    spec = build_spec(period=period, listing_lead="0s")

    start = period_start(spec, t)

    assert start <= t < start + spec.period
    midnight = start.replace(hour=0, minute=0)
    assert (start - midnight) % spec.period == dt.timedelta(0)


def test_an_aware_time_in_another_zone_is_the_same_instant() -> None:
    spec = build_spec(period="1h", listing_lead="0s")
    t = dt.datetime(2026, 12, 3, 16, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))

    assert period_start(spec, t) == at("2026-12-03T14:00")
    assert period_start(spec, t).tzinfo is UTC


def test_a_naive_time_is_refused() -> None:
    spec = build_spec()

    with pytest.raises(ValueError, match="must be timezone-aware"):
        period_start(spec, dt.datetime(2026, 12, 3, 14))  # noqa: DTZ001 - naive on purpose


def test_epoch_seconds_round_down_to_the_second() -> None:
    assert epoch_seconds(at("1970-01-01T00:00:01.9")) == 1
    assert epoch_seconds(at("1969-12-31T23:59:59.5")) == -1


@pytest.mark.parametrize(
    ("t", "expected"),
    [("2026-12-03T14:15", True), ("2026-12-03T14:20", False), ("2026-12-03T14:15:00.5", False)],
)
def test_is_period_start_tells_boundaries(t: str, expected: bool) -> None:
    assert is_period_start(build_spec(period="15m", listing_lead="0s"), at(t)) is expected
