"""Fixtures of the API tests: an exchange with its API, called in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tokenpit.testing.api import ApiHarness, api_harness


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[ApiHarness]:
    async with api_harness(tmp_path / "exchange.db") as harness:
        yield harness
