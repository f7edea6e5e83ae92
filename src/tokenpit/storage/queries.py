"""Read the read models: pages of orders, trades, lots, ledger entries and certificates.

Every query is one SELECT, so it sees one committed state of the database. Filter values
are always bound as parameters; only fixed clause text is put together here. Rows come
back as dicts keyed by the events' field names.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from tokenpit.storage.base import Row

MAX_PAGE_ROWS = 1000
"""The most rows one page holds; a `limit` outside 1..MAX_PAGE_ROWS is clamped into it."""

_ORDER_COLUMNS = (
    "order_id, account_id, client_order_id, instrument, side, type, price_micros, lots, "
    "filled_lots, remaining_lots, time_in_force, expire_at_ns, post_only, endpoint_id, status, "
    "reason, message, created_ns, updated_ns"
)
_TRADE_COLUMNS = (
    "trade_id, instrument, price_micros, lots, units, buy_order_id, sell_order_id, "
    "buyer_account_id, seller_account_id, aggressor_side, seq, ts_ns"
)
_LOT_COLUMNS = (
    "lot_id, trade_id, instrument, period_start_ns, period_end_ns, buyer_account_id, "
    "seller_account_id, endpoint_id, units, price_micros, notional_micros, bond_micros, "
    "delivered_units, paid_micros, refunded_micros, fee_micros, status, offgrade_units, "
    "discount_micros, penalty_micros, updated_ns"
)
_DELIVERY_COLUMNS = (
    "delivery_id, request_id, lot_id, instrument, buyer_account_id, seller_account_id, "
    "endpoint_id, outcome, reason, input_tokens, output_tokens, units, charged_units, "
    "unbilled_units, reported_input_tokens, reported_output_tokens, ttft_ms, duration_ms, "
    "output_tps, streamed, paid_micros, refunded_micros, ts_ns"
)
_LEDGER_COLUMNS = "entry_id, transfer_id, account_id, book, amount_micros, reason, ref, seq, ts_ns"
_ENDPOINT_COLUMNS = (
    "e.endpoint_id, e.account_id, e.url, e.model, e.capacity_units, e.grade, e.registered_ns, "
    "e.certificate_id, c.status AS certificate_status, "
    "c.expires_at_ns AS certificate_expires_at_ns"
)
_CERTIFICATE_COLUMNS = (
    "certificate_id, endpoint_id, account_id, grade, method, suite_version, overall, scores, "
    "ttft_p95_ms, output_tps_median, context_tokens, features, items_used, issued_ns, "
    "expires_at_ns, reason, status, suspended_reason, updated_ns"
)
# A certificate's audits before a time (each `?`): what has been audited so far, by hour.
_AUDIT_COUNTS = (
    "(SELECT COUNT(*) FROM audits AS a WHERE a.certificate_id = certificates.certificate_id "
    "AND a.ts_ns < ?) AS audits, "
    "(SELECT COALESCE(SUM(a.passed), 0) FROM audits AS a "
    "WHERE a.certificate_id = certificates.certificate_id AND a.ts_ns < ?) AS audit_passed"
)
AUDIT_HOUR_NS = 3_600 * 1_000_000_000
"""The length of the buckets that audits are counted in."""
_ACCOUNT_COLUMNS = (
    "account_id, name, roles, created_ns, cash_micros, held_micros, bond_micros, available_micros"
)
_INSTRUMENT_COLUMNS = "symbol, grade, period_start_ns, period_end_ns, status"


class _Filter:
    """A WHERE clause under construction: fixed clause text and the values it binds."""

    __slots__ = ("clauses", "params")

    def __init__(self) -> None:
        self.clauses: list[str] = []
        self.params: list[Any] = []

    def add(self, clause: str, value: object) -> None:
        """Require `clause` (with one `?`) for `value`, unless `value` is None."""
        if value is not None:
            self.clauses.append(clause)
            self.params.append(value)

    def sql(self) -> str:
        """Return the clauses joined by AND (`1` when there is none)."""
        return " AND ".join(self.clauses) or "1"


def clamp_limit(limit: int) -> int:
    """Return `limit` clamped to 1..MAX_PAGE_ROWS."""
    return max(1, min(limit, MAX_PAGE_ROWS))


def _dicts(cursor: sqlite3.Cursor, rows: Sequence[Sequence[Any]]) -> list[Row]:
    """Turn result rows into dicts keyed by column name."""
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in rows]


def _fetch(connection: sqlite3.Connection, sql: str, params: Sequence[Any]) -> list[Row]:
    """Run one SELECT and return its rows as dicts."""
    cursor = connection.execute(sql, params)
    return _dicts(cursor, cursor.fetchall())


def select_orders(
    connection: sqlite3.Connection,
    account_id: int,
    *,
    status: str | None,
    instrument: str | None,
    limit: int,
    before_id: int | None,
) -> list[Row]:
    """Return a page of an account's orders, newest first."""
    where = _Filter()
    where.add("account_id = ?", account_id)
    where.add("status = ?", status)
    where.add("instrument = ?", instrument)
    where.add("order_id < ?", before_id)
    sql = (
        f"SELECT {_ORDER_COLUMNS} FROM orders WHERE {where.sql()} "  # noqa: S608 (fixed text)
        "ORDER BY order_id DESC LIMIT ?"
    )
    rows = _fetch(connection, sql, [*where.params, clamp_limit(limit)])
    for row in rows:
        row["post_only"] = bool(row["post_only"])
    return rows


