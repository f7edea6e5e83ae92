"""open_store: the database URL forms it accepts and the ones it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from tokenpit.storage import JournalEntry, SqliteStore, open_store, sqlite_path
from tokenpit.storage.urls import redacted


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("tokenpit.db", "tokenpit.db"),
        ("/var/lib/tokenpit/tokenpit.db", "/var/lib/tokenpit/tokenpit.db"),
        ("sqlite:///data/tokenpit.db", "data/tokenpit.db"),
        ("sqlite:////var/lib/tokenpit.db", "/var/lib/tokenpit.db"),
        ("sqlite://:memory:", ":memory:"),
        ("sqlite:///:memory:", ":memory:"),
    ],
)
def test_sqlite_urls_name_a_path(url: str, path: str) -> None:
    assert sqlite_path(url) == path


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("postgresql://db/tokenpit", "PostgreSQL is not supported yet"),
        ("postgres://db/tokenpit", "PostgreSQL is not supported yet"),
        ("postgresql+psycopg://db/tokenpit", "PostgreSQL is not supported yet"),
        ("mysql://db/tokenpit", "is not supported"),
        ("sqlite://tokenpit.db", "is not supported"),
        ("sqlite:///", "is not supported"),
        ("", "is empty"),
    ],
)
def test_other_urls_are_refused_with_the_url_and_the_forms_named(url: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem) as caught:
        sqlite_path(url)
    assert repr(url) in str(caught.value)
    assert "sqlite:///relative/path.db" in str(caught.value)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:hunter2@localhost/x", "'postgresql://***@localhost/x'"),
        ("postgres://hunter2@db:5432/x", "'postgres://***@db:5432/x'"),
        ("postgresql+psycopg://u:hun/ter?2@db/x", "'postgresql+psycopg://***@db/x'"),
        ("postgresql://u:hunter2@db@db/x", "'postgresql://***@db/x'"),
        ("postgresql://db/x?user=u&password=hunter2", "'postgresql://db/x?***'"),
        ("mysql://root:hunter2@db/x", "'mysql://***@db/x'"),
        ("sqlite://u:hunter2@tokenpit.db", "'sqlite://***@tokenpit.db'"),
    ],
)
def test_a_refused_url_is_named_without_its_credentials(url: str, shown: str) -> None:
    with pytest.raises(ValueError, match="not supported") as caught:
        sqlite_path(url)

    assert "hunter2" not in str(caught.value)
    assert "hun/ter" not in str(caught.value)
    assert f"database URL {shown}" in str(caught.value)


@pytest.mark.parametrize("url", ["tokenpit.db", "sqlite:///data/x.db", "postgresql://db/x"])
def test_a_url_without_credentials_is_shown_as_it_is(url: str) -> None:
    assert redacted(url) == url


def test_open_store_opens_a_migrated_sqlite_file(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/exchange.db")
    try:
        assert isinstance(store, SqliteStore)
        store.commit([JournalEntry(1, 10, b"{}")], [])
        assert store.last_seq() == 1
    finally:
        store.close()
    assert (tmp_path / "exchange.db").exists()


def test_open_store_opens_memory_for_tests() -> None:
    store = open_store("sqlite://:memory:")
    try:
        assert store.last_seq() == 0
        assert store.last_snapshot() is None
    finally:
        store.close()


def test_an_unknown_synchronous_mode_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="synchronous='OFF' is not one of FULL, NORMAL"):
        open_store(str(tmp_path / "x.db"), synchronous="OFF")
