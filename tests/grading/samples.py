"""Items of the reference suite for the grading tests: fixed seeds, solved answers."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tokenpit.grading import Answer, Category, Item, Suite, solve
from tokenpit.grading.items import DIFFICULTIES

SEED = bytes(range(32))
OTHER_SEED = bytes(range(1, 33))
MODEL = "grader-test"

seeds = st.binary(min_size=32, max_size=32)
indices = st.integers(min_value=0, max_value=10**9)
difficulties = st.sampled_from(DIFFICULTIES)


def item(category: Category, index: int = 0, difficulty: int | None = None) -> Item:
    """Return item `index` of `category` from the suite of the fixed test seed."""
    return Suite(SEED).item(category, index, difficulty)


def items(category: Category, count: int, difficulty: int | None = None) -> list[Item]:
    """Return the first `count` items of `category` from the suite of the fixed test seed."""
    suite = Suite(SEED)
    return [suite.item(category, index, difficulty) for index in range(count)]


def body(of: Item) -> dict[str, Any]:
    """Return the request body the endpoint under test receives for `of`."""
    return of.request_body(MODEL)


def solved(of: Item) -> Answer:
    """Return the reference solver's answer to `of`, which must be recognised."""
    solution = solve(body(of))
    assert solution is not None, of.prompt[:200]
    return solution.answer
