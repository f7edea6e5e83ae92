"""Parse a seller's Server-Sent Events stream, and read the Chat Completions chunks it carries.

`SseParser` takes raw bytes as they arrive, cut anywhere (inside a UTF-8 character, between
the two bytes of a CRLF), and returns complete events in order, following the WHATWG
event-stream rules: lines end with LF, CRLF or CR; a line starting with `:` is a comment;
`data:` lines of one event join with LF; a blank line ends an event; a leading byte-order
mark is dropped. `retry:` and unknown fields are ignored. Line ends are found in bytes, which
is safe because LF and CR never occur inside a multi-byte UTF-8 character; `data` stays
bytes, so invalid UTF-8 reaches the JSON decoder and is refused there rather than replaced.

`decode_chunk` and `read_chunk` then check and read one event's JSON.
"""

from __future__ import annotations

import re
import reprlib
from dataclasses import dataclass
from typing import Final, NoReturn

import msgspec

# An event (or a line still waiting for its end) larger than this is refused: a seller's
# chunk holds a few tokens, and a tool call's arguments rarely reach a few kilobytes.
EVENT_BYTES_MAX: Final = 1 << 20

DONE: Final = b"[DONE]"
CHUNK_OBJECT: Final = "chat.completion.chunk"

_LINE_END: Final = re.compile(rb"\r\n|\r|\n")
_BOM: Final = b"\xef\xbb\xbf"
_CR: Final = 13
_LF: Final = 10
_VALUE_TEXT_MAX: Final = 80


class SseError(ValueError):
    """Refuse a seller's event stream that breaks a rule the gateway relies on."""


class EventTooLargeError(SseError):
    """Refuse an event, or a line, larger than the parser's limit."""


class TruncatedStreamError(SseError):
    """Refuse a stream that ended inside an event, before the blank line that ends it."""


class MalformedChunkError(SseError):
    """Refuse an event's data that is not a `chat.completion.chunk` object."""


class SellerErrorChunkError(MalformedChunkError):
    """Report an error object that a seller sent in its stream instead of a chunk."""

    def __init__(self, error: object) -> None:
        self.error = error
        super().__init__(f"seller sent an error instead of a chunk: {_value_text(error)}")


@dataclass(frozen=True, slots=True)
class SseEvent:
    """Hold one complete event: its data (lines joined with LF), type and last event id."""

    data: bytes
    event: str = "message"
    last_event_id: str = ""

    @property
    def is_done(self) -> bool:
        """Tell whether this is the `[DONE]` sentinel that ends a Chat Completions stream."""
        return self.data.strip() == DONE


class SseParser:
    """Turn a byte stream cut anywhere into complete Server-Sent Events, in order.

    An event, or a line still waiting for its end, over `event_bytes_max` bytes raises
    `EventTooLargeError`; call `close()` when the stream ends. After an error the stream is
    beyond repair, and so is the parser: start a new one for the next stream.
    """

    def __init__(self, event_bytes_max: int = EVENT_BYTES_MAX) -> None:
        self.event_bytes_max = event_bytes_max
        self._buffer = bytearray()
        self._scanned = 0  # bytes of `_buffer` known to hold no line end
        self._at_start = True
        self._after_cr = False  # the last line ended with CR: an LF next belongs to it
        self._data: list[bytes] = []
        self._data_bytes = 0
        self._event = ""
        self._last_event_id = ""

    def feed(self, chunk: bytes) -> list[SseEvent]:
        """Take the next bytes of the stream; return the events they complete."""
        if self._after_cr and chunk:
            self._after_cr = False
            if chunk[0] == _LF:
                chunk = chunk[1:]
        self._buffer += chunk
        if self._at_start and not self._drop_bom():
            return []

        events: list[SseEvent] = []
        start = 0
        while (match := _LINE_END.search(self._buffer, max(start, self._scanned))) is not None:
            line_end = match.end()
            if line_end == len(self._buffer) and self._buffer[-1] == _CR:
                self._after_cr = True
            event = self._take_line(bytes(self._buffer[start : match.start()]))
            if event is not None:
                events.append(event)
            start = line_end

        del self._buffer[:start]
        self._scanned = len(self._buffer)
        self._check_size(self._data_bytes + len(self._buffer))
        return events

    def close(self) -> None:
        """End the stream: raise `TruncatedStreamError` when it stopped inside an event.

        An event's data is dispatched only by the blank line after it, so data left waiting
        at the end never reaches the gateway; a comment or other unfinished line is no loss.
        """
        if self._data or self._buffer.partition(b":")[0] == b"data":
            raise TruncatedStreamError(
                f"stream ended inside an event: {self._data_bytes + len(self._buffer)} bytes "
                "not followed by the blank line that ends an event"
            )

    def _drop_bom(self) -> bool:
        """Drop a leading byte-order mark; return False while the start is still undecided."""
        if len(self._buffer) < len(_BOM) and _BOM.startswith(self._buffer):
            return False
        if self._buffer.startswith(_BOM):
            del self._buffer[: len(_BOM)]
        self._at_start = False
        return True

    def _take_line(self, line: bytes) -> SseEvent | None:
        if not line:
            return self._dispatch()
        if line[0] == ord(":"):
            return None

        name, colon, value = line.partition(b":")
        if colon and value[:1] == b" ":
            value = value[1:]
        if name == b"data":
            self._data.append(value)
            self._data_bytes += len(value) + 1
        elif name == b"event":
            self._event = value.decode("utf-8", "replace")
        elif name == b"id" and b"\0" not in value:
            self._last_event_id = value.decode("utf-8", "replace")
        self._check_size(self._data_bytes)
        return None

    def _dispatch(self) -> SseEvent | None:
        data, event = self._data, self._event
        self._data, self._data_bytes, self._event = [], 0, ""
        if not data:
            return None
        return SseEvent(b"\n".join(data), event or "message", self._last_event_id)

    def _check_size(self, size: int) -> None:
        if size > self.event_bytes_max:
            raise EventTooLargeError(
                f"event reached {size} bytes, over the limit of {self.event_bytes_max}"
            )


