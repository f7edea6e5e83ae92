"""`tokenpit serve` end to end: a real process on loopback, real HTTP, a real kill -9."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import signal
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet

from tokenpit.cli import main
from tokenpit.testing.api import PUBLIC_ENDPOINT_URL
from tokenpit.testing.server import ServerProcess, running_server

pytestmark = pytest.mark.slow

LOT_NOTIONAL = 200_000  # one lot (100,000 units) at 2,000,000 µUSD per million units


def current_instrument(grade: str = "B", hours_ahead: int = 1) -> str:
    start = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    return f"CHAT-{grade}.{start + dt.timedelta(hours=hours_ahead):%Y-%m-%dT%H}"


def setup_market(server: ServerProcess) -> tuple[str, str, int]:
    """Open a funded buyer and seller with a graded endpoint; return keys and endpoint id."""
    with server.client(server.admin_key) as operator:
        buyer = operator.post("/api/accounts", json={"name": "buyer", "roles": ["buyer"]}).json()
        seller = operator.post("/api/accounts", json={"name": "seller", "roles": ["seller"]})
        seller_body = seller.json()
        for account in (buyer, seller_body):
            deposit = operator.post(
                f"/api/accounts/{account['id']}/deposits", json={"amount_micros": 100_000_000}
            )
            assert deposit.status_code == 201, deposit.text
        with server.client(seller_body["api_key"]) as seller_client:
            endpoint = seller_client.post(
                "/api/endpoints",
                json={
                    "url": PUBLIC_ENDPOINT_URL,
                    "model": "any-model",
                    "capacity_units": 500_000_000,
                },
            ).json()
        graded = operator.put(f"/api/endpoints/{endpoint['id']}/grade", json={"grade": "B"})
        assert graded.status_code == 200, graded.text
    return buyer["api_key"], seller_body["api_key"], endpoint["id"]


def test_buyer_and_seller_trade_over_http(tmp_path: Path) -> None:
    with running_server(tmp_path) as server:
        buyer_key, seller_key, endpoint_id = setup_market(server)
        instrument = current_instrument()
        with server.client(seller_key) as seller, server.client(buyer_key) as buyer:
            ask = seller.post(
                "/api/orders",
                json={
                    "instrument": instrument,
                    "side": "sell",
                    "type": "limit",
                    "price_micros": 2_000_000,
                    "lots": 3,
                    "endpoint_id": endpoint_id,
                },
            )
            assert ask.status_code == 201, ask.text
            bid = buyer.post(
                "/api/orders",
                json={
                    "instrument": instrument,
                    "side": "buy",
                    "type": "limit",
                    "price_micros": 2_050_000,
                    "lots": 2,
                    "time_in_force": "ioc",
                },
            )
            assert bid.status_code == 201, bid.text
            assert bid.json()["status"] == "filled"

            account = buyer.get("/api/account").json()
            lots = buyer.get("/api/lots").json()["data"]
            ledger = buyer.get("/api/ledger").json()["data"]
            book = seller.get(f"/api/book/{instrument}").json()

    assert account["cash_micros"] == 100_000_000 - 2 * LOT_NOTIONAL
    assert account["held_micros"] == 0
    assert [(lot["units"], lot["price_micros"], lot["status"]) for lot in lots] == [
        (200_000, 2_000_000, "open")
    ]
    assert sorted(entry["amount_micros"] for entry in ledger) == [-2 * LOT_NOTIONAL, 100_000_000]
    assert [level["lots"] for level in book["asks"]] == [1]


async def place_many(
    server: ServerProcess, key: str, orders: list[dict[str, Any]], acked: list[dict[str, Any]]
) -> None:
    """Send orders one after another on one connection, keeping every acknowledgement."""
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=5) as client:
        for order in orders:
            try:
                response = await client.post("/api/orders", json=order)
            except httpx.TransportError:
                return  # the server died under us
            if response.status_code == 201:
                acked.append(response.json())


def test_a_killed_server_loses_no_acknowledged_order(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "exchange.db", "tp_test_operator", tmp_path / "log")
    server.start()
    try:
        buyer_key, seller_key, endpoint_id = setup_market(server)
        instrument = current_instrument()
        bids = [
            {
                "instrument": instrument,
                "side": "buy",
                "price_micros": 1_990_000 + 1_000 * (n % 20),
                "lots": 1 + n % 3,
                "client_order_id": f"b{n}",
            }
            for n in range(400)
        ]
        asks = [
            {
                "instrument": instrument,
                "side": "sell",
                "price_micros": 2_000_000 + 1_000 * (n % 20),
                "lots": 1 + n % 2,
                "endpoint_id": endpoint_id,
                "client_order_id": f"s{n}",
            }
            for n in range(400)
        ]
        acked_bids: list[dict[str, Any]] = []
        acked_asks: list[dict[str, Any]] = []

        async def trade_then_kill() -> None:
            traffic = asyncio.gather(
                place_many(server, buyer_key, bids, acked_bids),
                place_many(server, seller_key, asks, acked_asks),
            )
            while len(acked_bids) + len(acked_asks) < 150:
                await asyncio.sleep(0.005)
            server.kill()
            await traffic

        asyncio.run(trade_then_kill())
        assert 150 <= len(acked_bids) + len(acked_asks) < 800
        server.start()

        with server.client(buyer_key) as buyer, server.client(seller_key) as seller:
            recovered = {
                o["id"]: o
                for client in (buyer, seller)
                for o in client.get("/api/orders", params={"limit": 1000}).json()["data"]
            }
            book = buyer.get(f"/api/book/{instrument}", params={"levels": 100}).json()
            trades = {
                t["trade_id"]
                for t in buyer.get("/api/trades", params={"mine": "true", "limit": 1000}).json()[
                    "data"
                ]
            }
            account = buyer.get("/api/account").json()
            lots = buyer.get("/api/lots", params={"limit": 1000}).json()["data"]
    finally:
        server.stop()

    # Every acknowledged order, with every acknowledged fill and trade, survived.
    for order in acked_bids + acked_asks:
        assert order["id"] in recovered, order
        assert recovered[order["id"]]["filled_lots"] >= order["filled_lots"]
        assert (
            {t["trade_id"] for t in order["trades"]} <= trades if order["side"] == "buy" else True
        )
    # The recovered book is exactly the open orders of the recovered read models.
    for side, levels in (("buy", book["bids"]), ("sell", book["asks"])):
        expected: dict[int, int] = {}
        for order in recovered.values():
            if order["side"] == side and order["remaining_lots"]:
                expected[order["price_micros"]] = (
                    expected.get(order["price_micros"], 0) + order["remaining_lots"]
                )
        assert {level["price_micros"]: level["lots"] for level in levels} == expected
    # The buyer's money adds up: lots paid into escrow, open bids held.
    paid = sum(lot["notional_micros"] for lot in lots)
    held = sum(
        o["remaining_lots"] * o["price_micros"] // 10
        for o in recovered.values()
        if o["side"] == "buy"
    )
    assert account["cash_micros"] == 100_000_000 - paid
    assert account["held_micros"] == held


def test_private_endpoints_need_the_flag_and_credentials_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOKENPIT_CREDENTIAL_KEY", Fernet.generate_key().decode())
    body = {
        "url": "http://127.0.0.1:9/v1",
        "model": "m",
        "capacity_units": 100_000,
        "credential": "sk-e2e-canary",
    }
    answers = []
    for name, extra_args in (("default", ()), ("private", ("--allow-private-endpoints",))):
        directory = tmp_path / name
        directory.mkdir()
        server = ServerProcess(
            directory / "exchange.db", "tp_test_operator", directory / "log", extra_args
        )
        server.start()
        try:
            with server.client(server.admin_key) as operator:
                seller = operator.post("/api/accounts", json={"name": "s", "roles": ["seller"]})
            with server.client(seller.json()["api_key"]) as client:
                answers.append(client.post("/api/endpoints", json=body))
        finally:
            server.stop()

    refused, admitted = answers
    assert refused.status_code == 400
    assert refused.json()["error"]["param"] == "url"
    assert "127.0.0.1 is a loopback address" in refused.json()["error"]["message"]
    assert admitted.status_code == 201, admitted.text
    assert admitted.json()["has_credential"] is True
    assert "sk-e2e-canary" not in admitted.text


def test_a_malformed_credential_key_stops_serve_with_the_rule() -> None:
    result = CliRunner().invoke(main, ["serve"], env={"TOKENPIT_CREDENTIAL_KEY": "hunter2"})

    assert result.exit_code == 1
    assert "TOKENPIT_CREDENTIAL_KEY: key 1 of 1 is not a Fernet key" in result.output
    assert "hunter2" not in result.output


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_stops_the_core_cleanly(tmp_path: Path, stop_signal: int) -> None:
    server = ServerProcess(tmp_path / "exchange.db", "tp_test_operator", tmp_path / "log")
    server.start()
    with server.client(server.admin_key) as operator:
        created = operator.post("/api/accounts", json={"name": "b", "roles": ["buyer"]})
        assert created.status_code == 201, created.text
        last_seq = operator.get("/healthz").json()["seq"]
    assert server.process is not None
    server.process.send_signal(stop_signal)
    assert server.process.wait(timeout=30) == 0
    server.process = None

    # The core stopped: a snapshot of everything journaled, so a restart replays nothing.
    snapshots = [line for line in _logged(server) if line.get("event") == "snapshot_saved"]
    assert len(snapshots) == 1
    assert snapshots[0]["seq"] >= last_seq  # a lifecycle tick may have come after
    server.start()
    try:
        recovered = [line for line in _logged(server) if line.get("event") == "core_recovered"]
        assert recovered[-1]["replayed"] == 0
        assert recovered[-1]["snapshot"] is True
    finally:
        server.stop()


def _logged(server: ServerProcess) -> list[dict[str, Any]]:
    lines = server.log_path.read_text().splitlines()
    return [json.loads(line) for line in lines if line.startswith("{")]
