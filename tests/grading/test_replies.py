"""Reading replies: harmless formatting is removed, content is kept."""

from __future__ import annotations

import pytest

from tokenpit.grading.replies import (
    read_integer,
    read_json,
    same_value,
    short_answer,
    stated_answer,
)


@pytest.mark.parametrize(
    "reply",
    [
        "42",
        "  42\n",
        "42.",
        "**42**",
        "*42*",
        "`42`",
        "Answer: 42",
        "The answer is **42**.",
        "Final answer: 42",
        "```\n42\n```",
        "<think>6 times 7 is 42</think>\n42",
    ],
)
def test_a_short_answer_loses_its_wrapping(reply: str) -> None:
    assert short_answer(reply) == "42"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1250", 1_250),
        ("1,250", 1_250),
        ("1 250", 1_250),
        ("$1,250", 1_250),
        ("-7", -7),
        ("40.00", 40),
    ],
)
def test_an_integer_reads_with_separators_and_a_currency_sign(text: str, value: int) -> None:
    assert read_integer(text) == value


@pytest.mark.parametrize("text", ["12 apples", "12 or 13", "about 12", "12.5", "1,25", ""])
def test_anything_but_one_integer_is_no_integer(text: str) -> None:
    assert read_integer(text) is None


def test_json_reads_inside_a_code_fence() -> None:
    assert read_json('```json\n{"a": 1}\n```\n') == {"a": 1}


def test_json_with_prose_around_it_is_invalid() -> None:
    with pytest.raises(ValueError, match="Expecting value"):
        read_json('Here it is: {"a": 1}')


@pytest.mark.parametrize(
    ("expected", "got"),
    [("Lisbon", " lisbon "), (250, 250.0), ([1, "a"], [1, "A"]), ({"k": "v"}, {"k": "V "})],
)
def test_values_compare_after_harmless_normalisation(expected: object, got: object) -> None:
    assert same_value(expected, got)


@pytest.mark.parametrize(
    ("expected", "got"),
    [
        ("Lisbon", "Lisbon!"),
        (250, "250"),
        (1, True),
        ([1, 2], [2, 1]),
        ({"k": 1}, {"k": 1, "x": 2}),
    ],
)
def test_different_values_do_not_compare_equal(expected: object, got: object) -> None:
    assert not same_value(expected, got)


@pytest.mark.parametrize(
    ("text", "stated"),
    [
        ("The access code for the white mailbox is 2721.", ("2721", "")),
        ("A machine fills 12 bottles a minute, so 12 * 49 = 588 bottles.", ("588", "bottles")),
        ("The guest staying in room 841 is Lars.", ("Lars", "")),
        ("So the total = **1,250**", ("1,250", "")),
    ],
)
def test_a_short_sentence_stating_its_answer_yields_the_answer(
    text: str, stated: tuple[str, str]
) -> None:
    assert stated_answer(text) == stated


@pytest.mark.parametrize(
    "text",
    [
        "Diego is right behind Keiko.",  # the last word is not what the sentence states
        "The code is 2721. Or maybe 2722.",  # two sentences
        "It is Carla, I think",  # a hedge after the answer
        " ".join(["word"] * 40) + " is 12.",  # a long reply
    ],
)
def test_anything_else_states_no_answer(text: str) -> None:
    stated = stated_answer(text)

    assert stated is None or stated[1] != ""
