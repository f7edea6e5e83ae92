"""Project a batch of domain events into the read-model tables: the write half of the hot path.

Events are sorted into parameter rows, one collection per statement, and each statement
then runs once for all its rows: the frequent ones several rows per step (see `batching`).
A row is the event's own value tuple (`msgspec.structs.astuple`, done in C), bound in field
order or by field number (`?3`), so no Python code copies fields one by one; statements
are fixed strings, which sqlite3 prepares once and caches.

Order and coalescing. The statements run in lifecycle order (accounts are opened before
their balances change, endpoints registered before they are graded, certificates issued
before their status changes, instruments listed before they close, orders, trades, lots,
audits, then ledger entries), and the tables do not depend on each other, so the result
equals applying the events one by one for every stream the exchange emits. Several
updates of one order, lot, account balance or certificate status inside a batch collapse
to the last one, which is all an upsert would have kept.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from typing import Any

import msgspec

from tokenpit.core.events import (
    AccountOpened,
    AnyEvent,
    AuditRecorded,
    AutoBuySet,
    BalanceChanged,
    BookChanged,
    CertificateIssued,
    CertificateSuperseded,
    CertificateSuspended,
    CertificateWithdrawn,
    DeliveryRecorded,
    EndpointDefaulted,
    EndpointGradeSet,
    EndpointRegistered,
    Event,
    InstrumentClosed,
    InstrumentListed,
    LotUpdated,
    OrderUpdated,
    TradeExecuted,
    TransferPosted,
)
from tokenpit.storage.batching import RowStatement

Params = tuple[Any, ...]


def _bind(event_type: type[Event], sql: str) -> str:
    """Return `sql` with each `:field` replaced by the number (`?N`) of that event field.

    The highest number must be the event's last field: sqlite3 wants exactly as many values
    as that number, and it is given the whole value tuple.
    """
    fields = event_type.__struct_fields__
    return re.sub(r":([a-z_]+)", lambda name: f"?{fields.index(name[1]) + 1}", sql)


def _columns(event_type: type[Event]) -> list[str]:
    """Return the columns that hold an event's fields, in order (`ts_ns` as `updated_ns`)."""
    return ["updated_ns" if field == "ts_ns" else field for field in event_type.__struct_fields__]


def _insert(table: str, event_type: type[Event]) -> RowStatement:
    """Return an insert of whole event value tuples into `table`."""
    fields = event_type.__struct_fields__
    head = f"INSERT INTO {table} ({', '.join(fields)}) VALUES"
    return RowStatement(head, f"({', '.join('?' * len(fields))})", len(fields))


def _upsert(table: str, event_type: type[Event], key: str) -> RowStatement:
    """Return an upsert of whole event value tuples into `table`; the last state wins."""
    columns = _columns(event_type)
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES"
    changes = ", ".join(f"{column} = excluded.{column}" for column in columns if column != key)
    tail = f"ON CONFLICT ({key}) DO UPDATE SET {changes}"
    return RowStatement(head, f"({', '.join('?' * len(columns))})", len(columns), tail)


