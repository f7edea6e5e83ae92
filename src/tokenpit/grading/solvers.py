"""Reference solvers: answer a grading request correctly from the request alone.

Only simulated sellers and tests use them, to build endpoints of known true quality: a
seller that solves a chosen share of items and spoils the rest. A solver sees what an
endpoint sees, the Chat Completions body, never the item: it recognises the template that
wrote the prompt, reads the template's values back out of the text and works the answer
out again (it brute-forces a puzzle, writes a reply that follows the rules, reads the
document, finds the hidden fact).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tokenpit.grading import arithmetic, extraction, instructions, logic, retrieval, tools
from tokenpit.grading.items import Answer, Category

_TEXT_SOLVERS: tuple[tuple[Category, Callable[[str], Answer | None]], ...] = (
    (Category.ARITHMETIC, arithmetic.solve),
    (Category.LOGIC, logic.solve),
    (Category.INSTRUCTIONS, instructions.solve),
    (Category.RETRIEVAL, retrieval.solve),
)


@dataclass(frozen=True, slots=True)
class Solution:
    """Hold the category a request was recognised as, and the correct answer to it."""

    category: Category
    answer: Answer


def solve(body: Mapping[str, Any]) -> Solution | None:
    """Return the correct answer to a grading request body, or None if it is not one."""
    prompt = _user_text(body)
    if prompt is None:
        return None

    offered = body.get("tools")
    if offered:
        answer = tools.solve(prompt, offered) if isinstance(offered, list) else None
        return None if answer is None else Solution(Category.TOOLS, answer)
    response_format = body.get("response_format")
    if isinstance(response_format, Mapping) and response_format.get("type") == "json_schema":
        answer = extraction.solve(prompt, response_format)
        return None if answer is None else Solution(Category.EXTRACTION, answer)

    for category, solver in _TEXT_SOLVERS:
        answer = solver(prompt)
        if answer is not None:
            return Solution(category, answer)
    return None


def _user_text(body: Mapping[str, Any]) -> str | None:
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return None
    last = messages[-1]
    if not isinstance(last, Mapping) or last.get("role") != "user":
        return None
    content = last.get("content")
    return content if isinstance(content, str) else None
