"""What a simulated seller says: the `Responder` seam and its default, pseudo-text.

A responder turns a checked request into a `Reply`: the pieces to stream (content text,
or a tool call's JSON arguments), their cl100k token count and the finish reason. The
server owns timing, faults and usage; a responder owns only the words.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Protocol

from tokenpit.sim.seller.config import SimSellerConfig
from tokenpit.sim.seller.requests import ChatRequest
from tokenpit.sim.seller.schema import ExampleMaker
from tokenpit.sim.seller.tokens import Tokenizer, TokenText

# Common words, space-separated, that are one cl100k token each, bare or after a space,
# lower case or capitalised (single_token_words keeps only those that are).
WORDS: Final = (
    "market grade price seller token order trade period lot unit time model reply answer value "
    "level number river stone light water field green quiet bright early simple clear small "
    "large quick open plain fair true good fine warm cold north south east west after before "
    "under over again often never always every some many most more less other each which there "
    "where while about around between through during without within along among upon this that "
    "they then when what with from into have will would could should must make take give keep "
    "find show tell work call move play read write think know see come look want need feel help "
    "start house world place point hand year day week month part case fact group system program "
    "question company night home room money story book word side kind head"
)
CORPUS_PIECES: Final = 4_096
SENTENCE_WORDS: Final = (5, 14)


@dataclass(frozen=True, slots=True)
class Reply:
    """What a responder says; `pieces` stream in order and hold `completion_tokens` tokens."""

    pieces: tuple[str, ...]
    completion_tokens: int
    finish_reason: str  # stop, length (cut at the request's max_tokens) or tool_calls
    tool_name: str | None = None  # set when the reply calls this tool; pieces are its arguments

    @property
    def text(self) -> str:
        """Return the content, or the tool call's arguments, whole."""
        return "".join(self.pieces)


class Responder(Protocol):
    """Turn a request into what the seller replies."""

    def reply(self, request: ChatRequest) -> Reply:
        """Return the reply to `request`, within its `max_tokens`."""
        ...


# How a server builds its responder; every randomness must come from the generator given.
ResponderFactory = Callable[[SimSellerConfig, Tokenizer, random.Random], Responder]


class PseudoResponder:
    """Reply with pseudo-text of a known token count, JSON that fits, or a tool call.

    Text is words that are one token each, so a reply of n tokens is n pieces and needs
    no encoding; JSON replies and tool arguments are made from the request's schema and
    counted with the tokenizer.
    """

    def __init__(self, config: SimSellerConfig, tokenizer: Tokenizer, rng: random.Random) -> None:
        self._reply_tokens = config.reply_tokens
        self._tokenizer = tokenizer
        self._rng = rng
        self.words = single_token_words(tokenizer)
        self._examples = ExampleMaker(self.words, rng)
        self._corpus, self._sentence_starts = _corpus(self.words, rng)

    def reply(self, request: ChatRequest) -> Reply:
        """Return the reply to `request`, within its `max_tokens`."""
        limit = request.max_tokens
        tool = request.tool_to_call()
        if tool is not None:
            param = f"tools[{request.tools.index(tool)}].function.parameters"
            arguments = self._examples.value(tool.parameters, param)
            return tool_call_reply(self._tokenizer, tool.name, json.dumps(arguments), limit)
        if request.response_format == "json_schema":
            assert request.json_schema is not None
            value = self._examples.value(request.json_schema, "response_format.json_schema.schema")
            return _content(self._tokenizer.split(json.dumps(value), limit))
        if request.response_format == "json_object":
            answer = " ".join(self._rng.choices(self.words, k=self._reply_tokens))
            return _content(self._tokenizer.split(json.dumps({"answer": answer}), limit))
        return self.text(self._reply_tokens if limit is None else min(self._reply_tokens, limit))

    def text(self, tokens: int) -> Reply:
        """Return sentences of exactly `tokens` cl100k tokens, from a random sentence start."""
        start = self._rng.choice(self._sentence_starts)
        cycled = itertools.chain(self._corpus[start:], itertools.cycle(self._corpus))
        pieces = tuple(itertools.islice(cycled, tokens))
        pieces = (pieces[0].lstrip(), *pieces[1:]) if pieces else ()
        finish = "stop" if tokens >= self._reply_tokens else "length"
        return Reply(pieces, len(pieces), finish)


def single_token_words(tokenizer: Tokenizer) -> tuple[str, ...]:
    """Return the `WORDS` that are one token in each form a pseudo-text writes them."""
    forms = (str, lambda w: f" {w}", str.capitalize, lambda w: f" {w.capitalize()}")
    return tuple(w for w in WORDS.split() if all(tokenizer.count(form(w)) == 1 for form in forms))


def _corpus(words: tuple[str, ...], rng: random.Random) -> tuple[tuple[str, ...], list[int]]:
    """Return sentences as one-token pieces, and where each sentence starts.

    Each word carries its leading space, and a full stop stands alone after a letter, so
    cl100k splits the joined text exactly at the pieces: the count is the piece count.
    """
    pieces: list[str] = []
    starts: list[int] = []
    while len(pieces) < CORPUS_PIECES:
        starts.append(len(pieces))
        sentence = rng.choices(words, k=rng.randint(*SENTENCE_WORDS))
        pieces.append(f" {sentence[0].capitalize()}")
        pieces.extend(f" {word}" for word in sentence[1:])
        pieces.append(".")
    return tuple(pieces), starts


def content_reply(tokenizer: Tokenizer, text: str, limit: int | None) -> Reply:
    """Return a reply that says `text`, cut at `limit` tokens."""
    return _content(tokenizer.split(text, limit))


def tool_call_reply(tokenizer: Tokenizer, name: str, arguments: str, limit: int | None) -> Reply:
    """Return a reply that calls `name` with `arguments`; name and arguments share `limit`."""
    name_tokens = tokenizer.count(name)
    budget = None if limit is None else max(limit - name_tokens, 0)
    cut = tokenizer.split(arguments, budget)
    finish = "length" if cut.truncated else "tool_calls"
    return Reply(cut.pieces, name_tokens + cut.tokens, finish, name)


def _content(cut: TokenText) -> Reply:
    return Reply(cut.pieces, cut.tokens, "length" if cut.truncated else "stop")
