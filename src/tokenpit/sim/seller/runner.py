"""Run a simulated seller on a TCP port: for a while (tests) or until a signal (the CLI)."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web

from tokenpit.sim.seller.app import create_app
from tokenpit.sim.seller.config import SimSellerConfig
from tokenpit.sim.seller.grading import GradingResponder
from tokenpit.sim.seller.text import ResponderFactory

SHUTDOWN_TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class RunningSimSeller:
    """A simulated seller that is listening, and where."""

    config: SimSellerConfig
    host: str
    port: int

    @property
    def url(self) -> str:
        """Return the base URL, without the `/v1` of the OpenAI paths."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


@asynccontextmanager
async def serving_sim_seller(
    config: SimSellerConfig,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    responder_factory: ResponderFactory = GradingResponder,
    shutdown_timeout_s: float = SHUTDOWN_TIMEOUT_S,
) -> AsyncIterator[RunningSimSeller]:
    """Listen on `host`:`port` (0: any free port) until the block ends.

    On the way out, requests in flight get `shutdown_timeout_s` to finish, then are cut.
    """
    runner = web.AppRunner(
        create_app(config, responder_factory),
        access_log=None,  # thousands of requests a second: an access line each costs too much
        handler_cancellation=True,  # a buyer who hangs up stops its pacing at once
        shutdown_timeout=shutdown_timeout_s,
    )
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_port = runner.addresses[0][1]
        yield RunningSimSeller(config, host, bound_port)
    finally:
        await runner.cleanup()


async def serve_until_signalled(
    config: SimSellerConfig, host: str, port: int, on_listening: Callable[[str], None]
) -> None:
    """Serve until SIGINT or SIGTERM; call `on_listening` with the URL once listening."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stop.set)
    try:
        async with serving_sim_seller(config, host, port) as seller:
            on_listening(seller.url)
            await stop.wait()
    finally:
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signal_number)
