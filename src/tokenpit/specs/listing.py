"""The listing window: when an instrument trades, delivers and closes.

An instrument is listed `listing_lead` before its period starts and trades until the
period ends; during the period it trades and delivers at once, since capacity bought
mid-period is still usable.
"""

from __future__ import annotations

import datetime as dt
import enum

from tokenpit.specs.instruments import Instrument, check_instrument
from tokenpit.specs.model import Spec
from tokenpit.specs.periods import epoch_seconds, utc_from_epoch_seconds


class InstrumentState(enum.StrEnum):
    """Say where an instrument stands in its life at a given time."""

    PENDING = "pending"  # not listed yet: before its period start minus listing_lead
    TRADING = "trading"  # listed, its period not started
    DELIVERING = "delivering"  # its period is under way; it still trades
    CLOSED = "closed"  # its period has ended


def is_tradable(state: InstrumentState) -> bool:
    """Tell whether orders may trade in an instrument in `state`."""
    return state in {InstrumentState.TRADING, InstrumentState.DELIVERING}


def listing_start(instrument: Instrument, spec: Spec) -> dt.datetime:
    """Return when `instrument` is listed: its period start minus the spec's listing lead."""
    check_instrument(spec, instrument)
    return instrument.period_start - spec.listing_lead


def instrument_state(instrument: Instrument, spec: Spec, t: dt.datetime) -> InstrumentState:
    """Return the state of `instrument`, which must belong to `spec`, at time `t`."""
    check_instrument(spec, instrument)
    now = epoch_seconds(t)
    start = epoch_seconds(instrument.period_start)

    if now < start - spec.listing_lead_s:
        return InstrumentState.PENDING
    if now < start:
        return InstrumentState.TRADING
    if now < start + spec.period_s:
        return InstrumentState.DELIVERING
    return InstrumentState.CLOSED


def listed_instruments(spec: Spec, t: dt.datetime) -> tuple[Instrument, ...]:
    """Return every instrument tradable at `t`, by period start, then grade best first.

    These are the periods whose window [start - listing_lead, end) holds `t`: the one under
    way and the `listing_lead / period` after it, for every grade.
    """
    now = epoch_seconds(t)
    first = now - now % spec.period_s
    last = now + spec.listing_lead_s
    return tuple(
        Instrument(spec.family, grade, utc_from_epoch_seconds(start), spec.period_s)
        for start in range(first, last + 1, spec.period_s)
        for grade in spec.grade_names
    )
