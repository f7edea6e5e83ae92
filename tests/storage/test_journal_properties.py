"""Property tests: whatever batches are committed, the journal returns exactly them."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from tokenpit.storage import SNAPSHOTS_KEPT, JournalEntry, Snapshot, SqliteStore, StoreError

commands = st.binary(max_size=64)
# A batch as gaps between sequence numbers (the core numbers without gaps; the store
# does not rely on it) and the command bytes of each entry.
batches = st.lists(st.tuples(st.integers(1, 3), commands), min_size=1, max_size=8)


def number(batch: list[tuple[int, bytes]], after: int) -> list[JournalEntry]:
    """Turn gaps and commands into entries numbered after `after`."""
    entries = []
    seq = after
    for gap, command in batch:
        seq += gap
        entries.append(JournalEntry(seq, seq * 1_000, command))
    return entries


@settings(deadline=None)
@given(st.lists(batches, max_size=10), st.integers(0, 40))
def test_the_journal_returns_exactly_what_was_committed_in_order(
    script: list[list[tuple[int, bytes]]], after: int
) -> None:
    with SqliteStore(":memory:", journal_chunk_rows=3) as store:
        store.migrate()
        committed: list[JournalEntry] = []
        for batch in script:
            entries = number(batch, committed[-1].seq if committed else 0)
            store.commit(entries, [])
            committed.extend(entries)

        assert list(store.journal_after(0)) == committed
        assert list(store.journal_after(after)) == [e for e in committed if e.seq > after]
        assert store.last_seq() == max((entry.seq for entry in committed), default=0)


class JournalMachine(RuleBasedStateMachine):
    """Commit, fail, snapshot and reopen a file store; it always matches a list of entries."""

    def __init__(self) -> None:
        super().__init__()
        self.directory = Path(tempfile.mkdtemp(prefix="tokenpit-journal-"))
        self.path = self.directory / "journal.db"
        self.entries: list[JournalEntry] = []
        self.snapshots: list[Snapshot] = []
        self.store = SqliteStore(self.path, journal_chunk_rows=4)

    @initialize()
    def migrate(self) -> None:
        self.store.migrate()

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.directory)

    @property
    def last_seq(self) -> int:
        return self.entries[-1].seq if self.entries else 0

    @rule(batch=batches)
    def commit(self, batch: list[tuple[int, bytes]]) -> None:
        entries = number(batch, self.last_seq)
        self.store.commit(entries, [])
        self.entries.extend(entries)

    @precondition(lambda self: self.entries)
    @rule(batch=batches, reused=st.integers(0, 100))
    def commit_a_batch_reusing_a_sequence_number(
        self, batch: list[tuple[int, bytes]], reused: int
    ) -> None:
        entries = number(batch, self.last_seq)
        entries.append(self.entries[reused % len(self.entries)])
        try:
            self.store.commit(entries, [])
        except StoreError:
            return
        raise AssertionError("a batch reusing a sequence number was committed")

    @rule(state=st.binary(max_size=16))
    def save_snapshot(self, state: bytes) -> None:
        snapshot = Snapshot(self.last_seq, state)
        self.store.save_snapshot(snapshot)
        self.snapshots = [s for s in self.snapshots if s.seq != snapshot.seq] + [snapshot]

    @rule()
    def reopen(self) -> None:
        self.store.close()
        self.store = SqliteStore(self.path, journal_chunk_rows=4)
        self.store.migrate()

    @invariant()
    def journal_matches(self) -> None:
        assert list(self.store.journal_after(0)) == self.entries
        assert self.store.last_seq() == self.last_seq

    @invariant()
    def newest_snapshot_is_last(self) -> None:
        expected = self.snapshots[-1] if self.snapshots else None
        assert self.store.last_snapshot() == expected

        connection = sqlite3.connect(self.path)
        kept = connection.execute("SELECT seq, state FROM snapshots ORDER BY seq").fetchall()
        connection.close()
        assert kept == [tuple(snapshot) for snapshot in self.snapshots[-SNAPSHOTS_KEPT:]]


TestJournalMachine = JournalMachine.TestCase
TestJournalMachine.settings = settings(max_examples=40, stateful_step_count=15, deadline=None)
