"""Retrieval items: a fact hidden in long filler, among distractors of the same shape."""

from __future__ import annotations

from typing import Any

import pytest

from tokenpit.grading import Answer, Category, Item, Suite, check
from tokenpit.grading.haystack import prompt_tokens
from tokenpit.grading.retrieval import FACTS, PROMPT_TOKENS, Fact
from tokenpit.grading.wording import parse_any

from .samples import OTHER_SEED, item, items, solved


def _fact(it: Item) -> Fact:
    return next(fact for fact in FACTS if fact.template == it.template)


def _count(it: Item, stale: bool = False) -> int:
    """Return how many sentences of the item's fact shape (or stale shape) its prompt holds."""
    fact = _fact(it)
    return sum(len(list(w.find_all(it.prompt))) for w in (fact.stale if stale else fact.facts))


def test_every_fact_is_drawn_at_every_difficulty_and_solved() -> None:
    drawn = items(Category.RETRIEVAL, 60)

    assert len(FACTS) >= 3
    assert {(it.template, it.difficulty) for it in drawn} == {
        (fact.template, level) for fact in FACTS for level in (1, 2, 3)
    }
    assert all(check(it, solved(it)).passed for it in drawn)


@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_a_regular_item_is_close_to_its_size_and_never_over(difficulty: int) -> None:
    for it in items(Category.RETRIEVAL, 5, difficulty):
        counted = prompt_tokens(it.messages)

        assert 0.9 * PROMPT_TOKENS[difficulty] <= counted <= PROMPT_TOKENS[difficulty]


def test_an_easy_item_hides_the_fact_alone() -> None:
    it = item(Category.RETRIEVAL, 0, 1)

    assert (_count(it), _count(it, stale=True)) == (1, 0)


def test_a_hard_item_hides_distractors_and_a_stale_value_beside_the_fact() -> None:
    it = item(Category.RETRIEVAL, 0, 3)

    assert (_count(it), _count(it, stale=True)) == (7, 1)


def test_the_fact_sits_at_varied_depths() -> None:
    depths = set()
    for it in items(Category.RETRIEVAL, 30, 1):
        (place,) = (
            it.prompt.find(wording.render(values))
            for wording in _fact(it).facts
            for values in wording.find_all(it.prompt)
        )
        depths.add(round(10 * place / len(it.prompt)))

    assert len(depths) >= 5


def test_different_indices_and_seeds_give_different_items() -> None:
    prompts = [it.prompt for it in items(Category.RETRIEVAL, 20, 1)]

    assert len(set(prompts)) == len(prompts)
    assert Suite(OTHER_SEED).item(Category.RETRIEVAL, 0, 1).prompt != prompts[0]


def test_a_wrong_value_fails_naming_both() -> None:
    it = item(Category.RETRIEVAL, 0, 3)
    wrong = "Nobody" if isinstance(it.expected, str) else str(it.expected + 1)

    verdict = check(it, Answer(content=wrong))

    assert verdict.reason.startswith(f"expected {it.expected}, got")


def _hard(template: str) -> Item:
    """Return the first hard item of the retrieval template `template`."""
    return next(it for it in items(Category.RETRIEVAL, 30, 3) if it.template == template)


def _key(it: Item) -> dict[str, Any]:
    """Return the key the item's question asks about: which locker, parcel or room."""
    asked = it.prompt.rsplit("\n", 2)[1]
    key = parse_any(_fact(it).questions, asked)
    assert key is not None, asked
    return key


def _stated(it: Item, answer: Any) -> str:
    """Return the item's fact stated as a reply sentence that ends with `answer`."""
    if it.template == "retrieval.parcel":
        return f"The shelf is {answer}."
    return _fact(it).facts[0].render({**_key(it), "answer": answer})


# The harmless forms `replies` documents; `{}` is the expected value.
HARMLESS = ["{}", "  {} \n", "{}.", "```\n{}\n```", "**{}**", "Answer: {}", "<think>hm</think>{}"]
TEMPLATES = [fact.template for fact in FACTS]


@pytest.mark.parametrize("form", HARMLESS)
@pytest.mark.parametrize("template", TEMPLATES)
def test_the_right_value_passes_in_any_harmless_form(template: str, form: str) -> None:
    it = _hard(template)

    assert check(it, Answer(content=form.format(it.expected))).passed


@pytest.mark.parametrize("template", TEMPLATES)
def test_one_sentence_stating_the_right_value_passes(template: str) -> None:
    it = _hard(template)

    assert check(it, Answer(content=_stated(it, it.expected))).passed


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_stale_value_of_a_hard_item_fails_bare_or_stated(template: str) -> None:
    it = _hard(template)
    key = _key(it)
    (stale,) = (
        values["answer"]
        for wording in _fact(it).stale
        for values in wording.find_all(it.prompt)
        if all(values[name] == value for name, value in key.items())
    )

    assert stale != it.expected
    assert not check(it, Answer(content=str(stale))).passed
    assert not check(it, Answer(content=_stated(it, stale))).passed


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_distractors_value_fails(template: str) -> None:
    it = _hard(template)
    key = _key(it)
    decoys = {
        values["answer"]
        for wording in _fact(it).facts
        for values in wording.find_all(it.prompt)
        if any(values[name] != value for name, value in key.items())
    } - {it.expected}

    assert decoys
    assert not any(check(it, Answer(content=str(decoy))).passed for decoy in decoys)
