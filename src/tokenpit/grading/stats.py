"""Confidence bounds on a pass rate: Wilson score intervals.

A grade's floors are stated as lower confidence bounds of the share of grading items
passed, so every decision here compares an interval with a floor. Wilson's interval
keeps its coverage near the stated level for small samples and for rates near 0 or 1,
where the normal approximation does not (Brown, Cai and DasGupta, 2001).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

CONFIDENCE = 0.95


@dataclass(frozen=True, slots=True)
class Interval:
    """A two-sided confidence interval for a pass rate, from `passed` of `items`."""

    passed: int
    items: int
    lower: float
    upper: float

    @property
    def rate(self) -> float:
        """Return the observed share passed (0 for no items)."""
        return self.passed / self.items if self.items else 0.0


def z_score(confidence: float) -> float:
    """Return the normal quantile of a two-sided interval at `confidence` (0.95: 1.96)."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson(passed: int, items: int, z: float) -> Interval:
    """Return Wilson's score interval for `passed` of `items` at normal quantile `z`.

    No items means nothing is known: the interval is [0, 1].
    """
    if not 0 <= passed <= items:
        raise ValueError(f"passed must be between 0 and items ({items}), got {passed}")
    if items == 0:
        return Interval(0, 0, 0.0, 1.0)

    rate = passed / items
    z2 = z * z
    centre = (rate + z2 / (2 * items)) / (1 + z2 / items)
    half = z * math.sqrt(rate * (1 - rate) / items + z2 / (4 * items * items)) / (1 + z2 / items)

    # Clamp rounding: the exact interval always lies in [0, 1] and contains 0 or 1 at the ends.
    lower = 0.0 if passed == 0 else max(0.0, centre - half)
    upper = 1.0 if passed == items else min(1.0, centre + half)
    return Interval(passed, items, lower, upper)


def interval(passed: int, items: int, confidence: float = CONFIDENCE) -> Interval:
    """Return the two-sided Wilson interval at `confidence`."""
    return wilson(passed, items, z_score(confidence))
