"""The settings of ordering puzzles: a queue, cinema seats, a race, floors of a building.

Every setting words the same relations between positions 1..N, where 1 is the front of
the queue, the leftmost seat, the winner or the lowest floor. A clue is a relation that
holds in the hidden order; a setting says how to word each relation and each question.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from tokenpit.grading.wording import COUNT, NAME, NAMES, NUMBER, ORDINAL, Slot, Wording, wordings


class Relation(enum.StrEnum):
    """Name a relation a clue states about one or two people's positions."""

    DIRECTLY_BEFORE = "directly_before"
    BEFORE = "before"
    AT = "at"
    NOT_AT = "not_at"
    NEXT_TO = "next_to"
    NOT_NEXT_TO = "not_next_to"
    AT_END = "at_end"


class Question(enum.StrEnum):
    """Name what a puzzle asks: who holds a position, or who comes right after someone."""

    WHO_AT = "who_at"
    WHO_AFTER = "who_after"


@dataclass(frozen=True, slots=True)
class Setting:
    """Hold the wordings of one puzzle template."""

    template: str
    intros: tuple[Wording, ...]
    clues: Mapping[Relation, tuple[Wording, ...]]
    questions: Mapping[Question, tuple[Wording, ...]]


def _setting(
    template: str,
    position: Slot,
    intros: tuple[Wording, ...],
    clues: Mapping[Relation, tuple[str, ...]],
    questions: Mapping[Question, str],
) -> Setting:
    pair = {"first": NAME, "second": NAME}
    placed = {"first": NAME, "position": position}
    slots = {
        Relation.DIRECTLY_BEFORE: pair,
        Relation.BEFORE: pair,
        Relation.AT: placed,
        Relation.NOT_AT: placed,
        Relation.NEXT_TO: pair,
        Relation.NOT_NEXT_TO: pair,
        Relation.AT_END: {"first": NAME},
    }
    question_slots = {Question.WHO_AT: {"position": position}, Question.WHO_AFTER: {"first": NAME}}
    return Setting(
        template,
        intros,
        MappingProxyType(
            {relation: wordings(slots[relation], *texts) for relation, texts in clues.items()}
        ),
        MappingProxyType(
            {kind: wordings(question_slots[kind], text) for kind, text in questions.items()}
        ),
    )


_CROWD = {"names": NAMES, "count": COUNT}

QUEUE = _setting(
    "logic.queue",
    ORDINAL,
    (
        Wording("There are {count} people in a queue: {names}.", _CROWD),
        Wording("{names} are waiting in a single queue, one behind the other.", {"names": NAMES}),
    ),
    {
        Relation.DIRECTLY_BEFORE: (
            "{first} stands directly in front of {second}.",
            "{second} is right behind {first}.",
        ),
        Relation.BEFORE: (
            "{first} is somewhere ahead of {second} in the queue.",
            "{second} stands somewhere behind {first}.",
        ),
        Relation.AT: ("{first} is {position} in the queue.",),
        Relation.NOT_AT: ("{first} is not {position} in the queue.",),
        Relation.NEXT_TO: ("{first} and {second} stand next to each other.",),
        Relation.NOT_NEXT_TO: ("{first} and {second} do not stand next to each other.",),
        Relation.AT_END: ("{first} is at one end of the queue.",),
    },
    {
        Question.WHO_AT: "Who is {position} in the queue?",
        Question.WHO_AFTER: "Who stands directly behind {first}?",
    },
)

SEATS = _setting(
    "logic.seats",
    NUMBER,
    (
        Wording(
            "{names} sit in one row of {count} cinema seats, numbered from 1 on the left.", _CROWD
        ),
        Wording(
            "At the cinema, {names} take a row of seats numbered from 1 at the left end, one "
            "person to a seat and no seat empty.",
            {"names": NAMES},
        ),
    ),
    {
        Relation.DIRECTLY_BEFORE: (
            "{first} sits directly to the left of {second}.",
            "{second} sits immediately to the right of {first}.",
        ),
        Relation.BEFORE: (
            "{first} sits somewhere to the left of {second}.",
            "{second} sits somewhere to the right of {first}.",
        ),
        Relation.AT: ("{first} sits in seat {position}.",),
        Relation.NOT_AT: ("{first} does not sit in seat {position}.",),
        Relation.NEXT_TO: ("{first} sits next to {second}.",),
        Relation.NOT_NEXT_TO: ("{first} does not sit next to {second}.",),
        Relation.AT_END: ("{first} sits at one end of the row.",),
    },
    {
        Question.WHO_AT: "Who sits in seat {position}?",
        Question.WHO_AFTER: "Who sits directly to the right of {first}?",
    },
)

RACE = _setting(
    "logic.race",
    ORDINAL,
    (
        Wording("A race had {count} runners, {names}, and no two finished together.", _CROWD),
        Wording(
            "{names} ran a race; all of them finished and no two finished together.",
            {"names": NAMES},
        ),
    ),
    {
        Relation.DIRECTLY_BEFORE: (
            "{first} finished immediately ahead of {second}.",
            "{second} crossed the line right after {first}.",
        ),
        Relation.BEFORE: (
            "{first} finished ahead of {second}.",
            "{second} finished somewhere behind {first}.",
        ),
        Relation.AT: ("{first} finished {position}.",),
        Relation.NOT_AT: ("{first} did not finish {position}.",),
        Relation.NEXT_TO: ("{first} and {second} finished one straight after the other.",),
        Relation.NOT_NEXT_TO: (
            "{first} and {second} did not finish one straight after the other.",
        ),
        Relation.AT_END: ("{first} finished either first or last.",),
    },
    {
        Question.WHO_AT: "Who finished {position}?",
        Question.WHO_AFTER: "Who finished immediately after {first}?",
    },
)

FLOORS = _setting(
    "logic.floors",
    NUMBER,
    (
        Wording(
            "{names} live in a building with {count} floors, one person on each floor; floor 1 "
            "is the lowest.",
            _CROWD,
        ),
        Wording(
            "Each of {names} lives on a different floor of a small block of flats, with floor 1 "
            "at the bottom and no floor empty.",
            {"names": NAMES},
        ),
    ),
    {
        Relation.DIRECTLY_BEFORE: (
            "{first} lives directly below {second}.",
            "{second} lives on the floor just above {first}.",
        ),
        Relation.BEFORE: (
            "{first} lives on a lower floor than {second}.",
            "{second} lives somewhere above {first}.",
        ),
        Relation.AT: ("{first} lives on floor {position}.",),
        Relation.NOT_AT: ("{first} does not live on floor {position}.",),
        Relation.NEXT_TO: ("{first} and {second} live on neighbouring floors.",),
        Relation.NOT_NEXT_TO: ("{first} and {second} do not live on neighbouring floors.",),
        Relation.AT_END: ("{first} lives on either the lowest or the highest floor.",),
    },
    {
        Question.WHO_AT: "Who lives on floor {position}?",
        Question.WHO_AFTER: "Who lives directly above {first}?",
    },
)

SETTINGS = (QUEUE, SEATS, RACE, FLOORS)
