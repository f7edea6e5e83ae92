"""Fixtures of the command-line tests: a live exchange on a loopback port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

from tokenpit.testing.api import LiveServer


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    # The server's log lines go to memory, not into the output of the commands under test.
    with structlog.testing.capture_logs(), LiveServer(tmp_path / "exchange.db") as server:
        yield server
