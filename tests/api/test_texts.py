"""Text and time rules for what clients send."""

from __future__ import annotations

import pytest

from tokenpit.api.texts import iso_utc, parse_time_ns, plain_text


def test_times_parse_to_epoch_nanoseconds_in_any_zone() -> None:
    assert parse_time_ns("2026-12-03T14:00:00Z") == 1_796_306_400_000_000_000
    assert parse_time_ns("2026-12-03T15:00:00.5+01:00") == 1_796_306_400_500_000_000


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("soon", "ISO 8601"),
        ("2026-12-03T14:00:00", "time zone"),
        ("1999-12-31T23:59:59Z", "from 2000 to 2200"),
        ("2200-01-01T00:00:00Z", "from 2000 to 2200"),
    ],
)
def test_bad_times_are_refused_naming_the_rule(text: str, rule: str) -> None:
    with pytest.raises(ValueError, match=rule):
        parse_time_ns(text)


def test_iso_utc_renders_whole_seconds_in_utc() -> None:
    assert iso_utc(1_796_306_400_900_000_000) == "2026-12-03T14:00:00Z"


@pytest.mark.parametrize("text", ["acme", "Ünïcödé 名前 🙂", "a b"])
def test_plain_text_passes(text: str) -> None:
    assert plain_text(text) == text


@pytest.mark.parametrize(
    ("text", "rule"),
    [("a\nb", "control characters"), ("a\x7fb", "control"), ("a\ud800", "lone surrogates")],
)
def test_text_with_control_characters_or_lone_surrogates_is_refused(text: str, rule: str) -> None:
    with pytest.raises(ValueError, match=rule):
        plain_text(text)
