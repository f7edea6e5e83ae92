"""Items: the request body they send, and how `check` dispatches by category."""

from __future__ import annotations

import pytest

from tokenpit.grading import CATEGORIES, Answer, Category, Item, check
from tokenpit.grading.items import user_messages

from .samples import body, item


def test_categories_run_in_the_published_order() -> None:
    assert [category.value for category in CATEGORIES] == [
        "arithmetic",
        "logic",
        "instructions",
        "extraction",
        "tools",
        "retrieval",
    ]


def test_a_body_asks_the_model_deterministically_within_the_token_limit() -> None:
    sent = item(Category.ARITHMETIC).request_body("CHAT-B")

    assert sent["model"] == "CHAT-B"
    assert sent["temperature"] == 0
    assert sent["max_tokens"] == 400
    assert sent["messages"][-1]["role"] == "user"
    assert not {"tools", "tool_choice", "response_format"} & set(sent)


def test_a_tools_body_carries_the_tools_and_the_tool_choice() -> None:
    sent = body(item(Category.TOOLS))

    assert sent["tools"]
    assert sent["tool_choice"] in {"auto", "required"}


def test_an_extraction_body_carries_a_strict_json_schema_format() -> None:
    sent = body(item(Category.EXTRACTION))

    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["strict"] is True


def test_changing_a_body_leaves_the_item_as_it_was() -> None:
    asked = item(Category.TOOLS)
    sent = body(asked)

    sent["messages"][-1]["content"] = "changed"
    sent["tools"][0]["function"]["name"] = "changed"

    assert body(asked) != sent


def test_an_item_refuses_a_difficulty_outside_one_to_three() -> None:
    with pytest.raises(ValueError, match="difficulty 4"):
        Item(Category.LOGIC, "logic.test", 4, user_messages("Who?"), "Alice")


def test_an_item_must_end_with_the_users_message() -> None:
    with pytest.raises(ValueError, match="last message"):
        Item(Category.LOGIC, "logic.test", 1, ({"role": "system", "content": "Hi"},), "Alice")


@pytest.mark.parametrize("content", [None, "", "  \n"])
def test_an_empty_reply_fails_every_text_category(content: str | None) -> None:
    for category in (c for c in CATEGORIES if c is not Category.TOOLS):
        verdict = check(item(category), Answer(content=content))

        assert (verdict.passed, verdict.reason) == (False, "empty reply")
