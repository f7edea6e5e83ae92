"""Rules across fields and across grades: exact money, whole periods, grade order."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from tokenpit.specs import SpecError, SpecProblem
from tokenpit.testing.specs import build_spec, one_grade


def refusal(
    grades: Mapping[str, Mapping[str, object]] | None = None, **spec_fields: object
) -> SpecProblem:
    """Return the one problem found in a chat spec with these grades and [spec] fields."""
    with pytest.raises(SpecError) as caught:
        build_spec(grades=grades, **spec_fields)
    (problem,) = caught.value.problems
    return problem


@pytest.mark.parametrize(("tick_micros", "lot_units"), [(1_500, 1_000), (1, 100_000), (7, 3)])
def test_a_tick_and_lot_that_leave_a_fraction_of_a_micro_are_refused(
    tick_micros: int, lot_units: int
) -> None:
    problem = refusal(tick_micros=tick_micros, lot_units=lot_units)

    assert (problem.field, problem.value) == ("spec.tick_micros", tick_micros)
    # The rule is written with the multiplication sign, as arithmetic reads.
    times = "\N{MULTIPLICATION SIGN}"
    assert problem.rule.startswith(f"tick_micros {times} lot_units must be a multiple of 1,000,000")
    assert f"({tick_micros} {times} {lot_units} = " in problem.rule


@pytest.mark.parametrize(
    ("tick_micros", "lot_units"), [(1_000, 1_000), (1, 1_000_000), (8, 125_000)]
)
def test_a_tick_and_lot_that_make_whole_micros_are_accepted(
    tick_micros: int, lot_units: int
) -> None:
    spec = build_spec(tick_micros=tick_micros, lot_units=lot_units)

    assert spec.tick_micros * spec.lot_units % 1_000_000 == 0


def test_a_listing_lead_that_is_not_a_whole_number_of_periods_is_refused() -> None:
    problem = refusal(period="1h", listing_lead="90m")

    assert (problem.field, problem.value) == ("spec.listing_lead", "90m")
    assert problem.rule == "must be a whole number of periods (1h)"


@pytest.mark.parametrize("listing_lead", ["0s", "0h", "15m", "30d"])
def test_a_listing_lead_of_whole_periods_is_accepted(listing_lead: str) -> None:
    assert build_spec(period="15m", listing_lead=listing_lead).listing_lead_s % 900 == 0


def test_a_category_floor_above_quality_min_is_refused() -> None:
    problem = refusal(grades={"A": one_grade(quality_min=0.6, category_floor=0.65)})

    assert (problem.field, problem.value) == ("grades.A.category_floor", 0.65)
    assert problem.rule.startswith("must be <= quality_min (0.6)")


@pytest.mark.parametrize(
    ("field", "higher", "lower", "relation"),
    [
        ("quality_min", 0.6, 0.7, ">="),
        ("category_floor", 0.4, 0.5, ">="),
        ("ttft_p95_ms", 3_000, 2_000, "<="),
        ("output_tps_min", 20.0, 30.0, ">="),
        ("context_tokens_min", 8_000, 16_000, ">="),
    ],
)
def test_a_higher_grade_less_strict_than_a_lower_one_is_refused(
    field: str, higher: float, lower: float, relation: str
) -> None:
    grades = {"A": one_grade(**{field: higher}), "B": one_grade(**{field: lower})}

    problem = refusal(grades=grades)

    assert (problem.field, problem.value) == (f"grades.A.{field}", higher)
    assert problem.rule == (
        f"grade A ranks above grade B, so its {field} must be {relation} B's ({lower})"
    )


def test_a_higher_grade_lacking_a_feature_of_a_lower_one_is_refused() -> None:
    grades = {
        "A": one_grade(features=["streaming"]),
        "B": one_grade(features=["streaming", "tools"]),
    }

    problem = refusal(grades=grades)

    assert problem.field == "grades.A.features"
    assert "grade A ranks above grade B" in problem.rule
    assert "lacks 'tools'" in problem.rule


def test_grade_order_is_checked_between_every_pair_of_neighbours() -> None:
    grades = {"A": one_grade(), "B": one_grade(), "C": one_grade(ttft_p95_ms=1_000)}

    problem = refusal(grades=grades)

    assert problem.field == "grades.B.ttft_p95_ms"
    assert "grade B ranks above grade C" in problem.rule


def test_grades_equal_in_every_limit_are_accepted() -> None:
    spec = build_spec(grades={"A": one_grade(), "B": one_grade()})

    assert spec.grade_names == ("A", "B")
