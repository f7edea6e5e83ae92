"""Run a real exchange for API and command-line tests: a core over a SQLite file, a fake
clock, an operator key, and, when a test needs a socket, a server on a loopback port.

The clock stands at 2026-12-03 13:10 UTC, so `CHAT-B.2026-12-03T14` is listed.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import socket
import threading
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import httpx
import uvicorn
from fastapi import FastAPI

from tokenpit.api import ApiConfig, create_app
from tokenpit.api.keys import hash_api_key, new_api_key
from tokenpit.api.redaction import SERVER_LOGGERS, RedactKeys
from tokenpit.core.commands import CreateAccount
from tokenpit.core.sequencer import Core
from tokenpit.gateway.grader import GraderConfig
from tokenpit.specs import default_spec
from tokenpit.storage import open_store
from tokenpit.testing.core import FakeClock

T = TypeVar("T")
INSTRUMENT = "CHAT-B.2026-12-03T14"
GRADE = "CHAT-B"
STARTUP_TIMEOUT_S = 20.0
# A public address, which the default address policy admits without a DNS lookup (tests
# have no DNS). Registering only checks where a URL leads; tests that call a seller
# register their own on loopback, with a policy that allows private addresses.
PUBLIC_ENDPOINT_URL = "https://8.8.8.8/v1"


@dataclass(frozen=True, slots=True)
class Trader:
    """An account as a test holds it: its id and its API key."""

    account_id: int
    key: str

    @property
    def headers(self) -> dict[str, str]:
        """Return the Authorization header of this account's key."""
        return {"Authorization": f"Bearer {self.key}"}


@asynccontextmanager
async def running_core(db_path: Path, clock: FakeClock) -> AsyncIterator[Core]:
    """Start a core of the default spec over a SQLite file; stop it and close the store."""
    store = open_store(str(db_path), synchronous="NORMAL")
    core = Core(default_spec(), store, clock)
    await core.start()
    try:
        yield core
    finally:
        await core.stop()
        store.close()


async def open_operator(core: Core) -> Trader:
    """Open an operator account, as `tokenpit serve` does on first start, and return it."""
    key = new_api_key()
    outcome = await core.submit(
        CreateAccount(name="operator", roles=["operator"], key_hash=hash_api_key(key))
    )
    assert outcome.result is not None, outcome.failure
    return Trader(outcome.result["id"], key)


class ApiHarness:
    """A running exchange, its API application, and an HTTP client calling it in-process."""

    def __init__(
        self,
        core: Core,
        clock: FakeClock,
        app: FastAPI,
        client: httpx.AsyncClient,
        operator: Trader,
    ) -> None:
        self.core = core
        self.clock = clock
        self.app = app
        self.client = client
        self.operator = operator

    async def open_account(self, name: str, roles: list[str], deposit_micros: int = 0) -> Trader:
        """Open an account through the API, deposit into it, and return it."""
        response = await self.client.post(
            "/api/accounts", json={"name": name, "roles": roles}, headers=self.operator.headers
        )
        assert response.status_code == 201, response.text
        body = response.json()
        trader = Trader(body["id"], body["api_key"])
        if deposit_micros:
            await self.deposit(trader, deposit_micros)
        return trader

    async def deposit(self, trader: Trader, amount_micros: int) -> None:
        """Deposit into an account through the API."""
        response = await self.client.post(
            f"/api/accounts/{trader.account_id}/deposits",
            json={"amount_micros": amount_micros},
            headers=self.operator.headers,
        )
        assert response.status_code == 201, response.text

    async def open_seller(
        self, name: str = "seller", grade: str = "B", capacity_units: int = 10_000_000
    ) -> tuple[Trader, int]:
        """Open a funded seller with an endpoint certified for `grade`; return it and the id."""
        seller = await self.open_account(name, ["seller"], deposit_micros=1_000_000_000)
        response = await self.client.post(
            "/api/endpoints",
            json={
                "url": PUBLIC_ENDPOINT_URL,
                "model": "m",
                "capacity_units": capacity_units,
            },
            headers=seller.headers,
        )
        assert response.status_code == 201, response.text
        endpoint_id = int(response.json()["id"])
        response = await self.client.put(
            f"/api/endpoints/{endpoint_id}/grade",
            json={"grade": grade},
            headers=self.operator.headers,
        )
        assert response.status_code == 200, response.text
        return seller, endpoint_id

    async def place(self, trader: Trader, **order: Any) -> httpx.Response:
        """Place an order (instrument defaults to INSTRUMENT) and return the raw response."""
        order.setdefault("instrument", INSTRUMENT)
        return await self.client.post("/api/orders", json=order, headers=trader.headers)


