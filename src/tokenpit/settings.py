"""Settings from the environment: the only module that reads environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass


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
        )
