"""Check text and times that clients send, before any of it reaches the journal.

Free text must be Unicode that encodes as UTF-8, without control characters or line
breaks: a lone surrogate could not be journaled, a control character not shown safely.
Times are ISO 8601 with a time zone, within the years the exchange's nanosecond integers
hold comfortably.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

NS_PER_S: Final = 1_000_000_000
EARLIEST: Final = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST: Final = dt.datetime(2200, 1, 1, tzinfo=dt.UTC)
# The same rule as a JSON-schema pattern, so that clients and generators can see it.
TEXT_PATTERN: Final = r"^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$"
_FORBIDDEN = re.compile(r"[\u0000-\u001f\u007f-\u009f\u2028\u2029]")


def plain_text(value: str) -> str:
    """Return `value` if it is plain UTF-8 text; raise `ValueError` naming the problem."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from None
    if _FORBIDDEN.search(value):
        raise ValueError("text must not hold control characters or line breaks")
    return value


def parse_time_ns(text: str) -> int:
    """Return an ISO 8601 time (with a zone, e.g. `2026-12-03T14:30:00Z`) as epoch ns.

    Raises `ValueError` naming the rule for text that is no such time, lacks a zone, or
    lies outside 2000 to 2200.
    """
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("must be an ISO 8601 time such as 2026-12-03T14:30:00Z") from None
    if parsed.tzinfo is None:
        raise ValueError("must give a time zone, e.g. a trailing Z for UTC")
    if not EARLIEST <= parsed < LATEST:
        raise ValueError(f"must lie from {EARLIEST.year} to {LATEST.year}")
    delta = parsed - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return (delta.days * 86_400 + delta.seconds) * NS_PER_S + delta.microseconds * 1_000


def checked_time_ns(text: str) -> str:
    """Return `text` unchanged if `parse_time_ns` accepts it (a pydantic validator)."""
    parse_time_ns(text)
    return text


def iso_utc(ts_ns: int) -> str:
    """Return epoch ns as an ISO 8601 UTC time, to the second."""
    moment = dt.datetime.fromtimestamp(ts_ns // NS_PER_S, dt.UTC)
    return moment.isoformat().replace("+00:00", "Z")
