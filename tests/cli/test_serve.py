"""`tokenpit serve` end to end: a real process on loopback, real HTTP, a real kill -9."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import signal
from dataclasses import dataclass, field
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


@dataclass
class Traffic:
    """What one client sent, one order after another, and what it was told."""

    acked: list[dict[str, Any]] = field(default_factory=list)  # the 201 answers
    refused: list[str] = field(default_factory=list)  # client_order_ids answered 4xx
    unanswered: list[dict[str, Any]] = field(default_factory=list)  # in flight at the kill


async def place_many(
    server: ServerProcess, key: str, orders: list[dict[str, Any]], traffic: Traffic
) -> None:
    """Send orders one after another on one connection, keeping every answer."""
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=5) as client:
        for order in orders:
            try:
                response = await client.post("/api/orders", json=order)
            except httpx.TransportError:
                traffic.unanswered.append(order)  # the server died under us
                return
            if response.status_code == 201:
                traffic.acked.append(response.json())
            elif 400 <= response.status_code < 500:
                traffic.refused.append(order["client_order_id"])
            else:
                traffic.unanswered.append(order)  # not a clean answer: it may have happened


def every_row(client: httpx.Client, path: str, **params: str) -> list[dict[str, Any]]:
    """Read every page of a list, following `next_before_id`."""
    rows: list[dict[str, Any]] = []
    cursor = None
    for _ in range(100):  # bounded: a page holds 1,000 rows
        page_params = {**params, "limit": "1000"}
        if cursor is not None:
            page_params["before_id"] = str(cursor)
        response = client.get(path, params=page_params)
        assert response.status_code == 200, response.text
        rows += response.json()["data"]
        cursor = response.json()["next_before_id"]
        if cursor is None:
            return rows
    raise AssertionError(f"{path} did not end within 100 pages")


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
        buying, selling = Traffic(), Traffic()

        async def trade_then_kill() -> None:
            traffic = asyncio.gather(
                place_many(server, buyer_key, bids, buying),
                place_many(server, seller_key, asks, selling),
            )
            while len(buying.acked) + len(selling.acked) < 150 and not traffic.done():
                await asyncio.sleep(0.005)
            server.kill()
            await traffic

        asyncio.run(asyncio.wait_for(trade_then_kill(), timeout=120))
        acked = buying.acked + selling.acked
        assert 150 <= len(acked) < 800
        server.start()

        with server.client(buyer_key) as buyer, server.client(seller_key) as seller:
            recovered = {
                o["id"]: o for client in (buyer, seller) for o in every_row(client, "/api/orders")
            }
            book = buyer.get(f"/api/book/{instrument}", params={"levels": 100}).json()
            bought = every_row(buyer, "/api/trades", mine="true")
            sold = every_row(seller, "/api/trades", mine="true")
            ledger = every_row(buyer, "/api/ledger")
            lots = every_row(buyer, "/api/lots")
            sellers_lots = every_row(seller, "/api/lots")
            account = buyer.get("/api/account").json()
    finally:
        server.stop()

    # Every acknowledged order survived, with at least the fills it was told of; every
    # acknowledged trade is on both sides' trade lists, the buyer's ledger, and a lot.
    for order in acked:
        assert order["id"] in recovered, order
        assert recovered[order["id"]]["filled_lots"] >= order["filled_lots"], order
    acked_trades = {t["trade_id"]: t for order in acked for t in order["trades"]}
    assert acked_trades  # the prices cross: the traffic trades
    assert set(acked_trades) <= {t["trade_id"] for t in bought}
    assert set(acked_trades) <= {t["trade_id"] for t in sold}
    paid = {entry["ref"]: entry["amount_micros"] for entry in ledger if entry["reason"] == "trade"}
    for trade_id, trade in acked_trades.items():
        assert paid[f"trade:{trade_id}"] == -trade["units"] * trade["price_micros"] // 1_000_000
    assert set(acked_trades) <= {lot["trade_id"] for lot in lots}
    assert set(acked_trades) <= {lot["trade_id"] for lot in sellers_lots}

    # Besides the acknowledged orders, only one in flight per client at the kill may have
    # happened; a refused one never did.
    assert len(buying.unanswered) <= 1
    assert len(selling.unanswered) <= 1
    sent = {o["client_order_id"] for o in acked + buying.unanswered + selling.unanswered}
    recovered_ids = {o["client_order_id"] for o in recovered.values()}
    assert recovered_ids <= sent
    assert not recovered_ids & set(buying.refused + selling.refused)

    # The book, rebuilt from what the clients sent (price, lots) less the fills of the
    # recovered trades, is the recovered book.
    filled: dict[int, int] = {}
    for trade in bought + sold:
        filled[trade["order_id"]] = filled.get(trade["order_id"], 0) + trade["lots"]
    assert set(filled) <= set(recovered)  # no trade of an order that never was
    expected: dict[tuple[str, int], int] = {}
    requests = {o["client_order_id"]: o for o in bids + asks}
    for order in recovered.values():
        request = requests[order["client_order_id"]]
        remaining = request["lots"] - filled.get(order["id"], 0)
        assert remaining >= 0, order
        if remaining:
            level = (request["side"], request["price_micros"])
            expected[level] = expected.get(level, 0) + remaining
    resting = {("buy", level["price_micros"]): level["lots"] for level in book["bids"]}
    resting |= {("sell", level["price_micros"]): level["lots"] for level in book["asks"]}
    assert expected  # bids up to 2,009,000 and asks from 2,000,000 cross, and some rest
    assert resting == expected

    # The buyer's money adds up: lots paid into escrow, open bids held.
    assert account["cash_micros"] == 100_000_000 - sum(lot["notional_micros"] for lot in lots)
    assert account["held_micros"] == sum(
        lots_left * price // 10 for (side, price), lots_left in expected.items() if side == "buy"
    )


PRINTED_KEY = re.compile(r"operator API key \(shown once, keep it safe\): (tp_\S+)")


def opens_an_account(server: ServerProcess, key: str) -> bool:
    """Say whether `key` may open an account, as only an operator may."""
    with server.client(key) as client:
        created = client.post("/api/accounts", json={"name": "b", "roles": ["buyer"]})
    return created.status_code == 201


def test_without_an_admin_key_the_first_start_prints_one_and_no_later_start_does(
    tmp_path: Path,
) -> None:
    server = ServerProcess(tmp_path / "exchange.db", None, tmp_path / "log")
    printed = []
    works = []
    for _ in range(2):
        server.start()
        try:
            printed.append(PRINTED_KEY.findall(server.log_path.read_text()))
            works.append(opens_an_account(server, printed[0][0]))
        finally:
            server.stop()

    first, second = printed
    assert len(first) == 1
    assert second == first  # the second start printed nothing more
    assert works == [True, True]


def test_a_new_admin_key_adds_an_operator_and_the_earlier_key_keeps_working(
    tmp_path: Path,
) -> None:
    server = ServerProcess(tmp_path / "exchange.db", None, tmp_path / "log")
    server.start()
    try:
        (generated,) = PRINTED_KEY.findall(server.log_path.read_text())
    finally:
        server.stop()
    server.admin_key = "tp_rotated_operator_key"
    server.start()
    try:
        works = [opens_an_account(server, key) for key in (server.admin_key, generated)]
        log = server.log_path.read_text()
    finally:
        server.stop()

    assert works == [True, True]
    assert "TOKENPIT_ADMIN_KEY is a new operator key: operator account" in log
    assert "the 1 earlier operator key(s) still work (keys cannot be revoked yet)" in log
    assert len(PRINTED_KEY.findall(log)) == 1
    assert "tp_rotated_operator_key" not in log


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
