"""Specs: load and validate spec files; compute periods and instruments.

A spec is the versioned, model-agnostic definition of what a family (such as `chat`)
trades: its unit, lot, tick and period, and its grades, best first. This package reads
spec TOML files and refuses a bad one with every problem named (file, field, value,
rule); it computes UTC-aligned delivery periods, names instruments by symbol
(`CHAT-B.2026-12-03T14`) and says when each one trades.

Pure: no clock, no I/O beyond reading a spec file, no logging. It imports nothing of
ours; every other component may import it.
"""

from tokenpit.specs.durations import format_duration, parse_duration
from tokenpit.specs.errors import Absent, SpecError, SpecProblem, SymbolError, UnknownGradeError
from tokenpit.specs.instruments import (
    Instrument,
    check_instrument,
    format_symbol,
    grade_symbol,
    instrument_at,
    parse_grade_symbol,
    parse_symbol,
)
from tokenpit.specs.listing import (
    InstrumentState,
    instrument_state,
    is_tradable,
    listed_instruments,
    listing_start,
)
from tokenpit.specs.loading import (
    default_spec,
    default_spec_text,
    demo_spec,
    load_spec,
    load_spec_data,
    load_spec_text,
)
from tokenpit.specs.model import Feature, Grade, Spec, Unused
from tokenpit.specs.periods import epoch_seconds, is_period_start, period_end, period_start
from tokenpit.specs.rules import UNITS_PER_QUOTE

__all__ = [
    "UNITS_PER_QUOTE",
    "Absent",
    "Feature",
    "Grade",
    "Instrument",
    "InstrumentState",
    "Spec",
    "SpecError",
    "SpecProblem",
    "SymbolError",
    "UnknownGradeError",
    "Unused",
    "check_instrument",
    "default_spec",
    "default_spec_text",
    "demo_spec",
    "epoch_seconds",
    "format_duration",
    "format_symbol",
    "grade_symbol",
    "instrument_at",
    "instrument_state",
    "is_period_start",
    "is_tradable",
    "listed_instruments",
    "listing_start",
    "load_spec",
    "load_spec_data",
    "load_spec_text",
    "parse_duration",
    "parse_grade_symbol",
    "parse_symbol",
    "period_end",
    "period_start",
]
