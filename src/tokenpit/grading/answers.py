"""What an endpoint answered, reduced to what scoring reads, and the verdict on it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ToolCall:
    """Hold one tool call of a reply; `arguments` is the raw JSON text the model sent."""

    name: str
    arguments: str


@dataclass(frozen=True, slots=True)
class Answer:
    """Hold what an endpoint replied: its text content and its tool calls, in order."""

    content: str | None
    tool_calls: tuple[ToolCall, ...] = ()


@dataclass(frozen=True, slots=True)
class Verdict:
    """Say whether an answer passed; `reason` names what was wrong, `ok` when it passed."""

    passed: bool
    reason: str


PASSED = Verdict(passed=True, reason="ok")


def failed(reason: str) -> Verdict:
    """Return a failing verdict that names what was wrong."""
    return Verdict(passed=False, reason=reason)