@dataclass(frozen=True, slots=True)
class ChunkUsage:
    """Hold the token counts a seller reported for its reply, by its own tokenizer."""

    prompt_tokens: int
    completion_tokens: int


@dataclass(frozen=True, slots=True)
class ChunkReading:
    """Hold what the gateway reads from one chunk: content, tool calls, finish, usage.

    The gateway asks sellers for one choice, so `content` and `tool_calls` join the deltas
    of every choice in order and `finish_reason` is the first one given.
    """

    content: str
    tool_calls: tuple[dict[str, object], ...]
    finish_reason: str | None
    usage: ChunkUsage | None


def decode_chunk(data: bytes | str) -> dict[str, object]:
    """Return an event's JSON as a `chat.completion.chunk`-shaped object, checked.

    Raises `SellerErrorChunkError` for an error object, and `MalformedChunkError` for data
    that is not JSON or not shaped like a chunk: an object whose `choices` is a list of
    objects, each `delta` an object, and whose `object`, when given, is the chunk's.
    """
    try:
        chunk = msgspec.json.decode(data)
    except msgspec.DecodeError as error:
        raise MalformedChunkError(f"chunk is not JSON ({error}): {_value_text(data)}") from error

    if not isinstance(chunk, dict):
        _refuse("chunk", chunk, "must be a JSON object")
    if "error" in chunk and "choices" not in chunk:
        raise SellerErrorChunkError(chunk["error"])
    if chunk.get("object", CHUNK_OBJECT) != CHUNK_OBJECT:
        _refuse("chunk.object", chunk["object"], f"must be {CHUNK_OBJECT!r}")

    for position, choice in enumerate(_objects(chunk.get("choices"), "chunk.choices")):
        _object(choice.get("delta", {}), f"chunk.choices[{position}].delta")
    return chunk


def read_chunk(chunk: dict[str, object]) -> ChunkReading:
    """Read the content, tool-call deltas, finish reason and usage of a decoded chunk.

    Raises `MalformedChunkError` naming the field when one has the wrong type.
    """
    content: list[str] = []
    tool_calls: list[dict[str, object]] = []
    finish_reason: str | None = None
    for position, choice in enumerate(_objects(chunk.get("choices"), "chunk.choices")):
        field = f"chunk.choices[{position}]"
        delta = _object(choice.get("delta", {}), f"{field}.delta")
        content.append(_optional_text(delta.get("content"), f"{field}.delta.content"))
        tool_calls.extend(_tool_call_deltas(delta.get("tool_calls"), f"{field}.delta.tool_calls"))
        reason = choice.get("finish_reason")
        if reason is not None and not isinstance(reason, str):
            _refuse(f"{field}.finish_reason", reason, "must be a string or null")
        finish_reason = finish_reason or reason
    return ChunkReading("".join(content), tuple(tool_calls), finish_reason, _usage(chunk))


def _tool_call_deltas(value: object, field: str) -> list[dict[str, object]]:
    return [] if value is None else _objects(value, field)


def _objects(value: object, field: str) -> list[dict[str, object]]:
    if not isinstance(value, list):
        _refuse(field, value, "must be a list")
    return [_object(item, f"{field}[{position}]") for position, item in enumerate(value)]


def _object(value: object, field: str) -> dict[str, object]:
    if not isinstance(value, dict):
        _refuse(field, value, "must be an object")
    return value


def _usage(chunk: dict[str, object]) -> ChunkUsage | None:
    usage = chunk.get("usage")
    if usage is None:
        return None
    usage = _object(usage, "chunk.usage")
    counts = []
    for name in ("prompt_tokens", "completion_tokens"):
        count = usage.get(name)
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            _refuse(f"chunk.usage.{name}", count, "must be an integer >= 0")
        counts.append(count)
    return ChunkUsage(*counts)


def _optional_text(value: object, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        _refuse(field, value, "must be a string or null")
    return value


def _refuse(field: str, value: object, rule: str) -> NoReturn:
    raise MalformedChunkError(f"{field} = {_value_text(value)}: {rule}")


def _value_text(value: object) -> str:
    # reprlib stops early on a huge value instead of writing all of it and cutting after.
    shortener = reprlib.Repr()
    shortener.maxstring = shortener.maxother = _VALUE_TEXT_MAX
    text = shortener.repr(value)
    return text if len(text) <= _VALUE_TEXT_MAX else text[: _VALUE_TEXT_MAX - 1] + "…"
