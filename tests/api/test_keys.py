"""API keys: random, prefixed, looked up by hash."""

from __future__ import annotations

import hashlib

from tokenpit.api.keys import bearer_key, hash_api_key, new_api_key


def test_keys_are_random_and_prefixed() -> None:
    keys = {new_api_key() for _ in range(100)}

    assert len(keys) == 100
    assert all(key.startswith("tp_") and len(key) == 46 for key in keys)


def test_the_hash_is_the_hex_sha256_of_the_key() -> None:
    assert hash_api_key("tp_x") == hashlib.sha256(b"tp_x").hexdigest()


def test_bearer_keys_are_read_from_the_authorization_header() -> None:
    assert bearer_key("Bearer tp_x") == "tp_x"
    assert bearer_key("bearer   tp_x ") == "tp_x"
    assert bearer_key("Basic dXNlcg==") is None
    assert bearer_key("Bearer ") is None
    assert bearer_key(None) is None
