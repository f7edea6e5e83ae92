"""Settings from the environment: the only module that reads environment variables.

`TOKENPIT_CREDENTIAL_KEY` is the key that seals sellers' endpoint credentials: a Fernet
key, which this command prints:

    python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"

To rotate, put the new key first and keep the old ones after it, comma-separated: the
first key seals, every key opens. Without it the exchange registers endpoints without a
credential only.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Final

CREDENTIAL_KEY_HELP: Final = (
    "set TOKENPIT_CREDENTIAL_KEY to a Fernet key (44 URL-safe base64 characters), or to "
    'several comma-separated with the newest first; make one with: python -c "from '
    'cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)
# 32 bytes in URL-safe base64, as `Fernet.generate_key()` writes them.
_FERNET_KEY = re.compile(r"[A-Za-z0-9_-]{43}=")


class Secret:
    """A secret value whose repr and str never show it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the secret itself, for the one place that must use it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """What `tokenpit serve` takes from the environment."""

    admin_key: Secret | None  # TOKENPIT_ADMIN_KEY: the operator's API key
    log_format: str  # TOKENPIT_LOG_FORMAT: "console" (default) or "json"
    log_level: str  # TOKENPIT_LOG_LEVEL: "info" (default), "debug", "warning", "error"
    # TOKENPIT_CREDENTIAL_KEY: Fernet keys sealing sellers' credentials, newest first
    credential_keys: tuple[Secret, ...] = ()

    @classmethod
    def from_env(cls) -> ServerSettings:
        """Read the settings from the process environment."""
        admin_key = os.environ.get("TOKENPIT_ADMIN_KEY", "").strip()
        log_format = os.environ.get("TOKENPIT_LOG_FORMAT", "console").strip().lower()
        if log_format not in ("console", "json"):
            raise ValueError(f"TOKENPIT_LOG_FORMAT must be console or json, got {log_format!r}")
        log_level = os.environ.get("TOKENPIT_LOG_LEVEL", "info").strip().lower()
        if log_level not in ("debug", "info", "warning", "error"):
            raise ValueError(
                f"TOKENPIT_LOG_LEVEL must be debug, info, warning or error, got {log_level!r}"
            )
        return cls(
            admin_key=Secret(admin_key) if admin_key else None,
            log_format=log_format,
            log_level=log_level,
            credential_keys=credential_keys(os.environ.get("TOKENPIT_CREDENTIAL_KEY", "")),
        )


def credential_keys(text: str) -> tuple[Secret, ...]:
    """Return the Fernet keys in `text` (comma-separated), none for blank text.

    Raises `ValueError` naming the key at fault by its position, never by its value.
    """
    if not text.strip():
        return ()
    parts = [part.strip() for part in text.split(",")]
    for index, part in enumerate(parts, start=1):
        if not _FERNET_KEY.fullmatch(part):
            raise ValueError(
                f"TOKENPIT_CREDENTIAL_KEY: key {index} of {len(parts)} is not a Fernet key "
                f"({len(part)} characters); {CREDENTIAL_KEY_HELP}"
            )
    return tuple(Secret(part) for part in parts)
