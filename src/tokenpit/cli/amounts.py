"""Dollar amounts typed on the command line, read exactly into integer µUSD."""

from __future__ import annotations

import re

import click

MICROS_PER_USD = 1_000_000
_USD = re.compile(r"\$?(?P<whole>[0-9]{1,12})(?:\.(?P<fraction>[0-9]{0,6}))?")


def parse_usd(text: str) -> int:
    """Return a dollar amount such as `12.50` or `2.001` in µUSD, never through a float.

    Raises `ValueError` for anything but a non-negative amount with at most 6 decimals.
    """
    match = _USD.fullmatch(text.strip())
    if match is None:
        raise ValueError(
            f"{text!r} is not a dollar amount such as 12.50 (digits, at most 6 decimals)"
        )
    fraction = (match["fraction"] or "").ljust(6, "0")
    return int(match["whole"]) * MICROS_PER_USD + int(fraction)


class UsdAmount(click.ParamType[int]):
    """A click parameter: dollars on the command line, µUSD in the program."""

    name = "usd"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        """Return the amount in µUSD, or fail naming the rule."""
        if isinstance(value, int):
            return value
        try:
            return parse_usd(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)
