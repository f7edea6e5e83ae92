"""The listing window: pending, trading, delivering, closed."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenpit.specs import (
    Instrument,
    InstrumentState,
    default_spec,
    instrument_state,
    is_tradable,
    listed_instruments,
    listing_start,
    parse_symbol,
)
from tokenpit.testing.specs import build_spec

UTC = dt.UTC
START = dt.datetime(2026, 12, 3, 14, tzinfo=UTC)
SECOND = dt.timedelta(seconds=1)


@pytest.mark.parametrize(
    ("offset", "state"),
    [
        (-dt.timedelta(hours=24) - SECOND, InstrumentState.PENDING),
        (-dt.timedelta(hours=24), InstrumentState.TRADING),
        (-SECOND, InstrumentState.TRADING),
        (dt.timedelta(0), InstrumentState.DELIVERING),
        (dt.timedelta(hours=1) - SECOND, InstrumentState.DELIVERING),
        (dt.timedelta(hours=1), InstrumentState.CLOSED),
    ],
)
def test_the_state_changes_exactly_at_the_window_boundaries(
    offset: dt.timedelta, state: InstrumentState
) -> None:
    spec = default_spec()
    instrument = parse_symbol(spec, "CHAT-B.2026-12-03T14")

    assert instrument_state(instrument, spec, START + offset) is state


def test_the_listing_starts_one_listing_lead_before_the_period() -> None:
    spec = default_spec()
    instrument = parse_symbol(spec, "CHAT-B.2026-12-03T14")

    assert listing_start(instrument, spec) == START - dt.timedelta(hours=24)


def test_a_fraction_of_a_second_before_listing_is_still_pending() -> None:
    spec = default_spec()
    instrument = parse_symbol(spec, "CHAT-B.2026-12-03T14")
    just_before = START - dt.timedelta(hours=24, microseconds=1)

    assert instrument_state(instrument, spec, just_before) is InstrumentState.PENDING


@pytest.mark.parametrize(
    ("state", "tradable"),
    [
        (InstrumentState.PENDING, False),
        (InstrumentState.TRADING, True),
        (InstrumentState.DELIVERING, True),
        (InstrumentState.CLOSED, False),
    ],
)
def test_instruments_trade_while_listed_and_delivering(
    state: InstrumentState, tradable: bool
) -> None:
    assert is_tradable(state) is tradable


def test_the_state_of_an_instrument_of_another_spec_is_refused() -> None:
    instrument = parse_symbol(default_spec(), "CHAT-B.2026-12-03T14")

    with pytest.raises(ValueError, match="is not of spec chat"):
        instrument_state(instrument, build_spec(period="15m"), START)


def test_listed_instruments_run_by_period_then_grade_best_first() -> None:
    spec = build_spec(period="15m", listing_lead="30m")

    listed = listed_instruments(spec, START + dt.timedelta(minutes=20))

    assert [instrument.symbol for instrument in listed] == [
        f"CHAT-{grade}.2026-12-03T14:{minute}"
        for minute in ("15", "30", "45")
        for grade in ("A", "B", "C")
    ]


def test_listed_instruments_include_the_one_listed_this_very_second() -> None:
    spec = default_spec()

    listed = listed_instruments(spec, START)

    assert listed[0].symbol == "CHAT-A.2026-12-03T14"
    assert listed[-1].symbol == "CHAT-C.2026-12-04T14"
    assert len(listed) == 25 * 3


@given(
    period_and_lead=st.sampled_from([("1m", "0s"), ("1m", "5m"), ("15m", "2h"), ("1h", "24h")]),
    t=st.datetimes(
        # hypothesis takes naive bounds and attaches the zone itself
        min_value=dt.datetime(2000, 1, 1),  # noqa: DTZ001
        max_value=dt.datetime(2100, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
)
def test_listed_instruments_are_exactly_the_tradable_ones(
    period_and_lead: tuple[str, str], t: dt.datetime
) -> None:
    period, lead = period_and_lead
    spec = build_spec(period=period, listing_lead=lead)

    listed = listed_instruments(spec, t)

    assert all(is_tradable(instrument_state(instrument, spec, t)) for instrument in listed)
    assert len(listed) == (spec.listing_lead_s // spec.period_s + 1) * len(spec.grades)
    first, last = listed[0].period_start, listed[-1].period_start
    for start in (first - spec.period, last + spec.period):
        outside = Instrument(spec.family, "A", start, spec.period_s)
        assert not is_tradable(instrument_state(outside, spec, t))