_INSERT_ACCOUNT = "INSERT INTO accounts (account_id, name, roles, created_ns) VALUES (?, ?, ?, ?)"
_UPDATE_BALANCES = _bind(
    BalanceChanged,
    "UPDATE accounts SET cash_micros = :cash_micros, held_micros = :held_micros, "
    "bond_micros = :bond_micros, available_micros = :available_micros "
    "WHERE account_id = :account_id",
)
_INSERT_ENDPOINT = _bind(
    EndpointRegistered,
    "INSERT INTO endpoints (endpoint_id, account_id, url, model, capacity_units, registered_ns) "
    "VALUES (:endpoint_id, :account_id, :url, :model, :capacity_units, :ts_ns)",
)
_UPDATE_GRADE = _bind(
    EndpointGradeSet,
    "UPDATE endpoints SET grade = :grade, certificate_id = :certificate_id "
    "WHERE endpoint_id = :endpoint_id",
)
# A certificate's row is its event's values (ts_ns as issued_ns; scores, overall and
# features as JSON text), then its status and the time of that status.
_CERTIFICATE_COLUMNS = (
    *("issued_ns" if field == "ts_ns" else field for field in CertificateIssued.__struct_fields__),
    "status",
    "updated_ns",
)
_INSERT_CERTIFICATE = (
    f"INSERT INTO certificates ({', '.join(_CERTIFICATE_COLUMNS)}) "  # noqa: S608 (fixed text)
    f"VALUES ({', '.join('?' * len(_CERTIFICATE_COLUMNS))})"
)
_JSON_FIELDS = tuple(
    CertificateIssued.__struct_fields__.index(name) for name in ("overall", "scores", "features")
)
_UPDATE_CERTIFICATE_STATUS = (
    "UPDATE certificates SET status = ?, updated_ns = ? WHERE certificate_id = ?"
)
_UPDATE_SUSPENDED_REASON = "UPDATE certificates SET suspended_reason = ? WHERE certificate_id = ?"
_INSERT_AUDIT = _insert("audits", AuditRecorded)
_UPSERT_INSTRUMENT = _bind(
    InstrumentListed,
    "INSERT INTO instruments (symbol, grade, period_start_ns, period_end_ns, status) "
    "VALUES (:instrument, :grade, :period_start_ns, :period_end_ns, 'listed') "
    "ON CONFLICT (symbol) DO UPDATE SET grade = excluded.grade, "
    "period_start_ns = excluded.period_start_ns, period_end_ns = excluded.period_end_ns, "
    "status = 'listed'",
)
_CLOSE_INSTRUMENT = _bind(
    InstrumentClosed, "UPDATE instruments SET status = 'closed' WHERE symbol = :instrument"
)
_UPSERT_ORDER = _upsert("orders", OrderUpdated, "order_id")
_INSERT_TRADE = _insert("trades", TradeExecuted)
_UPSERT_LOT = _upsert("lots", LotUpdated, "lot_id")
_INSERT_DELIVERY = _insert("deliveries", DeliveryRecorded)
_UPDATE_AUTO_BUY = _bind(
    AutoBuySet,
    "UPDATE accounts SET auto_buy_max_price_micros = :max_price_micros "
    "WHERE account_id = :account_id",
)
# Each transfer's value tuple writes its entry and then its counter-entry, so their entry
# ids are adjacent.
_INSERT_ENTRIES = RowStatement(
    "INSERT INTO ledger (transfer_id, account_id, book, amount_micros, reason, ref, seq, ts_ns) "
    "VALUES",
    _bind(
        TransferPosted,
        "(:transfer_id, :source_account_id, :source_book, -:amount_micros, :reason, :ref, "
        ":seq, :ts_ns), (:transfer_id, :destination_account_id, :destination_book, "
        ":amount_micros, :reason, :ref, :seq, :ts_ns)",
    ),
    len(TransferPosted.__struct_fields__),
)


class _Rows:
    """One batch's parameter rows, one collection per statement."""

    __slots__ = (
        "accounts",
        "audits",
        "auto_buys",
        "balances",
        "certificate_statuses",
        "certificates",
        "closes",
        "deliveries",
        "endpoints",
        "grades",
        "instruments",
        "lots",
        "orders",
        "suspensions",
        "trades",
        "transfers",
    )

    def __init__(self) -> None:
        self.orders: dict[int, Params] = {}
        self.balances: dict[int, Params] = {}
        self.trades: list[Params] = []
        self.lots: dict[int, Params] = {}
        self.transfers: list[Params] = []
        self.accounts: list[Params] = []
        self.endpoints: list[Params] = []
        self.grades: dict[int, Params] = {}
        self.instruments: list[Params] = []
        self.closes: list[Params] = []
        self.deliveries: list[Params] = []
        self.auto_buys: dict[int, Params] = {}
        self.certificates: list[Params] = []
        self.certificate_statuses: dict[int, Params] = {}  # the last status of each wins
        self.suspensions: dict[int, Params] = {}
        self.audits: list[Params] = []


