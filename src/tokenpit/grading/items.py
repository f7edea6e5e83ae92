"""Grading items, and `check`, which scores an answer against its item.

An item is one generated request of the reference suite together with what its checker
compares against (`expected`), which never leaves the exchange. `Item.request_body` is the
Chat Completions body that is sent; an `Answer` is what came back, reduced to the parts that
scoring reads; `check` returns the `Verdict`, with the reason when it fails.
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from tokenpit.grading.answers import PASSED, Answer, ToolCall, Verdict, failed
from tokenpit.grading.constraints import check_constraints
from tokenpit.grading.scoring import check_json, check_short, check_tool_call

__all__ = [
    "CATEGORIES",
    "DIFFICULTIES",
    "Answer",
    "Category",
    "Item",
    "ToolCall",
    "Verdict",
    "check",
    "user_messages",
]

DIFFICULTIES = (1, 2, 3)


class Category(enum.StrEnum):
    """Name a skill the suite measures; a grade sets a floor per category."""

    ARITHMETIC = "arithmetic"
    LOGIC = "logic"
    INSTRUCTIONS = "instructions"
    EXTRACTION = "extraction"
    TOOLS = "tools"
    RETRIEVAL = "retrieval"


CATEGORIES: tuple[Category, ...] = tuple(Category)

# Categories whose items use an API feature: a grade that does not require the feature
# is not judged on them, since its buyers will not ask for it.
FEATURE_OF: Mapping[Category, str] = MappingProxyType(
    {Category.TOOLS: "tools", Category.EXTRACTION: "json_schema"}
)


def categories_for(features: Collection[str]) -> tuple[Category, ...]:
    """Return the categories that judge a grade requiring `features`."""
    return tuple(c for c in CATEGORIES if c not in FEATURE_OF or FEATURE_OF[c] in features)


@dataclass(frozen=True, slots=True)
class Item:
    """Hold one generated grading request and the hidden value its checker expects.

    `template` names the generator that wrote it (`arithmetic.shopping`); `difficulty` runs
    from 1 (easy) to 3 (hard). `messages` are OpenAI chat messages, the user's last.
    """

    category: Category
    template: str
    difficulty: int
    messages: tuple[dict[str, Any], ...]
    expected: Any
    tools: tuple[dict[str, Any], ...] = ()
    tool_choice: str | None = None
    response_format: dict[str, Any] | None = None
    max_tokens: int = 400

    def __post_init__(self) -> None:
        if self.difficulty not in DIFFICULTIES:
            raise ValueError(f"difficulty {self.difficulty} must be one of {DIFFICULTIES}")
        if not self.messages or self.messages[-1].get("role") != "user":
            raise ValueError(f"item {self.template}: the last message must be the user's")

    @property
    def prompt(self) -> str:
        """Return the text of the user's message."""
        return str(self.messages[-1]["content"])

    def request_body(self, model: str) -> dict[str, Any]:
        """Return the Chat Completions request body that asks `model` this item.

        The body is a fresh copy: a caller may change it without changing the item.
        """
        body: dict[str, Any] = {
            "model": model,
            "messages": copy.deepcopy(list(self.messages)),
            "max_tokens": self.max_tokens,
            "temperature": 0,
        }
        if self.tools:
            body["tools"] = copy.deepcopy(list(self.tools))
        if self.tool_choice is not None:
            body["tool_choice"] = self.tool_choice
        if self.response_format is not None:
            body["response_format"] = copy.deepcopy(self.response_format)
        return body


def user_messages(text: str) -> tuple[dict[str, Any], ...]:
    """Return the messages of an item whose whole prompt is one user message."""
    return ({"role": "user", "content": text},)


def check(item: Item, answer: Answer) -> Verdict:
    """Return whether `answer` passes `item`, and if not, what was wrong."""
    match item.category:
        case Category.TOOLS:
            return check_tool_call(item.tools, item.expected, answer.tool_calls)
        case _ if answer.content is None or not answer.content.strip():
            return failed("empty reply")
        case Category.ARITHMETIC | Category.LOGIC | Category.RETRIEVAL:
            return check_short(item.expected, answer.content)
        case Category.INSTRUCTIONS:
            problem = check_constraints(item.expected, answer.content)
            return failed(problem) if problem else PASSED
        case Category.EXTRACTION:
            assert item.response_format is not None
            schema = item.response_format["json_schema"]["schema"]
            return check_json(schema, item.expected, answer.content)