def select_trades(
    connection: sqlite3.Connection,
    *,
    instrument: str | None,
    account_id: int | None,
    since_ns: int | None,
    limit: int,
    before_id: int | None,
) -> list[Row]:
    """Return a page of trades, newest first; of one account (with its `side`) when given."""
    where = _Filter()
    where.add("instrument = ?", instrument)
    where.add("ts_ns >= ?", since_ns)
    where.add("trade_id < ?", before_id)
    limit = clamp_limit(limit)
    if account_id is None:
        sql = (
            f"SELECT {_TRADE_COLUMNS} FROM trades WHERE {where.sql()} "  # noqa: S608 (fixed text)
            "ORDER BY trade_id DESC LIMIT ?"
        )
        return _fetch(connection, sql, [*where.params, limit])

    # One index range per side, each already newest first and cut to the page, then merged:
    # cheaper than an OR over both columns, which would sort all of the account's trades.
    # A trade with the account on both sides appears twice, once per side.
    sql = (
        f"SELECT * FROM (SELECT {_TRADE_COLUMNS}, 'buy' AS side FROM trades "  # noqa: S608
        f"WHERE buyer_account_id = ? AND {where.sql()} ORDER BY trade_id DESC LIMIT ?) "
        f"UNION ALL SELECT * FROM (SELECT {_TRADE_COLUMNS}, 'sell' AS side FROM trades "
        f"WHERE seller_account_id = ? AND {where.sql()} ORDER BY trade_id DESC LIMIT ?) "
        "ORDER BY trade_id DESC, side LIMIT ?"
    )
    params = [account_id, *where.params, limit, account_id, *where.params, limit, limit]
    return _fetch(connection, sql, params)


def select_lots(
    connection: sqlite3.Connection,
    account_id: int,
    *,
    instrument: str | None,
    status: str | None,
    limit: int,
    before_id: int | None,
) -> list[Row]:
    """Return a page of the lots an account bought or sold, newest first."""
    where = _Filter()
    where.add("instrument = ?", instrument)
    where.add("status = ?", status)
    where.add("lot_id < ?", before_id)
    limit = clamp_limit(limit)

    # As for trades, one index range per side; a lot the account is both sides of comes once.
    sql = (
        f"SELECT * FROM (SELECT {_LOT_COLUMNS} FROM lots "  # noqa: S608 (fixed text)
        f"WHERE buyer_account_id = ? AND {where.sql()} ORDER BY lot_id DESC LIMIT ?) "
        f"UNION ALL SELECT * FROM (SELECT {_LOT_COLUMNS} FROM lots "
        f"WHERE seller_account_id = ? AND buyer_account_id != ? AND {where.sql()} "
        "ORDER BY lot_id DESC LIMIT ?) "
        "ORDER BY lot_id DESC LIMIT ?"
    )
    params = [account_id, *where.params, limit, account_id, account_id, *where.params, limit]
    return _fetch(connection, sql, [*params, limit])


