"""The shape of a spec file, as pydantic models: one rule per field, checked field by field.

Each table of the file (`[spec]`, each `[grades.<name>]`) is its own model, so that the
loader can check them separately and report every bad field at once. Rules that relate
two fields live in `tokenpit.specs.rules`.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from tokenpit.specs.durations import DAY_S, MINUTE_S, format_duration, parse_duration
from tokenpit.specs.model import Feature, Unused

# The pydantic error type our own rules raise; its context carries the rule text.
RULE_ERROR = "spec_rule"

LISTING_LEAD_MAX_S = 30 * DAY_S
SUPPORTED_TOKENIZERS = ("cl100k_base",)

_FAMILY = re.compile(r"[a-z][a-z0-9_]*")

# Strict: a TOML `true` is no integer and `"5"` no number. Extra keys are refused by name.
_TABLE = ConfigDict(strict=True, extra="forbid", frozen=True)


def _refuse(rule: str) -> PydanticCustomError:
    return PydanticCustomError(RULE_ERROR, "{rule}", {"rule": rule})


def _check_family(family: str) -> str:
    if _FAMILY.fullmatch(family) is None:
        raise _refuse(
            "must be a lowercase identifier [a-z][a-z0-9_]*: a letter, then letters, digits or _"
        )
    return family


def _check_tokenizer(name: str) -> str:
    if name not in SUPPORTED_TOKENIZERS:
        supported = ", ".join(repr(tokenizer) for tokenizer in SUPPORTED_TOKENIZERS)
        raise _refuse(f"is not a supported tokenizer; supported: {supported}")
    return name


def _check_not_blank(text: str) -> str:
    if not text.strip():
        raise _refuse("must not be empty")
    return text


def _exact_weight(value: object) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _refuse("must be a number")
    if not math.isfinite(value):
        raise _refuse("must be a finite number")

    # repr gives the shortest decimal that reads back as this float: the text in the file.
    weight = Fraction(repr(value))
    if not 0 < weight <= 1:
        raise _refuse("must be > 0 and <= 1")
    return weight


def _duration_seconds(value: object) -> int:
    if not isinstance(value, str):
        raise _refuse("must be duration text: a whole number and a unit s, m, h or d (e.g. '1h')")
    try:
        return parse_duration(value)
    except ValueError as error:
        raise _refuse(str(error)) from None


def _period_seconds(value: object) -> int:
    seconds = _duration_seconds(value)
    if seconds % MINUTE_S:
        raise _refuse("must be a whole number of minutes")
    if seconds < MINUTE_S:
        raise _refuse("must be at least 1m")
    if seconds > DAY_S:
        raise _refuse("must be at most 24h")

    # Periods count from the epoch; a length that divides a day makes them meet UTC midnight.
    if DAY_S % seconds:
        raise _refuse(
            f"must divide 24h exactly, so that periods align to UTC midnight "
            f"({DAY_S // MINUTE_S} minutes is no whole number of {format_duration(seconds)})"
        )
    return seconds


def _listing_lead_seconds(value: object) -> int:
    seconds = _duration_seconds(value)
    if seconds > LISTING_LEAD_MAX_S:
        raise _refuse(f"must be at most {format_duration(LISTING_LEAD_MAX_S)}")
    return seconds


def _check_distinct(features: list[Feature]) -> list[Feature]:
    repeated = sorted({feature for feature in features if features.count(feature) > 1})
    if repeated:
        names = ", ".join(repr(str(feature)) for feature in repeated)
        raise _refuse(f"must name each feature once, but repeats {names}")
    return features


class SpecSection(BaseModel):
    """Check the `[spec]` table of a spec file, field by field."""

    model_config = _TABLE

    family: Annotated[str, AfterValidator(_check_family)]
    version: Annotated[str, AfterValidator(_check_not_blank)]
    unit_tokenizer: Annotated[str, AfterValidator(_check_tokenizer)]
    input_weight: Annotated[Fraction, BeforeValidator(_exact_weight)]
    lot_units: int = Field(gt=0)
    tick_micros: int = Field(gt=0)
    period_s: Annotated[int, BeforeValidator(_period_seconds)] = Field(alias="period")
    listing_lead_s: Annotated[int, BeforeValidator(_listing_lead_seconds)] = Field(
        alias="listing_lead"
    )
    unused: Unused = Field(strict=False)
    seller_bond_pct: int = Field(ge=0, le=100)
    offgrade_discount_pct: int = Field(ge=0, le=100)
    fee_bps: int = Field(default=0, ge=0, le=1000)
    default_penalty_pct: int = Field(default=10, ge=0, le=100)


class GradeSection(BaseModel):
    """Check one `[grades.<name>]` table of a spec file, field by field."""

    model_config = _TABLE

    quality_min: float = Field(gt=0, le=1, allow_inf_nan=False)
    category_floor: float = Field(gt=0, le=1, allow_inf_nan=False)
    ttft_p95_ms: int = Field(gt=0)
    output_tps_min: float = Field(gt=0, allow_inf_nan=False)
    context_tokens_min: int = Field(gt=0)
    features: Annotated[
        list[Annotated[Feature, Field(strict=False)]], AfterValidator(_check_distinct)
    ]
