"""Sellers' credentials, sealed before they are journaled and opened only to be used.

A seller's API key for its endpoint is sealed with Fernet (AES-128-CBC with an
HMAC-SHA256 tag, from `cryptography`) under the operator's key, `TOKENPIT_CREDENTIAL_KEY`:
the journal, snapshots and backups hold only the token. Several keys allow rotation: the
first seals, every one of them opens, and `reseal` moves a token to the first key.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from tokenpit.settings import CREDENTIAL_KEY_HELP, Secret


class CredentialError(Exception):
    """A credential cannot be sealed or opened."""


class CredentialKeyError(CredentialError, ValueError):
    """The credential keys are missing or malformed (the operator's setting)."""


class CredentialTokenError(CredentialError):
    """A token cannot be opened: no configured key sealed it, or it was altered."""


class CredentialBox:
    """Seal and open sellers' credentials with the operator's Fernet keys."""

    __slots__ = ("_fernet", "_key_count")

    def __init__(self, keys: Sequence[Secret]) -> None:
        if not keys:
            raise CredentialKeyError(f"no credential key is set: {CREDENTIAL_KEY_HELP}")
        fernets = []
        for index, key in enumerate(keys, start=1):
            try:
                fernets.append(Fernet(key.reveal()))
            except (ValueError, TypeError):
                # The key itself stays out of the message: it is the secret.
                raise CredentialKeyError(
                    f"credential key {index} of {len(keys)} is not a Fernet key: "
                    f"{CREDENTIAL_KEY_HELP}"
                ) from None
        self._fernet = MultiFernet(fernets)
        self._key_count = len(fernets)

    def seal(self, credential: Secret) -> str:
        """Return `credential` encrypted under the first key, as a URL-safe text token."""
        return self._fernet.encrypt(credential.reveal().encode("utf-8")).decode("ascii")

    def open(self, token: str) -> Secret:
        """Return the credential a token holds; raise `CredentialTokenError` if it cannot."""
        try:
            return Secret(self._fernet.decrypt(token.encode("ascii")).decode("utf-8"))
        except (InvalidToken, UnicodeError):
            raise CredentialTokenError(
                "a sealed credential cannot be opened: none of the keys in "
                "TOKENPIT_CREDENTIAL_KEY sealed it (was a key removed?), or it was altered"
            ) from None

    def reseal(self, token: str) -> str:
        """Return a token sealed under the first key holding the same credential."""
        try:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeError):
            raise CredentialTokenError(
                "a sealed credential cannot be resealed: none of the keys in "
                "TOKENPIT_CREDENTIAL_KEY sealed it, or it was altered"
            ) from None

    def __repr__(self) -> str:
        return f"CredentialBox(keys={self._key_count})"
