"""The HTTP load client of bench/order_entry.py: bounded orders in flight on keep-alive connections.

Usage: _order_client.py URL ORDERS_JSON IN_FLIGHT TIME_LIMIT_S
Prints one JSON line: {"orders_per_s", "p50_ms", "p99_ms", "acked", "errors"}.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

import aiohttp


async def drive(url: str, orders: list[dict[str, object]], in_flight: int, limit_s: float) -> None:
    """Send every order once, `in_flight` at a time, and print the measurements."""
    latencies: list[int] = []
    errors: list[str] = []
    pending = iter(orders)
    deadline = time.monotonic() + limit_s
    connector = aiohttp.TCPConnector(limit=in_flight)

    async with aiohttp.ClientSession(base_url=url, connector=connector) as session:

        async def worker() -> None:
            for order in pending:
                if time.monotonic() > deadline:
                    return
                headers = {"Authorization": f"Bearer {order['key']}"}
                sent = time.perf_counter_ns()
                async with session.post("/api/orders", json=order["body"], headers=headers) as r:
                    await r.read()
                    if r.status == 201:
                        latencies.append(time.perf_counter_ns() - sent)
                    elif len(errors) < 5:
                        errors.append(f"{r.status}: {await r.text()}")

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(in_flight)))
        elapsed = time.perf_counter() - started

    ordered = sorted(latencies) or [0]
    print(
        json.dumps(
            {
                "orders_per_s": len(latencies) / elapsed,
                "p50_ms": ordered[len(ordered) // 2] / 1e6,
                "p99_ms": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] / 1e6,
                "acked": len(latencies),
                "errors": errors,
            }
        )
    )


def main() -> None:
    """Read the arguments and run the client."""
    url, orders_path, in_flight, limit_s = sys.argv[1:5]
    orders = json.loads(Path(orders_path).read_text())
    asyncio.run(drive(url, orders, int(in_flight), float(limit_s)))


if __name__ == "__main__":
    main()