def select_deliveries(
    connection: sqlite3.Connection,
    account_id: int | None,
    *,
    endpoint_id: int | None,
    limit: int,
    before_id: int | None,
) -> list[Row]:
    """Return a page of deliveries an account bought or served (all when None), newest first."""
    where = _Filter()
    where.add("endpoint_id = ?", endpoint_id)
    where.add("delivery_id < ?", before_id)
    limit = clamp_limit(limit)
    if account_id is None:
        sql = (
            f"SELECT {_DELIVERY_COLUMNS} FROM deliveries "  # noqa: S608 (fixed text)
            f"WHERE {where.sql()} ORDER BY delivery_id DESC LIMIT ?"
        )
        rows = _fetch(connection, sql, [*where.params, limit])
    else:
        sql = (
            f"SELECT * FROM (SELECT {_DELIVERY_COLUMNS} FROM deliveries "  # noqa: S608
            f"WHERE buyer_account_id = ? AND {where.sql()} ORDER BY delivery_id DESC LIMIT ?) "
            f"UNION ALL SELECT * FROM (SELECT {_DELIVERY_COLUMNS} FROM deliveries "
            f"WHERE seller_account_id = ? AND buyer_account_id != ? AND {where.sql()} "
            "ORDER BY delivery_id DESC LIMIT ?) "
            "ORDER BY delivery_id DESC LIMIT ?"
        )
        params = [account_id, *where.params, limit, account_id, account_id, *where.params]
        rows = _fetch(connection, sql, [*params, limit, limit])
    for row in rows:
        row["streamed"] = bool(row["streamed"])
    return rows


def select_endpoint_deliveries(connection: sqlite3.Connection, recent: int) -> list[Row]:
    """Return every endpoint, in registration order, with its certificate and deliveries.

    Each row has the endpoint's grade and current certificate (id, stored status, expiry),
    `deliveries` (how many it ever served) and `recent`: the outcome and time to first token
    of its latest `recent` deliveries, newest first, as `[outcome, ttft_ms]` pairs. Neither
    URL, model nor any credential is read.
    """
    sql = (
        "SELECT e.endpoint_id, e.grade, e.certificate_id, c.status AS certificate_status, "
        "c.expires_at_ns AS certificate_expires_at_ns, "
        "(SELECT COUNT(*) FROM deliveries AS d WHERE d.endpoint_id = e.endpoint_id) "
        "AS deliveries, "
        # Each endpoint's latest deliveries come from its index range, newest first.
        "(SELECT json_group_array(json_array(outcome, ttft_ms)) FROM (SELECT outcome, ttft_ms "
        "FROM deliveries AS d WHERE d.endpoint_id = e.endpoint_id "
        "ORDER BY delivery_id DESC LIMIT ?)) AS recent "
        "FROM endpoints AS e LEFT JOIN certificates AS c ON c.certificate_id = e.certificate_id "
        "ORDER BY e.endpoint_id"
    )
    rows = _fetch(connection, sql, [max(1, recent)])
    for row in rows:
        row["recent"] = [(outcome, ttft_ms) for outcome, ttft_ms in json.loads(row["recent"])]
    return rows


def select_ledger(
    connection: sqlite3.Connection, account_id: int, *, limit: int, before_id: int | None
) -> list[Row]:
    """Return a page of an account's ledger entries (signed amounts), newest first."""
    where = _Filter()
    where.add("account_id = ?", account_id)
    where.add("entry_id < ?", before_id)
    sql = (
        f"SELECT {_LEDGER_COLUMNS} FROM ledger WHERE {where.sql()} "  # noqa: S608 (fixed text)
        "ORDER BY entry_id DESC LIMIT ?"
    )
    return _fetch(connection, sql, [*where.params, clamp_limit(limit)])


