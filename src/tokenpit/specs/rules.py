"""Rules that relate two fields of a spec file, or two grades; each returns its problems.

A rule between fields reads the table as written and runs whenever its own fields passed
their field rules, even if others did not, so that a file's problems all show at once. It
cannot judge a field that is missing or refused, so it then stays silent. Grade order is
checked among the grades that passed their own rules.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence, Set
from itertools import pairwise

from tokenpit.specs.durations import format_duration, parse_duration
from tokenpit.specs.errors import SpecProblem
from tokenpit.specs.model import Grade

# Prices are quoted in µUSD per this many units.
UNITS_PER_QUOTE = 1_000_000

# Each limit a higher grade must meet at least as strictly as a lower one: the field, the
# test "higher value is at least as strict as lower value", and how the rule reads.
_LIMITS: tuple[tuple[str, Callable[[float, float], bool], str], ...] = (
    ("quality_min", operator.ge, ">="),
    ("category_floor", operator.ge, ">="),
    ("ttft_p95_ms", operator.le, "<="),
    ("output_tps_min", operator.ge, ">="),
    ("context_tokens_min", operator.ge, ">="),
)


def spec_problems(file: str, table: Mapping[str, object], refused: Set[str]) -> list[SpecProblem]:
    """Check the rules between fields of the `[spec]` table; `refused` names its bad keys."""
    problems = []

    # An order's notional is price * size / 1e6; with price k ticks and size n lots that is
    # k * n * tick * lot / 1e6, a whole µUSD for every k and n exactly when this divides.
    tick, lot = _valid(table, refused, "tick_micros"), _valid(table, refused, "lot_units")
    if isinstance(tick, int) and isinstance(lot, int) and tick * lot % UNITS_PER_QUOTE:
        # The rule is arithmetic and reads best with the multiplication sign.
        rule = (
            f"tick_micros × lot_units must be a multiple of {UNITS_PER_QUOTE:,}, "
            f"so that every order's notional is a whole µUSD "
            f"({tick} × {lot} = {tick * lot:,})"
        )
        problems.append(SpecProblem(file, "spec.tick_micros", tick, rule))

    period, lead = _valid(table, refused, "period"), _valid(table, refused, "listing_lead")
    if isinstance(period, str) and isinstance(lead, str):
        period_s = parse_duration(period)
        if parse_duration(lead) % period_s:
            rule = f"must be a whole number of periods ({format_duration(period_s)})"
            problems.append(SpecProblem(file, "spec.listing_lead", lead, rule))
    return problems


def grade_problems(
    file: str, name: str, table: Mapping[str, object], refused: Set[str]
) -> list[SpecProblem]:
    """Check the rules between fields of the `[grades.<name>]` table."""
    quality = _valid(table, refused, "quality_min")
    floor = _valid(table, refused, "category_floor")
    if not isinstance(quality, int | float) or not isinstance(floor, int | float):
        return []
    if floor <= quality:
        return []
    rule = f"must be <= quality_min ({quality}): no category may demand more than the whole"
    return [SpecProblem(file, f"grades.{name}.category_floor", floor, rule)]


def order_problems(file: str, grades: Sequence[Grade]) -> list[SpecProblem]:
    """Check that each grade, best first, is at least as strict as the next one down.

    Every relation is transitive, so neighbours suffice: a grade that meets the one just
    below it meets every lower one too.
    """
    problems = []
    for higher, lower in pairwise(grades):
        for field, at_least_as_strict, relation in _LIMITS:
            higher_value = getattr(higher, field)
            lower_value = getattr(lower, field)
            if not at_least_as_strict(higher_value, lower_value):
                problems.append(
                    SpecProblem(
                        file,
                        f"grades.{higher.name}.{field}",
                        higher_value,
                        f"grade {higher.name} ranks above grade {lower.name}, so its {field} "
                        f"must be {relation} {lower.name}'s ({lower_value})",
                    )
                )

        missing = lower.features - higher.features
        if missing:
            names = ", ".join(repr(str(feature)) for feature in sorted(missing))
            problems.append(
                SpecProblem(
                    file,
                    f"grades.{higher.name}.features",
                    sorted(str(feature) for feature in higher.features),
                    f"grade {higher.name} ranks above grade {lower.name}, so it must offer "
                    f"every feature {lower.name} offers; it lacks {names}",
                )
            )
    return problems


def _valid(table: Mapping[str, object], refused: Set[str], key: str) -> object:
    """Return the value of `key` if it passed its field rules, else None."""
    return None if key in refused else table.get(key)
