"""Keep API keys out of other libraries' logs.

The API never logs a key, but the server under it may log a request line, and a
WebSocket client may put its key in the URL (`/api/stream?key=…`). `RedactKeys` is a
`logging.Filter` for such loggers (uvicorn's `uvicorn.error` and `uvicorn.access`):
whoever configures logging installs it; this module changes no logging setup itself.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Final

REDACTED: Final = "[redacted]"
_KEY_PARAMETER = re.compile(r"([?&]key=)[^&\s\"']*")
_KEY = re.compile(r"tp_[A-Za-z0-9_-]{8,}")


def redact_keys(text: str) -> str:
    """Return `text` with every API key and `key=` query value replaced."""
    return _KEY.sub(REDACTED, _KEY_PARAMETER.sub(rf"\g<1>{REDACTED}", text))


SERVER_LOGGERS = ("uvicorn.error", "uvicorn.access")  # loggers that may see keys in URLs


class RedactKeys(logging.Filter):
    """Rewrite a record's message and arguments so no API key survives formatting."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place; never drop it."""
        if isinstance(record.msg, str):
            record.msg = redact_keys(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {name: _redacted(arg) for name, arg in record.args.items()}
        return True


def _redacted(value: Any) -> Any:
    return redact_keys(value) if isinstance(value, str) else value


def install_redaction() -> RedactKeys:
    """Put a key-redacting filter on the HTTP server's loggers; return it (to remove later)."""
    redaction = RedactKeys()
    for name in SERVER_LOGGERS:
        logging.getLogger(name).addFilter(redaction)
    return redaction
