"""Fixtures of the dashboard tests: a seeded live exchange and Debian's Chromium.

Chromium comes from Debian's `chromium` package (`make browser` installs it), driven by
Playwright; Playwright's own browser downloads are never used. Screenshots go to
`$TOKENPIT_ARTIFACTS`, or else to a pytest temporary folder; the summary says where.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, ViewportSize, sync_playwright

from tokenpit.testing.api import LiveServer

from .market import Market, seed, start_clock

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LAPTOP: ViewportSize = {"width": 1440, "height": 900}
ARTIFACTS_KEY = pytest.StashKey[Path]()


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Market]:
    with LiveServer(tmp_path_factory.mktemp("web") / "exchange.db", clock=start_clock()) as live:
        seeded = seed(live)
        yield seeded
        seeded.client.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    # Module scope: Playwright's sync API holds an event loop in this thread while it runs,
    # which async tests elsewhere could not start beside.
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            viewport=LAPTOP,
            device_scale_factor=1,
        )
        yield context
        context.close()


@pytest.fixture
def console_errors() -> list[str]:
    """What the tab logged as errors or threw; a test that expects some clears them."""
    return []


@pytest.fixture
def page(browser: BrowserContext, console_errors: list[str]) -> Iterator[Page]:
    """A fresh tab; the test fails if the page logs an error or throws, unexpectedly."""
    tab = browser.new_page()
    tab.on("pageerror", lambda error: console_errors.append(f"page error: {error}"))
    tab.on(
        "console",
        lambda message: (
            console_errors.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    yield tab
    tab.close()
    assert not console_errors, "\n".join(console_errors)


@pytest.fixture(scope="package")
def artifacts(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: $TOKENPIT_ARTIFACTS, or a pytest temporary folder."""
    configured = os.environ.get("TOKENPIT_ARTIFACTS")
    folder = Path(configured) if configured else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    request.config.stash[ARTIFACTS_KEY] = folder
    return folder


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    folder = config.stash.get(ARTIFACTS_KEY, None)
    if folder is not None:
        terminalreporter.write_line(f"dashboard screenshots: {folder}")
