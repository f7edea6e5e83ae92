"""The validated spec and its grades, as plain immutable values.

A `Spec` is built by the loaders in `tokenpit.specs.loading`, which check every rule
first; the constructor trusts its arguments.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from fractions import Fraction

from tokenpit.specs.errors import UnknownGradeError


class Feature(enum.StrEnum):
    """Name an API feature that a grade requires its sellers to serve."""

    STREAMING = "streaming"
    TOOLS = "tools"
    JSON_SCHEMA = "json_schema"


class Unused(enum.StrEnum):
    """Say what happens to bought units that the buyer has not consumed by period end."""

    TAKE_OR_PAY = "take_or_pay"
    REFUND = "refund"


@dataclass(frozen=True, slots=True)
class Grade:
    """Hold one rung of a spec: the floors a seller's endpoint must meet to deliver it.

    Quality figures are measurements, not money, so they are floats.
    """

    name: str
    quality_min: float
    category_floor: float
    ttft_p95_ms: int
    output_tps_min: float
    context_tokens_min: int
    features: frozenset[Feature]


@dataclass(frozen=True, slots=True)
class Spec:
    """Hold a validated deliverable specification for one family, such as `chat`.

    `grades` runs best first: grades rank by name, so `A` is the highest. Money fields are
    integers; `input_weight` is an exact fraction read from its decimal text.
    """

    family: str
    version: str
    unit_tokenizer: str
    input_weight: Fraction
    lot_units: int
    tick_micros: int
    period_s: int
    listing_lead_s: int
    unused: Unused
    seller_bond_pct: int
    offgrade_discount_pct: int
    fee_bps: int
    default_penalty_pct: int
    grades: tuple[Grade, ...]
    _ranks: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Every ask and every delivery asks a grade's rank: answered from a map built once.
        ranks = {grade.name: index for index, grade in enumerate(self.grades)}
        object.__setattr__(self, "_ranks", ranks)

    @property
    def symbol_family(self) -> str:
        """Return the family as symbols spell it: `chat` becomes `CHAT`."""
        return self.family.upper()

    @property
    def period(self) -> dt.timedelta:
        """Return the delivery period length."""
        return dt.timedelta(seconds=self.period_s)

    @property
    def listing_lead(self) -> dt.timedelta:
        """Return how long before its period starts an instrument is listed."""
        return dt.timedelta(seconds=self.listing_lead_s)

    @property
    def grade_names(self) -> tuple[str, ...]:
        """Return the grade names, best first."""
        return tuple(grade.name for grade in self.grades)

    def grade(self, name: str) -> Grade:
        """Return the grade called `name`, or raise `UnknownGradeError`."""
        for grade in self.grades:
            if grade.name == name:
                return grade
        raise UnknownGradeError(name, self.family, self.grade_names)

    def rank(self, name: str) -> int:
        """Return the position of grade `name`, best first: 0 for the highest grade."""
        rank = self._ranks.get(name)
        if rank is None:
            raise UnknownGradeError(name, self.family, self.grade_names)
        return rank

    def can_deliver(self, delivering_grade: str, lot_grade: str) -> bool:
        """Tell whether capacity of `delivering_grade` may serve a lot of `lot_grade`.

        A grade delivers against itself and every grade below it, never above.
        """
        return self.rank(delivering_grade) <= self.rank(lot_grade)

    def units(self, input_tokens: int, output_tokens: int) -> int:
        """Return the units a request costs, counted with the reference tokenizer.

        An output token counts 1 and an input token `input_weight`; a started unit
        counts, so the input part rounds up: `output + ceil(input * input_weight)`.
        The arithmetic is on integers, exact for any weight.
        """
        if input_tokens < 0 or output_tokens < 0:
            raise ValueError(
                f"token counts must be >= 0, got input {input_tokens}, output {output_tokens}"
            )
        weight = self.input_weight
        input_units = -(-input_tokens * weight.numerator // weight.denominator)
        return output_tokens + input_units
