"""The checks behind `items.check`: pure and fast, with a reason for every failure.

Short answers (arithmetic, logic, retrieval) must be the expected number or name, once
harmless formatting is removed, or one short sentence that ends stating it (see `replies`).
Extraction answers must be JSON that validates against the item's schema and holds the
expected values. Tool answers are judged by the first tool call: its function, and
arguments that fit the tool's schema, carry no unknown name and hold the expected values.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# The stubs (types-jsonschema) may be missing; "unused-ignore" keeps the line clean either way.
import jsonschema  # type: ignore[import-untyped,unused-ignore]
import jsonschema.exceptions  # type: ignore[import-untyped,unused-ignore]

from tokenpit.grading.answers import PASSED, ToolCall, Verdict, failed
from tokenpit.grading.replies import (
    digit_runs,
    read_integer,
    read_json,
    same_value,
    short_answer,
    shown,
    stated_answer,
)


@dataclass(frozen=True, slots=True)
class ExpectedCall:
    """Hold the tool call a tools item expects: the function and the arguments it must carry.

    Arguments not named here may be sent when the tool's schema allows them.
    """

    name: str
    arguments: Mapping[str, Any]


def check_short(expected: int | str, content: str) -> Verdict:
    """Return whether a short reply is the expected integer or name, bare or stated."""
    reply = short_answer(content)
    stated = stated_answer(content)
    if isinstance(expected, int):
        value = read_integer(reply)
        if value is None and stated is not None:
            value = read_integer(stated[0])
        if value is None:
            numbers = digit_runs(reply)
            if len(numbers) == 1:
                return failed(f"expected {expected}, got {shown(reply)}: not the number alone")
            return failed(f"expected {expected}, got {shown(reply)}: not one number")
        return PASSED if value == expected else failed(f"expected {expected}, got {value}")
    if reply.casefold() == expected.casefold():
        return PASSED
    if stated is not None and not stated[1] and stated[0].casefold() == expected.casefold():
        return PASSED
    return failed(f"expected {expected}, got {shown(reply)}")


def check_json(schema: Mapping[str, Any], expected: Mapping[str, Any], content: str) -> Verdict:
    """Return whether a reply is JSON that fits `schema` and holds the expected values."""
    try:
        data = read_json(content)
    except ValueError as error:
        return failed(f"invalid JSON: {error}")
    if problem := _schema_problem(schema, data):
        return failed(problem)
    for name, want in expected.items():
        if not same_value(want, data.get(name)):
            return failed(f"{name}: expected {shown(want)}, got {shown(data.get(name))}")
    return PASSED


def check_tool_call(
    tools: tuple[dict[str, Any], ...], expected: ExpectedCall, calls: tuple[ToolCall, ...]
) -> Verdict:
    """Return whether the first tool call is the expected function with the right arguments."""
    if not calls:
        return failed(f"no tool call; expected a call to {expected.name}")
    call = calls[0]
    if call.name != expected.name:
        return failed(f"expected a call to {expected.name}, got {shown(call.name)}")
    try:
        arguments = json.loads(call.arguments or "{}")
    except ValueError as error:
        return failed(f"arguments are not valid JSON: {error}")
    if not isinstance(arguments, dict):
        return failed(f"arguments must be a JSON object, got {shown(arguments)}")

    parameters = _parameters(tools, expected.name)
    if unknown := sorted(set(arguments) - set(parameters.get("properties", {}))):
        return failed(f"unknown arguments {unknown}")
    if problem := _schema_problem(parameters, arguments):
        return failed(problem)
    for name, want in expected.arguments.items():
        if name not in arguments:
            return failed(f"missing argument {name}")
        if not same_value(want, arguments[name]):
            return failed(f"{name}: expected {shown(want)}, got {shown(arguments[name])}")
    return PASSED


def _parameters(tools: tuple[dict[str, Any], ...], name: str) -> Mapping[str, Any]:
    for tool in tools:
        if tool["function"]["name"] == name:
            parameters: Mapping[str, Any] = tool["function"].get("parameters", {})
            return parameters
    raise ValueError(f"the item offers no tool {name!r}")


def _schema_problem(schema: Mapping[str, Any], data: Any) -> str:
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema).iter_errors(data)
    )
    if error is None:
        return ""
    where = "/".join(str(part) for part in error.absolute_path) or "(root)"
    return f"schema violation at {where}: {error.message}"
