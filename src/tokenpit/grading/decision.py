"""The sequential decision of a certification: certified, clearly below, or go on.

After every batch of grading items the tally is ruled on, grade by grade from the
best. A grade is *cleared* when the lower confidence bound of the overall pass rate
reaches its `quality_min` and every category's lower bound reaches its
`category_floor`; it is *missed* when the upper bound of the overall rate, or of any
category, falls short of them. The endpoint is certified at the first grade cleared
once every better grade is missed, and is below every grade once all are missed;
while the best grade not missed is still open, more items are needed. At the item
limit an open grade counts as not earned: the endpoint gets the best grade it has
cleared, never one it has not shown.

A grade is judged on the categories its features cover (`items.categories_for`): one
that does not require tool calls is not judged on the tools category.

Bounds are one-sided at the stated confidence (a *lower 95% bound* is a bound the
true rate exceeds with probability 0.95), from Wilson's score interval.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from tokenpit.grading.items import categories_for
from tokenpit.grading.stats import Interval, wilson, z_score
from tokenpit.specs import Grade


class Verdict(enum.StrEnum):
    """Where a grade stands against a tally."""

    CLEARED = "cleared"
    MISSED = "missed"
    OPEN = "open"


@dataclass(frozen=True, slots=True)
class Tally:
    """Items passed and sent, overall and per category."""

    passed: Mapping[str, int]
    items: Mapping[str, int]

    @property
    def total_items(self) -> int:
        """Return how many items were scored."""
        return sum(self.items.values())

    @property
    def total_passed(self) -> int:
        """Return how many items passed."""
        return sum(self.passed.values())


@dataclass(frozen=True, slots=True)
class Bounds:
    """The one-sided bounds of a tally, overall and per category."""

    overall: Interval
    categories: Mapping[str, Interval]


@dataclass(frozen=True, slots=True)
class Ruling:
    """The decision on a tally: `done`, and if so the grade earned (None: below all)."""

    done: bool
    grade: str | None
    reason: str
    bounds: Bounds
    open_grade: str | None = None  # while not done: the grade the next items must settle


def bounds(tally: Tally, confidence: float, categories: Collection[str] | None = None) -> Bounds:
    """Return one-sided bounds at `confidence` over `categories` (None: all in the tally)."""
    # A two-sided interval at 2c - 1 has one-sided bounds at c on each side.
    z = z_score(2 * confidence - 1)
    names = sorted(tally.items if categories is None else set(categories) & set(tally.items))
    found = {name: wilson(tally.passed.get(name, 0), tally.items[name], z) for name in names}
    passed = sum(bound.passed for bound in found.values())
    items = sum(bound.items for bound in found.values())
    return Bounds(wilson(passed, items, z), found)


def verdict(grade: Grade, found: Bounds) -> tuple[Verdict, str]:
    """Return where `grade` stands against the bounds, and the figure that says so."""
    overall = found.overall
    if overall.upper < grade.quality_min:
        return Verdict.MISSED, (
            f"overall upper bound {overall.upper:.3f} < quality_min {grade.quality_min}"
        )
    for category, bound in sorted(found.categories.items()):
        if bound.upper < grade.category_floor:
            return Verdict.MISSED, (
                f"{category} upper bound {bound.upper:.3f} < category_floor {grade.category_floor}"
            )
    if overall.lower < grade.quality_min:
        return Verdict.OPEN, f"overall lower bound {overall.lower:.3f} < {grade.quality_min}"
    for category, bound in sorted(found.categories.items()):
        if bound.lower < grade.category_floor:
            return (
                Verdict.OPEN,
                f"{category} lower bound {bound.lower:.3f} < {grade.category_floor}",
            )
    return Verdict.CLEARED, (
        f"overall lower bound {overall.lower:.3f} ≥ {grade.quality_min}, every category's "
        f"≥ {grade.category_floor}"
    )


def rule(
    grades: Sequence[Grade], tally: Tally, *, confidence: float, final: bool = False
) -> Ruling:
    """Rule on a tally among `grades` (best first); `final` when no more items will come.

    The ruling's bounds are those of the grade it settled on (or of the last one ruled
    on), over that grade's categories.
    """
    missed: list[str] = []
    found = bounds(tally, confidence)
    for position, grade in enumerate(grades):
        found = _bounds_for(grade, tally, confidence)
        state, why = verdict(grade, found)
        if state is Verdict.MISSED:
            missed.append(f"{grade.name}: {why}")
            continue
        if state is Verdict.CLEARED:
            return Ruling(True, grade.name, _reason(grade.name, why, missed), found)
        if not final:
            return Ruling(False, None, f"{grade.name} undecided: {why}", found, grade.name)
        return _final(grades[position + 1 :], tally, confidence, [*missed, f"{grade.name}: {why}"])
    return Ruling(True, None, "below every grade: " + "; ".join(missed), found)


def _final(
    lower: Sequence[Grade], tally: Tally, confidence: float, passed_over: list[str]
) -> Ruling:
    """At the item limit: the best grade cleared below the open one, or none."""
    found = bounds(tally, confidence)
    for grade in lower:
        found = _bounds_for(grade, tally, confidence)
        state, why = verdict(grade, found)
        if state is Verdict.CLEARED:
            return Ruling(True, grade.name, _reason(grade.name, why, passed_over), found)
        passed_over.append(f"{grade.name}: {why}")
    return Ruling(True, None, "no grade shown at the item limit: " + "; ".join(passed_over), found)


def _bounds_for(grade: Grade, tally: Tally, confidence: float) -> Bounds:
    features = {str(feature) for feature in grade.features}
    return bounds(tally, confidence, [str(c) for c in categories_for(features)])


def _reason(grade: str, why: str, passed_over: list[str]) -> str:
    if not passed_over:
        return f"{grade}: {why}"
    return f"{grade}: {why}; not better: " + "; ".join(passed_over)
