"""Read a Chat Completions request body into a checked `ChatRequest`, or refuse it.

Only what the simulation acts on is checked; other fields (temperature, seed, …) are
accepted and ignored, as a model server would. A refusal names the field, the value and
the rule, and carries OpenAI's status, type and code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

ROLES: Final = frozenset({"system", "developer", "user", "assistant", "tool", "function"})
TOOL_NAME: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")
TOOL_CHOICES: Final = ("none", "auto", "required")
FORMAT_TYPES: Final = ("text", "json_object", "json_schema")
SHOWN_CHARS: Final = 60  # how much of a refused value a message repeats


class RequestError(Exception):
    """An answer in OpenAI's error shape: a refused request, or a simulated failure."""

    def __init__(
        self,
        message: str,
        *,
        param: str | None = None,
        code: str = "invalid_value",
        status: int = 400,
        error_type: str = "invalid_request_error",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.code = code
        self.status = status
        self.error_type = error_type


@dataclass(frozen=True, slots=True)
class Tool:
    """A function the caller offers: its name and the JSON schema of its arguments."""

    name: str
    parameters: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """A checked Chat Completions request: what a responder and the server act on."""

    model: str
    messages: tuple[Mapping[str, Any], ...]
    stream: bool = False
    include_usage: bool = False
    max_tokens: int | None = None  # the smaller of max_tokens and max_completion_tokens
    tools: tuple[Tool, ...] = ()
    tool_choice: str = "auto"  # none, auto, required, or the name of a forced tool
    response_format: str = "text"  # text, json_object or json_schema
    json_schema: Mapping[str, Any] | None = field(default=None)
    body: Mapping[str, Any] = field(default_factory=dict)  # the request as sent, whole

    def tool_to_call(self) -> Tool | None:
        """Return the tool a reply should call: the forced one, else the first; None if none."""
        if not self.tools or self.tool_choice == "none":
            return None
        for tool in self.tools:
            if tool.name == self.tool_choice:
                return tool
        return self.tools[0]


def parse_chat_request(body: object, model: str) -> ChatRequest:
    """Check a decoded request body against what the seller serves, or raise `RequestError`."""
    if not isinstance(body, dict):
        raise RequestError(
            f"the request body must be a JSON object, got {_kind(body)}", code="invalid_body"
        )
    requested = body.get("model")
    if not isinstance(requested, str):
        raise _missing_or_wrong("model", requested, "a string")
    if requested != model:
        raise RequestError(
            f"model {_show(requested)} does not exist; this seller serves {model!r}",
            param="model",
            code="model_not_found",
            status=404,
        )
    stream = _optional_bool(body, "stream")
    tools = _tools(body.get("tools"))
    response_format, json_schema = _response_format(body.get("response_format"))
    return ChatRequest(
        model=requested,
        messages=_messages(body.get("messages")),
        stream=stream,
        include_usage=_include_usage(body.get("stream_options"), stream),
        max_tokens=_max_tokens(body),
        tools=tools,
        tool_choice=_tool_choice(body.get("tool_choice"), tools),
        response_format=response_format,
        json_schema=json_schema,
        body=body,
    )


def _messages(value: object) -> tuple[Mapping[str, Any], ...]:
    if not isinstance(value, list):
        raise _missing_or_wrong("messages", value, "a list of messages")
    if not value:
        raise RequestError(
            "messages must hold at least one message, got an empty list", param="messages"
        )
    for index, message in enumerate(value):
        _check_message(message, f"messages[{index}]")
    return tuple(value)


def _check_message(message: object, where: str) -> None:
    if not isinstance(message, dict):
        raise RequestError(f"{where} must be an object, got {_kind(message)}", param=where)
    role = message.get("role")
    if role not in ROLES:
        rule = f"one of {', '.join(sorted(ROLES))}"
        raise _missing_or_wrong(f"{where}.role", role, rule)
    content = message.get("content")
    may_omit_content = role == "assistant"
    if content is None and not may_omit_content:
        raise _missing_or_wrong(f"{where}.content", content, "a string or a list of text parts")
    if isinstance(content, list):
        for index, part in enumerate(content):
            _check_part(part, f"{where}.content[{index}]")
    elif content is not None and not isinstance(content, str):
        raise _missing_or_wrong(f"{where}.content", content, "a string or a list of text parts")
    for name in ("name", "tool_call_id"):
        if message.get(name) is not None and not isinstance(message[name], str):
            raise _missing_or_wrong(f"{where}.{name}", message[name], "a string")
    tool_calls = message.get("tool_calls")
    if tool_calls is not None:
        if not isinstance(tool_calls, list):
            raise _missing_or_wrong(f"{where}.tool_calls", tool_calls, "a list")
        for index, call in enumerate(tool_calls):
            _check_tool_call(call, f"{where}.tool_calls[{index}]")


def _check_part(part: object, where: str) -> None:
    if not isinstance(part, dict):
        raise RequestError(f"{where} must be an object, got {_kind(part)}", param=where)
    if part.get("type") != "text":
        raise RequestError(
            f"{where}.type {_show(part.get('type'))} is not supported: this seller reads "
            "only text parts",
            param=f"{where}.type",
        )
    if not isinstance(part.get("text"), str):
        raise _missing_or_wrong(f"{where}.text", part.get("text"), "a string")


def _check_tool_call(call: object, where: str) -> None:
    if not isinstance(call, dict):
        raise RequestError(f"{where} must be an object, got {_kind(call)}", param=where)
    function = call.get("function")
    if not isinstance(function, dict):
        raise _missing_or_wrong(f"{where}.function", function, "an object")
    for name in ("name", "arguments"):
        if not isinstance(function.get(name), str):
            raise _missing_or_wrong(f"{where}.function.{name}", function.get(name), "a string")


def _optional_bool(body: Mapping[str, Any], name: str) -> bool:
    value = body.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _missing_or_wrong(name, value, "true or false")
    return value


def _include_usage(options: object, stream: bool) -> bool:
    if options is None:
        return False
    if not stream:
        raise RequestError(
            "stream_options is only allowed when stream is true", param="stream_options"
        )
    if not isinstance(options, dict):
        raise _missing_or_wrong("stream_options", options, "an object")
    return _optional_bool(options, "include_usage")


def _max_tokens(body: Mapping[str, Any]) -> int | None:
    limits = []
    for name in ("max_tokens", "max_completion_tokens"):
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise _missing_or_wrong(name, value, "an integer of at least 1")
        limits.append(value)
    n = body.get("n")
    if n is not None and n != 1:
        raise RequestError(f"n must be 1 (this seller gives one choice), got {_show(n)}", param="n")
    return min(limits, default=None)


def _tools(value: object) -> tuple[Tool, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _missing_or_wrong("tools", value, "a list of tools")
    tools = []
    for index, tool in enumerate(value):
        where = f"tools[{index}]"
        if not isinstance(tool, dict) or tool.get("type") != "function":
            raise RequestError(
                f"{where} must be an object with type 'function', got {_show(tool)}", param=where
            )
        function = tool.get("function")
        if not isinstance(function, dict):
            raise _missing_or_wrong(f"{where}.function", function, "an object")
        name = function.get("name")
        if not isinstance(name, str) or not TOOL_NAME.fullmatch(name):
            rule = "1 to 64 letters, digits, underscores or dashes"
            raise _missing_or_wrong(f"{where}.function.name", name, rule)
        parameters = function.get("parameters", {})
        if not isinstance(parameters, dict):
            rule = "a JSON schema object"
            raise _missing_or_wrong(f"{where}.function.parameters", parameters, rule)
        tools.append(Tool(name, parameters))
    return tuple(tools)


def _tool_choice(value: object, tools: tuple[Tool, ...]) -> str:
    if value is None:
        return "auto"
    if not tools:
        raise RequestError("tool_choice is only allowed when tools are given", param="tool_choice")
    if isinstance(value, str):
        if value not in TOOL_CHOICES:
            raise _missing_or_wrong("tool_choice", value, f"one of {', '.join(TOOL_CHOICES)}")
        return value
    function = value.get("function") if isinstance(value, dict) else None
    name = function.get("name") if isinstance(function, dict) else None
    if not isinstance(name, str):
        rule = "a string or {'type': 'function', 'function': {'name': ...}}"
        raise _missing_or_wrong("tool_choice", value, rule)
    if name not in {tool.name for tool in tools}:
        raise RequestError(
            f"tool_choice names the function {_show(name)}, which is not among the tools",
            param="tool_choice",
        )
    return name


def _response_format(value: object) -> tuple[str, Mapping[str, Any] | None]:
    if value is None:
        return "text", None
    kind = value.get("type") if isinstance(value, dict) else None
    if not isinstance(value, dict) or kind not in FORMAT_TYPES:
        rule = f"an object whose type is one of {', '.join(FORMAT_TYPES)}"
        raise _missing_or_wrong("response_format", value, rule)
    if kind != "json_schema":
        return kind, None
    container = value.get("json_schema")
    schema = container.get("schema") if isinstance(container, dict) else None
    if not isinstance(schema, dict):
        param = "response_format.json_schema.schema"
        raise _missing_or_wrong(param, schema, "a JSON schema object")
    return kind, schema


def _missing_or_wrong(param: str, value: object, rule: str) -> RequestError:
    if value is None:
        return RequestError(f"{param} is missing; it must be {rule}", param=param, code="missing")
    return RequestError(f"{param} must be {rule}, got {_show(value)}", param=param)


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else f"{text[:SHOWN_CHARS]}…"


def _kind(value: object) -> str:
    return "null" if value is None else type(value).__name__
