"""Reading a seller's usage figures: untrusted, so nonsense becomes "not reported"."""

from __future__ import annotations

from typing import Any

import pytest

from tokenpit.gateway.proxying import REPORTED_TOKENS_MAX, reported_usage


@pytest.mark.parametrize(
    ("usage", "expected"),
    [
        ({"prompt_tokens": 12, "completion_tokens": 0}, (12, 0)),
        ({"prompt_tokens": REPORTED_TOKENS_MAX, "completion_tokens": 3}, (REPORTED_TOKENS_MAX, 3)),
        ({"prompt_tokens": -1, "completion_tokens": 5}, (None, 5)),
        ({"prompt_tokens": 10**26, "completion_tokens": 5}, (None, 5)),
        ({"prompt_tokens": True, "completion_tokens": 2.0}, (None, None)),
        ({"prompt_tokens": "12"}, (None, None)),
        (None, (None, None)),
        ([12, 5], (None, None)),
    ],
)
def test_only_integers_in_range_count_as_reported(
    usage: Any, expected: tuple[int | None, int | None]
) -> None:
    assert reported_usage(usage) == expected
