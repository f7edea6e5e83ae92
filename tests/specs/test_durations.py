"""Duration text: a whole number and one unit."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenpit.specs import format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("0s", 0),
        ("45s", 45),
        ("1m", 60),
        ("15m", 900),
        ("1h", 3_600),
        ("24h", 86_400),
        ("2d", 172_800),
    ],
)
def test_duration_text_reads_as_seconds(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "text", ["", "h", "1", "1.5h", "-1h", "+1h", "1 h", "1H", "1h30m", "1w", "\uff11h"]
)
def test_other_duration_text_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="must be a whole number and a unit"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0s"), (90, "90s"), (900, "15m"), (5_400, "90m"), (86_400, "1d")]
)
def test_seconds_format_in_the_largest_unit_that_divides(seconds: int, text: str) -> None:
    assert format_duration(seconds) == text


@given(st.integers(min_value=0, max_value=10**9))
def test_formatted_durations_read_back(seconds: int) -> None:
    assert parse_duration(format_duration(seconds)) == seconds
