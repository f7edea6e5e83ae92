"""`tokenpit demo`: a market you can watch.

Until the exchange runs as a server, the demo drives the matching engine with
zero-intelligence traders on every listed instrument of the default spec and
shows the books and prices live in the terminal.
"""

from __future__ import annotations

import datetime as dt
import time

import click
from rich.console import Console
from rich.live import Live
from rich.table import Table

from tokenpit.cli.formatting import format_micros
from tokenpit.sim import EngineDemo
from tokenpit.specs import default_spec

REFRESH_PER_S = 4


@click.command()
@click.option(
    "--duration",
    type=click.FloatRange(min=0),
    help="Stop after this many seconds (default: Ctrl-C).",
)
@click.option("--rate", type=click.IntRange(min=1, max=100_000), default=200, show_default=True,
              help="Orders and cancels per second.")  # fmt: skip
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the traders.")
def demo(duration: float | None, rate: int, seed: int) -> None:
    """Run a demo market of zero-intelligence traders and show it live."""
    console = Console()
    market = EngineDemo(default_spec(), dt.datetime.now(dt.UTC), seed=seed)
    console.print(
        f"[bold]tokenpit demo[/]: {len(market.summaries)} instruments, "
        f"{rate} orders/s; prices in USD per million units. Ctrl-C stops."
    )
    started = time.monotonic()
    steps = 0
    try:
        with Live(_table(market), console=console, refresh_per_second=REFRESH_PER_S) as live:
            while duration is None or time.monotonic() - started < duration:
                due = int((time.monotonic() - started) * rate)
                while steps < due:
                    market.step()
                    steps += 1
                live.update(_table(market))
                time.sleep(1 / REFRESH_PER_S)
    except KeyboardInterrupt:
        pass
    trades = sum(s.trades for s in market.summaries.values())
    console.print(f"\n{steps:,} orders and cancels, {trades:,} trades.")


def _table(market: EngineDemo) -> Table:
    table = Table()
    table.add_column("instrument", no_wrap=True)
    for heading in ("bid", "ask", "last", "VWAP", "volume (lots)", "trades"):
        table.add_column(heading, justify="right")
    for summary in market.summaries.values():
        table.add_row(
            summary.symbol,
            format_micros(summary.best_bid_micros),
            format_micros(summary.best_ask_micros),
            format_micros(summary.last_micros),
            format_micros(summary.vwap_micros),
            f"{summary.volume_lots:,}",
            f"{summary.trades:,}",
        )
    return table
