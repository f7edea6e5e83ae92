"""The reference suite: fresh items for every certification run, from a secret seed.

Items are a pure function of (seed, category, index): the same seed gives the same run,
which is what lets a run be audited and replayed, while a seller who does not know the seed
cannot know the items. Each item draws from its own `random.Random`, seeded by a BLAKE2b
hash of the seed, the category and the index, so items do not depend on each other or on
the order in which they are asked for.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from collections.abc import Callable
from typing import Final

from tokenpit.grading import (
    arithmetic,
    extraction,
    instructions,
    logic,
    retrieval,
    tools,
)
from tokenpit.grading.items import DIFFICULTIES, Category, Item

# Bump when a generator or a checker changes; every certificate records it.
SUITE_VERSION: Final = "2026.12-2"
SEED_BYTES_MIN: Final = 16

_GENERATORS: Final[dict[Category, Callable[[random.Random, int], Item]]] = {
    Category.ARITHMETIC: arithmetic.generate,
    Category.LOGIC: logic.generate,
    Category.INSTRUCTIONS: instructions.generate,
    Category.EXTRACTION: extraction.generate,
    Category.TOOLS: tools.generate,
    Category.RETRIEVAL: retrieval.generate,
}


class Suite:
    """Generate the items of one certification run from its secret seed."""

    def __init__(self, seed: bytes) -> None:
        if len(seed) < SEED_BYTES_MIN:
            raise ValueError(f"seed of {len(seed)} bytes is too short: at least {SEED_BYTES_MIN}")
        self._seed = bytes(seed)

    def __repr__(self) -> str:
        # The seed is the secret that keeps items unknown to sellers: never show it.
        return "Suite(seed=<hidden>)"

    def item(self, category: Category, index: int, difficulty: int | None = None) -> Item:
        """Return item `index` of `category`; `difficulty` None draws one of 1, 2 and 3.

        The same seed, category and index always give the same item.
        """
        if index < 0:
            raise ValueError(f"index {index} must be >= 0")
        if difficulty is not None and difficulty not in DIFFICULTIES:
            raise ValueError(f"difficulty {difficulty} must be one of {DIFFICULTIES} or None")
        rng = self._rng(f"item:{Category(category).value}:{index}")
        drawn = rng.choice(DIFFICULTIES)
        return _GENERATORS[Category(category)](rng, drawn if difficulty is None else difficulty)

    def context_item(self, context_tokens: int, attempt: int = 0) -> Item:
        """Return the context-window check item for a window of `context_tokens` tokens.

        Each `attempt` gets an item of its own: a model that answers a prompt the same way
        every time would fail a repeated one again, whatever its window.
        """
        if attempt < 0:
            raise ValueError(f"attempt {attempt} must be >= 0")
        label = f"context:{context_tokens}" + (f":{attempt}" if attempt else "")
        return retrieval.context_item(self._rng(label), context_tokens)

    def _rng(self, label: str) -> random.Random:
        digest = hashlib.blake2b(self._seed + b"\x00" + label.encode(), digest_size=32).digest()
        # Secrecy lives in the seed and the hash; the generator only needs to be replayable.
        return random.Random(int.from_bytes(digest, "big"))  # noqa: S311


def new_suite() -> Suite:
    """Return a suite with a fresh secret seed: the one place a run's seed is drawn."""
    return Suite(secrets.token_bytes(32))
