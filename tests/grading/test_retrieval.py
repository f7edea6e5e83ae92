"""Retrieval items: a fact hidden in long filler, among distractors of the same shape."""

from __future__ import annotations

import pytest

from tokenpit.grading import Answer, Category, Item, Suite, check
from tokenpit.grading.haystack import prompt_tokens
from tokenpit.grading.retrieval import FACTS, PROMPT_TOKENS, Fact

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
