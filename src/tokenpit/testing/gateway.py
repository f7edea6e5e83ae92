"""A running exchange on a loopback port with a buyer holding lots: for gateway tests.

    async with serving_exchange(tmp_path / "x.db") as exchange:
        market = await exchange.market(seller.url, lots=2)
        client = openai.AsyncOpenAI(base_url=f"{exchange.url}/v1", api_key=market.buyer.key)

The exchange's clock stands still at 2026-12-03 13:10 UTC (a `FakeClock`), so the lots
bought for `CHAT-B.2026-12-03T13` deliver for as long as the test runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from prometheus_client.parser import text_string_to_metric_families

from tokenpit.api import ApiConfig, create_app
from tokenpit.endpoints import AddressPolicy
from tokenpit.gateway import Gateway
from tokenpit.gateway.grader import Grader, GraderConfig
from tokenpit.settings import Secret
from tokenpit.testing.api import Trader, open_operator, running_core
from tokenpit.testing.core import FakeClock

CURRENT_INSTRUMENT = "CHAT-B.2026-12-03T13"  # the period the fake clock stands in
LOT_PRICE_MICROS = 2_000_000  # $2.00 per million units: one lot of 100,000 is 200,000 µUSD
CREDENTIAL_KEY = "0" * 43 + "="  # a valid Fernet key, for tests only
STARTUP_TIMEOUT_S = 20.0


@dataclass
class GatewayMarket:
    """A buyer and a seller who traded lots of one instrument, and the seller's endpoint."""

    buyer: Trader
    seller: Trader
    endpoint_id: int
    lot_ids: list[int] = field(default_factory=list)


@dataclass
class ExchangeServer:
    """A live exchange: its URL, operator, core, gateway and an HTTP client for its API."""

    url: str
    operator: Trader
    core: Any
    gateway: Gateway
    grader: Grader
    client: httpx.AsyncClient

    async def account(self, name: str, roles: list[str], deposit_micros: int) -> Trader:
        """Open and fund an account through the API."""
        response = await self.client.post(
            "/api/accounts", json={"name": name, "roles": roles}, headers=self.operator.headers
        )
        assert response.status_code == 201, response.text
        trader = Trader(response.json()["id"], response.json()["api_key"])
        response = await self.client.post(
            f"/api/accounts/{trader.account_id}/deposits",
            json={"amount_micros": deposit_micros},
            headers=self.operator.headers,
        )
        assert response.status_code == 201, response.text
        return trader

    async def endpoint(
        self, seller: Trader, url: str, model: str, grade: str = "B", credential: str | None = None
    ) -> int:
        """Register a seller's endpoint at `url` and mark its grade."""
        body: dict[str, Any] = {"url": url, "model": model, "capacity_units": 10_000_000}
        if credential is not None:
            body["credential"] = credential
        response = await self.client.post("/api/endpoints", json=body, headers=seller.headers)
        assert response.status_code == 201, response.text
        endpoint_id = int(response.json()["id"])
        response = await self.client.put(
            f"/api/endpoints/{endpoint_id}/grade",
            json={"grade": grade},
            headers=self.operator.headers,
        )
        assert response.status_code == 200, response.text
        return endpoint_id

    async def trade(
        self, buyer: Trader, seller: Trader, endpoint_id: int, lots: int, instrument: str
    ) -> list[int]:
        """Have the seller offer `lots` and the buyer take them; return the new lot ids."""
        order = {"instrument": instrument, "price_micros": LOT_PRICE_MICROS, "lots": lots}
        response = await self.client.post(
            "/api/orders",
            json={**order, "side": "sell", "endpoint_id": endpoint_id},
            headers=seller.headers,
        )
        assert response.status_code == 201, response.text
        response = await self.client.post(
            "/api/orders", json={**order, "side": "buy"}, headers=buyer.headers
        )
        assert response.status_code == 201, response.text
        response = await self.client.get("/api/lots", headers=buyer.headers)
        return sorted(lot["lot_id"] for lot in response.json()["data"])

    async def market(
        self,
        seller_url: str,
        *,
        lots: int = 1,
        model: str = "sim-model",
        instrument: str = CURRENT_INSTRUMENT,
        credential: str | None = None,
    ) -> GatewayMarket:
        """Open a buyer and a seller whose endpoint (at `seller_url`/v1) sold the buyer lots."""
        buyer = await self.account("buyer", ["buyer"], 100_000_000)
        seller = await self.account("seller", ["seller"], 100_000_000)
        endpoint_id = await self.endpoint(seller, f"{seller_url}/v1", model, credential=credential)
        lot_ids = await self.trade(buyer, seller, endpoint_id, lots, instrument)
        return GatewayMarket(buyer, seller, endpoint_id, lot_ids)

    async def settled(self) -> None:
        """Wait until every delivery the gateway has served is recorded by the core."""
        await self.gateway.settled()

    async def metric(self, sample: str, **labels: str) -> float | None:
        """Return one sample's value from `GET /metrics`, or None when it is not there."""
        response = await self.client.get("/metrics")
        assert response.status_code == 200, response.text
        for family in text_string_to_metric_families(response.text):
            for found in family.samples:
                if found.name == sample and found.labels == labels:
                    return float(found.value)
        return None

    async def rows(self, path: str, trader: Trader | None = None) -> list[dict[str, Any]]:
        """Return the `data` rows of a listing, read with `trader`'s key (or none)."""
        response = await self.client.get(path, headers=trader.headers if trader else {})
        assert response.status_code == 200, response.text
        data: list[dict[str, Any]] = response.json()["data"]
        return data


