"""TOKENPIT_CREDENTIAL_KEY: one Fernet key or several for rotation, checked at start."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from cryptography.fernet import Fernet

from tokenpit.settings import ServerSettings, credential_keys


def test_no_key_means_no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOKENPIT_CREDENTIAL_KEY", raising=False)

    assert ServerSettings.from_env().credential_keys == ()
    assert credential_keys("  ") == ()


def test_keys_are_read_newest_first(monkeypatch: pytest.MonkeyPatch) -> None:
    new, old = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("TOKENPIT_CREDENTIAL_KEY", f" {new} , {old}")

    keys = ServerSettings.from_env().credential_keys

    assert [key.reveal() for key in keys] == [new, old]
    assert new not in repr(keys)


def standard_alphabet(key: str) -> str:
    return key.replace("-", "+").replace("_", "/").replace("=", "+") + "="


@pytest.mark.parametrize(
    ("spoil", "problem"),
    [
        (lambda key: "not-a-key", "key 1 of 1 is not a Fernet key (9 characters)"),
        (lambda key: f"{key},", "key 2 of 2 is not a Fernet key (0 characters)"),
        (lambda key: f"{key},,{key}", "key 2 of 3 is not a Fernet key"),
        (lambda key: key.rstrip("=") + "A", "key 1 of 1 is not a Fernet key (44 characters)"),
        (lambda key: key[:-2] + "=", "key 1 of 1 is not a Fernet key (43 characters)"),
        (standard_alphabet, "key 1 of 1 is not a Fernet key (45 characters)"),
    ],
)
def test_a_malformed_key_is_refused_by_position_without_showing_it(
    spoil: Callable[[str], str], problem: str
) -> None:
    key = Fernet.generate_key().decode()

    with pytest.raises(ValueError, match="TOKENPIT_CREDENTIAL_KEY") as raised:
        credential_keys(spoil(key))

    assert problem in str(raised.value)
    assert "Fernet.generate_key()" in str(raised.value)
    assert key not in str(raised.value)
    assert key.rstrip("=") not in str(raised.value)
