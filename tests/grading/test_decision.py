"""The sequential decision: certify, declare below, or go on; and the item limit."""

from __future__ import annotations

from collections.abc import Mapping

from tokenpit.grading.decision import Tally, Verdict, bounds, rule, verdict
from tokenpit.grading.stats import interval
from tokenpit.specs import default_spec

GRADES = default_spec().grades  # A: 0.85 / 0.70, B: 0.70 / 0.55, C: 0.50 / 0.35
CATEGORIES = ("arithmetic", "logic", "instructions", "extraction", "tools", "retrieval")


def tally(rates: Mapping[str, float] | float, per_category: int) -> Tally:
    """Return a tally of `per_category` items in every category at the given pass rates."""
    if isinstance(rates, float):
        rates = dict.fromkeys(CATEGORIES, rates)
    passed = {c: round(rates[c] * per_category) for c in CATEGORIES}
    return Tally(passed, dict.fromkeys(CATEGORIES, per_category))


def test_a_clearly_excellent_endpoint_is_certified_at_the_top_grade() -> None:
    ruling = rule(GRADES, tally(0.98, 40), confidence=0.95)

    assert (ruling.done, ruling.grade) == (True, "A")
    assert ruling.reason.startswith("A: overall lower bound")


def test_an_endpoint_between_grades_is_certified_once_the_better_one_is_missed() -> None:
    ruling = rule(GRADES, tally(0.76, 60), confidence=0.95)

    assert (ruling.done, ruling.grade) == (True, "B")
    assert "not better: A: overall upper bound" in ruling.reason


def test_too_few_items_to_tell_means_go_on() -> None:
    ruling = rule(GRADES, tally(0.84, 2), confidence=0.95)

    assert not ruling.done
    assert ruling.reason.startswith("A undecided")


def test_a_weak_category_caps_the_grade_whatever_the_overall_rate() -> None:
    rates = dict.fromkeys(CATEGORIES, 1.0) | {"arithmetic": 0.2}
    ruling = rule(GRADES, tally(rates, 60), confidence=0.95)

    assert (ruling.done, ruling.grade) == (True, None)
    assert "arithmetic upper bound" in ruling.reason


def test_an_endpoint_below_every_grade_is_told_so() -> None:
    ruling = rule(GRADES, tally(0.2, 30), confidence=0.95)

    assert (ruling.done, ruling.grade) == (True, None)
    assert ruling.reason.startswith("below every grade")


def test_at_the_item_limit_an_open_grade_is_not_earned() -> None:
    # 0.86 over 20 a category: A is still open, B is cleared.
    going_on = rule(GRADES, tally(0.86, 20), confidence=0.95)
    final = rule(GRADES, tally(0.86, 20), confidence=0.95, final=True)

    assert not going_on.done
    assert (final.done, final.grade) == (True, "B")
    assert "not better: A:" in final.reason


def test_at_the_item_limit_with_nothing_cleared_there_is_no_grade() -> None:
    ruling = rule(GRADES, tally(0.52, 3), confidence=0.95, final=True)

    assert (ruling.done, ruling.grade) == (True, None)
    assert ruling.reason.startswith("no grade shown at the item limit")


def test_a_grade_is_cleared_only_when_every_bound_clears_it() -> None:
    found = bounds(tally(0.95, 50), 0.95)
    strict = bounds(tally(0.95, 50), 0.999)

    assert verdict(GRADES[0], found)[0] is Verdict.CLEARED
    assert strict.overall.lower < found.overall.lower
    assert strict.categories["logic"].lower < found.categories["logic"].lower


def test_bounds_are_one_sided() -> None:
    # A one-sided 95% bound is the two-sided 90% interval's end.
    found = bounds(Tally({"logic": 40}, {"logic": 50}), 0.95)

    assert found.overall == interval(40, 50, confidence=0.90)
    assert found.overall.lower > interval(40, 50, confidence=0.95).lower


def test_a_grade_is_judged_only_on_the_categories_its_features_cover() -> None:
    # No tool calls at all: A and B need tools, so they are missed; C does not, so it is
    # judged without the tools category and cleared.
    rates = dict.fromkeys(CATEGORIES, 1.0) | {"tools": 0.0}
    ruling = rule(GRADES, tally(rates, 40), confidence=0.95)

    assert (ruling.done, ruling.grade) == (True, "C")
    assert "tools" not in ruling.bounds.categories
    assert "A: tools upper bound" in ruling.reason
