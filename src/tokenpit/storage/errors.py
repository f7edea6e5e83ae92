"""What the store raises when its database fails."""

from __future__ import annotations


class StoreError(Exception):
    """The database refused or failed a write; the transaction was rolled back.

    The core treats it as fatal: what it was about to acknowledge is not durable. The
    database error that caused it is its `__cause__`.
    """
