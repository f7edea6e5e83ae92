"""Instruments and their symbols, such as CHAT-B.2026-12-03T14."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenpit.specs import (
    Instrument,
    Spec,
    SymbolError,
    UnknownGradeError,
    default_spec,
    format_symbol,
    grade_symbol,
    instrument_at,
    parse_grade_symbol,
    parse_symbol,
    period_start,
)
from tokenpit.testing.specs import build_spec

UTC = dt.UTC
PERIODS = ["1m", "5m", "15m", "30m", "1h", "2h", "6h", "24h"]


def test_a_grade_symbol_is_the_family_upper_case_and_the_grade() -> None:
    spec = default_spec()

    assert [grade_symbol(spec, name) for name in spec.grade_names] == ["CHAT-A", "CHAT-B", "CHAT-C"]
    assert parse_grade_symbol(spec, "CHAT-B") == "B"


def test_an_hourly_instrument_symbol_names_the_hour() -> None:
    spec = default_spec()

    instrument = instrument_at(spec, "B", dt.datetime(2026, 12, 3, 14, 42, tzinfo=UTC))

    assert instrument.symbol == "CHAT-B.2026-12-03T14"
    assert instrument.period_end == dt.datetime(2026, 12, 3, 15, tzinfo=UTC)
    assert str(instrument) == format_symbol(spec, instrument) == instrument.symbol


def test_a_minute_instrument_symbol_names_the_minute() -> None:
    spec = build_spec(period="1m", listing_lead="5m")

    instrument = parse_symbol(spec, "CHAT-B.2026-12-03T14:05")

    assert instrument == Instrument("chat", "B", dt.datetime(2026, 12, 3, 14, 5, tzinfo=UTC), 60)
    assert instrument.period_end == dt.datetime(2026, 12, 3, 14, 6, tzinfo=UTC)


@st.composite
def spec_and_symbol_parts(draw: st.DrawFn) -> tuple[Spec, str, dt.datetime]:
    """Draw a spec of some period length, one of its grades and an aligned period start."""
    spec = build_spec(period=draw(st.sampled_from(PERIODS)), listing_lead="0s")
    grade = draw(st.sampled_from(spec.grade_names))
    t = draw(
        st.datetimes(
            # hypothesis takes naive bounds and attaches the zone itself
            min_value=dt.datetime(1, 1, 2),  # noqa: DTZ001
            max_value=dt.datetime(9999, 12, 30),  # noqa: DTZ001
            timezones=st.just(UTC),
        )
    )
    return spec, grade, period_start(spec, t)


@given(spec_and_symbol_parts())
def test_an_instrument_reads_back_from_its_symbol(parts: tuple[Spec, str, dt.datetime]) -> None:
    spec, grade, start = parts
    instrument = Instrument(spec.family, grade, start, spec.period_s)

    assert parse_symbol(spec, format_symbol(spec, instrument)) == instrument


@given(spec_and_symbol_parts())
def test_a_symbol_reads_back_from_its_instrument(parts: tuple[Spec, str, dt.datetime]) -> None:
    spec, grade, start = parts
    symbol = Instrument(spec.family, grade, start, spec.period_s).symbol

    assert format_symbol(spec, parse_symbol(spec, symbol)) == symbol


@pytest.mark.parametrize(
    ("period", "symbol", "rule"),
    [
        ("1h", "CHAT-B", "FAMILY-GRADE.YYYY-MM-DDTHH (UTC)"),
        ("1h", "CHAT-B.", "FAMILY-GRADE.YYYY-MM-DDTHH (UTC)"),
        ("1h", "CHAT-B.2026-12-3T14", "FAMILY-GRADE.YYYY-MM-DDTHH (UTC)"),
        ("1h", "CHAT-B.2026-12-03 14", "FAMILY-GRADE.YYYY-MM-DDTHH (UTC)"),
        ("1h", "CHAT-B.2026-12-03T14Z", "FAMILY-GRADE.YYYY-MM-DDTHH (UTC)"),
        ("1h", "chat-B.2026-12-03T14", "grade symbol reads FAMILY-GRADE"),
        ("1h", "CHAT_B.2026-12-03T14", "grade symbol reads FAMILY-GRADE"),
        ("1h", "CODE-B.2026-12-03T14", "family CODE is not this spec's (CHAT)"),
        ("1h", "CHAT-Z.2026-12-03T14", "unknown grade Z; CHAT has A, B, C"),
        ("1h", "CHAT-B.2026-12-03T14:00", "with 1h periods the start must read YYYY-MM-DDTHH"),
        ("15m", "CHAT-B.2026-12-03T14", "with 15m periods the start must read YYYY-MM-DDTHH:MM"),
        ("1h", "CHAT-B.2026-02-30T14", "no valid time: day is out of range"),
        ("1h", "CHAT-B.2026-12-03T24", "no valid time: hour must be in 0..23"),
        ("15m", "CHAT-B.2026-12-03T14:07", "not aligned to a 15m period"),
        ("2h", "CHAT-B.2026-12-03T13", "not aligned to a 2h period"),
        ("1h", "CHAT-B.9999-12-31T23", "ends after year 9999"),
    ],
)
def test_a_bad_symbol_is_refused_naming_it_and_the_rule(
    period: str, symbol: str, rule: str
) -> None:
    spec = build_spec(period=period, listing_lead="0s")

    with pytest.raises(SymbolError) as caught:
        parse_symbol(spec, symbol)

    assert caught.value.symbol == symbol
    assert rule in caught.value.rule
    assert str(caught.value).startswith(f"symbol {symbol!r}: ")


def test_an_instrument_of_another_spec_is_refused_when_formatting() -> None:
    instrument = parse_symbol(default_spec(), "CHAT-B.2026-12-03T14")

    with pytest.raises(ValueError, match="is not of spec chat"):
        format_symbol(build_spec(period="15m"), instrument)


def test_an_instrument_of_an_unknown_grade_is_refused() -> None:
    with pytest.raises(UnknownGradeError):
        instrument_at(default_spec(), "D", dt.datetime(2026, 12, 3, tzinfo=UTC))


@pytest.mark.parametrize(
    ("family", "grade", "start", "period_s", "message"),
    [
        ("CHAT", "B", dt.datetime(2026, 12, 3, 14, tzinfo=UTC), 3_600, "family 'CHAT'"),
        ("chat", "b", dt.datetime(2026, 12, 3, 14, tzinfo=UTC), 3_600, "grade 'b'"),
        ("chat", "B", dt.datetime(2026, 12, 3, 14, tzinfo=UTC), 7 * 60, "must divide a day"),
        ("chat", "B", dt.datetime(2026, 12, 3, 14, 30, tzinfo=UTC), 3_600, "not aligned"),
        ("chat", "B", dt.datetime(2026, 12, 3, 14, 0, 0, 1, tzinfo=UTC), 3_600, "not aligned"),
        ("chat", "B", dt.datetime(2026, 12, 3, 14), 3_600, "timezone-aware"),  # noqa: DTZ001
    ],
)
def test_an_instrument_refuses_inconsistent_fields(
    family: str, grade: str, start: dt.datetime, period_s: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Instrument(family, grade, start, period_s)


def test_an_instrument_holds_its_start_in_utc() -> None:
    paris = dt.timezone(dt.timedelta(hours=1))

    instrument = Instrument("chat", "B", dt.datetime(2026, 12, 3, 15, tzinfo=paris), 3_600)

    assert instrument.period_start.tzinfo is UTC
    assert instrument.symbol == "CHAT-B.2026-12-03T14"
