"""Durable order entry: acknowledged orders per second, in-process and over HTTP.

Three measurements in one run, on one SQLite file system:

- baseline: a plain SQLite insert per order, each in its own durable
  transaction (WAL, synchronous=FULL), as a naive exchange would journal;
- in-process: orders submitted straight to tokenpit's core with the journal on
  (group commit, synchronous=FULL), a bounded number in flight;
- HTTP: `tokenpit serve` in its own process and a client process on loopback
  keeping a bounded number of POST /api/orders in flight.

Every run is bounded by an order count and a time limit. The last line printed
is one JSON object:
{"http_orders_per_s": N, "inprocess_orders_per_s": N, "http_p99_ms": N, "baseline_orders_per_s": N}
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tokenpit.core import commands as c
from tokenpit.core.sequencer import Core
from tokenpit.runtime import tune_garbage_collector
from tokenpit.specs import default_spec
from tokenpit.storage import open_store
from tokenpit.testing.api import PUBLIC_ENDPOINT_URL
from tokenpit.testing.server import ServerProcess

BENCH_DIR = Path(__file__).resolve().parent
CLIENT = BENCH_DIR / "_order_client.py"
TIME_LIMIT_S = 120.0
TRADERS = 16  # accounts placing orders, half buyers and half sellers


def percentile_ms(latencies_ns: list[int], share: float) -> float:
    """Return the latency below which `share` of the samples fall, in milliseconds."""
    ordered = sorted(latencies_ns)
    index = min(len(ordered) - 1, int(share * len(ordered)))
    return ordered[index] / 1e6


def instrument_now() -> str:
    """Return the CHAT-B instrument of the next hour: listed and trading now."""
    start = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    return f"CHAT-B.{start + dt.timedelta(hours=1):%Y-%m-%dT%H}"


def order_stream(count: int, endpoints: dict[int, int], instrument: str) -> list[dict[str, Any]]:
    """Return resting limit orders around $2.00/M, one in ten crossing, spread over traders."""
    orders = []
    for n in range(count):
        account = n % TRADERS + 1
        selling = account in endpoints
        offset = (n * 7) % 40 + 1
        crossing = n % 10 == 0
        price = 2_000_000 + (-offset if crossing else offset) * 1_000 * (1 if selling else -1)
        order: dict[str, Any] = {
            "account_id": account,
            "instrument": instrument,
            "side": "sell" if selling else "buy",
            "price_micros": price,
            "lots": 1 + n % 3,
        }
        if selling:
            order["endpoint_id"] = endpoints[account]
        orders.append(order)
    return orders


def run_baseline(directory: Path, count: int) -> float:
    """Insert one row per order, each in its own durable transaction; return rows per second."""
    connection = sqlite3.connect(directory / "baseline.db", isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute(
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, account_id INT, instrument TEXT, "
        "side TEXT, price_micros INT, lots INT)"
    )
    rows = [(n, n % TRADERS, "X", "buy", 2_000_000, 1) for n in range(count)]
    started = time.perf_counter()
    for row in rows:
        connection.execute("BEGIN")
        connection.execute("INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?)", row)
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return count / elapsed


async def run_inprocess(directory: Path, count: int, in_flight: int) -> dict[str, float]:
    """Submit orders straight to the core; return orders/s and latency percentiles."""
    store = open_store(str(directory / "inprocess.db"))
    core = Core(default_spec(), store)
    await core.start()
    endpoints: dict[int, int] = {}
    for account in range(1, TRADERS + 1):
        role = "seller" if account % 2 == 0 else "buyer"
        await core.submit(c.CreateAccount(name=f"t{account}", roles=[role], key_hash=f"h{account}"))
        await core.submit(c.Deposit(account_id=account, amount_micros=10**14))
        if role == "seller":
            outcome = await core.submit(
                c.RegisterEndpoint(
                    account_id=account,
                    url="https://s.example/v1",
                    model="m",
                    capacity_units=10**12,
                )
            )
            assert outcome.result is not None
            endpoints[account] = outcome.result["id"]
            await core.submit(c.SetEndpointGrade(endpoint_id=endpoints[account], grade="A"))
    commands = [c.PlaceOrder(**o) for o in order_stream(count, endpoints, instrument_now())]
    tune_garbage_collector()  # as `tokenpit serve` does once it has recovered

    latencies: list[int] = []
    queue = iter(commands)
    deadline = time.monotonic() + TIME_LIMIT_S

    async def worker() -> None:
        for command in queue:
            if time.monotonic() > deadline:
                return
            sent = time.perf_counter_ns()
            outcome = await core.submit(command)
            latencies.append(time.perf_counter_ns() - sent)
            if outcome.failure is not None:
                raise RuntimeError(outcome.failure.message)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(in_flight)))
    elapsed = time.perf_counter() - started
    await core.stop()
    store.close()
    return {
        "orders_per_s": len(latencies) / elapsed,
        "p50_ms": percentile_ms(latencies, 0.50),
        "p99_ms": percentile_ms(latencies, 0.99),
    }


def run_http(directory: Path, count: int, in_flight: int) -> dict[str, float]:
    """Start `tokenpit serve`, drive it from a client process; return its measurements."""
    server = ServerProcess(directory / "http.db", "tp_bench_operator", directory / "server.log")
    server.start()
    try:
        endpoints, keys = _open_traders(server)
        orders = order_stream(count, endpoints, instrument_now())
        orders_path = directory / "orders.json"
        orders_path.write_text(
            json.dumps([{"key": keys[o.pop("account_id")], "body": o} for o in orders])
        )
        result = subprocess.run(
            [
                sys.executable,
                str(CLIENT),
                server.url,
                str(orders_path),
                str(in_flight),
                str(TIME_LIMIT_S),
            ],
            capture_output=True,
            text=True,
            timeout=TIME_LIMIT_S + 60,
            check=True,
        )
    finally:
        server.stop()
    measured: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return measured


def _open_traders(server: Any) -> tuple[dict[int, int], dict[int, str]]:
    endpoints: dict[int, int] = {}
    keys: dict[int, str] = {}
    with server.client(server.admin_key) as operator:
        for account in range(1, TRADERS + 1):
            role = "seller" if account % 2 == 0 else "buyer"
            created = operator.post("/api/accounts", json={"name": f"t{account}", "roles": [role]})
            body = created.json()
            keys[account] = body["api_key"]
            operator.post(f"/api/accounts/{body['id']}/deposits", json={"amount_micros": 10**14})
            if role == "seller":
                # An IP literal: registration resolves host names, and this machine has no DNS.
                with server.client(body["api_key"]) as seller:
                    registered = seller.post(
                        "/api/endpoints",
                        json={"url": PUBLIC_ENDPOINT_URL, "model": "m", "capacity_units": 10**12},
                    )
                registered.raise_for_status()
                endpoint = registered.json()
                operator.put(f"/api/endpoints/{endpoint['id']}/grade", json={"grade": "A"})
                endpoints[account] = endpoint["id"]
    return endpoints, keys


def main() -> None:
    """Run the three measurements and print them, then the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=50_000, help="orders per measurement")
    parser.add_argument("--http-orders", type=int, default=20_000, help="orders over HTTP")
    parser.add_argument("--baseline-orders", type=int, default=2_000)
    parser.add_argument("--in-flight", type=int, default=256, help="in-process orders in flight")
    parser.add_argument("--connections", type=int, default=64, help="HTTP requests in flight")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tokenpit-orders-") as name:
        directory = Path(name)
        baseline = run_baseline(directory, args.baseline_orders)
        print(f"baseline: SQLite insert per order, durable: {baseline:,.0f} orders/s")
        inprocess = asyncio.run(run_inprocess(directory, args.orders, args.in_flight))
        print(
            f"in-process core, journal on: {inprocess['orders_per_s']:,.0f} orders/s "
            f"(p50 {inprocess['p50_ms']:.2f} ms, p99 {inprocess['p99_ms']:.2f} ms, "
            f"{args.in_flight} in flight) = {inprocess['orders_per_s'] / baseline:.1f}x baseline"
        )
        http = run_http(directory, args.http_orders, args.connections)
        print(
            f"HTTP POST /api/orders: {http['orders_per_s']:,.0f} orders/s "
            f"(p50 {http['p50_ms']:.2f} ms, p99 {http['p99_ms']:.2f} ms, "
            f"{args.connections} in flight) = {http['orders_per_s'] / baseline:.1f}x baseline"
        )
    print(
        json.dumps(
            {
                "http_orders_per_s": round(http["orders_per_s"]),
                "inprocess_orders_per_s": round(inprocess["orders_per_s"]),
                "http_p99_ms": round(http["p99_ms"], 2),
                "baseline_orders_per_s": round(baseline),
                "http_p50_ms": round(http["p50_ms"], 2),
                "inprocess_p99_ms": round(inprocess["p99_ms"], 2),
            }
        )
    )


if __name__ == "__main__":
    os.environ.setdefault("TOKENPIT_LOG_LEVEL", "warning")
    main()
