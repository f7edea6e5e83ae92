"""tokenpit's gateway as a leg of bench/gateway.py: a fresh exchange that serves the upstream.

`tokenpit serve` starts on a temporary database, and the exchange API sets up a market
where the load can be delivered: the operator opens a seller and a buyer and funds both,
the seller registers the upstream as its endpoint and the operator grades it A, and a
sell and a buy order for the current period's CHAT-B cross, so the buyer holds lots
enough for every request the leg sends, with a wide margin. The load then goes to
`/v1/chat/completions` with the buyer's key and `model: "CHAT-B"`.
"""

from __future__ import annotations

import contextlib
import math
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from _gateway_processes import (
    UPSTREAM_MODEL,
    PeerUnavailableError,
    Target,
    last_log_line,
    probe,
)
from tokenpit.testing.server import ServerProcess

GRADE = "CHAT-B"
PRIVATE_ENDPOINTS = "--allow-private-endpoints"
# A request here costs about 15 units (a dozen output tokens, a quarter of a short prompt);
# lots are sized for 400 a request, so metering and any reservation never run them dry.
UNITS_PER_REQUEST_BOUND = 400
PRICE_MICROS = 2_000_000  # $2 per million units, on the default spec's tick
DEPOSIT_MICROS = 10**12
NS_PER_S = 1_000_000_000


@contextlib.contextmanager
def tokenpit_gateway(
    directory: Path, upstream_url: str, requests: int, span_s: float
) -> Iterator[Target]:
    """Run tokenpit serve with a buyer holding lots for `requests`; yield where to load it.

    `span_s` bounds how long the leg runs: if the current period ends sooner, the next
    period's lots are bought too, so the load never runs out of lots at the hour.
    """
    admin_key = f"tp_bench_{secrets.token_hex(12)}"
    log_path = directory / "tokenpit.log"
    # The upstream is on loopback, which the exchange calls only when told it may.
    server = ServerProcess(directory / "tokenpit.db", admin_key, log_path, [PRIVATE_ENDPOINTS])
    try:
        try:
            server.start()
        except RuntimeError as error:
            raise PeerUnavailableError(f"{error}: {last_log_line(log_path)}") from None
        _require_gateway(server.url)
        buyer_key = _open_market(server, f"{upstream_url}/v1", requests, span_s)
        target = Target(f"{server.url}/v1/chat/completions", GRADE, buyer_key)
        probe(target, log_path)
        yield target
    finally:
        server.stop()


def _require_gateway(base_url: str) -> None:
    """Raise PeerUnavailableError if the server has no chat completions route (404)."""
    try:
        answer = httpx.post(f"{base_url}/v1/chat/completions", json={}, timeout=10)
    except httpx.HTTPError as error:
        raise PeerUnavailableError(f"gateway probe failed: {error!r}") from None
    if answer.status_code == 404:
        raise PeerUnavailableError("not available (404)")


def _call(client: httpx.Client, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """Make one exchange API call; raise PeerUnavailableError naming it unless it succeeds."""
    try:
        answer = client.request(method, path, json=body)
    except httpx.HTTPError as error:
        raise PeerUnavailableError(f"{method} {path} failed: {error!r}") from None
    if answer.status_code not in (200, 201):
        raise PeerUnavailableError(
            f"setup step {method} {path} answered {answer.status_code}: {answer.text[:300]}"
        )
    return answer.json()


def _open_market(server: ServerProcess, endpoint_url: str, requests: int, span_s: float) -> str:
    """Open a market that can deliver `requests` through the upstream; return the buyer's key.

    A funded seller registers the upstream and is graded A; a funded buyer's order
    crosses the seller's for lots enough, in every period the leg may run through.
    """
    with server.client(server.admin_key) as operator:
        lot_units = _call(operator, "GET", "/api/specs")["lot_units"]
        lots = math.ceil(requests * UNITS_PER_REQUEST_BOUND / lot_units)
        instruments = _instruments_to_buy(
            _call(operator, "GET", "/api/instruments")["data"], span_s
        )

        accounts = {}
        for role in ("seller", "buyer"):
            account = _call(
                operator, "POST", "/api/accounts", {"name": f"bench-{role}", "roles": [role]}
            )
            path = f"/api/accounts/{account['id']}/deposits"
            _call(operator, "POST", path, {"amount_micros": DEPOSIT_MICROS})
            accounts[role] = account["api_key"]

        with server.client(accounts["seller"]) as seller:
            endpoint = _call(
                seller,
                "POST",
                "/api/endpoints",
                {
                    "url": endpoint_url,
                    "model": UPSTREAM_MODEL,
                    "capacity_units": lots * lot_units * 2,
                },
            )
            _call(operator, "PUT", f"/api/endpoints/{endpoint['id']}/grade", {"grade": "A"})
            with server.client(accounts["buyer"]) as buyer:
                for symbol in instruments:
                    _cross(seller, buyer, symbol, lots, endpoint["id"])
    return str(accounts["buyer"])


def _instruments_to_buy(listed: list[dict[str, Any]], span_s: float) -> list[str]:
    """Return the CHAT-B instrument delivering now, and the next if now's ends within `span_s`."""
    now_ns = time.time_ns()
    chat_b = sorted(
        (row for row in listed if row["grade"] == GRADE), key=lambda row: row["period_start_ns"]
    )
    current = [row for row in chat_b if row["period_start_ns"] <= now_ns < row["period_end_ns"]]
    if not current:
        raise PeerUnavailableError(f"no {GRADE} instrument is listed for the period under way")
    chosen = [current[0]["symbol"]]
    if current[0]["period_end_ns"] - now_ns < span_s * NS_PER_S:
        later = [row for row in chat_b if row["period_start_ns"] == current[0]["period_end_ns"]]
        chosen += [row["symbol"] for row in later[:1]]
    return chosen


def _cross(
    seller: httpx.Client, buyer: httpx.Client, symbol: str, lots: int, endpoint_id: int
) -> None:
    """Rest a sell order and fill it with a buy order at the same price."""
    order = {"instrument": symbol, "type": "limit", "price_micros": PRICE_MICROS, "lots": lots}
    _call(seller, "POST", "/api/orders", {**order, "side": "sell", "endpoint_id": endpoint_id})
    bought = _call(buyer, "POST", "/api/orders", {**order, "side": "buy"})
    if bought.get("status") != "filled":
        raise PeerUnavailableError(
            f"the buy order for {lots} lots of {symbol} did not fill: {bought}"
        )