def project(cursor: sqlite3.Cursor, events: Sequence[AnyEvent]) -> None:
    """Write the read-model rows that `events` imply, inside the caller's transaction."""
    rows = _collect(events)

    # Lifecycle order: see the module's docstring.
    for statement, params in (
        (_INSERT_ACCOUNT, rows.accounts),
        (_UPDATE_BALANCES, rows.balances.values()),
        (_INSERT_ENDPOINT, rows.endpoints),
        (_UPDATE_GRADE, rows.grades.values()),
        (_INSERT_CERTIFICATE, rows.certificates),
        (_UPDATE_CERTIFICATE_STATUS, rows.certificate_statuses.values()),
        (_UPDATE_SUSPENDED_REASON, rows.suspensions.values()),
        (_UPSERT_INSTRUMENT, rows.instruments),
        (_CLOSE_INSTRUMENT, rows.closes),
        (_UPDATE_AUTO_BUY, rows.auto_buys.values()),
    ):
        if params:
            cursor.executemany(statement, params)
    for batched, values in (
        (_UPSERT_ORDER, rows.orders.values()),
        (_INSERT_TRADE, rows.trades),
        (_UPSERT_LOT, rows.lots.values()),
        (_INSERT_DELIVERY, rows.deliveries),
        (_INSERT_AUDIT, rows.audits),
        (_INSERT_ENTRIES, rows.transfers),
    ):
        if values:
            batched.run(cursor, values)


def _collect(events: Sequence[AnyEvent]) -> _Rows:
    """Sort events into parameter rows; the frequent kinds are tested first."""
    astuple = msgspec.structs.astuple
    rows = _Rows()
    orders, balances, trades, lots = rows.orders, rows.balances, rows.trades, rows.lots
    transfers = rows.transfers

    for event in events:
        if isinstance(event, OrderUpdated):
            orders[event.order_id] = astuple(event)
        elif isinstance(event, BalanceChanged):
            balances[event.account_id] = astuple(event)
        elif isinstance(event, BookChanged):
            continue
        elif isinstance(event, TradeExecuted):
            trades.append(astuple(event))
        elif isinstance(event, LotUpdated):
            lots[event.lot_id] = astuple(event)
        elif isinstance(event, TransferPosted):
            transfers.append(astuple(event))
        elif isinstance(event, DeliveryRecorded):
            rows.deliveries.append(astuple(event))
        else:
            _collect_rare(rows, event)
    return rows


def _collect_rare(rows: _Rows, event: AnyEvent) -> None:
    """Sort one of the events that come a few times a day (accounts, endpoints, instruments)."""
    if isinstance(event, AccountOpened):
        roles = json.dumps(event.roles)
        rows.accounts.append((event.account_id, event.name, roles, event.ts_ns))
    elif isinstance(event, EndpointRegistered):
        rows.endpoints.append(msgspec.structs.astuple(event))
    elif isinstance(event, EndpointGradeSet):
        rows.grades[event.endpoint_id] = msgspec.structs.astuple(event)
    elif isinstance(event, InstrumentListed):
        rows.instruments.append(msgspec.structs.astuple(event))
    elif isinstance(event, InstrumentClosed):
        rows.closes.append(msgspec.structs.astuple(event))
    elif isinstance(event, AutoBuySet):
        rows.auto_buys[event.account_id] = msgspec.structs.astuple(event)
    elif isinstance(event, EndpointDefaulted):
        return  # its lots' new state arrives as LotUpdated events
    else:
        _collect_certification(rows, event)


def _collect_certification(rows: _Rows, event: AnyEvent) -> None:
    """Sort an event of certificates and audits."""
    if isinstance(event, AuditRecorded):
        rows.audits.append(msgspec.structs.astuple(event))
    elif isinstance(event, CertificateIssued):
        row = list(msgspec.structs.astuple(event))
        for index in _JSON_FIELDS:
            row[index] = msgspec.json.encode(row[index]).decode()
        rows.certificates.append((*row, "valid", event.ts_ns))
    elif isinstance(event, CertificateSuperseded):
        _certificate_status(rows, event, "superseded")
    elif isinstance(event, CertificateWithdrawn):
        _certificate_status(rows, event, "withdrawn")
    elif isinstance(event, CertificateSuspended):
        _certificate_status(rows, event, "suspended")
        rows.suspensions[event.certificate_id] = (event.reason, event.certificate_id)
    else:
        raise TypeError(f"cannot project event {event!r}: no read model knows its type")


def _certificate_status(
    rows: _Rows,
    event: CertificateSuperseded | CertificateWithdrawn | CertificateSuspended,
    status: str,
) -> None:
    rows.certificate_statuses[event.certificate_id] = (status, event.ts_ns, event.certificate_id)
