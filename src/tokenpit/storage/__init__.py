"""Storage: the journal, snapshots and read models, behind the `Store` protocol.

The core, the single writer, commits each batch of sequenced commands with the events they
caused in one durable transaction; everything else reads. `open_store(url)` picks the
implementation from a database URL: SQLite today (`SqliteStore`), PostgreSQL later.

Imports `tokenpit.core.events` (the events it projects) and nothing else of ours.
"""

from tokenpit.storage.base import JournalEntry, Row, Snapshot, Store
from tokenpit.storage.errors import StoreError
from tokenpit.storage.queries import AUDIT_HOUR_NS, MAX_PAGE_ROWS
from tokenpit.storage.sqlite import SNAPSHOTS_KEPT, SqliteStore
from tokenpit.storage.urls import open_store, sqlite_path

__all__ = [
    "AUDIT_HOUR_NS",
    "MAX_PAGE_ROWS",
    "SNAPSHOTS_KEPT",
    "JournalEntry",
    "Row",
    "Snapshot",
    "SqliteStore",
    "Store",
    "StoreError",
    "open_store",
    "sqlite_path",
]
