"""What the store tells of each endpoint publicly: its certificate and its latest deliveries."""

from __future__ import annotations

from tokenpit.storage import SqliteStore
from tokenpit.testing.events import (
    certificate_issued,
    delivery_recorded,
    endpoint_grade_set,
    endpoint_registered,
    journal_entry,
)


def test_each_endpoint_has_its_certificate_count_and_latest_outcomes(store: SqliteStore) -> None:
    store.commit(
        [journal_entry(1)],
        [
            endpoint_registered(1, 7),
            endpoint_registered(2, 7),
            certificate_issued(1),
            endpoint_grade_set(1, 7, "B", certificate_id=1),
            delivery_recorded(1, ttft_ms=100),
            delivery_recorded(2, outcome="failed", ttft_ms=0),
            delivery_recorded(3, outcome="off_grade", ttft_ms=2_000),
        ],
    )

    rows = store.endpoint_deliveries(recent=2)

    assert [(row["endpoint_id"], row["grade"], row["certificate_id"]) for row in rows] == [
        (1, "B", 1),
        (2, None, None),
    ]
    assert (rows[0]["certificate_status"], rows[0]["deliveries"]) == ("valid", 3)
    assert rows[0]["recent"] == [("off_grade", 2_000), ("failed", 0)]
    assert (rows[1]["deliveries"], rows[1]["recent"]) == (0, [])


def test_no_url_model_or_credential_is_read(store: SqliteStore) -> None:
    store.commit([journal_entry(1)], [endpoint_registered(1, 7)])

    (row,) = store.endpoint_deliveries(recent=10)

    assert not {"url", "model", "account_id", "credential_token"} & set(row)
