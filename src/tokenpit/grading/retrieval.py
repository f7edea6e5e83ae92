"""Retrieval items: one fact hidden at a random depth in long filler, then a question on it.

Regular items run to about 500, 2,000 or 6,000 reference tokens by difficulty; from
difficulty 2, distractors of the fact's shape (other lockers, other rooms) hide beside
it, and at 3 a stale value for the very same key too. `context_item` builds the
once-per-certification check of a grade's context window: one item whose prompt fills
about 95% of the window, leaving the rest for the reply and for tokenizers that count more.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tokenpit.grading.haystack import count_tokens, haystack, prompt_tokens
from tokenpit.grading.items import Answer, Category, Item, user_messages
from tokenpit.grading.vocabulary import COLOURS, NAMES
from tokenpit.grading.wording import DIGITS, NAME, Slot, Wording, parse_any, wordings

PROMPT_TOKENS = {1: 500, 2: 2_000, 3: 6_000}
CONTEXT_FILL = 0.95
CONTEXT_TOKENS_MIN = 1_000
MAX_TOKENS = 50
_DISTRACTORS = {1: 0, 2: 3, 3: 6}
_INTROS = (
    "Read the document below and answer the question after it.",
    "The text below hides one fact you will need. Read it, then answer the question at the end.",
)
_NUMBER_ONLY = "Reply with the number only."
_NAME_ONLY = "Answer with the name only."
_OPEN, _CLOSE = "<document>\n", "\n</document>"

COLOUR = Slot("|".join(COLOURS), str)
CONTAINER = Slot("locker|cabinet|safe|mailbox", str)
LABEL = Slot(r"[A-Z]{2}-\d{4}", str)


@dataclass(frozen=True, slots=True)
class Fact:
    """Hold one retrieval template: how its fact, stale fact and question are worded.

    Every wording's slots are the fact's key slots plus `answer`, except the question's,
    which holds the key only.
    """

    template: str
    facts: tuple[Wording, ...]
    stale: tuple[Wording, ...]
    questions: tuple[Wording, ...]
    draw_key: Callable[[random.Random], dict[str, Any]]
    draw_answer: Callable[[random.Random], Any]
    answer_format: str


_LOCKER = {"colour": COLOUR, "container": CONTAINER}
_PARCEL = {"label": LABEL}
_ROOM = {"room": DIGITS}

FACTS = (
    Fact(
        "retrieval.locker",
        wordings(
            {**_LOCKER, "answer": DIGITS},
            "The access code for the {colour} {container} is {answer}.",
            "The {colour} {container} opens with the access code {answer}.",
        ),
        wordings(
            {**_LOCKER, "answer": DIGITS},
            "The old access code for the {colour} {container} was {answer}, but it no longer "
            "works.",
        ),
        wordings(_LOCKER, "What is the access code for the {colour} {container}?"),
        lambda rng: {
            "colour": rng.choice(COLOURS),
            "container": rng.choice(("locker", "cabinet", "safe", "mailbox")),
        },
        lambda rng: rng.randint(1_000, 9_999),
        _NUMBER_ONLY,
    ),
    Fact(
        "retrieval.parcel",
        wordings(
            {**_PARCEL, "answer": DIGITS},
            "Parcel {label} is stored on shelf {answer}.",
            "Shelf {answer} holds parcel {label}.",
        ),
        wordings(
            {**_PARCEL, "answer": DIGITS},
            "Parcel {label} used to sit on shelf {answer} before it was moved.",
        ),
        wordings(_PARCEL, "On which shelf is parcel {label} stored?"),
        lambda rng: {"label": f"{rng.choice(('QX', 'QZ', 'XQ'))}-{rng.randint(1_000, 9_999)}"},
        lambda rng: rng.randint(2, 99),
        _NUMBER_ONLY,
    ),
    Fact(
        "retrieval.guest",
        wordings(
            {**_ROOM, "answer": NAME},
            "The guest staying in room {room} is {answer}.",
            "Room {room} is occupied by a guest called {answer}.",
        ),
        wordings(
            {**_ROOM, "answer": NAME},
            "Until yesterday, room {room} was taken by {answer}, who has checked out.",
        ),
        wordings(_ROOM, "Who is the guest staying in room {room}?"),
        lambda rng: {"room": rng.randint(100, 999)},
        lambda rng: rng.choice(NAMES),
        _NAME_ONLY,
    ),
)


def generate(rng: random.Random, difficulty: int) -> Item:
    """Return a fresh retrieval item of `difficulty`, of about its regular size."""
    return _build(rng, difficulty, PROMPT_TOKENS[difficulty])


def context_item(rng: random.Random, context_tokens: int) -> Item:
    """Return a retrieval item whose prompt fills about 95% of a `context_tokens` window.

    The prompt, counted as the gateway meters it, lands between 90% and 95% of the window
    less the reply's `max_tokens`; distractors are those of difficulty 3.
    """
    if context_tokens < CONTEXT_TOKENS_MIN:
        raise ValueError(f"context_tokens {context_tokens} must be at least {CONTEXT_TOKENS_MIN}")
    return _build(rng, 3, int(context_tokens * CONTEXT_FILL) - MAX_TOKENS)


def solve(prompt: str) -> Answer | None:
    """Return the answer to a retrieval prompt, found in its document, or None."""
    head, opened, rest = prompt.partition(_OPEN)
    document, closed, tail = rest.partition(_CLOSE)
    if not opened or not closed or head.strip() not in _INTROS:
        return None
    asked, _, instruction = tail.strip().partition("\n")
    for fact in FACTS:
        key = parse_any(fact.questions, asked)
        if key is None or instruction != fact.answer_format:
            continue
        for wording in fact.facts:
            for values in wording.find_all(document):
                if all(values[name] == value for name, value in key.items()):
                    return Answer(content=str(values["answer"]))
    return None


def _build(rng: random.Random, difficulty: int, tokens: int) -> Item:
    fact = rng.choice(FACTS)
    key, answer = fact.draw_key(rng), fact.draw_answer(rng)
    needles = [rng.choice(fact.facts).render({**key, "answer": answer})]
    needles += [_distractor(rng, fact, key) for _ in range(_DISTRACTORS[difficulty])]
    if difficulty == 3:
        needles.append(rng.choice(fact.stale).render({**key, "answer": _other(rng, fact, answer)}))

    head = f"{rng.choice(_INTROS)}\n\n{_OPEN}"
    tail = f"{_CLOSE}\n\n{rng.choice(fact.questions).render(key)}\n{fact.answer_format}"
    frame = prompt_tokens(user_messages(head + tail))
    pieces = haystack(rng, tokens - frame, needles)
    messages = _fit(pieces, needles, head, tail, tokens)
    return Item(
        category=Category.RETRIEVAL,
        template=fact.template,
        difficulty=difficulty,
        messages=messages,
        expected=answer,
        max_tokens=MAX_TOKENS,
    )


def _fit(
    pieces: list[str], needles: list[str], head: str, tail: str, tokens: int
) -> tuple[dict[str, Any], ...]:
    """Return the messages, after dropping filler from the end until they fit `tokens`."""
    hidden = {piece.lstrip() for piece in needles}
    while True:
        messages = user_messages(head + "".join(pieces).lstrip() + tail)
        over = prompt_tokens(messages) - tokens
        if over <= 0:
            return messages
        while over > 0:
            at = max(i for i, piece in enumerate(pieces) if piece.lstrip() not in hidden)
            over -= count_tokens(pieces.pop(at))


def _distractor(rng: random.Random, fact: Fact, key: Mapping[str, Any]) -> str:
    while True:
        other = fact.draw_key(rng)
        if other != key:
            return rng.choice(fact.facts).render({**other, "answer": fact.draw_answer(rng)})


def _other(rng: random.Random, fact: Fact, answer: Any) -> Any:
    while True:
        stale = fact.draw_answer(rng)
        if stale != answer:
            return stale
