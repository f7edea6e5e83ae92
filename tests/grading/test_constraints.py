"""Verifiable instructions: each rule passes a reply that follows it and names what breaks it."""

from __future__ import annotations

import pytest

from tokenpit.grading.constraints import Constraint, Rule, check_constraints, words_of

RANGE = Constraint(Rule.WORD_RANGE, low=3, high=5)
LOWER = Constraint(Rule.LOWERCASE)
UPPER = Constraint(Rule.UPPERCASE)
INCLUDE = Constraint(Rule.INCLUDE, words=("lantern", "orbit"))
EXCLUDE = Constraint(Rule.EXCLUDE, words=("honey",))
BULLETS = Constraint(Rule.BULLETS, count=2)
STARTS = Constraint(Rule.STARTS_WITH, phrase="Dear reader")
ENDS = Constraint(Rule.ENDS_WITH, phrase="That is all")


def test_words_are_runs_of_letters_with_inner_apostrophes_and_hyphens() -> None:
    assert words_of("- Don't stop: a well-known 3 step plan!") == [
        "Don't",
        "stop",
        "a",
        "well-known",
        "step",
        "plan",
    ]


@pytest.mark.parametrize(
    ("constraint", "reply"),
    [
        (RANGE, "one two three four"),
        (LOWER, "all small here, 42 times."),
        (UPPER, "ALL LOUD HERE, 42 TIMES."),
        (INCLUDE, "A Lantern in orbit."),
        (EXCLUDE, "Bees make honeycomb."),
        (BULLETS, "Intro line\n- first point\n* second point"),
        (STARTS, "**Dear reader**, hello."),
        (ENDS, "Goodbye. That is all!"),
    ],
)
def test_a_reply_that_follows_a_rule_passes(constraint: Constraint, reply: str) -> None:
    assert check_constraints((constraint,), reply) == ""


@pytest.mark.parametrize(
    ("constraint", "reply", "problem"),
    [
        (RANGE, "one two three four five six", "6 words, asked for 3 to 5"),
        (LOWER, "all small But one", "asked for lowercase only, got 'But'"),
        (UPPER, "ALL LOUD but ONE", "asked for capitals only, got 'but'"),
        (INCLUDE, "A lantern only.", "missing required words ['orbit']"),
        (EXCLUDE, "Bees make Honey.", "used forbidden words ['honey']"),
        (
            BULLETS,
            "- one\n- two\n- three",
            "expected 2 bullet points, got 3 (and 0 numbered items)",
        ),
        (
            BULLETS,
            "- one\n- two\n1. three",
            "expected 2 bullet points, got 2 (and 1 numbered items)",
        ),
        (STARTS, "Hello, dear reader.", "does not start with 'Dear reader'"),
        (ENDS, "That is all, goodbye.", "does not end with 'That is all'"),
    ],
)
def test_a_reply_that_breaks_a_rule_fails_with_the_reason(
    constraint: Constraint, reply: str, problem: str
) -> None:
    assert check_constraints((constraint,), reply) == problem


def test_the_first_broken_rule_is_named() -> None:
    assert check_constraints((LOWER, EXCLUDE), "bees make Honey") == (
        "asked for lowercase only, got 'Honey'"
    )


def test_a_reasoning_block_before_the_reply_is_not_judged() -> None:
    assert check_constraints((LOWER,), "<think>Okay, Lowercase.</think>\nall fine here") == ""
