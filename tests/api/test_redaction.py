"""Keys are redacted from other libraries' log records."""

from __future__ import annotations

import logging

from tokenpit.api.redaction import RedactKeys, redact_keys

KEY = "tp_abcdefghijklmnopqrstuvwxyz0123456789-_AB"


def test_keys_and_key_parameters_are_redacted() -> None:
    assert redact_keys(f'"WebSocket /api/stream?key={KEY}" [accepted]') == (
        '"WebSocket /api/stream?key=[redacted]" [accepted]'
    )
    assert redact_keys(f"/x?a=1&key=secret&b=2 Bearer {KEY}") == (
        "/x?a=1&key=[redacted]&b=2 Bearer [redacted]"
    )


def test_the_filter_rewrites_message_and_arguments_and_keeps_the_record() -> None:
    record = logging.LogRecord(
        "uvicorn.error",
        logging.INFO,
        __file__,
        1,
        '%s - "WebSocket %s"',
        ("1.2.3.4", f"/s?key={KEY}"),
        None,
    )

    kept = RedactKeys().filter(record)

    assert kept
    assert record.getMessage() == '1.2.3.4 - "WebSocket /s?key=[redacted]"'
