"""Reference solvers: every generated item is answered correctly from its request alone."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from tokenpit.grading import CATEGORIES, Category, Suite, Verdict, check, solve

from .samples import MODEL, difficulties, indices, seeds


@pytest.mark.parametrize("category", CATEGORIES)
@settings(max_examples=40, deadline=None, derandomize=True)
@given(seed=seeds, index=indices, difficulty=difficulties)
def test_the_reference_solver_answers_every_item(
    category: Category, seed: bytes, index: int, difficulty: int
) -> None:
    item = Suite(seed).item(category, index, difficulty)

    solution = solve(item.request_body(MODEL))

    assert solution is not None
    assert solution.category is category
    assert check(item, solution.answer) == Verdict(passed=True, reason="ok")


@pytest.mark.parametrize(
    "body",
    [
        {"model": MODEL, "messages": [{"role": "user", "content": "Hello"}]},
        {"model": MODEL, "messages": []},
        {"model": MODEL, "messages": [{"role": "assistant", "content": "Hello"}]},
        {
            "model": MODEL,
            "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}],
        },
        {"model": MODEL, "messages": "Hello"},
        {
            "model": MODEL,
            "messages": [{"role": "user", "content": "What is the weather in Oslo?"}],
            "tools": [{"type": "function", "function": {"name": "lookup", "parameters": {}}}],
        },
        {
            "model": MODEL,
            "messages": [{"role": "user", "content": "Give me JSON."}],
            "response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {}}},
        },
    ],
)
def test_a_request_that_is_not_a_grading_item_is_not_solved(body: dict[str, object]) -> None:
    assert solve(body) is None


def test_a_prompt_changed_by_a_word_is_not_recognised() -> None:
    item = Suite(bytes(32)).item(Category.ARITHMETIC, 0)
    body = item.request_body(MODEL)
    body["messages"][-1]["content"] = body["messages"][-1]["content"].replace("How", "Why", 1)

    assert solve(body) is None
