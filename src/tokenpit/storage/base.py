"""The store's contract: a durable journal, snapshots, and read models.

The core is the only writer: it calls `commit` with a batch of sequenced
commands and the events they caused, and `commit` makes both durable in one
transaction before it returns (group commit). Everything else only reads.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple, Protocol

from tokenpit.core.events import AnyEvent


class JournalEntry(NamedTuple):
    """One sequenced command in its journal form (see tokenpit.core.commands)."""

    seq: int
    ts_ns: int
    command: bytes


class Snapshot(NamedTuple):
    """The exchange's whole state as of `seq` (all commands up to and including it)."""

    seq: int
    state: bytes


Row = dict[str, Any]


class Store(Protocol):
    """Where the exchange keeps its journal, snapshots and read models."""

    def migrate(self) -> None:
        """Create or upgrade the schema; safe to call on every start."""

    def last_snapshot(self) -> Snapshot | None:
        """Return the newest snapshot, if any."""

    def journal_after(self, seq: int) -> Iterator[JournalEntry]:
        """Yield journal entries with sequence numbers above `seq`, in order."""

    def last_seq(self) -> int:
        """Return the highest journaled sequence number (0 for an empty journal)."""

    def commit(self, entries: Sequence[JournalEntry], events: Sequence[AnyEvent]) -> None:
        """Journal `entries` and project `events` into the read models, durably, atomically."""

    def save_snapshot(self, snapshot: Snapshot) -> None:
        """Store a snapshot durably; older ones may be pruned."""

    def close(self) -> None:
        """Release connections."""

    def orders(
        self,
        account_id: int,
        *,
        status: str | None = None,
        instrument: str | None = None,
        limit: int = 100,
        before_id: int | None = None,
    ) -> list[Row]:
        """Return an account's orders, newest first."""

    def trades(
        self,
        *,
        instrument: str | None = None,
        account_id: int | None = None,
        since_ns: int | None = None,
        limit: int = 100,
        before_id: int | None = None,
    ) -> list[Row]:
        """Return trades, newest first (of one account when `account_id` is given)."""

    def lots(
        self,
        account_id: int,
        *,
        instrument: str | None = None,
        status: str | None = None,
        limit: int = 100,
        before_id: int | None = None,
    ) -> list[Row]:
        """Return lots where the account is buyer or seller, newest first."""

    def deliveries(
        self,
        account_id: int | None,
        *,
        endpoint_id: int | None = None,
        limit: int = 100,
        before_id: int | None = None,
    ) -> list[Row]:
        """Return deliveries the account bought or served (all when None), newest first."""

    def ledger(
        self, account_id: int, *, limit: int = 100, before_id: int | None = None
    ) -> list[Row]:
        """Return an account's ledger entries (signed amounts), newest first."""

    def endpoint_deliveries(self, recent: int) -> list[Row]:
        """Return every endpoint's certificate, delivery count and latest `recent` outcomes.

        No URL, model or credential: what every market participant may see of a seller.
        """

    def endpoints(self, account_id: int | None = None) -> list[Row]:
        """Return endpoints (of one account when given), without credentials."""

    def certificates(
        self,
        *,
        endpoint_id: int | None = None,
        grade: str | None = None,
        status: str | None = None,
        now_ns: int,
        audits_before_ns: int,
        limit: int = 100,
        before_id: int | None = None,
    ) -> list[Row]:
        """Return certificates, newest first, with their audits counted before a time.

        `status` filters by the status shown at `now_ns` (valid, expired, suspended,
        superseded, withdrawn); rows hold the stored status and `expires_at_ns`.
        """

    def certificate(self, certificate_id: int, *, audits_before_ns: int) -> Row | None:
        """Return one certificate with its audits counted before a time, if it exists."""

    def audit_hours(self, certificate_id: int, *, until_ns: int, hours: int) -> list[Row]:
        """Return a certificate's audits by hour before `until_ns`: the latest `hours`."""
