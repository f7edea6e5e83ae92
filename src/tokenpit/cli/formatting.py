"""Money and time as people read them; integer arithmetic only, never a float."""

from __future__ import annotations

import datetime as dt

MICROS_PER_USD = 1_000_000


def format_micros(micros: int | None, min_decimals: int = 2) -> str:
    """Render µUSD as dollars, exact: 3_132_000 -> '3.132', None -> '-'."""
    if micros is None:
        return "-"
    sign = "-" if micros < 0 else ""
    whole, frac = divmod(abs(micros), MICROS_PER_USD)
    decimals = f"{frac:06d}".rstrip("0").ljust(min_decimals, "0")
    return f"{sign}{whole}.{decimals}"


def format_utc(t: dt.datetime) -> str:
    """Render an aware time as `2026-12-03 14:00Z`."""
    return t.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%MZ")
