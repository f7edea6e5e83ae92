"""Clearing: accounts' money, a double-entry ledger, pre-trade holds, lots and settlement.

Pure and deterministic: integer µUSD only, no clock, no I/O. It imports specs
only; the core drives it and turns what it returns into domain events.

Money moves only by ledger transfers, each an entry and its counter-entry, so
the sum over all ledger accounts is always zero; money enters and leaves
through the exchange's `deposits` book. Holds (cash set aside for open bids)
and bonds (seller collateral) are reservations against an account's cash,
not transfers: `available = cash - held - bond` is what an account may spend.
"""

from tokenpit.clearing.clearing import Clearing, ClearingState, Lot, Reservation
from tokenpit.clearing.ledger import EXCHANGE, Ledger, Transfer
from tokenpit.clearing.money import bond_per_lot_micros, lot_notional_micros, notional_micros

__all__ = [
    "EXCHANGE",
    "Clearing",
    "ClearingState",
    "Ledger",
    "Lot",
    "Reservation",
    "Transfer",
    "bond_per_lot_micros",
    "lot_notional_micros",
    "notional_micros",
]
