"""Instruction items: a writing task under one to three verifiable rules."""

from __future__ import annotations

from tokenpit.grading import Answer, Category, Suite, check
from tokenpit.grading.constraints import Rule
from tokenpit.grading.instructions import TASKS, TOPICS

from .samples import OTHER_SEED, item, items, solved


def test_every_task_is_drawn_at_every_difficulty_and_solved() -> None:
    drawn = items(Category.INSTRUCTIONS, 100)

    assert len(TASKS) >= 3
    assert {(it.template, it.difficulty) for it in drawn} == {
        (template, level) for template, _ in TASKS for level in (1, 2, 3)
    }
    assert all(check(it, solved(it)).passed for it in drawn)


def test_the_difficulty_is_the_number_of_rules() -> None:
    for it in items(Category.INSTRUCTIONS, 30):
        assert len(it.expected) == it.difficulty
        assert it.prompt.count("\n- ") == it.difficulty


def test_case_rules_never_come_together() -> None:
    for it in items(Category.INSTRUCTIONS, 200, 3):
        rules = {constraint.rule for constraint in it.expected}

        assert {Rule.LOWERCASE, Rule.UPPERCASE} - rules


def test_a_non_answer_passes_no_item() -> None:
    # Every item has a rule the reply must act on: a length, a word, bullets, an opening or
    # a closing. Forbidden words and a case alone would be kept by saying nothing useful.
    for it in items(Category.INSTRUCTIONS, 600):
        for non_answer in ("I am not sure.", "i am not sure", "I AM NOT SURE", ""):
            assert not check(it, Answer(content=non_answer)).passed, (it.prompt, non_answer)


def test_forbidden_words_are_ones_the_topic_tempts() -> None:
    tempting = {word for _, words in TOPICS for word in words}
    forbidden = [
        word.casefold()
        for it in items(Category.INSTRUCTIONS, 100)
        for constraint in it.expected
        if constraint.rule is Rule.EXCLUDE
        for word in constraint.words
    ]

    assert forbidden
    assert set(forbidden) <= tempting


def test_different_indices_and_seeds_give_different_tasks() -> None:
    prompts = [it.prompt for it in items(Category.INSTRUCTIONS, 30)]

    assert len(set(prompts)) == len(prompts)
    assert Suite(OTHER_SEED).item(Category.INSTRUCTIONS, 0).prompt != prompts[0]


def test_a_reply_that_ignores_the_rules_fails_with_a_reason() -> None:
    asked = item(Category.INSTRUCTIONS, 0, 3)

    verdict = check(asked, Answer(content="Sure! Here you go."))

    assert not verdict.passed
    assert verdict.reason