@asynccontextmanager
async def api_harness(db_path: Path, config: ApiConfig | None = None) -> AsyncIterator[ApiHarness]:
    """Run an exchange with an operator and yield a harness calling its API in-process."""
    clock = FakeClock()
    async with running_core(db_path, clock) as core:
        operator = await open_operator(core)
        app = create_app(core, config or quiet_config())
        transport = httpx.ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://tokenpit.test") as client,
        ):
            yield ApiHarness(core, clock, app, client, operator)


def quiet_config() -> ApiConfig:
    """Return the API's defaults with audits off, so no test meets background traffic."""
    return ApiConfig(grader=GraderConfig(audit_interval_s=0))


class LiveServer:
    """Serve a fresh exchange's API on 127.0.0.1 from a thread with its own event loop.

    Use it as a context manager; `url` and `operator_key` are set once it is entered. Its
    clock is `clock`, by default a `FakeClock` at 2026-12-03 13:10 UTC.
    `run(coroutine)` runs a coroutine on the server's loop (where its core lives). While
    it runs, the server's loggers carry `RedactKeys`, as `tokenpit serve` sets them up.
    """

    def __init__(
        self, db_path: Path, config: ApiConfig | None = None, clock: FakeClock | None = None
    ) -> None:
        self.db_path = db_path
        self.config = config or quiet_config()
        self.clock = clock or FakeClock()
        self.url = ""
        self.operator_key = ""
        self.core: Core | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: uvicorn.Server | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, name="tokenpit-live-server")
        self._redaction = RedactKeys()

    def __enter__(self) -> LiveServer:
        for name in SERVER_LOGGERS:
            logging.getLogger(name).addFilter(self._redaction)
        self._thread.start()
        if not self._ready.wait(STARTUP_TIMEOUT_S):
            raise RuntimeError(f"the test server did not start in {STARTUP_TIMEOUT_S} s")
        if self._error is not None:
            raise RuntimeError("the test server failed to start") from self._error
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.should_exit = True
        self._thread.join(STARTUP_TIMEOUT_S)
        for name in SERVER_LOGGERS:
            logging.getLogger(name).removeFilter(self._redaction)

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run `coroutine` on the server's event loop and return its result."""
        assert self._loop is not None
        future: concurrent.futures.Future[T] = asyncio.run_coroutine_threadsafe(
            coroutine, self._loop
        )
        return future.result(STARTUP_TIMEOUT_S)

    def _main(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as error:
            self._error = error
            self._ready.set()
            raise

    async def _serve(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
        async with running_core(self.db_path, self.clock) as core:
            self.core = core
            self.operator_key = (await open_operator(core)).key
            config = uvicorn.Config(
                create_app(core, self.config), log_config=None, access_log=False, lifespan="on"
            )
            self._server = uvicorn.Server(config)
            self._loop = asyncio.get_running_loop()
            serving = asyncio.create_task(self._server.serve(sockets=[listener]))
            while not self._server.started and not serving.done():
                await asyncio.sleep(0.01)
            self.url = f"http://127.0.0.1:{port}"
            self._ready.set()
            await serving
