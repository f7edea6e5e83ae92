"""The demo's sellers: who they are, how good, fast and costly, and their sim servers.

Each profile is a seller account with one endpoint served by a simulated seller on a
loopback port. Quality, speed and context are set so that certification sorts them
into grades, and costs rise with grade, so better grades should settle at higher prices.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from tokenpit.sim.seller import RunningSimSeller, SimSellerConfig, serving_sim_seller


@dataclass(frozen=True, slots=True)
class SellerProfile:
    """A simulated seller: its true quality and speed, what it costs, what it aims at."""

    name: str
    aims_at: str  # the grade its settings should earn
    quality: float
    ttft_ms: float
    output_tps: float
    context_tokens: int
    cost_micros: int  # its cost per million units: it never asks below this
    market_maker: bool = False  # also bids, quoting both sides around the market

    def config(self, seed: int) -> SimSellerConfig:
        """Return the settings of this seller's sim server."""
        return SimSellerConfig(
            model=f"{self.name}-model",
            ttft_ms=self.ttft_ms,
            output_tps=self.output_tps,
            reply_tokens=48,
            quality=self.quality,
            context_tokens=self.context_tokens,
            seed=seed,
        )


# Quality sits well inside each grade's band (A from 0.85, B 0.70 to 0.85, C 0.50 to 0.70), so
# certification settles in a few hundred items at most; context and speed fit the grade.
FLEET: tuple[SellerProfile, ...] = (
    SellerProfile("aurora", "A", 0.97, 150, 150, 200_000, 2_400_000, market_maker=True),
    SellerProfile("borealis", "A", 0.96, 250, 110, 160_000, 2_700_000),
    SellerProfile("cirrus", "B", 0.78, 350, 70, 64_000, 1_500_000, market_maker=True),
    SellerProfile("delta", "B", 0.77, 500, 55, 40_000, 1_700_000),
    SellerProfile("ember", "C", 0.63, 600, 35, 16_000, 800_000, market_maker=True),
    SellerProfile("fjord", "C", 0.62, 800, 28, 12_000, 950_000),
)


@contextlib.asynccontextmanager
async def serving_fleet(
    fleet: tuple[SellerProfile, ...], seed: int
) -> AsyncIterator[dict[str, RunningSimSeller]]:
    """Run every seller's sim server on a free loopback port; yield them by name."""
    async with contextlib.AsyncExitStack() as stack:
        running = {}
        for number, profile in enumerate(fleet):
            config = profile.config(seed + number)
            running[profile.name] = await stack.enter_async_context(
                serving_sim_seller(config, "127.0.0.1", 0, shutdown_timeout_s=0.5)
            )
        yield running
