"""Tools items: the first tool call must be the right function with the right arguments."""

from __future__ import annotations

import json

import jsonschema
import pytest

from tokenpit.grading import Answer, Category, Item, Suite, ToolCall, check
from tokenpit.grading.tools import TOOLS

from .samples import OTHER_SEED, item, items, solved


def _call(it: Item) -> ToolCall:
    calls = solved(it).tool_calls
    assert len(calls) == 1
    return calls[0]


def _arguments(it: Item) -> dict[str, object]:
    arguments: dict[str, object] = json.loads(_call(it).arguments)
    return arguments


def _answer(name: str, arguments: object) -> Answer:
    text = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return Answer(content=None, tool_calls=(ToolCall(name, text),))


def test_every_function_is_asked_for_at_every_difficulty_and_solved() -> None:
    drawn = items(Category.TOOLS, 200)

    assert {(it.template, it.difficulty) for it in drawn} == {
        (f"tools.{tool.name}", level) for tool in TOOLS for level in (1, 2, 3)
    }
    assert all(check(it, solved(it)).passed for it in drawn)


def test_tool_definitions_are_valid_openai_functions() -> None:
    for it in items(Category.TOOLS, 40):
        for tool in it.tools:
            assert tool["type"] == "function"
            assert set(tool["function"]) == {"name", "description", "parameters"}
            jsonschema.Draft202012Validator.check_schema(tool["function"]["parameters"])


@pytest.mark.parametrize(
    ("difficulty", "offered", "choice"),
    [(1, {3}, "required"), (2, {4, 5}, "auto"), (3, {5, 6}, "auto")],
)
def test_harder_items_offer_more_functions_and_leave_the_choice(
    difficulty: int, offered: set[int], choice: str
) -> None:
    for it in items(Category.TOOLS, 20, difficulty):
        names = [tool["function"]["name"] for tool in it.tools]

        assert len(names) in offered
        assert len(set(names)) == len(names)
        assert it.tool_choice == choice


def test_different_indices_and_seeds_give_different_requests() -> None:
    prompts = [it.prompt for it in items(Category.TOOLS, 30, 3)]

    assert len(set(prompts)) == len(prompts)
    assert Suite(OTHER_SEED).item(Category.TOOLS, 0, 3).prompt != prompts[0]


def _restated(value: object) -> object:
    """Return `value` as a model may harmlessly restate it: other case, a float for an int."""
    if isinstance(value, str):
        return f" {value.upper()} "
    return float(value) if isinstance(value, int) else value


def test_string_arguments_compare_without_case_and_numbers_by_value() -> None:
    asked = item(Category.TOOLS, 0)
    # Enumerated values must be sent exactly as the schema lists them.
    enumerated = {"unit"}
    arguments = {k: v if k in enumerated else _restated(v) for k, v in _arguments(asked).items()}

    assert check(asked, _answer(asked.expected.name, arguments)).passed


def test_a_call_to_another_function_fails() -> None:
    asked = item(Category.TOOLS, 0)
    other = next(
        t["function"]["name"] for t in asked.tools if t["function"]["name"] != asked.expected.name
    )

    verdict = check(asked, _answer(other, _arguments(asked)))

    assert verdict.reason == f"expected a call to {asked.expected.name}, got {other!r}"


def test_a_wrong_argument_fails_naming_it() -> None:
    asked = item(Category.TOOLS, 3)
    arguments = _arguments(asked)
    name = next(k for k, v in arguments.items() if isinstance(v, str))
    arguments[name] = "Nowhere"

    verdict = check(asked, _answer(asked.expected.name, arguments))

    assert not verdict.passed
    assert verdict.reason.startswith(f"{name}: expected")


def test_an_unknown_argument_fails() -> None:
    asked = item(Category.TOOLS, 0)

    verdict = check(asked, _answer(asked.expected.name, {**_arguments(asked), "urgent": True}))

    assert verdict.reason == "unknown arguments ['urgent']"


def test_arguments_that_are_not_json_fail() -> None:
    asked = item(Category.TOOLS, 0)

    verdict = check(asked, _answer(asked.expected.name, "{city: Oslo"))

    assert verdict.reason.startswith("arguments are not valid JSON")


def test_a_reply_without_a_tool_call_fails() -> None:
    asked = item(Category.TOOLS, 0)

    verdict = check(asked, Answer(content="It is sunny in Oslo."))

    assert verdict.reason == f"no tool call; expected a call to {asked.expected.name}"


def test_only_the_first_call_is_judged() -> None:
    asked = item(Category.TOOLS, 0)
    right = _call(asked)

    answer = Answer(content=None, tool_calls=(right, ToolCall("unknown", "{}")))

    assert check(asked, answer).passed
