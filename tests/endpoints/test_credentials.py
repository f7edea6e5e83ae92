"""Sellers' credentials: sealed under the operator's keys, opened only with one of them."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from tokenpit.endpoints import (
    CredentialBox,
    CredentialKeyError,
    CredentialTokenError,
)
from tokenpit.settings import Secret

SECRET = "sk-live-canary-5f0b7d"  # noqa: S105 - a made-up key the tests look for


def new_key() -> Secret:
    return Secret(Fernet.generate_key().decode())


def test_a_sealed_credential_opens_to_the_same_secret_and_does_not_show_it() -> None:
    box = CredentialBox([new_key()])

    token = box.seal(Secret(SECRET))
    opened = box.open(token)

    assert SECRET not in token
    assert token != box.seal(Secret(SECRET))  # a fresh IV each time: equal keys look unequal
    assert opened.reveal() == SECRET
    assert SECRET not in repr(opened)
    assert SECRET not in str(opened)


def test_a_token_sealed_under_another_key_is_refused_clearly() -> None:
    token = CredentialBox([new_key()]).seal(Secret(SECRET))

    with pytest.raises(CredentialTokenError, match="none of the keys in TOKENPIT_CREDENTIAL_KEY"):
        CredentialBox([new_key()]).open(token)


@pytest.mark.parametrize("token", ["", "not-a-token", "gAAAAAB" + "A" * 80, "jetón"])
def test_an_altered_or_foreign_token_is_refused(token: str) -> None:
    with pytest.raises(CredentialTokenError, match="or it was altered"):
        CredentialBox([new_key()]).open(token)


def test_a_tampered_token_is_refused() -> None:
    box = CredentialBox([new_key()])
    token = box.seal(Secret(SECRET))
    tampered = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]

    with pytest.raises(CredentialTokenError):
        box.open(tampered)


def test_rotation_seals_with_the_first_key_and_opens_with_any() -> None:
    old, new = new_key(), new_key()
    old_token = CredentialBox([old]).seal(Secret(SECRET))
    rotated = CredentialBox([new, old])

    new_token = rotated.seal(Secret(SECRET))
    resealed = rotated.reseal(old_token)

    assert rotated.open(old_token).reveal() == SECRET
    assert CredentialBox([new]).open(new_token).reveal() == SECRET
    assert CredentialBox([new]).open(resealed).reveal() == SECRET
    with pytest.raises(CredentialTokenError):
        CredentialBox([old]).open(new_token)


def test_resealing_a_token_no_key_opens_is_refused() -> None:
    token = CredentialBox([new_key()]).seal(Secret(SECRET))

    with pytest.raises(CredentialTokenError, match="cannot be resealed"):
        CredentialBox([new_key()]).reseal(token)


def test_a_box_needs_a_key_and_says_how_to_make_one() -> None:
    with pytest.raises(CredentialKeyError, match="no credential key is set") as raised:
        CredentialBox([])

    assert "Fernet.generate_key()" in str(raised.value)


def test_a_malformed_key_is_refused_by_position_without_showing_it() -> None:
    bad = "my-password-is-not-a-key"

    with pytest.raises(CredentialKeyError, match="credential key 2 of 2 is not a Fernet key") as e:
        CredentialBox([new_key(), Secret(bad)])

    assert bad not in str(e.value)


def test_the_box_does_not_show_its_keys() -> None:
    key = new_key()

    assert repr(CredentialBox([key, new_key()])) == "CredentialBox(keys=2)"
    assert key.reveal() not in repr(CredentialBox([key]))
