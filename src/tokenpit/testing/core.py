"""Fakes and builders for testing the core: a clock, an in-memory store, a small market."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from tokenpit.core import commands as c
from tokenpit.core.events import AnyEvent
from tokenpit.core.exchange import Exchange
from tokenpit.core.outcome import Outcome
from tokenpit.storage.base import JournalEntry, Row, Snapshot

NS_PER_S = 1_000_000_000
# 13:10 UTC: CHAT-*.2026-12-03T14 is listed and its period starts in 50 minutes.
MARKET_OPEN_NS = int(dt.datetime(2026, 12, 3, 13, 10, tzinfo=dt.UTC).timestamp()) * NS_PER_S


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, now_ns: int = MARKET_OPEN_NS) -> None:
        self.now = now_ns

    def now_ns(self) -> int:
        """Return the fake time."""
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the time forward."""
        self.now += int(seconds * NS_PER_S)


class MemoryStore:
    """A journal and snapshots in memory; commits can be held back or made to fail."""

    def __init__(self) -> None:
        self.journal: list[JournalEntry] = []
        self.events: list[AnyEvent] = []
        self.snapshots: list[Snapshot] = []
        self.gate = threading.Event()  # commits wait until it is set
        self.gate.set()
        self.fail_commits = False

    def migrate(self) -> None:
        """Nothing to create."""

    def last_snapshot(self) -> Snapshot | None:
        """Return the newest snapshot."""
        return self.snapshots[-1] if self.snapshots else None

    def journal_after(self, seq: int) -> Iterator[JournalEntry]:
        """Yield entries after `seq`."""
        return iter([e for e in self.journal if e.seq > seq])

    def last_seq(self) -> int:
        """Return the last journaled sequence number."""
        return self.journal[-1].seq if self.journal else 0

    def commit(self, entries: Sequence[JournalEntry], events: Sequence[AnyEvent]) -> None:
        """Keep the batch, after the gate opens, unless told to fail."""
        self.gate.wait(timeout=10)
        if self.fail_commits:
            raise OSError("disk full (simulated)")
        self.journal.extend(entries)
        self.events.extend(events)

    def save_snapshot(self, snapshot: Snapshot) -> None:
        """Keep the snapshot."""
        self.snapshots.append(snapshot)

    def close(self) -> None:
        """Nothing to release."""

    def orders(self, account_id: int, **_: Any) -> list[Row]:
        """Read models are not kept."""
        return []

    def trades(self, **_: Any) -> list[Row]:
        """Read models are not kept."""
        return []

    def lots(self, account_id: int, **_: Any) -> list[Row]:
        """Read models are not kept."""
        return []

    def ledger(self, account_id: int, **_: Any) -> list[Row]:
        """Read models are not kept."""
        return []

    def deliveries(self, account_id: int | None, **_: Any) -> list[Row]:
        """Read models are not kept."""
        return []

    def endpoints(self, account_id: int | None = None) -> list[Row]:
        """Read models are not kept."""
        return []

    def endpoint_deliveries(self, recent: int) -> list[Row]:
        """Read models are not kept."""
        return []

    def certificates(self, **_: Any) -> list[Row]:
        """Read models are not kept."""
        return []

    def certificate(self, certificate_id: int, **_: Any) -> Row | None:
        """Read models are not kept."""
        return None

    def audit_hours(self, certificate_id: int, **_: Any) -> list[Row]:
        """Read models are not kept."""
        return []


class MarketBuilder:
    """Apply commands to an exchange directly, numbering and timing them."""

    def __init__(self, exchange: Exchange, now_ns: int = MARKET_OPEN_NS) -> None:
        self.exchange = exchange
        self.now_ns = now_ns
        self.seq = 0
        self.applied: list[c.Command] = []  # in order: the journal, for replay tests

    def apply(self, command: c.Command) -> Outcome:
        """Apply one command at the builder's time."""
        self.seq += 1
        command.ts_ns = self.now_ns
        self.applied.append(command)
        return self.exchange.apply(self.seq, command)

    def ok(self, command: c.Command) -> dict[str, Any]:
        """Apply a command that must succeed; return its result."""
        outcome = self.apply(command)
        assert outcome.result is not None, outcome.failure
        return outcome.result

    def account(self, name: str, *roles: str, cash_micros: int = 10_000_000) -> int:
        """Open a funded account and return its id."""
        account_id: int = self.ok(
            c.CreateAccount(name=name, roles=list(roles), key_hash=f"hash-{name}")
        )["id"]
        if cash_micros:
            self.ok(c.Deposit(account_id=account_id, amount_micros=cash_micros))
        return account_id

    def endpoint(
        self, account_id: int, grade: str | None = "B", capacity_units: int = 1_000_000
    ) -> int:
        """Register an endpoint, graded `grade` by the operator unless None; return its id."""
        endpoint_id: int = self.ok(
            c.RegisterEndpoint(
                account_id=account_id,
                url="https://seller.example/v1",
                model="m",
                capacity_units=capacity_units,
            )
        )["id"]
        if grade is not None:
            self.ok(c.SetEndpointGrade(endpoint_id=endpoint_id, grade=grade))
        return endpoint_id
