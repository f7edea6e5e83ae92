"""The dashboard in a real browser, against a live exchange with a seeded market.

Each test opens a fresh tab, checks what a person would see (charts drawn with data, live
updates without a reload, an order cancelled from the account page) and saves a screenshot.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from .market import FOCUS_HOUR, Market, symbol

pytestmark = pytest.mark.slow

INSTRUMENT = symbol("B", FOCUS_HOUR)
PHONE: ViewportSize = {"width": 390, "height": 844}
# A chart is drawn when plotly has rendered its SVG and every trace holds points.
CHART_POINTS = """selector => {
  const chart = document.querySelector(selector);
  if (!chart || !chart.data || !chart.querySelector("svg.main-svg")) return null;
  const points = chart.data.map(trace => (trace.x || []).filter(x => x !== null).length);
  return points.length && points.every(count => count > 0) ? points : null;
}"""


def chart_points(page: Page, selector: str) -> list[int]:
    """Wait until the chart at `selector` is drawn with data; return its traces' point counts."""
    handle = page.wait_for_function(CHART_POINTS, arg=selector)
    points: list[int] = handle.json_value()
    return points


def open_live(page: Page, market: Market, path: str) -> None:
    """Open a page and wait until its stream subscriptions are confirmed."""
    page.goto(f"{market.live.url}{path}")
    expect(page.locator("#live")).to_have_attribute("data-state", "live")


def screenshot(page: Page, artifacts: Path, name: str) -> None:
    page.screenshot(path=artifacts / f"{name}.png", full_page=True)


def test_the_markets_page_shows_every_grades_instruments_curve_and_index(
    page: Page, market: Market, artifacts: Path
) -> None:
    open_live(page, market, "/")

    curve = chart_points(page, "#curve-chart")
    index = chart_points(page, "#index-chart")
    screenshot(page, artifacts, "markets")

    assert curve == [10, 10, 10]  # three grades, ten quoted periods each
    assert len(index) == 3
    assert min(index) > 20  # a point per traded minute
    expect(page.locator("#boards .board")).to_have_count(3)
    row = page.locator(f'#boards tr[data-symbol="{INSTRUMENT}"]')
    expect(row.locator("td.last")).not_to_have_text("—")
    expect(page.locator("#index-cards .card")).to_have_count(3)


def test_a_trade_made_after_the_page_loaded_reaches_the_tape_without_reload(
    page: Page, market: Market, artifacts: Path
) -> None:
    open_live(page, market, f"/instrument/{INSTRUMENT}")
    candles = chart_points(page, "#candles-chart")
    depth = chart_points(page, "#depth-chart")
    page.evaluate("window.loadedOnce = true")

    # Inside the quoted spread, so that it trades with this seller's ask and no other.
    trade_id = market.cross("B", INSTRUMENT, 2_000_000, 7, sell=False)

    row = page.locator(f'#tape tr[data-trade-id="{trade_id}"]')
    expect(row).to_contain_text("2.000")
    expect(page.locator("#tape tr").first).to_have_attribute("data-trade-id", str(trade_id))
    assert page.evaluate("window.loadedOnce") is True  # the same page: nothing reloaded
    screenshot(page, artifacts, "instrument")
    assert candles[0] > 20
    assert candles[0] == candles[1]  # a volume bar per candle
    assert all(points > 4 for points in depth)  # both sides of the book, as steps
    expect(page.locator("#book .book-row.ask")).to_have_count(5)
    expect(page.locator("#book .book-row.bid")).to_have_count(5)


def test_an_order_cancelled_on_the_account_page_is_cancelled(
    page: Page, market: Market, artifacts: Path
) -> None:
    page.goto(f"{market.live.url}/account")
    page.fill("#api-key", market.buyer.key)
    page.click("button[type=submit]")
    expect(page.locator("#live")).to_have_attribute("data-state", "live")
    row = page.locator(f'#open-orders tr[data-order="{market.resting_bid_id}"]')
    expect(row).to_contain_text(symbol("B", 16))
    expect(page.locator("#lots tr").first).to_contain_text("bought")
    screenshot(page, artifacts, "account")

    row.locator("button", has_text="Cancel").click()

    expect(row).to_have_count(0)
    expect(page.locator(".toast")).to_contain_text("cancelled")
    order = market.client.get(
        f"/api/orders/{market.resting_bid_id}", headers=market.buyer.headers
    ).json()
    assert order["status"] == "cancelled"
    stored: dict[str, Any] = page.evaluate(
        "({session: sessionStorage.getItem('tokenpit.api_key'), local: localStorage.length})"
    )
    assert stored == {"session": market.buyer.key, "local": 0}


def test_a_wrong_key_is_refused_and_not_kept(
    page: Page, market: Market, console_errors: list[str]
) -> None:
    page.goto(f"{market.live.url}/account")

    page.fill("#api-key", "tp_not-a-key")
    page.click("button[type=submit]")

    expect(page.locator(".form-error")).to_contain_text("unknown API key")
    assert page.evaluate("sessionStorage.length") == 0
    assert [error for error in console_errors if "401" not in error] == []
    console_errors.clear()  # the browser reports the refused request itself: expected


def test_the_sellers_page_shows_certificates_scores_and_audits(
    page: Page, market: Market, artifacts: Path
) -> None:
    page.goto(f"{market.live.url}/sellers")

    scores = chart_points(page, "#scores-chart")
    audits = chart_points(page, "#audits-chart")
    screenshot(page, artifacts, "sellers")

    assert scores == [7, 7]  # overall and six categories: pass rates, and the grade's floors
    assert audits == [1, 1]  # the one completed hour of audits: passed, failed
    expect(page.locator("#sellers tr")).to_have_count(4)
    first = page.locator("#sellers tr").first
    expect(first).to_contain_text("CHAT-A")
    expect(first).to_contain_text("ms")  # its time to first token, from its deliveries
    expect(first).to_contain_text("matches")  # its reported usage agrees with the reference
    expect(page.locator("#certificate")).to_contain_text("measured")


def test_the_pages_fit_a_phone_screen(page: Page, market: Market, artifacts: Path) -> None:
    page.set_viewport_size(PHONE)
    overflow = "document.documentElement.scrollWidth - window.innerWidth"

    for name, path, chart in [
        ("phone-markets", "/", "#index-chart"),
        ("phone-instrument", f"/instrument/{INSTRUMENT}", "#candles-chart"),
    ]:
        open_live(page, market, path)
        chart_points(page, chart)
        screenshot(page, artifacts, name)

        assert page.evaluate(overflow) <= 0, f"{path} scrolls sideways on a phone"
