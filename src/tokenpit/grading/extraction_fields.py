"""The building blocks of extraction documents: fields, list fields and documents.

A field is one value a document states and a schema asks for. It is worded three ways, one
per difficulty: a labelled line in the schema's own format (`Issue date: 2026-03-14`), a
labelled line in the format people write (`Issue date: 14 March 2026`), and a sentence of
prose (`The invoice was issued on 14 March 2026.`). Every wording has one slot, `value`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from tokenpit.grading.vocabulary import NAMES, SURNAMES
from tokenpit.grading.wording import Slot, Wording, wordings


@dataclass(frozen=True, slots=True)
class Field:
    """Hold one scalar field: its JSON schema, how to draw it, its wordings by difficulty."""

    name: str
    schema: Mapping[str, Any]
    draw: Callable[[random.Random], Any]
    lines: Mapping[int, tuple[Wording, ...]]


@dataclass(frozen=True, slots=True)
class ListField:
    """Hold a field whose value is a list, written as a heading and one row per element.

    A row's slots are the element's keys, or `value` when the elements are plain values.
    """

    name: str
    schema: Mapping[str, Any]
    draw: Callable[[random.Random], list[Any]]
    heading: str
    rows: tuple[Wording, ...]


@dataclass(frozen=True, slots=True)
class Document:
    """Hold one kind of document: its fields, list fields and distractor sentences.

    A distractor states a value of the same shape as a field's (another date, another
    city) that the schema does not ask for. `derive` makes drawn values agree with each
    other, such as a total with its line items.
    """

    template: str
    name: str
    title: str
    fields: tuple[Field, ...]
    lists: tuple[ListField, ...]
    distractors: tuple[tuple[Wording, Callable[[random.Random], dict[str, Any]]], ...]
    derive: Callable[[dict[str, Any]], dict[str, Any]] = dict


def field(
    name: str,
    schema: Mapping[str, Any],
    draw: Callable[[random.Random], Any],
    labelled: tuple[tuple[str, Slot], tuple[str, Slot]],
    prose: tuple[Slot, tuple[str, ...]],
) -> Field:
    """Return a field from its label lines at difficulties 1 and 2, and its prose at 3."""
    (plain_text, plain_slot), (styled_text, styled_slot) = labelled
    prose_slot, prose_texts = prose
    return Field(
        name,
        MappingProxyType(dict(schema)),
        draw,
        MappingProxyType(
            {
                1: wordings({"value": plain_slot}, plain_text),
                2: wordings({"value": styled_slot}, styled_text),
                3: wordings({"value": prose_slot}, *prose_texts),
            }
        ),
    )


def text_schema(description: str) -> Mapping[str, Any]:
    """Return the schema of a string field."""
    return {"type": "string", "description": description}


def number_schema(description: str, *, integer: bool = False) -> Mapping[str, Any]:
    """Return the schema of a number field, or of an integer one."""
    return {"type": "integer" if integer else "number", "description": description}


DATE_SCHEMA = text_schema("the date as YYYY-MM-DD")


def draw_date(rng: random.Random) -> str:
    """Return an ISO date in 2025 to 2027."""
    return f"{rng.randint(2025, 2027)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def draw_person(rng: random.Random) -> str:
    """Return a first name and a surname."""
    return f"{rng.choice(NAMES)} {rng.choice(SURNAMES)}"


def draw_code(prefix: str, digits: int) -> Callable[[random.Random], str]:
    """Return a draw of reference codes such as `INV-48213`."""
    return lambda rng: f"{prefix}-{rng.randrange(10 ** (digits - 1), 10**digits)}"


def draw_cents(low: int, high: int) -> Callable[[random.Random], float]:
    """Return a draw of dollar amounts with cents, from `low` to `high` dollars."""
    return lambda rng: rng.randint(100 * low, 100 * high) / 100
