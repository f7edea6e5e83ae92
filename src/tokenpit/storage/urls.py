"""Open a store from the database URL the operator gives (`tokenpit serve --db URL`)."""

from __future__ import annotations

from tokenpit.storage.base import Store
from tokenpit.storage.sqlite import MEMORY, SqliteStore

SQLITE_PREFIX = "sqlite:///"
SQLITE_MEMORY_URLS = ("sqlite://:memory:", "sqlite:///:memory:")
SUPPORTED_FORMS = (
    "a file path such as tokenpit.db, "
    "sqlite:///relative/path.db, sqlite:////absolute/path.db, "
    "or sqlite://:memory: (tests)"
)


def sqlite_path(url: str) -> str:
    """Return the SQLite database path a URL names (`:memory:` for an in-memory database).

    As in SQLAlchemy, what follows `sqlite:///` is the path, so `sqlite:///data/x.db` is
    relative to the working directory and `sqlite:////var/lib/x.db` is absolute. A URL of
    another scheme is refused with `ValueError`.
    """
    if url in SQLITE_MEMORY_URLS:
        return MEMORY

    scheme, separator, _ = url.partition("://")
    if not separator:
        if not url.strip():
            raise ValueError(f"database URL {url!r} is empty; use {SUPPORTED_FORMS}")
        return url

    if scheme in ("postgresql", "postgres") or scheme.startswith("postgresql+"):
        raise ValueError(
            f"database URL {redacted(url)!r}: PostgreSQL is not supported yet (it is planned); "
            f"use {SUPPORTED_FORMS}"
        )
    if scheme != "sqlite" or not url.startswith(SQLITE_PREFIX) or url == SQLITE_PREFIX:
        raise ValueError(f"database URL {redacted(url)!r} is not supported; use {SUPPORTED_FORMS}")
    return url.removeprefix(SQLITE_PREFIX)


def redacted(url: str) -> str:
    """Return `url` fit for a message or a log: its user, password and query hidden.

    Everything up to the last `@` after the scheme is taken for user and password, so a
    password holding an unescaped `/`, `?` or `@` is hidden too; a query may carry a
    password (libpq reads `?password=`), so it is hidden whole. A plain path is returned
    as it is.
    """
    scheme, separator, rest = url.partition("://")
    if not separator:
        return url
    if "@" in rest:
        rest = "***@" + rest.rpartition("@")[2]
    location, question, _ = rest.partition("?")
    return f"{scheme}://{location}{'?***' if question else ''}"


def open_store(url: str, *, synchronous: str = "FULL") -> Store:
    """Open the store a database URL names, with its schema migrated.

    See `sqlite_path` for the forms accepted, and `SqliteStore` for `synchronous`.
    """
    store = SqliteStore(sqlite_path(url), synchronous=synchronous)
    try:
        store.migrate()
    except BaseException:
        store.close()
        raise
    return store
