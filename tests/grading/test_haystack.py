"""Filler text: sized in reference tokens, counted as the gateway meters a prompt."""

from __future__ import annotations

import random
import re

from tokenpit.gateway.metering import Meter
from tokenpit.grading.haystack import count_tokens, filler_sentence, haystack, prompt_tokens
from tokenpit.specs import default_spec


def test_a_prompt_counts_as_the_gateway_meters_it() -> None:
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What is the access code for the red locker?"},
    ]

    assert prompt_tokens(messages) == Meter(default_spec()).prompt_tokens({"messages": messages})


def test_filler_states_no_number_and_no_name() -> None:
    rng = random.Random(7)
    text = " ".join(filler_sentence(rng) for _ in range(2_000))

    assert not re.search(r"\d", text)
    assert not re.search(r"(?<![.]) (?!I\b)[A-Z]", text.replace(". ", ".").replace(", ", ","))


def test_a_haystack_holds_each_needle_once_within_its_budget() -> None:
    needles = ["The access code for the red locker is 4821.", "Shelf 9 holds parcel QX-1234."]

    pieces = haystack(random.Random(3), 3_000, needles)
    text = "".join(pieces)

    assert [text.count(needle) for needle in needles] == [1, 1]
    assert 2_800 <= count_tokens(text) <= 3_000


def test_filler_is_varied() -> None:
    rng = random.Random(11)
    sentences = [filler_sentence(rng) for _ in range(500)]

    assert len(set(sentences)) > 450
