"""The suite: items as a pure function of the secret seed, and the context-window check."""

from __future__ import annotations

import time

import pytest

from tokenpit.grading import CATEGORIES, SUITE_VERSION, Category, Suite, check, new_suite
from tokenpit.grading.haystack import encoding, prompt_tokens
from tokenpit.grading.retrieval import MAX_TOKENS

from .samples import OTHER_SEED, SEED, solved


def test_the_suite_version_is_recorded_text() -> None:
    assert isinstance(SUITE_VERSION, str)
    assert SUITE_VERSION.strip()


@pytest.mark.parametrize("category", CATEGORIES)
def test_the_same_seed_gives_the_same_items(category: Category) -> None:
    first, again = Suite(SEED), Suite(bytes(SEED))

    assert [first.item(category, i) for i in range(3)] == [
        again.item(category, i) for i in range(3)
    ]


def test_an_item_does_not_depend_on_what_was_asked_before() -> None:
    suite = Suite(SEED)
    alone = Suite(SEED).item(Category.LOGIC, 5)

    for index in range(5):
        suite.item(Category.LOGIC, index)

    assert suite.item(Category.LOGIC, 5) == alone


def test_another_seed_gives_other_items() -> None:
    assert Suite(SEED).item(Category.ARITHMETIC, 0) != Suite(OTHER_SEED).item(
        Category.ARITHMETIC, 0
    )


def test_fresh_suites_draw_fresh_seeds() -> None:
    assert new_suite().item(Category.LOGIC, 0) != new_suite().item(Category.LOGIC, 0)


def test_drawn_difficulties_mix_all_three() -> None:
    suite = Suite(SEED)

    drawn = [suite.item(Category.ARITHMETIC, index).difficulty for index in range(60)]

    assert min(drawn.count(level) for level in (1, 2, 3)) >= 10


def test_an_asked_difficulty_is_kept() -> None:
    assert {Suite(SEED).item(Category.TOOLS, i, 2).difficulty for i in range(10)} == {2}


@pytest.mark.parametrize(("index", "difficulty"), [(-1, None), (0, 0), (0, 4)])
def test_an_impossible_item_is_refused(index: int, difficulty: int | None) -> None:
    with pytest.raises(ValueError, match="must be"):
        Suite(SEED).item(Category.LOGIC, index, difficulty)


def test_a_short_seed_is_refused() -> None:
    with pytest.raises(ValueError, match="too short"):
        Suite(b"secret")


def test_the_seed_never_shows() -> None:
    assert SEED.hex() not in repr(Suite(SEED))
    assert repr(SEED) not in repr(Suite(SEED))


@pytest.mark.parametrize("context_tokens", [8_000, 32_000, 128_000])
def test_the_context_item_fills_most_of_the_window(context_tokens: int) -> None:
    it = Suite(SEED).context_item(context_tokens)

    counted = prompt_tokens(it.messages)

    assert 0.9 * context_tokens <= counted <= context_tokens - MAX_TOKENS
    assert it.category is Category.RETRIEVAL
    assert check(it, solved(it)).passed


def test_the_context_item_is_the_same_for_the_same_seed_and_size() -> None:
    assert Suite(SEED).context_item(8_000) == Suite(SEED).context_item(8_000)
    retried = Suite(SEED).context_item(8_000, attempt=1)
    assert retried.prompt != Suite(SEED).context_item(8_000).prompt
    assert retried == Suite(SEED).context_item(8_000, attempt=1)


def test_a_large_context_item_builds_in_well_under_a_second() -> None:
    encoding()  # loading the tokenizer is a one-off cost of the process, not of an item
    started = time.perf_counter()

    Suite(SEED).context_item(128_000)

    assert time.perf_counter() - started < 1.0


def test_a_context_window_too_small_to_test_is_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        Suite(SEED).context_item(500)
