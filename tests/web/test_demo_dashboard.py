"""The dashboard against a running demo market: what `make run` shows a newcomer.

The demo runs in a thread with its own event loop (three fast sellers, one a grade, so it
certifies in seconds); the browser watches it trade.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tokenpit.sim.demo import DemoMarket, SellerProfile
from tokenpit.testing.server import free_port

from .test_dashboard import chart_points, screenshot

pytestmark = pytest.mark.slow

FLEET = (
    SellerProfile("alpha", "A", 0.99, 20, 400, 200_000, 2_400_000, market_maker=True),
    SellerProfile("beta", "B", 0.78, 30, 300, 64_000, 1_500_000, market_maker=True),
    SellerProfile("gamma", "C", 0.66, 40, 200, 16_000, 800_000, market_maker=True),
)
READY_TIMEOUT_S = 120.0


class RunningDemo:
    """A demo market in a thread: certified and trading once `ready` is set."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self.buyer_key = ""
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._main, daemon=True)

    def __enter__(self) -> RunningDemo:
        self._thread.start()
        if not self.ready.wait(READY_TIMEOUT_S) or self.error is not None:
            raise RuntimeError(f"the demo did not get going: {self.error!r}")
        return self

    def __exit__(self, *_: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)

    def _main(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as error:  # noqa: BLE001 (handed to the test thread)
            self.error = error
            self.ready.set()

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        async with DemoMarket(port=self.port, db=str(self.db), fleet=FLEET) as market:
            market.start_trading()
            await market.certify(lambda *_: None)
            async with asyncio.timeout(READY_TIMEOUT_S):
                while len(market.summary.last_micros) < 3 or market.summary.deliveries < 2:
                    await asyncio.sleep(0.1)
            self.buyer_key = market.buyer_key
            self.ready.set()
            await self._stop.wait()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDemo]:
    with RunningDemo(tmp_path_factory.mktemp("demo") / "demo.db") as running:
        yield running


def test_the_demo_markets_page_draws_the_grades_that_trade(
    page: Page, demo: RunningDemo, artifacts: Path
) -> None:
    page.goto(f"{demo.url}/")
    expect(page.locator("#live")).to_have_attribute("data-state", "live")

    curve = chart_points(page, "#curve-chart")
    screenshot(page, artifacts, "demo-markets")

    assert len(curve) == 3  # every grade quoted
    expect(page.locator("#boards .board")).to_have_count(3)


def test_the_demo_sellers_page_lists_the_certified_sellers(
    page: Page, demo: RunningDemo, artifacts: Path
) -> None:
    page.goto(f"{demo.url}/sellers")

    scores = chart_points(page, "#scores-chart")
    screenshot(page, artifacts, "demo-sellers")

    assert len(scores) == 2  # pass rates, and the grade's floors
    expect(page.locator("#sellers tr")).to_have_count(3)
    expect(page.locator("#sellers")).to_contain_text("CHAT-A")
    expect(page.locator("#sellers")).to_contain_text("CHAT-C")
    expect(page.locator("#certificate")).to_contain_text("measured")


def test_a_trade_placed_through_the_api_reaches_the_demo_tape_without_reload(
    page: Page, demo: RunningDemo, artifacts: Path
) -> None:
    with httpx.Client(base_url=demo.url, headers=_bearer(demo)) as client:
        instrument, ask = _quoted_a_instrument(client)
        page.goto(f"{demo.url}/instrument/{instrument}")
        expect(page.locator("#live")).to_have_attribute("data-state", "live")
        page.evaluate("window.loadedOnce = true")

        placed = _buy_one_at(client, instrument, ask)

    trades = placed.json()["trades"]
    assert trades, placed.text
    row = page.locator(f'#tape tr[data-trade-id="{trades[0]["trade_id"]}"]')
    expect(row).to_have_count(1)
    assert page.evaluate("window.loadedOnce") is True  # the same page: nothing reloaded
    screenshot(page, artifacts, "demo-instrument")


def test_the_demo_instrument_page_draws_candles_and_depth(
    page: Page, demo: RunningDemo, artifacts: Path
) -> None:
    with httpx.Client(base_url=demo.url, headers=_bearer(demo)) as client:
        instrument, ask = _two_sided_a_instrument(client)
        # A trade of our own, so the instrument surely has a candle to draw.
        placed = _buy_one_at(client, instrument, ask)
        candles_listed = client.get(f"/api/candles/{instrument}").json()["data"]
    assert placed.json()["trades"], placed.text
    page.goto(f"{demo.url}/instrument/{instrument}")
    expect(page.locator("#live")).to_have_attribute("data-state", "live")

    candles = chart_points(page, "#candles-chart")
    depth = chart_points(page, "#depth-chart")
    screenshot(page, artifacts, "demo-instrument-charts")

    assert len(candles) == 2  # the candlesticks and their volume bars
    assert candles[0] == candles[1] >= len(candles_listed) >= 1
    assert len(depth) == 2  # bids and asks
    assert all(points >= 3 for points in depth)  # at least one level a side, as a step


def test_an_order_cancelled_on_the_demo_account_page_is_cancelled(
    page: Page, demo: RunningDemo
) -> None:
    with httpx.Client(base_url=demo.url, headers=_bearer(demo)) as client:
        instrument, _ = _quoted_a_instrument(client)
        resting = client.post(
            "/api/orders",
            json={"instrument": instrument, "side": "buy", "price_micros": 1_000, "lots": 1},
        ).json()
        page.goto(f"{demo.url}/account")
        page.fill("#api-key", demo.buyer_key)
        page.click("button[type=submit]")
        row = page.locator(f'#open-orders tr[data-order="{resting["id"]}"]')

        row.locator("button", has_text="Cancel").click()

        expect(row).to_have_count(0)
        order = client.get(f"/api/orders/{resting['id']}").json()
    assert order["status"] == "cancelled"


def _buy_one_at(client: httpx.Client, instrument: str, ask: int) -> httpx.Response:
    """Buy one lot at the best ask, immediately or not at all."""
    order = {"instrument": instrument, "side": "buy", "price_micros": ask, "lots": 1}
    return client.post("/api/orders", json={**order, "time_in_force": "ioc"})


def _bearer(demo: RunningDemo) -> dict[str, str]:
    return {"Authorization": f"Bearer {demo.buyer_key}"}


def _two_sided_a_instrument(client: httpx.Client) -> tuple[str, int]:
    """Return a grade A instrument with bids and asks, and its best ask.

    One whose period has not begun (the current one is `delivering`), so that it trades
    for a minute at least while the page watches.
    """
    listed = client.get("/api/instruments").json()["data"]
    trading = sorted(
        (i for i in listed if i["grade"] == "CHAT-A" and i["state"] == "trading"),
        key=lambda i: i["period_start_ns"],
    )
    for instrument in trading:
        book = client.get(f"/api/book/{instrument['symbol']}").json()
        if book.get("best_bid_micros") and book.get("best_ask_micros"):
            return instrument["symbol"], int(book["best_ask_micros"])
    raise AssertionError("no later grade A instrument has both bids and asks")


def _quoted_a_instrument(client: httpx.Client) -> tuple[str, int]:
    """Return a grade A instrument, not the current one, with an ask; and that ask."""
    listed = client.get("/api/instruments").json()["data"]
    for instrument in listed:
        symbol = instrument["symbol"]
        if not symbol.startswith("CHAT-A.") or instrument["state"] != "trading":
            continue
        book = client.get(f"/api/book/{symbol}").json()
        if book.get("best_ask_micros"):
            return symbol, int(book["best_ask_micros"])
    raise AssertionError("no grade A instrument has an ask")
