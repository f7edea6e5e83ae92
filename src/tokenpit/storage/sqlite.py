"""The SQLite store: journal, snapshots and read models in one database file.

One writer connection serves `migrate`, `commit` and `save_snapshot`, which the core calls
from its single writer thread. Reads may come from any thread: each thread gets its own
read-only connection to the file, and in WAL mode a reader sees the last committed state
without waiting for the writer or making it wait.

An in-memory database (`:memory:`, for tests) lives in one connection, so there it is
shared by every thread and guarded by a lock: reads then wait for a commit in progress.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from tokenpit.core.events import AnyEvent
from tokenpit.storage import queries, schema
from tokenpit.storage.adapters import bind_common_values_fast
from tokenpit.storage.base import JournalEntry, Row, Snapshot
from tokenpit.storage.batching import RowStatement
from tokenpit.storage.errors import StoreError
from tokenpit.storage.projection import project

MEMORY = ":memory:"
SYNCHRONOUS_MODES = ("FULL", "NORMAL")
SNAPSHOTS_KEPT = 3

_INSERT_JOURNAL = RowStatement("INSERT INTO journal (seq, ts_ns, command) VALUES", "(?, ?, ?)", 3)
_JOURNAL_PAGE = "SELECT seq, ts_ns, command FROM journal WHERE seq > ? ORDER BY seq LIMIT ?"
_PAGE_CACHE_KIB = 65_536
_CHECKPOINT_PAGES = 10_000


class _Reader:
    """A thread's read connection; when the thread ends and this is collected, it closes."""

    __slots__ = ("__weakref__", "connection")

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def __del__(self) -> None:
        self.connection.close()


