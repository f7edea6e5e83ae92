"""Duration text as spec files write it: a whole number and one unit, such as `15m` or `24h`."""

from __future__ import annotations

import re

MINUTE_S = 60
HOUR_S = 60 * MINUTE_S
DAY_S = 24 * HOUR_S

_UNIT_S = {"s": 1, "m": MINUTE_S, "h": HOUR_S, "d": DAY_S}
_DURATION = re.compile(r"([0-9]+)([smhd])")


def parse_duration(text: str) -> int:
    """Return the seconds that `text` (`<int><unit>`, unit one of s, m, h, d) stands for.

    Raise `ValueError` on any other text: no sign, no spaces, no compound `1h30m`.
    """
    match = _DURATION.fullmatch(text)
    if match is None:
        raise ValueError(
            f"duration {text!r} must be a whole number and a unit s, m, h or d (e.g. '15m')"
        )
    count, unit = match.groups()
    return int(count) * _UNIT_S[unit]


def format_duration(seconds: int) -> str:
    """Return `seconds` as duration text, in the largest unit that divides it exactly."""
    if seconds < 0:
        raise ValueError(f"a duration must be >= 0 seconds, got {seconds}")
    for unit, unit_s in (("d", DAY_S), ("h", HOUR_S), ("m", MINUTE_S)):
        if seconds and seconds % unit_s == 0:
            return f"{seconds // unit_s}{unit}"
    return f"{seconds}s"
