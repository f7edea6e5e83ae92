"""The demo market: sellers certified into their grades, then trades and deliveries."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

import httpx
import pytest

from tokenpit.gateway.grader import CertificationRun
from tokenpit.sim.demo import DemoMarket, SellerProfile
from tokenpit.testing.server import free_port

# One seller a grade, costs as in the demo's own fleet, fast enough to certify in seconds.
FAST_FLEET = (
    SellerProfile("alpha", "A", 0.99, 20, 400, 200_000, 2_400_000, market_maker=True),
    SellerProfile("beta", "B", 0.78, 30, 300, 64_000, 1_500_000, market_maker=True),
    SellerProfile("gamma", "C", 0.66, 40, 200, 16_000, 800_000, market_maker=True),
)
GRADES = ("A", "B", "C")
TRADES_PER_GRADE = 5  # before the index prices are compared
TOKENPIT = str(Path(sys.executable).with_name("tokenpit"))


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_sellers_earn_their_grades_and_the_market_trades(tmp_path: Path) -> None:
    seen: dict[str, str] = {}

    def progress(name: str, run: CertificationRun) -> None:
        seen[name] = run.body()["phase"]

    port = free_port()
    async with DemoMarket(
        port=port, db=str(tmp_path / "demo.db"), fleet=FAST_FLEET, seed=7
    ) as market:
        market.start_trading()
        await market.certify(progress)
        async with httpx.AsyncClient(base_url=market.url) as client, asyncio.timeout(60):
            while True:
                index = {g: (await client.get(f"/api/index/CHAT-{g}")).json() for g in GRADES}
                traded = all(index[g]["trades"] >= TRADES_PER_GRADE for g in GRADES)
                if traded and market.summary.deliveries >= 3:
                    break
                await asyncio.sleep(0.1)
            certificates = (await client.get("/api/certificates")).json()["data"]

    assert market.grades == {"alpha": "A", "beta": "B", "gamma": "C"}
    assert set(seen.values()) == {"done"}
    assert {c["grade"] for c in certificates} == {"A", "B", "C"}
    assert market.summary.trades > 0
    assert market.app_outcomes()["ok"] > 0
    # Better grades settle above worse ones: sellers never ask below their costs, which
    # rise with grade, and buyers value better grades more (the index is each's VWAP).
    prices = [index[g]["price_micros"] for g in GRADES]
    assert prices[0] > prices[1] > prices[2], prices


@pytest.mark.slow
@pytest.mark.anyio
async def test_the_command_prints_the_dashboard_and_a_summary_then_stops(tmp_path: Path) -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        TOKENPIT,
        "demo",
        "--port",
        str(port),
        "--duration",
        "3",
        "--db",
        str(tmp_path / "d.db"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    async with asyncio.timeout(300):
        out, _ = await process.communicate()
    text = out.decode()

    assert process.returncode == 0, text
    assert f"dashboard: http://127.0.0.1:{port}/" in text
    assert re.search(r"aurora .* grade A", text)
    assert re.search(r"period \d\d:\d\d · last ", text)
