"""Dollar amounts on the command line become exact µUSD."""

from __future__ import annotations

import pytest

from tokenpit.cli.amounts import parse_usd


@pytest.mark.parametrize(
    ("text", "micros"),
    [
        ("12.50", 12_500_000),
        ("2.001", 2_001_000),
        ("0.000001", 1),
        ("7", 7_000_000),
        ("$3.", 3_000_000),
    ],
)
def test_dollars_become_micros_exactly(text: str, micros: int) -> None:
    assert parse_usd(text) == micros


@pytest.mark.parametrize("text", ["", "-1", "1.0000001", "1e3", "one", "1,5", "0.1.2"])
def test_other_text_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="dollar amount"):
        parse_usd(text)
