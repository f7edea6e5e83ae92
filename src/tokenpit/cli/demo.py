"""`tokenpit demo`: a living market on one machine, with its dashboard."""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import time
from pathlib import Path

import click
import uvloop
from rich.console import Console
from rich.live import Live
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from tokenpit.gateway.grader import CertificationRun
from tokenpit.logs import configure_logging
from tokenpit.runtime import tune_garbage_collector
from tokenpit.sim.demo import DemoMarket

REFRESH_S = 0.5


@click.command()
@click.option("--port", type=click.IntRange(1, 65_535), default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--duration",
    type=click.FloatRange(min=1),
    help="Stop after this many seconds of trading (default: run until Ctrl-C).",
)
@click.option(
    "--db",
    help="SQLite file to keep the market in (default: a fresh temporary one, removed on exit).",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of every agent.")
def demo(port: int, host: str, duration: float | None, db: str | None, seed: int) -> None:
    """Run a demo market: sellers certified live, traders, buyers' apps, the dashboard.

    One-minute delivery periods; six simulated sellers of different quality, speed and
    cost are certified first (watch the progress), then market makers and
    zero-intelligence traders trade every grade while buyers' apps call the gateway
    with the openai SDK. Open the printed URL to watch prices form.
    """
    configure_logging(level="warning")
    console = Console()
    with contextlib.ExitStack() as stack:
        if db is None:
            db = str(Path(stack.enter_context(tempfile.TemporaryDirectory())) / "demo.db")
        try:
            uvloop.run(_run(console, host, port, db, seed, duration))
        except KeyboardInterrupt:
            console.print("\nstopped.")
        except OSError as error:  # the port is taken, or the host is not ours
            raise click.ClickException(f"cannot listen on {host}:{port}: {error}") from error


async def _run(
    console: Console, host: str, port: int, db: str, seed: int, duration: float | None
) -> None:
    console.print("[bold]tokenpit demo[/]: starting the exchange and six sellers…")
    async with DemoMarket(host=host, port=port, db=db, seed=seed) as market:
        tune_garbage_collector()
        console.print(f"dashboard: [bold cyan]{market.url}/[/]   API docs: {market.url}/docs")
        console.print(f"operator key: {market.operator_key}")
        console.print(f"a buyer's key (for the dashboard's account page): {market.buyer_key}")
        market.start_trading()  # buyers first; each seller joins once certified
        await _certify(console, market)
        await _trade(console, market, duration)


async def _certify(console: Console, market: DemoMarket) -> None:
    columns = (
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[detail]}"),
    )
    with Progress(*columns, console=console) as bar:
        tasks: dict[str, TaskID] = {}

        def show(name: str, run: CertificationRun) -> None:
            body = run.body()
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=body["max_items"] or 1, detail="")
            detail = f"[dim]{body['phase']}[/]"
            if run.status != "running":
                detail = f"grade [bold]{run.grade or 'none'}[/]" + (
                    f" ({run.error})" if run.error else ""
                )
            # A finished run fills its bar with the items it used.
            total = body["max_items"] if run.status == "running" else max(body["items"], 1)
            bar.update(tasks[name], total=total, completed=body["items"], detail=detail)

        console.print("certifying every seller: fresh items, sequential decision…")
        await market.certify(show)


async def _trade(console: Console, market: DemoMarket, duration: float | None) -> None:
    started = time.monotonic()
    with Live(console=console, refresh_per_second=1 / REFRESH_S) as live:
        while duration is None or time.monotonic() - started < duration:
            live.update(_line(market))
            await asyncio.sleep(REFRESH_S)


def _line(market: DemoMarket) -> str:
    summary = market.summary
    prices = "  ".join(
        f"{grade} ${summary.last_micros[grade] / 1e6:.3f}" for grade in sorted(summary.last_micros)
    )
    outcomes = market.app_outcomes()
    ok = outcomes.pop("ok", 0)
    refused = ", ".join(f"{n:,} {kind}" for kind, n in outcomes.most_common(2))
    orders = market.agents.orders if market.agents else 0
    return (
        f"period {market.current_period()} · last {prices or '—'} · {summary.trades:,} trades "
        f"({summary.volume_lots:,} lots) · {orders:,} orders · {summary.deliveries:,} "
        f"deliveries · apps {ok:,} ok" + (f", {refused}" if refused else "")
    )
