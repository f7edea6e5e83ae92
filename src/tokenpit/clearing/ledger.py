"""The double-entry ledger: balances per (account, book) and the transfers between them."""

from __future__ import annotations

from typing import Final

import msgspec

EXCHANGE: Final = 0  # the account id of the exchange itself
CASH: Final = "cash"  # a participant's book
DEPOSITS: Final = "deposits"  # the exchange's book for the outside world: money in and out
ESCROW: Final = "escrow"  # the exchange's book for buyers' money held for their lots
FEES: Final = "fees"  # the exchange's book for fees earned


class Transfer(msgspec.Struct, frozen=True, kw_only=True):
    """An amount moved from one ledger account to another: an entry and its counter-entry."""

    transfer_id: int
    source_account_id: int
    source_book: str
    destination_account_id: int
    destination_book: str
    amount_micros: int
    reason: str
    ref: str


class Ledger(msgspec.Struct, kw_only=True):
    """Balances of every ledger account, changed only by balanced transfers."""

    balances: dict[str, int] = msgspec.field(default_factory=dict)  # "account:book" -> µUSD
    last_transfer_id: int = 0

    def balance(self, account_id: int, book: str = CASH) -> int:
        """Return one ledger account's balance (0 if it has none)."""
        return self.balances.get(_key(account_id, book), 0)

    def post(
        self,
        source: tuple[int, str],
        destination: tuple[int, str],
        amount_micros: int,
        reason: str,
        ref: str,
    ) -> Transfer:
        """Move `amount_micros` (positive) from `source` to `destination` and return the record."""
        if amount_micros <= 0:
            raise ValueError(f"a transfer moves a positive amount, got {amount_micros}")
        source_key = _key(*source)
        destination_key = _key(*destination)
        self.balances[source_key] = self.balances.get(source_key, 0) - amount_micros
        self.balances[destination_key] = self.balances.get(destination_key, 0) + amount_micros
        self.last_transfer_id += 1
        return Transfer(
            transfer_id=self.last_transfer_id,
            source_account_id=source[0],
            source_book=source[1],
            destination_account_id=destination[0],
            destination_book=destination[1],
            amount_micros=amount_micros,
            reason=reason,
            ref=ref,
        )

    def total(self) -> int:
        """Return the sum over all ledger accounts: always zero."""
        return sum(self.balances.values())


def _key(account_id: int, book: str) -> str:
    return f"{account_id}:{book}"
