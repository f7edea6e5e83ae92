"""Instruments (a grade in a period) and the symbols that name them, such as `CHAT-B.2026-12-03T14`.

A grade symbol is the family upper-cased, a dash and the grade name (`CHAT-B`). An
instrument symbol adds a dot and its period's UTC start: `YYYY-MM-DDTHH` when the period
is a whole number of hours, `YYYY-MM-DDTHH:MM` otherwise. Each instrument has exactly one
symbol, so symbols can serve as keys: parsing refuses any other spelling.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from tokenpit.specs.durations import DAY_S, HOUR_S, format_duration
from tokenpit.specs.errors import SymbolError
from tokenpit.specs.model import Spec
from tokenpit.specs.periods import epoch_seconds, period_start

_FAMILY = re.compile(r"[a-z][a-z0-9_]*")
_GRADE = re.compile(r"[A-Z][A-Z0-9]*")
_GRADE_SYMBOL = re.compile(r"(?P<family>[A-Z][A-Z0-9_]*)-(?P<grade>[A-Z][A-Z0-9]*)")
_INSTRUMENT_SYMBOL = re.compile(
    r"(?P<grade_symbol>[^.]*)\."
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"T(?P<hour>[0-9]{2})(?::(?P<minute>[0-9]{2}))?"
)


@dataclass(frozen=True, slots=True)
class Instrument:
    """Name what trades on one order book: a grade of a family, delivered in one period.

    `period_start` is held in UTC and must be aligned to `period_s`, which must divide a
    day; the constructor refuses anything else with `ValueError`.
    """

    family: str
    grade: str
    period_start: dt.datetime
    period_s: int

    def __post_init__(self) -> None:
        if _FAMILY.fullmatch(self.family) is None:
            raise ValueError(f"family {self.family!r} must match [a-z][a-z0-9_]*")
        if _GRADE.fullmatch(self.grade) is None:
            raise ValueError(f"grade {self.grade!r} must match [A-Z][A-Z0-9]*")
        if not 0 < self.period_s <= DAY_S or DAY_S % self.period_s:
            raise ValueError(f"period_s {self.period_s} must divide a day ({DAY_S} s)")

        start = self.period_start
        if start.microsecond or epoch_seconds(start) % self.period_s:
            raise ValueError(
                f"period_start {start.isoformat()} is not aligned to a {self.period_s} s period"
            )
        try:
            start + dt.timedelta(seconds=self.period_s)
        except OverflowError:
            raise ValueError(f"period_start {start.isoformat()} ends after year 9999") from None
        # Frozen, so normalising the offset goes around __setattr__; the instant is unchanged.
        object.__setattr__(self, "period_start", start.astimezone(dt.UTC))

    @property
    def period_end(self) -> dt.datetime:
        """Return the end of the delivery period: the next period's start."""
        return self.period_start + dt.timedelta(seconds=self.period_s)

    @property
    def grade_symbol(self) -> str:
        """Return the grade's symbol, such as `CHAT-B`."""
        return f"{self.family.upper()}-{self.grade}"

    @property
    def symbol(self) -> str:
        """Return the instrument's symbol, such as `CHAT-B.2026-12-03T14`."""
        start = self.period_start
        text = f"{start.year:04d}-{start.month:02d}-{start.day:02d}T{start.hour:02d}"
        if self.period_s % HOUR_S:
            text += f":{start.minute:02d}"
        return f"{self.grade_symbol}.{text}"

    def __str__(self) -> str:
        return self.symbol


def instrument_at(spec: Spec, grade: str, t: dt.datetime) -> Instrument:
    """Return the instrument of `grade` whose delivery period contains `t`."""
    spec.grade(grade)
    return Instrument(spec.family, grade, period_start(spec, t), spec.period_s)


def check_instrument(spec: Spec, instrument: Instrument) -> None:
    """Raise `ValueError` unless `instrument` belongs to `spec`: family, grade and period."""
    if instrument.family != spec.family or instrument.period_s != spec.period_s:
        raise ValueError(
            f"instrument {instrument.symbol} ({format_duration(instrument.period_s)} periods) "
            f"is not of spec {spec.family} ({format_duration(spec.period_s)} periods)"
        )
    spec.grade(instrument.grade)


def grade_symbol(spec: Spec, grade: str) -> str:
    """Return the symbol of `grade` in `spec`, such as `CHAT-B`."""
    spec.grade(grade)
    return f"{spec.symbol_family}-{grade}"


def format_symbol(spec: Spec, instrument: Instrument) -> str:
    """Return the symbol of `instrument`, after checking that it belongs to `spec`."""
    check_instrument(spec, instrument)
    return instrument.symbol


def parse_grade_symbol(spec: Spec, symbol: str) -> str:
    """Return the grade name that `symbol` (such as `CHAT-B`) names, or raise `SymbolError`."""
    return _grade_of(spec, symbol, symbol)


def parse_symbol(spec: Spec, symbol: str) -> Instrument:
    """Return the instrument that `symbol` names in `spec`, or raise `SymbolError`."""
    whole_hours = spec.period_s % HOUR_S == 0
    shape = "YYYY-MM-DDTHH" if whole_hours else "YYYY-MM-DDTHH:MM"
    match = _INSTRUMENT_SYMBOL.fullmatch(symbol)
    if match is None:
        raise SymbolError(symbol, f"an instrument symbol reads FAMILY-GRADE.{shape} (UTC)")
    grade = _grade_of(spec, symbol, match["grade_symbol"])

    # One spelling per instrument: minutes appear exactly when periods are not whole hours.
    if (match["minute"] is None) != whole_hours:
        period = format_duration(spec.period_s)
        raise SymbolError(symbol, f"with {period} periods the start must read {shape}")

    year, month, day, hour = (int(match[part]) for part in ("year", "month", "day", "hour"))
    minute = int(match["minute"] or 0)
    try:
        start = dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)
    except ValueError as error:
        raise SymbolError(symbol, f"the period start is no valid time: {error}") from None

    if epoch_seconds(start) % spec.period_s:
        period = format_duration(spec.period_s)
        rule = f"the start is not aligned to a {period} period (they start at UTC midnight)"
        raise SymbolError(symbol, rule)
    try:
        return Instrument(spec.family, grade, start, spec.period_s)
    except ValueError as error:
        raise SymbolError(symbol, str(error)) from None


def _grade_of(spec: Spec, symbol: str, text: str) -> str:
    """Return the grade that `text`, the grade symbol inside `symbol`, names in `spec`."""
    match = _GRADE_SYMBOL.fullmatch(text)
    if match is None:
        raise SymbolError(symbol, "a grade symbol reads FAMILY-GRADE, such as CHAT-B")

    family, grade = match.group("family", "grade")
    if family != spec.symbol_family:
        raise SymbolError(symbol, f"family {family} is not this spec's ({spec.symbol_family})")
    if grade not in spec.grade_names:
        known = ", ".join(spec.grade_names)
        raise SymbolError(symbol, f"unknown grade {grade}; {spec.symbol_family} has {known}")
    return grade
