"""Delivery periods: UTC-aligned windows of a spec's period length, counted from the epoch.

Times are aware datetimes; a naive one is refused, since its instant is unknown. Any
UTC offset is accepted and every result is in UTC. The arithmetic runs on whole epoch
seconds, which keeps each boundary exact; flooring a time to its second never moves it
across a boundary, because boundaries fall on whole seconds.
"""

from __future__ import annotations

import datetime as dt

from tokenpit.specs.durations import DAY_S
from tokenpit.specs.model import Spec

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def epoch_seconds(t: dt.datetime) -> int:
    """Return the whole seconds from the epoch to aware time `t`, rounded down."""
    if t.utcoffset() is None:
        raise ValueError(f"time must be timezone-aware (UTC), got naive {t.isoformat()}")
    elapsed = t - EPOCH
    return elapsed.days * DAY_S + elapsed.seconds


def utc_from_epoch_seconds(seconds: int) -> dt.datetime:
    """Return the aware UTC time `seconds` after the epoch."""
    return EPOCH + dt.timedelta(seconds=seconds)


def period_start(spec: Spec, t: dt.datetime) -> dt.datetime:
    """Return the start of the spec's period that contains `t`."""
    seconds = epoch_seconds(t)
    return utc_from_epoch_seconds(seconds - seconds % spec.period_s)


def period_end(spec: Spec, t: dt.datetime) -> dt.datetime:
    """Return the end of the spec's period that contains `t` (the next period's start)."""
    return period_start(spec, t) + spec.period


def is_period_start(spec: Spec, t: dt.datetime) -> bool:
    """Tell whether `t` is exactly the start of one of the spec's periods."""
    return t.microsecond == 0 and epoch_seconds(t) % spec.period_s == 0
