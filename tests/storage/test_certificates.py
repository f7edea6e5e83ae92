"""Certificates and audits in the read models: rows, statuses, filters, hourly counts."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from tokenpit.core.events import CertificateSuperseded, CertificateSuspended, CertificateWithdrawn
from tokenpit.storage import SqliteStore
from tokenpit.storage.schema import MIGRATIONS, migrate
from tokenpit.testing.events import (
    HOUR_NS,
    START_NS,
    audit_recorded,
    certificate_changed,
    certificate_issued,
    endpoint_grade_set,
    endpoint_registered,
    journal_entry,
    ts_at,
)

LATER_NS = START_NS + 10 * HOUR_NS


def certificates(store: SqliteStore, **filters: Any) -> list[int]:
    rows = store.certificates(now_ns=ts_at(5), audits_before_ns=LATER_NS, **filters)
    return [row["certificate_id"] for row in rows]


def test_an_issued_certificate_keeps_every_field(store: SqliteStore) -> None:
    store.commit([journal_entry(3)], [certificate_issued(1, seq=3)])

    assert store.certificate(1, audits_before_ns=LATER_NS) == {
        "certificate_id": 1,
        "endpoint_id": 1,
        "account_id": 7,
        "grade": "B",
        "method": "measured",
        "suite_version": "2026.12",
        "overall": {
            "category": "overall",
            "passed": 90,
            "items": 100,
            "lower": 0.8256,
            "upper": 0.9448,
        },
        "scores": [
            {"category": "tools", "passed": 45, "items": 50, "lower": 0.7864, "upper": 0.9565}
        ],
        "ttft_p95_ms": 900,
        "output_tps_median": 55.5,
        "context_tokens": 32_000,
        "features": ["streaming", "tools"],
        "items_used": 100,
        "issued_ns": ts_at(3),
        "expires_at_ns": ts_at(3) + 24 * HOUR_NS,
        "reason": "measured grade B",
        "status": "valid",
        "suspended_reason": None,
        "updated_ns": ts_at(3),
        "audits": 0,
        "audit_passed": 0,
    }
    assert store.certificate(2, audits_before_ns=LATER_NS) is None


def test_the_last_status_of_a_batch_wins_and_a_suspension_keeps_its_reason(
    store: SqliteStore,
) -> None:
    store.commit(
        [journal_entry(1), journal_entry(2)],
        [
            certificate_issued(1, seq=1),
            certificate_changed(CertificateSuspended, 1, seq=1),
            certificate_changed(CertificateWithdrawn, 1, seq=2),
            certificate_issued(2, seq=2),
            certificate_issued(3, endpoint_id=2, seq=2),
        ],
    )
    store.commit([journal_entry(3)], [certificate_changed(CertificateSuperseded, 3, seq=3)])

    rows = {
        row["certificate_id"]: row
        for row in store.certificates(now_ns=ts_at(3), audits_before_ns=LATER_NS)
    }
    assert {key: row["status"] for key, row in rows.items()} == {
        1: "withdrawn",
        2: "valid",
        3: "superseded",
    }
    assert rows[1]["suspended_reason"] == "audits: certificate 1 failed"
    assert (rows[1]["updated_ns"], rows[3]["updated_ns"]) == (ts_at(2), ts_at(3))


def test_certificates_filter_by_endpoint_grade_and_status_as_of_a_time(
    store: SqliteStore,
) -> None:
    store.commit(
        [journal_entry(1)],
        [
            certificate_issued(1, seq=1, expires_at_ns=ts_at(5)),  # expired at ts_at(5)
            certificate_issued(2, seq=1, grade="A"),
            certificate_issued(3, endpoint_id=2, seq=1, grade="C"),
            certificate_issued(4, endpoint_id=2, seq=1, grade=None),
            certificate_changed(CertificateSuspended, 3, seq=1, endpoint_id=2),
        ],
    )

    assert certificates(store) == [4, 3, 2, 1]
    assert certificates(store, endpoint_id=2) == [4, 3]
    assert certificates(store, grade="A") == [2]
    assert certificates(store, status="valid") == [4, 2]
    assert certificates(store, status="expired") == [1]
    assert certificates(store, status="suspended") == [3]
    assert certificates(store, limit=2, before_id=4) == [3, 2]


def test_audits_count_before_a_time_and_by_hour(store: SqliteStore) -> None:
    audits = [
        audit_recorded(1, True, seq=2, ts_ns=START_NS + 5),
        audit_recorded(1, False, seq=2, ts_ns=START_NS + 6),
        audit_recorded(1, True, seq=3, ts_ns=START_NS + HOUR_NS + 1),
        audit_recorded(1, True, seq=4, ts_ns=START_NS + 3 * HOUR_NS),
        audit_recorded(None, False, seq=4),
    ]
    store.commit([journal_entry(1)], [certificate_issued(1, seq=1)])
    store.commit([journal_entry(2), journal_entry(3), journal_entry(4)], audits)

    counted = store.certificate(1, audits_before_ns=START_NS + 2 * HOUR_NS)
    hours = store.audit_hours(1, until_ns=START_NS + 3 * HOUR_NS, hours=10)
    latest = store.audit_hours(1, until_ns=LATER_NS, hours=2)

    assert counted is not None
    assert (counted["audits"], counted["audit_passed"]) == (3, 2)
    assert hours == [
        {"hour_start_ns": START_NS, "items": 2, "passed": 1},
        {"hour_start_ns": START_NS + HOUR_NS, "items": 1, "passed": 1},
    ]
    assert [hour["hour_start_ns"] for hour in latest] == [
        START_NS + HOUR_NS,
        START_NS + 3 * HOUR_NS,
    ]


def test_an_audit_row_keeps_every_field(store: SqliteStore, db_path: Path) -> None:
    store.commit([journal_entry(2)], [audit_recorded(1, False, seq=2, ttft_ms=None)])

    connection = sqlite3.connect(db_path)
    rows = connection.execute("SELECT * FROM audits").fetchall()
    connection.close()
    assert rows == [(1, 2, ts_at(2), 1, 7, 1, "arithmetic", 0, None, "wrong answer")]


def test_endpoints_carry_their_current_certificate(store: SqliteStore) -> None:
    store.commit(
        [journal_entry(1)],
        [
            endpoint_registered(1, 7, 1),
            endpoint_registered(2, 7, 1),
            certificate_issued(1, seq=1),
            endpoint_grade_set(1, 7, "B", 1, certificate_id=1),
            certificate_changed(CertificateSuspended, 1, seq=1),
            endpoint_grade_set(1, 7, None, 1, certificate_id=1),
        ],
    )

    rows = store.endpoints(7)
    assert [(row["grade"], row["certificate_id"], row["certificate_status"]) for row in rows] == [
        (None, 1, "suspended"),
        (None, None, None),
    ]
    assert rows[0]["certificate_expires_at_ns"] == ts_at(1) + 24 * HOUR_NS


def test_a_database_from_before_certificates_migrates_keeping_its_endpoints(
    db_path: Path,
) -> None:
    connection = sqlite3.connect(db_path, isolation_level=None)
    migrate(connection, lambda: 1, MIGRATIONS[:2])
    connection.execute(
        "INSERT INTO endpoints (endpoint_id, account_id, url, model, capacity_units, grade, "
        "registered_ns) VALUES (1, 7, 'https://8.8.8.8/v1', 'm', 100000, 'B', 5)"
    )
    connection.close()

    with SqliteStore(db_path) as store:
        store.migrate()
        [endpoint] = store.endpoints()
        assert store.schema_version() == len(MIGRATIONS)

    assert (endpoint["grade"], endpoint["certificate_id"], endpoint["certificate_status"]) == (
        "B",
        None,
        None,
    )
