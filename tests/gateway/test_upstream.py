"""A seller's error text, quoted in failure reasons, never carries the credential sent to it."""

from __future__ import annotations

import pytest

from tokenpit.gateway.upstream import without_credential

HEADERS = {"Content-Type": "application/json", "Authorization": "Bearer sk-seller-0123456789"}


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "Incorrect API key provided: sk-seller-0123456789. Check it.",
            "Incorrect API key provided: [credential]. Check it.",
        ),
        ("key sk-seller-0123456789 or sk-seller-0123456789", "key [credential] or [credential]"),
        (
            "quoted, then cut at the limit: sk-seller-01",
            "quoted, then cut at the limit: [credential]",
        ),
        (
            "a long quote 'Bearer sk-sell...6789' shortened",
            "a long quote 'Bearer [credential]...[credential]' shortened",
        ),
        ("cut at a limit: sk-seller-0123…", "cut at a limit: [credential]…"),
        ("ends with sk-", "ends with sk-"),  # under 4 characters: nothing given away
        ("no key here", "no key here"),
    ],
)
def test_a_quoted_credential_is_blanked_out(text: str, shown: str) -> None:
    assert without_credential(text, HEADERS) == shown


def test_without_a_credential_the_text_is_kept() -> None:
    assert without_credential("sk-anything", {"Content-Type": "application/json"}) == "sk-anything"
