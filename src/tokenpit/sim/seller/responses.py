"""Render OpenAI's Chat Completions shapes as bytes: errors, completions and stream chunks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

import msgspec

from tokenpit.sim.seller.text import Reply

DONE: Final = b"data: [DONE]\n\n"


@dataclass(frozen=True, slots=True)
class Usage:
    """The token counts a seller reports (scaled by its usage factor)."""

    prompt_tokens: int
    completion_tokens: int

    def to_dict(self) -> dict[str, int]:
        """Return OpenAI's `usage` object."""
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
        }


def error_body(message: str, *, error_type: str, param: str | None, code: str | None) -> bytes:
    """Return OpenAI's error object as JSON."""
    error = {"message": message, "type": error_type, "param": param, "code": code}
    return msgspec.json.encode({"error": error})


def completion_body(
    completion_id: str, created: int, model: str, reply: Reply, tool_call_id: str, usage: Usage
) -> bytes:
    """Return a `chat.completion` object as JSON."""
    message: dict[str, Any] = {"role": "assistant", "content": reply.text, "refusal": None}
    if reply.tool_name is not None:
        message["content"] = None
        function = {"name": reply.tool_name, "arguments": reply.text}
        message["tool_calls"] = [{"id": tool_call_id, "type": "function", "function": function}]
    choice = {
        "index": 0,
        "message": message,
        "logprobs": None,
        "finish_reason": reply.finish_reason,
    }
    return msgspec.json.encode(
        {
            "id": completion_id,
            "object": "chat.completion",
            "created": created,
            "model": model,
            "choices": [choice],
            "usage": usage.to_dict(),
        }
    )


class ChunkRenderer:
    """Render one completion's `chat.completion.chunk` server-sent events.

    With `broken`, every chunk loses its closing brace, so no chunk parses as JSON (the
    invalid_json fault); the `[DONE]` line stays.
    """

    def __init__(
        self,
        completion_id: str,
        created: int,
        model: str,
        *,
        include_usage: bool,
        broken: bool = False,
    ) -> None:
        self._envelope: dict[str, Any] = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
        }
        self._include_usage = include_usage
        self._broken = broken
        # Content chunks are the hot path: only the delta's text changes between them.
        head = msgspec.json.encode({**self._envelope, "choices": None})
        self._head = b"data: " + head[: -len(b"null}")] + b'[{"index":0,"delta":'
        usage = b',"usage":null' if include_usage else b""
        self._tail = b',"logprobs":null,"finish_reason":null}]' + usage + b"}"

    def opening(self, reply: Reply, tool_call_id: str) -> bytes:
        """Return the first chunk: the assistant's role, and the tool call's name if any."""
        delta: dict[str, Any] = {"role": "assistant", "content": "", "refusal": None}
        if reply.tool_name is not None:
            function = {"name": reply.tool_name, "arguments": ""}
            call = {"index": 0, "id": tool_call_id, "type": "function", "function": function}
            delta = {"role": "assistant", "content": None, "refusal": None, "tool_calls": [call]}
        return self._event(self._chunk(delta, None))

    def pieces(self, reply: Reply, pieces: Iterable[str]) -> bytes:
        """Return one chunk per piece: content deltas, or the tool call's argument deltas."""
        if reply.tool_name is not None:
            return b"".join(
                self._event(self._chunk({"tool_calls": [_arguments(piece)]}, None))
                for piece in pieces
            )
        end = b"}" + self._tail[:-1] if self._broken else b"}" + self._tail
        return b"".join(
            self._head + b'{"content":' + msgspec.json.encode(piece) + end + b"\n\n"
            for piece in pieces
        )

    def closing(self, finish_reason: str, usage: Usage) -> bytes:
        """Return the finishing chunk, the usage chunk when asked for, and `[DONE]`."""
        events = [self._event(self._chunk({}, finish_reason))]
        if self._include_usage:
            usage_chunk = {**self._envelope, "choices": [], "usage": usage.to_dict()}
            events.append(self._event(usage_chunk))
        return b"".join(events) + DONE

    def _chunk(self, delta: dict[str, Any], finish_reason: str | None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
        chunk = {**self._envelope, "choices": [choice]}
        if self._include_usage:
            chunk["usage"] = None
        return chunk

    def _event(self, chunk: dict[str, Any]) -> bytes:
        data = msgspec.json.encode(chunk)
        return b"data: " + (data[:-1] if self._broken else data) + b"\n\n"


def _arguments(piece: str) -> dict[str, Any]:
    return {"index": 0, "function": {"arguments": piece}}
