"""The WebSocket stream, against a real server on a loopback port."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tokenpit.testing.api import INSTRUMENT, PUBLIC_ENDPOINT_URL, LiveServer, Trader

RECEIVE_TIMEOUT_S = 10


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    with LiveServer(tmp_path / "exchange.db") as live:
        yield live


@pytest.fixture
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=RECEIVE_TIMEOUT_S) as client:
        yield client


def open_account(http: httpx.Client, server: LiveServer, name: str, roles: list[str]) -> Trader:
    operator = {"Authorization": f"Bearer {server.operator_key}"}
    body = http.post("/api/accounts", json={"name": name, "roles": roles}, headers=operator)
    trader = Trader(body.json()["id"], body.json()["api_key"])
    deposit = {"amount_micros": 1_000_000_000}
    http.post(f"/api/accounts/{trader.account_id}/deposits", json=deposit, headers=operator)
    return trader


def open_seller(http: httpx.Client, server: LiveServer) -> tuple[Trader, int]:
    seller = open_account(http, server, "seller", ["seller"])
    endpoint = {"url": PUBLIC_ENDPOINT_URL, "model": "m", "capacity_units": 1_000_000}
    endpoint_id = http.post("/api/endpoints", json=endpoint, headers=seller.headers).json()["id"]
    operator = {"Authorization": f"Bearer {server.operator_key}"}
    http.put(f"/api/endpoints/{endpoint_id}/grade", json={"grade": "B"}, headers=operator)
    return seller, endpoint_id


def stream(
    server: LiveServer, trader: Trader | None, *, in_query: bool = False
) -> ClientConnection:
    url = server.url.replace("http://", "ws://") + "/api/stream"
    headers = {}
    if trader is not None and in_query:
        url += f"?key={trader.key}"
    elif trader is not None:
        headers = trader.headers
    return connect(url, additional_headers=headers, proxy=None)


def receive(socket: ClientConnection) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(socket.recv(timeout=RECEIVE_TIMEOUT_S))
    return message


def subscribe(socket: ClientConnection, channels: list[str]) -> list[dict[str, Any]]:
    """Subscribe; return the messages before the acknowledgement (such as book snapshots)."""
    socket.send(json.dumps({"op": "subscribe", "channels": channels}))
    return until_acknowledged(socket)


def until_acknowledged(socket: ClientConnection) -> list[dict[str, Any]]:
    before = []
    while (message := receive(socket)).get("channel") != "subscriptions":
        before.append(message)
    return before


def trade(http: httpx.Client, server: LiveServer, buyer: Trader | None = None) -> int:
    """Make a seller and a buyer (a new one unless given) trade one lot; return the bid's id."""
    seller, endpoint_id = open_seller(http, server)
    buyer = buyer or open_account(http, server, "buyer", ["buyer"])
    ask = {"instrument": INSTRUMENT, "side": "sell", "price_micros": 2_000_000, "lots": 1}
    http.post("/api/orders", json=ask | {"endpoint_id": endpoint_id}, headers=seller.headers)
    bid = {"instrument": INSTRUMENT, "side": "buy", "price_micros": 2_000_000, "lots": 1}
    order_id: int = http.post("/api/orders", json=bid, headers=buyer.headers).json()["id"]
    return order_id


def test_a_subscriber_receives_trades_and_its_own_order_events(
    server: LiveServer, http: httpx.Client
) -> None:
    watcher = open_account(http, server, "watcher", ["buyer"])
    buyer = open_account(http, server, "buyer", ["buyer"])
    with stream(server, watcher, in_query=True) as other_socket, stream(server, buyer) as socket:
        subscribe(other_socket, ["trades", "orders", "account"])
        subscribe(socket, ["trades", "orders", "account"])
        order_id = trade(http, server, buyer)

        received = [receive(socket)]
        while received[-1]["data"].get("event") != "BalanceChanged":  # the batch's last
            received.append(receive(socket))
        public = receive(other_socket)
        other_socket.send(json.dumps({"op": "unsubscribe", "channels": ["trades"]}))
        leaked = until_acknowledged(other_socket)

    by_channel: dict[str, list[dict[str, Any]]] = {}
    for message in received:
        by_channel.setdefault(message["channel"], []).append(message["data"])
    assert by_channel["trades"][0]["trade_id"] == 1
    assert [order["order_id"] for order in by_channel["orders"]] == [order_id]
    assert by_channel["orders"][0]["status"] == "filled"
    assert {data["event"] for data in by_channel["account"]} == {
        "TransferPosted",
        "LotUpdated",
        "BalanceChanged",
    }
    assert by_channel["account"][-1]["cash_micros"] == 1_000_000_000 - 200_000
    assert {data.get("account_id", buyer.account_id) for data in by_channel["account"]} == {
        buyer.account_id
    }
    assert public == {
        "channel": "trades",
        "data": {
            "trade_id": 1,
            "instrument": INSTRUMENT,
            "price_micros": 2_000_000,
            "lots": 1,
            "units": 100_000,
            "aggressor_side": "buy",
            "ts_ns": public["data"]["ts_ns"],
        },
    }
    assert leaked == []  # nothing of the traders' orders or accounts reached the watcher


def test_book_and_candle_channels_send_the_latest_state(
    server: LiveServer, http: httpx.Client
) -> None:
    with stream(server, None) as socket:
        snapshot = subscribe(socket, [f"book:{INSTRUMENT}", f"candles:{INSTRUMENT}:60"])
        trade(http, server)
        received = [receive(socket) for _ in range(2)]

    assert snapshot == [
        {
            "channel": f"book:{INSTRUMENT}",
            "data": {
                "instrument": INSTRUMENT,
                "best_bid_micros": None,
                "best_ask_micros": None,
                "bids": [],
                "asks": [],
            },
        }
    ]
    by_channel = {message["channel"]: message["data"] for message in received}
    assert by_channel[f"candles:{INSTRUMENT}:60"]["close_micros"] == 2_000_000
    assert by_channel[f"candles:{INSTRUMENT}:60"]["volume_lots"] == 1
    assert f"book:{INSTRUMENT}" in by_channel


@pytest.mark.parametrize(
    ("request_text", "code"),
    [
        ("not json", "bad_json"),
        ('{"op": "dance", "channels": []}', "bad_op"),
        ('{"op": "subscribe", "channels": "trades"}', "bad_channels"),
        ('{"op": "subscribe", "channels": ["weather"]}', "unknown_channel"),
        ('{"op": "subscribe", "channels": ["orders"]}', "api_key_required"),
        ('{"op": "subscribe", "channels": ["book:CHAT-B.2026-12-09T14"]}', "not_trading"),
        ('{"op": "subscribe", "channels": ["candles:CHAT-B.2026-12-03T14:7"]}', "bad_interval"),
    ],
)
def test_bad_requests_get_an_error_and_the_socket_stays_open(
    server: LiveServer, request_text: str, code: str
) -> None:
    with stream(server, None) as socket:
        socket.send(request_text)
        error = receive(socket)
        still_open = subscribe(socket, ["trades"])

    assert error["error"]["code"] == code
    assert error["error"]["type"] == "invalid_request_error"
    assert still_open == []


def test_an_unknown_key_is_refused_with_1008(server: LiveServer) -> None:
    with stream(server, Trader(9, "tp_unknown-key-0000")) as socket:
        error = receive(socket)
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=RECEIVE_TIMEOUT_S)

    assert error["error"]["type"] == "authentication_error"
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1008
