"""The validated spec: units counted exactly, grades ranked, delivery between grades."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenpit.specs import UnknownGradeError, default_spec
from tokenpit.testing.specs import build_spec, one_grade


def test_input_weight_is_held_as_the_exact_decimal_written() -> None:
    spec = build_spec(input_weight=0.1)

    assert spec.input_weight == Fraction(1, 10)


def test_units_count_output_fully_and_input_by_weight() -> None:
    spec = default_spec()

    assert spec.units(input_tokens=400, output_tokens=50) == 150


def test_units_round_a_started_unit_up() -> None:
    spec = default_spec()

    assert spec.units(input_tokens=1, output_tokens=0) == 1
    assert spec.units(input_tokens=5, output_tokens=7) == 9


def test_units_are_exact_where_a_float_would_drift() -> None:
    # In floats 100 * 0.07 is 7.000000000000001, which a float ceiling would make 8.
    spec = build_spec(input_weight=0.07)

    assert math.ceil(100 * 0.07) == 8
    assert spec.units(input_tokens=100, output_tokens=0) == 7


@given(
    weight_tenths_of_thousandths=st.integers(min_value=1, max_value=10_000),
    input_tokens=st.integers(min_value=0, max_value=10**9),
    output_tokens=st.integers(min_value=0, max_value=10**9),
)
def test_units_equal_output_plus_the_weighted_input_rounded_up(
    weight_tenths_of_thousandths: int, input_tokens: int, output_tokens: int
) -> None:
    weight = Fraction(weight_tenths_of_thousandths, 10_000)
    spec = build_spec(input_weight=float(weight))

    units = spec.units(input_tokens, output_tokens)

    assert spec.input_weight == weight
    assert units == output_tokens + math.ceil(input_tokens * weight)


def test_units_refuse_a_negative_token_count() -> None:
    with pytest.raises(ValueError, match="token counts must be >= 0"):
        default_spec().units(input_tokens=-1, output_tokens=0)


def test_grades_rank_by_name_best_first() -> None:
    spec = build_spec(grades={"C": one_grade(), "A": one_grade(), "B2": one_grade()})

    assert spec.grade_names == ("A", "B2", "C")
    assert [spec.rank(name) for name in spec.grade_names] == [0, 1, 2]


@pytest.mark.parametrize(
    ("delivering", "lot", "allowed"),
    [
        ("A", "A", True),
        ("A", "B", True),
        ("A", "C", True),
        ("B", "C", True),
        ("B", "A", False),
        ("C", "B", False),
        ("C", "A", False),
    ],
)
def test_a_grade_delivers_against_itself_and_lower_grades_only(
    delivering: str, lot: str, allowed: bool
) -> None:
    assert default_spec().can_deliver(delivering, lot) is allowed


def test_an_unknown_grade_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(UnknownGradeError, match="unknown grade 'Z': spec chat has A, B, C"):
        default_spec().can_deliver("Z", "A")


def test_the_spec_spells_its_family_upper_case_in_symbols() -> None:
    assert default_spec().symbol_family == "CHAT"


def test_period_and_listing_lead_read_as_timedeltas() -> None:
    spec = default_spec()

    assert spec.period.total_seconds() == 3_600
    assert spec.listing_lead.total_seconds() == 86_400