class SqliteStore:
    """Keep the exchange's journal, snapshots and read models in SQLite.

    `synchronous="FULL"` (the default) makes every commit durable before it returns, power
    loss included. `"NORMAL"` is for benchmarks: a commit survives the process being killed
    but not the machine losing power. `journal_chunk_rows` is how many entries
    `journal_after` reads at a time.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        synchronous: str = "FULL",
        busy_timeout_s: float = 5.0,
        journal_chunk_rows: int = 1024,
        clock_ns: Callable[[], int] = time.time_ns,
    ) -> None:
        if synchronous.upper() not in SYNCHRONOUS_MODES:
            raise ValueError(
                f"synchronous={synchronous!r} is not one of {', '.join(SYNCHRONOUS_MODES)}"
            )
        if not os.fspath(path):
            raise ValueError("path is empty; name a database file, or :memory: for tests")
        if journal_chunk_rows < 1:
            raise ValueError(f"journal_chunk_rows={journal_chunk_rows} must be at least 1")

        self._path = os.fspath(path)
        self._in_memory = self._path == MEMORY
        # Resolved now, so that readers opened later find the file whatever the directory.
        self._read_uri = Path(self._path).resolve().as_uri() + "?mode=ro"
        self._busy_timeout_s = busy_timeout_s
        self._journal_chunk_rows = journal_chunk_rows
        self._clock_ns = clock_ns
        self._write_lock = threading.Lock()
        self._local = threading.local()
        self._readers: weakref.WeakSet[_Reader] = weakref.WeakSet()
        self._readers_lock = threading.Lock()
        self._closed = False

        bind_common_values_fast()
        self._writer = self._connect(self._path, uri=False)
        self._configure_writer(synchronous.upper())
        self._cursor = self._writer.cursor()

    def _connect(self, target: str, *, uri: bool) -> sqlite3.Connection:
        # Autocommit mode: this class issues BEGIN and COMMIT itself. Connections may be
        # closed by `close()` from another thread than the one that opened them.
        return sqlite3.connect(
            target,
            timeout=self._busy_timeout_s,
            isolation_level=None,
            check_same_thread=False,
            uri=uri,
        )

    def _configure_writer(self, synchronous: str) -> None:
        writer = self._writer
        mode = writer.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if not self._in_memory and mode != "wal":
            writer.close()
            raise StoreError(f"{self._path}: SQLite refused WAL mode (journal_mode is {mode})")
        writer.execute(f"PRAGMA synchronous = {synchronous}")
        writer.execute("PRAGMA foreign_keys = OFF")
        writer.execute(f"PRAGMA cache_size = -{_PAGE_CACHE_KIB}")
        writer.execute("PRAGMA temp_store = MEMORY")
        # Checkpoint less often than every 1,000 pages: a batch of orders from many accounts
        # dirties many index pages, and each checkpoint then copies fewer duplicates of them.
        writer.execute(f"PRAGMA wal_autocheckpoint = {_CHECKPOINT_PAGES}")

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def migrate(self) -> None:
        """Create or upgrade the schema; safe to call on every start."""
        with self._write_lock:
            self._check_open()
            schema.migrate(self._writer, self._clock_ns)

    def schema_version(self) -> int:
        """Return the schema version the database is at (0 before `migrate`)."""
        with self._reading() as connection:
            return schema.schema_version(connection)

    def commit(self, entries: Sequence[JournalEntry], events: Sequence[AnyEvent]) -> None:
        """Journal `entries` and project `events` into the read models, durably, atomically.

        On failure nothing of the batch remains and `StoreError` is raised.
        """
        if not entries and not events:
            return
        seqs = f"{entries[0].seq}..{entries[-1].seq}" if entries else "(none)"
        with self._transaction(f"commit of journal seq {seqs}") as cursor:
            _INSERT_JOURNAL.run(cursor, entries)
            project(cursor, events)

    def save_snapshot(self, snapshot: Snapshot) -> None:
        """Store a snapshot durably, keeping only the newest SNAPSHOTS_KEPT."""
        with self._transaction(f"saving the snapshot at seq {snapshot.seq}") as cursor:
            cursor.execute(
                "INSERT OR REPLACE INTO snapshots (seq, state, taken_ns) VALUES (?, ?, ?)",
                (snapshot.seq, snapshot.state, self._clock_ns()),
            )
            cursor.execute(
                "DELETE FROM snapshots WHERE seq NOT IN "
                "(SELECT seq FROM snapshots ORDER BY seq DESC LIMIT ?)",
                (SNAPSHOTS_KEPT,),
            )

    @contextmanager
    def _transaction(self, what: str) -> Iterator[sqlite3.Cursor]:
        """Run the body in one write transaction; roll it back and raise if anything fails."""
        with self._write_lock:
            self._check_open()
            cursor = self._cursor
            try:
                cursor.execute("BEGIN IMMEDIATE")
                yield cursor
                cursor.execute("COMMIT")
            except sqlite3.Error as error:
                self._roll_back()
                raise StoreError(f"{what} failed and was rolled back: {error}") from error
            except BaseException:
                self._roll_back()
                raise

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"{self._path}: the store is closed")

    def _roll_back(self) -> None:
        # A failed COMMIT may already have ended the transaction. Should ROLLBACK fail too,
        # its error propagates with the first one as its context: both get reported.
        if self._writer.in_transaction:
            self._writer.execute("ROLLBACK")

    def close(self) -> None:
        """Close the writer and every thread's read connection; later calls fail."""
        with self._readers_lock:
            self._closed = True
            readers = list(self._readers)
            self._readers.clear()
        for reader in readers:
            reader.connection.close()
        with self._write_lock:
            self._writer.close()

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """Lend the calling thread its read connection (the lone connection, when in memory)."""
        self._check_open()
        if self._in_memory:
            with self._write_lock:
                self._check_open()
                yield self._writer
            return

        reader: _Reader | None = getattr(self._local, "reader", None)
        if reader is None:
            with self._readers_lock:
                self._check_open()
                reader = _Reader(self._connect(self._read_uri, uri=True))
                self._readers.add(reader)
            self._local.reader = reader
        yield reader.connection

    def last_seq(self) -> int:
        """Return the highest journaled sequence number (0 for an empty journal)."""
        with self._reading() as connection:
            row = connection.execute("SELECT COALESCE(MAX(seq), 0) FROM journal").fetchone()
        return int(row[0])

    def journal_after(self, seq: int) -> Iterator[JournalEntry]:
        """Yield journal entries with sequence numbers above `seq`, in order.

        Entries are read `journal_chunk_rows` at a time, each chunk in its own short read,
        so a long replay neither holds the journal in memory nor keeps the WAL from being
        checkpointed. Entries committed while iterating are yielded too.
        """
        position = seq
        while True:
            with self._reading() as connection:
                rows = connection.execute(
                    _JOURNAL_PAGE, (position, self._journal_chunk_rows)
                ).fetchall()
            yield from map(JournalEntry._make, rows)
            if len(rows) < self._journal_chunk_rows:
                return
            position = rows[-1][0]

    def last_snapshot(self) -> Snapshot | None:
        """Return the newest snapshot, if any."""
        with self._reading() as connection:
            row = connection.execute(
                "SELECT seq, state FROM snapshots ORDER BY seq DESC LIMIT 1"
            ).fetchone()
        return None if row is None else Snapshot(row[0], row[1])

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
        with self._reading() as connection:
            return queries.select_orders(
                connection,
                account_id,
                status=status,
                instrument=instrument,
                limit=limit,
                before_id=before_id,
            )

    def trades(
        self,
        *,
        instrument: str | None = None,
        account_id: int | None = None,
        since_ns: int | None = None,
        limit: int = 100,
        before_id: int | None = None,
    ) -> list[Row]:
        """Return trades, newest first; of one account, each with its `side`, when given."""
        with self._reading() as connection:
            return queries.select_trades(
                connection,
                instrument=instrument,
                account_id=account_id,
                since_ns=since_ns,
                limit=limit,
                before_id=before_id,
            )

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
        with self._reading() as connection:
            return queries.select_lots(
                connection,
                account_id,
                instrument=instrument,
                status=status,
                limit=limit,
                before_id=before_id,
            )

    def deliveries(
        self,
        account_id: int | None,
        *,
        endpoint_id: int | None = None,
        limit: int = 100,
        before_id: int | None = None,
    ) -> list[Row]:
        """Return deliveries the account bought or served (all when None), newest first."""
        with self._reading() as connection:
            return queries.select_deliveries(
                connection, account_id, endpoint_id=endpoint_id, limit=limit, before_id=before_id
            )

    def ledger(
        self, account_id: int, *, limit: int = 100, before_id: int | None = None
    ) -> list[Row]:
        """Return an account's ledger entries (signed amounts), newest first."""
        with self._reading() as connection:
            return queries.select_ledger(connection, account_id, limit=limit, before_id=before_id)

    def endpoint_deliveries(self, recent: int) -> list[Row]:
        """Return every endpoint's certificate, delivery count and latest `recent` outcomes."""
        with self._reading() as connection:
            return queries.select_endpoint_deliveries(connection, recent)

    def endpoints(self, account_id: int | None = None) -> list[Row]:
        """Return endpoints (of one account when given), without credentials."""
        with self._reading() as connection:
            return queries.select_endpoints(connection, account_id)

    def account(self, account_id: int) -> Row | None:
        """Return an account (roles as a list) with its latest balances, if it exists."""
        with self._reading() as connection:
            return queries.select_account(connection, account_id)

    def instruments(self, *, status: str | None = None) -> list[Row]:
        """Return instruments by period start (only `listed` or `closed` ones when given)."""
        with self._reading() as connection:
            return queries.select_instruments(connection, status)

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
        """Return certificates, newest first, with their audits counted before a time."""
        with self._reading() as connection:
            return queries.select_certificates(
                connection,
                endpoint_id=endpoint_id,
                grade=grade,
                status=status,
                now_ns=now_ns,
                audits_before_ns=audits_before_ns,
                limit=limit,
                before_id=before_id,
            )

    def certificate(self, certificate_id: int, *, audits_before_ns: int) -> Row | None:
        """Return one certificate with its audits counted before a time, if it exists."""
        with self._reading() as connection:
            return queries.select_certificate(
                connection, certificate_id, audits_before_ns=audits_before_ns
            )

    def audit_hours(self, certificate_id: int, *, until_ns: int, hours: int) -> list[Row]:
        """Return a certificate's audits by hour before `until_ns`, the latest `hours`."""
        with self._reading() as connection:
            return queries.select_audit_hours(
                connection, certificate_id, until_ns=until_ns, hours=hours
            )
