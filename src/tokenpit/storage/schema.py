"""The SQLite schema as numbered migrations, and the code that applies them in order.

A migration is a tuple of SQL statements. Each one is applied in its own transaction
together with the row that records it in `schema_version`, so a crash mid-way leaves the
database at the previous version. Never edit a released migration: append a new one
(`ALTER TABLE ... ADD COLUMN ...`) so databases already at that version move forward too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Migration = tuple[str, ...]

_JOURNAL = (
    """CREATE TABLE journal (
        seq INTEGER PRIMARY KEY,
        ts_ns INTEGER NOT NULL,
        command BLOB NOT NULL
    )""",
    """CREATE TABLE snapshots (
        seq INTEGER PRIMARY KEY,
        state BLOB NOT NULL,
        taken_ns INTEGER NOT NULL
    )""",
)

_ACCOUNTS = (
    """CREATE TABLE accounts (
        account_id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        roles TEXT NOT NULL,
        created_ns INTEGER NOT NULL,
        cash_micros INTEGER NOT NULL DEFAULT 0,
        held_micros INTEGER NOT NULL DEFAULT 0,
        bond_micros INTEGER NOT NULL DEFAULT 0,
        available_micros INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE endpoints (
        endpoint_id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL,
        url TEXT NOT NULL,
        model TEXT NOT NULL,
        capacity_units INTEGER NOT NULL,
        grade TEXT,
        registered_ns INTEGER NOT NULL
    )""",
    "CREATE INDEX endpoints_by_account ON endpoints (account_id, endpoint_id)",
    """CREATE TABLE instruments (
        symbol TEXT PRIMARY KEY,
        grade TEXT NOT NULL,
        period_start_ns INTEGER NOT NULL,
        period_end_ns INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('listed', 'closed'))
    )""",
)

_TRADING = (
    # Column order follows OrderUpdated's fields, so a row is the event's values as they are.
    """CREATE TABLE orders (
        seq INTEGER NOT NULL,
        updated_ns INTEGER NOT NULL,
        order_id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL,
        client_order_id TEXT,
        instrument TEXT NOT NULL,
        side TEXT NOT NULL,
        type TEXT NOT NULL,
        price_micros INTEGER NOT NULL,
        lots INTEGER NOT NULL,
        filled_lots INTEGER NOT NULL,
        remaining_lots INTEGER NOT NULL,
        time_in_force TEXT NOT NULL,
        expire_at_ns INTEGER NOT NULL,
        post_only INTEGER NOT NULL,
        endpoint_id INTEGER,
        status TEXT NOT NULL,
        reason TEXT,
        message TEXT,
        created_ns INTEGER NOT NULL
    )""",
    "CREATE INDEX orders_by_account ON orders (account_id, order_id DESC)",
    # Partial: most orders carry no client id, and those cost no index entry at all.
    """CREATE INDEX orders_by_client_id ON orders (account_id, client_order_id)
        WHERE client_order_id IS NOT NULL""",
    """CREATE TABLE trades (
        seq INTEGER NOT NULL,
        ts_ns INTEGER NOT NULL,
        trade_id INTEGER PRIMARY KEY,
        instrument TEXT NOT NULL,
        price_micros INTEGER NOT NULL,
        lots INTEGER NOT NULL,
        units INTEGER NOT NULL,
        buy_order_id INTEGER NOT NULL,
        sell_order_id INTEGER NOT NULL,
        buyer_account_id INTEGER NOT NULL,
        seller_account_id INTEGER NOT NULL,
        aggressor_side TEXT NOT NULL
    )""",
    "CREATE INDEX trades_by_instrument ON trades (instrument, trade_id DESC)",
    "CREATE INDEX trades_by_buyer ON trades (buyer_account_id, trade_id DESC)",
    "CREATE INDEX trades_by_seller ON trades (seller_account_id, trade_id DESC)",
    """CREATE TABLE lots (
        seq INTEGER NOT NULL,
        updated_ns INTEGER NOT NULL,
        lot_id INTEGER PRIMARY KEY,
        trade_id INTEGER NOT NULL,
        instrument TEXT NOT NULL,
        period_start_ns INTEGER NOT NULL,
        period_end_ns INTEGER NOT NULL,
        buyer_account_id INTEGER NOT NULL,
        seller_account_id INTEGER NOT NULL,
        endpoint_id INTEGER,
        units INTEGER NOT NULL,
        price_micros INTEGER NOT NULL,
        notional_micros INTEGER NOT NULL,
        bond_micros INTEGER NOT NULL,
        delivered_units INTEGER NOT NULL,
        paid_micros INTEGER NOT NULL,
        refunded_micros INTEGER NOT NULL,
        fee_micros INTEGER NOT NULL,
        status TEXT NOT NULL
    )""",
    "CREATE INDEX lots_by_buyer ON lots (buyer_account_id, lot_id DESC)",
    "CREATE INDEX lots_by_seller ON lots (seller_account_id, lot_id DESC)",
    # amount_micros is signed: the source entry negative, the destination entry positive.
    """CREATE TABLE ledger (
        entry_id INTEGER PRIMARY KEY,
        transfer_id INTEGER NOT NULL,
        account_id INTEGER NOT NULL,
        book TEXT NOT NULL,
        amount_micros INTEGER NOT NULL,
        reason TEXT NOT NULL,
        ref TEXT NOT NULL,
        seq INTEGER NOT NULL,
        ts_ns INTEGER NOT NULL
    )""",
    "CREATE INDEX ledger_by_account ON ledger (account_id, entry_id DESC)",
)

_DELIVERY = (
    "ALTER TABLE lots ADD COLUMN offgrade_units INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE lots ADD COLUMN discount_micros INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE lots ADD COLUMN penalty_micros INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE accounts ADD COLUMN auto_buy_max_price_micros INTEGER",
    # Column order follows DeliveryRecorded's fields.
    """CREATE TABLE deliveries (
        seq INTEGER NOT NULL,
        ts_ns INTEGER NOT NULL,
        delivery_id INTEGER PRIMARY KEY,
        request_id TEXT NOT NULL,
        lot_id INTEGER NOT NULL,
        instrument TEXT NOT NULL,
        buyer_account_id INTEGER NOT NULL,
        seller_account_id INTEGER NOT NULL,
        endpoint_id INTEGER,
        outcome TEXT NOT NULL,
        reason TEXT,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        units INTEGER NOT NULL,
        charged_units INTEGER NOT NULL,
        unbilled_units INTEGER NOT NULL,
        reported_input_tokens INTEGER,
        reported_output_tokens INTEGER,
        ttft_ms INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        output_tps REAL,
        streamed INTEGER NOT NULL,
        paid_micros INTEGER NOT NULL,
        refunded_micros INTEGER NOT NULL
    )""",
    "CREATE INDEX deliveries_by_buyer ON deliveries (buyer_account_id, delivery_id DESC)",
    "CREATE INDEX deliveries_by_seller ON deliveries (seller_account_id, delivery_id DESC)",
    "CREATE INDEX deliveries_by_endpoint ON deliveries (endpoint_id, delivery_id DESC)",
)

_CERTIFICATES = (
    "ALTER TABLE endpoints ADD COLUMN certificate_id INTEGER",
    # Column order follows CertificateIssued's fields (its ts_ns as issued_ns); scores,
    # overall and features are JSON. `status` is the stored one: a valid certificate shows
    # as expired from expires_at_ns on, which readers derive from the time.
    """CREATE TABLE certificates (
        seq INTEGER NOT NULL,
        issued_ns INTEGER NOT NULL,
        certificate_id INTEGER PRIMARY KEY,
        endpoint_id INTEGER NOT NULL,
        account_id INTEGER NOT NULL,
        grade TEXT,
        method TEXT NOT NULL,
        suite_version TEXT NOT NULL,
        overall TEXT NOT NULL,
        scores TEXT NOT NULL,
        ttft_p95_ms INTEGER,
        output_tps_median REAL,
        context_tokens INTEGER,
        features TEXT NOT NULL,
        items_used INTEGER NOT NULL,
        expires_at_ns INTEGER NOT NULL,
        reason TEXT NOT NULL,
        status TEXT NOT NULL,
        suspended_reason TEXT,
        updated_ns INTEGER NOT NULL
    )""",
    "CREATE INDEX certificates_by_endpoint ON certificates (endpoint_id, certificate_id DESC)",
    "CREATE INDEX certificates_by_grade ON certificates (grade, certificate_id DESC)",
    "CREATE INDEX certificates_by_status ON certificates (status, certificate_id DESC)",
    # Column order follows AuditRecorded's fields.
    """CREATE TABLE audits (
        audit_id INTEGER PRIMARY KEY,
        seq INTEGER NOT NULL,
        ts_ns INTEGER NOT NULL,
        endpoint_id INTEGER NOT NULL,
        account_id INTEGER NOT NULL,
        certificate_id INTEGER,
        category TEXT NOT NULL,
        passed INTEGER NOT NULL,
        ttft_ms INTEGER,
        reason TEXT NOT NULL
    )""",
    # Covering: hourly counts of a certificate's audits read the index alone.
    "CREATE INDEX audits_by_certificate ON audits (certificate_id, ts_ns, passed)",
)

MIGRATIONS: tuple[Migration, ...] = (_JOURNAL + _ACCOUNTS + _TRADING, _DELIVERY, _CERTIFICATES)
"""Every migration, oldest first; migration N (counting from 1) brings the schema to version N."""

_VERSION_TABLE = """CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    applied_ns INTEGER NOT NULL
)"""


def schema_version(connection: sqlite3.Connection) -> int:
    """Return the schema version the database is at (0 before any migration)."""
    exists = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if exists is None:
        return 0
    row = connection.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
    return int(row[0])


def migrate(
    connection: sqlite3.Connection,
    clock_ns: Callable[[], int],
    migrations: tuple[Migration, ...] = MIGRATIONS,
) -> int:
    """Apply the migrations the database lacks, each in its own transaction; return the version.

    `connection` must be in autocommit mode (`isolation_level=None`): this function owns its
    transactions. The version is read again inside each write transaction, so two processes
    migrating one file at once apply each migration once.
    """
    connection.execute(_VERSION_TABLE)
    for version, statements in enumerate(migrations, start=1):
        if schema_version(connection) >= version:
            continue

        connection.execute("BEGIN IMMEDIATE")
        try:
            if schema_version(connection) < version:
                for statement in statements:
                    connection.execute(statement)
                connection.execute(
                    "INSERT INTO schema_version (version, applied_ns) VALUES (?, ?)",
                    (version, clock_ns()),
                )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    current = schema_version(connection)
    if current > len(migrations):
        raise RuntimeError(
            f"database schema version {current} is newer than this program knows "
            f"({len(migrations)}); upgrade tokenpit before opening it"
        )
    return current