def gateway_test_config(grader: GraderConfig | None = None, **gateway: Any) -> ApiConfig:
    """Return an API config that admits loopback sellers and seals credentials.

    Audits are off unless `grader` turns them on, so no test meets background traffic.
    """
    from tokenpit.gateway import GatewayConfig  # noqa: PLC0415

    return ApiConfig(
        address_policy=AddressPolicy(allow_private=True),
        credential_keys=(Secret(CREDENTIAL_KEY),),
        gateway=GatewayConfig(**gateway),
        grader=grader or GraderConfig(audit_interval_s=0),
    )


@asynccontextmanager
async def running_xpyd_sim(model: str) -> AsyncIterator[str]:
    """Run PyPI's `xpyd-sim`, a third-party OpenAI-compatible server; yield its base URL.

    Its replies are canned text that streams and reports its own usage, with tool calls
    and JSON mode, which is what a seller must serve.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()
    program = Path(sys.executable).with_name("xpyd-sim")
    process = await asyncio.create_subprocess_exec(
        *(str(program), "serve", "--host", "127.0.0.1", "--port", str(port), "--model", model),
        *("--prefill-delay-ms", "5", "--decode-delay-per-token-ms", "1"),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with (
            httpx.AsyncClient(base_url=url) as client,
            asyncio.timeout(STARTUP_TIMEOUT_S),
        ):
            while True:
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get("/v1/models")).status_code == 200:
                        break
                if process.returncode is not None:
                    raise RuntimeError(f"xpyd-sim exited with {process.returncode}")
                await asyncio.sleep(0.1)
        yield url
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                async with asyncio.timeout(STARTUP_TIMEOUT_S):
                    await process.wait()
            except TimeoutError:
                process.kill()
                await process.wait()


@asynccontextmanager
async def serving_exchange(
    db_path: Path, config: ApiConfig | None = None
) -> AsyncIterator[ExchangeServer]:
    """Serve a fresh exchange's API and gateway on a loopback port, in this event loop."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    async with running_core(db_path, FakeClock()) as core:
        operator = await open_operator(core)
        app = create_app(core, config or gateway_test_config())
        server = uvicorn.Server(
            uvicorn.Config(app, log_config=None, access_log=False, lifespan="on")
        )
        serving = asyncio.create_task(server.serve(sockets=[listener]))
        try:
            async with asyncio.timeout(STARTUP_TIMEOUT_S):
                while not server.started and not serving.done():
                    await asyncio.sleep(0.01)
            url = f"http://127.0.0.1:{port}"
            async with httpx.AsyncClient(base_url=url, timeout=30) as client:
                yield ExchangeServer(
                    url, operator, core, app.state.gateway, app.state.grader, client
                )
        finally:
            server.should_exit = True
            await serving  # its lifespan stops the grader and closes the gateway
            listener.close()
