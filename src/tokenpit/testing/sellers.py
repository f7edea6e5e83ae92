"""Run simulated sellers for tests: in-process on a loopback port, or as a real child process.

    async with running_sim_seller(SimSellerConfig(model="m", ttft_ms=5)) as seller:
        client = openai.AsyncOpenAI(base_url=f"{seller.url}/v1", api_key="unused")

Both listen on 127.0.0.1 on a port the system picks, and stop when the block ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from tokenpit.sim.seller import (
    GradingResponder,
    ResponderFactory,
    RunningSimSeller,
    SimSellerConfig,
    serving_sim_seller,
)

# Fast enough that tests do not wait, slow enough that pacing still happens.
FAST = SimSellerConfig(model="sim-model", ttft_ms=5, output_tps=2_000, reply_tokens=24)
READY_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
LISTENING = re.compile(r"listening on (http://\S+)")


@asynccontextmanager
async def running_sim_seller(
    config: SimSellerConfig = FAST, responder_factory: ResponderFactory = GradingResponder
) -> AsyncIterator[RunningSimSeller]:
    """Run a simulated seller in this process; requests still in flight at the end are cut."""
    async with serving_sim_seller(
        config, "127.0.0.1", 0, responder_factory=responder_factory, shutdown_timeout_s=0.5
    ) as seller:
        yield seller


def sim_seller_arguments(config: SimSellerConfig) -> list[str]:
    """Return the `tokenpit sim-seller` flags that set up `config` (all but host and port)."""
    arguments = ["--model", config.model]
    if config.api_key is not None:
        arguments += ["--api-key", config.api_key.reveal()]
    return [
        *arguments,
        *("--ttft-ms", repr(config.ttft_ms)),
        *("--output-tps", repr(config.output_tps)),
        *("--reply-tokens", str(config.reply_tokens)),
        *("--failure-rate", repr(config.failure_rate)),
        *("--fault", config.fault.value),
        *("--usage-factor", repr(config.usage_factor)),
        *("--seed", str(config.seed)),
        *("--context-tokens", str(config.context_tokens)),
        *(() if config.quality is None else ("--quality", repr(config.quality))),
        *(
            flag
            for name, probability in config.category_quality
            for flag in ("--category-quality", f"{name}={probability!r}")
        ),
    ]


@dataclass
class SimSellerProcess:
    """A `tokenpit sim-seller` child process and where it listens."""

    process: asyncio.subprocess.Process
    url: str

    async def stop(self, signal_number: int = signal.SIGTERM) -> int:
        """Send `signal_number`, wait for the exit and return its status (killing if stuck)."""
        if self.process.returncode is None:
            self.process.send_signal(signal_number)
        try:
            return await asyncio.wait_for(self.process.wait(), STOP_TIMEOUT_S)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            raise


@asynccontextmanager
async def running_sim_seller_process(
    config: SimSellerConfig = FAST, port: int = 0
) -> AsyncIterator[SimSellerProcess]:
    """Start `tokenpit sim-seller` as a child process; stop it with SIGTERM at the end.

    Its log lines go to this process's stderr; its one stdout line gives the URL.
    """
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "tokenpit", "sim-seller", "--port", str(port)),
        *sim_seller_arguments(config),
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        seller = SimSellerProcess(process, await _listening_url(process))
        yield seller
    finally:
        if process.returncode is None:
            process.terminate()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), STOP_TIMEOUT_S)
        if process.returncode is None:
            process.kill()
            await process.wait()


async def _listening_url(process: asyncio.subprocess.Process) -> str:
    assert process.stdout is not None
    try:
        line = await asyncio.wait_for(process.stdout.readline(), READY_TIMEOUT_S)
    except TimeoutError:
        raise RuntimeError(
            f"tokenpit sim-seller did not listen within {READY_TIMEOUT_S}s"
        ) from None
    found = LISTENING.search(line.decode(errors="replace"))
    if found is None:
        raise RuntimeError(f"tokenpit sim-seller did not start: {line!r}")
    return found.group(1)
