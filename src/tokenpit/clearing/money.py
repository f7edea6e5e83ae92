"""Exact money arithmetic: notional, bonds, cumulative payments and fees.

Prices are µUSD per million units. A spec guarantees `tick × lot_units` is a
multiple of 1,000,000, so the notional of whole lots at any on-tick price is
a whole number of µUSD; partial deliveries are paid cumulatively so rounding
never drifts.
"""

from __future__ import annotations

from typing import Final

UNITS_PER_QUOTE: Final = 1_000_000  # prices are quoted per million units
BPS: Final = 10_000


def notional_micros(price_micros: int, units: int) -> int:
    """Return the value of `units` at `price_micros`, rounded down to a whole µUSD."""
    return price_micros * units // UNITS_PER_QUOTE


def lot_notional_micros(price_micros: int, lot_units: int) -> int:
    """Return the exact value of one lot; whole by the spec's tick × lot rule."""
    return price_micros * lot_units // UNITS_PER_QUOTE


def bond_per_lot_micros(price_micros: int, lot_units: int, bond_pct: int) -> int:
    """Return a seller's bond for one lot sold at `price_micros`, rounded up."""
    return -(-lot_notional_micros(price_micros, lot_units) * bond_pct // 100)


def delivery_due_micros(
    price_micros: int, on_grade_units: int, offgrade_units: int, discount_pct: int
) -> tuple[int, int]:
    """Return (seller's due, buyer's discount) for all units delivered so far, in µUSD.

    On-grade units are worth the lot price, off-grade ones `discount_pct` percent less; the
    discount goes back to the buyer. Both are whole µUSD rounded down from the exact totals,
    so `due + discount <= notional of the delivered units` always holds.
    """
    scale = UNITS_PER_QUOTE * 100
    due = price_micros * (on_grade_units * 100 + offgrade_units * (100 - discount_pct)) // scale
    discount = price_micros * offgrade_units * discount_pct // scale
    return due, discount


def fee_due_micros(gross_paid_micros: int, fee_bps: int, fee_paid_micros: int) -> int:
    """Return the fee owed on `gross_paid_micros` of payments, less the fee already taken."""
    return gross_paid_micros * fee_bps // BPS - fee_paid_micros
