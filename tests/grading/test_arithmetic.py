"""Arithmetic items: word problems with one integer answer, scored leniently on form."""

from __future__ import annotations

import pytest

from tokenpit.grading import Answer, Category, Item, Suite, check
from tokenpit.grading.arithmetic import FORMATS, PROBLEMS
from tokenpit.grading.items import user_messages

from .samples import OTHER_SEED, items, solved

ANSWERED = Item(Category.ARITHMETIC, "arithmetic.test", 1, user_messages("How many?"), 1_250)


def test_every_template_offers_every_difficulty() -> None:
    shapes = {(problem.template, problem.difficulty) for problem in PROBLEMS}
    templates = {template for template, _ in shapes}

    assert len(templates) >= 3
    assert shapes == {(template, level) for template in templates for level in (1, 2, 3)}


def test_every_template_and_difficulty_is_drawn_and_solved() -> None:
    drawn = items(Category.ARITHMETIC, 200)

    assert {(it.template, it.difficulty) for it in drawn} == {
        (problem.template, problem.difficulty) for problem in PROBLEMS
    }
    assert all(check(it, solved(it)).passed for it in drawn)


def test_a_prompt_is_one_user_message_that_states_the_answer_format() -> None:
    for it in items(Category.ARITHMETIC, 30):
        assert [message["role"] for message in it.messages] == ["user"]
        assert it.prompt.rsplit("\n\n", 1)[1] in FORMATS


def test_answers_are_whole_numbers() -> None:
    assert all(isinstance(it.expected, int) for it in items(Category.ARITHMETIC, 100))


def test_different_indices_give_different_problems() -> None:
    prompts = [it.prompt for it in items(Category.ARITHMETIC, 40)]

    assert len(set(prompts)) == len(prompts)


def test_another_seed_gives_other_problems() -> None:
    first = Suite(OTHER_SEED).item(Category.ARITHMETIC, 0, 2)

    assert first.prompt != items(Category.ARITHMETIC, 1, 2)[0].prompt


@pytest.mark.parametrize(
    "reply",
    ["1250", "1,250", "**1250**", "Answer: 1,250.", "  1250\n", "$1,250", "The answer is 1250"],
)
def test_the_right_number_passes_in_any_harmless_form(reply: str) -> None:
    assert check(ANSWERED, Answer(content=reply)).passed


def test_a_wrong_number_fails_naming_both() -> None:
    verdict = check(ANSWERED, Answer(content="1251"))

    assert (verdict.passed, verdict.reason) == (False, "expected 1250, got 1251")


@pytest.mark.parametrize("reply", ["1250 or 1251", "1250 apples", "about 1250", "12.5"])
def test_extra_text_or_numbers_fail(reply: str) -> None:
    verdict = check(ANSWERED, Answer(content=reply))

    assert not verdict.passed
    assert verdict.reason.startswith("expected 1250, got")