def select_endpoints(connection: sqlite3.Connection, account_id: int | None) -> list[Row]:
    """Return endpoints in the order they were registered, of one account when given.

    Each has its current certificate's id, stored status and expiry (None without one).
    """
    where = _Filter()
    where.add("e.account_id = ?", account_id)
    sql = (
        f"SELECT {_ENDPOINT_COLUMNS} FROM endpoints AS e "  # noqa: S608 (fixed text)
        "LEFT JOIN certificates AS c ON c.certificate_id = e.certificate_id "
        f"WHERE {where.sql()} ORDER BY e.endpoint_id"
    )
    return _fetch(connection, sql, where.params)


def select_certificates(
    connection: sqlite3.Connection,
    *,
    endpoint_id: int | None,
    grade: str | None,
    status: str | None,
    now_ns: int,
    audits_before_ns: int,
    limit: int,
    before_id: int | None,
) -> list[Row]:
    """Return a page of certificates, newest first, counting their audits before a time.

    `status` filters by the status shown at `now_ns`: "expired" selects valid certificates
    whose expiry has come, "valid" those whose expiry has not; rows hold the stored status.
    """
    where = _Filter()
    where.add("endpoint_id = ?", endpoint_id)
    where.add("grade = ?", grade)
    where.add("status = ?", "valid" if status == "expired" else status)
    where.add("expires_at_ns > ?", now_ns if status == "valid" else None)
    where.add("expires_at_ns <= ?", now_ns if status == "expired" else None)
    where.add("certificate_id < ?", before_id)
    sql = (
        f"SELECT {_CERTIFICATE_COLUMNS}, {_AUDIT_COUNTS} FROM certificates "  # noqa: S608
        f"WHERE {where.sql()} ORDER BY certificate_id DESC LIMIT ?"
    )
    params = [audits_before_ns, audits_before_ns, *where.params, clamp_limit(limit)]
    return [_certificate(row) for row in _fetch(connection, sql, params)]


def select_certificate(
    connection: sqlite3.Connection, certificate_id: int, *, audits_before_ns: int
) -> Row | None:
    """Return one certificate, counting its audits before a time, or None if there is none."""
    sql = (
        f"SELECT {_CERTIFICATE_COLUMNS}, {_AUDIT_COUNTS} FROM certificates "  # noqa: S608
        "WHERE certificate_id = ?"
    )
    rows = _fetch(connection, sql, [audits_before_ns, audits_before_ns, certificate_id])
    return _certificate(rows[0]) if rows else None


def _certificate(row: Row) -> Row:
    for name in ("overall", "scores", "features"):
        row[name] = json.loads(row[name])
    return row


def select_audit_hours(
    connection: sqlite3.Connection, certificate_id: int, *, until_ns: int, hours: int
) -> list[Row]:
    """Return a certificate's audits by hour (start, items, passed) before `until_ns`.

    Only the latest `hours` hours that hold audits, oldest first.
    """
    sql = (
        "SELECT * FROM (SELECT ts_ns / ?1 * ?1 AS hour_start_ns, COUNT(*) AS items, "
        "SUM(passed) AS passed FROM audits WHERE certificate_id = ?2 AND ts_ns < ?3 "
        "GROUP BY hour_start_ns ORDER BY hour_start_ns DESC LIMIT ?4) ORDER BY hour_start_ns"
    )
    return _fetch(connection, sql, [AUDIT_HOUR_NS, certificate_id, until_ns, max(1, hours)])


def select_account(connection: sqlite3.Connection, account_id: int) -> Row | None:
    """Return an account with its latest balances, or None if there is no such account."""
    sql = f"SELECT {_ACCOUNT_COLUMNS} FROM accounts WHERE account_id = ?"  # noqa: S608 (fixed text)
    rows = _fetch(connection, sql, [account_id])
    if not rows:
        return None
    row = rows[0]
    row["roles"] = json.loads(row["roles"])
    return row


def select_instruments(connection: sqlite3.Connection, status: str | None) -> list[Row]:
    """Return instruments by period start, then symbol; only those in `status` when given."""
    where = _Filter()
    where.add("status = ?", status)
    sql = (
        f"SELECT {_INSTRUMENT_COLUMNS} FROM instruments WHERE {where.sql()} "  # noqa: S608
        "ORDER BY period_start_ns, symbol"
    )
    return _fetch(connection, sql, where.params)
