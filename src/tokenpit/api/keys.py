"""API keys: random, shown once to their owner, kept only as a hash.

A key is `tp_` and 32 random bytes in URL-safe base64. Its SHA-256 is all the exchange
keeps: a key that random cannot be guessed from its hash, so no slow hash is needed.
"""

from __future__ import annotations

import hashlib
import secrets

from tokenpit.core.sequencer import Core
from tokenpit.core.state import AccountRecord

KEY_PREFIX = "tp_"
KEY_BYTES = 32


def new_api_key() -> str:
    """Return a fresh random API key."""
    return KEY_PREFIX + secrets.token_urlsafe(KEY_BYTES)


def hash_api_key(key: str) -> str:
    """Return the hex SHA-256 of `key`, the form the exchange stores and looks keys up by."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def bearer_key(authorization: str | None) -> str | None:
    """Return the key an Authorization header carries, or None if it carries no bearer key."""
    if authorization is None:
        return None
    scheme, _, key = authorization.partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key:
        return None
    return key


def account_for_key(core: Core, key: str) -> AccountRecord | None:
    """Return the account an API key belongs to."""
    return core.exchange.account_for_key_hash(hash_api_key(key))
