"""Market-data commands against a running exchange: an order book and the trade tape."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from tokenpit.cli.formatting import format_micros, format_utc
from tokenpit.cli.options import Session, exchange_command

NS_PER_S = 1_000_000_000


@click.command()
@click.argument("instrument")
@click.option("--levels", type=click.IntRange(1, 100), default=10, show_default=True)
@exchange_command
def book(session: Session, instrument: str, levels: int) -> None:
    """Show INSTRUMENT's order book: bids and asks, best first."""
    answer = session.client.request("GET", f"/api/book/{instrument}", params={"levels": levels})
    session.show(answer, _render_book)


@click.command()
@click.option("--instrument", help="Only trades of this instrument.")
@click.option("--mine", is_flag=True, help="Only your trades, with your side (needs a key).")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@exchange_command
def trades(session: Session, instrument: str | None, mine: bool, limit: int) -> None:
    """Show the latest trades, newest first."""
    params = {"instrument": instrument, "mine": "true" if mine else None, "limit": limit}
    page = session.client.request("GET", "/api/trades", params=params)
    session.show(page["data"], _render_trades)


def _render_book(console: Console, answer: dict[str, Any]) -> None:
    table = Table(
        "bid lots", "bid", "ask", "ask lots", title=f"{answer['instrument']} ($ per M units)"
    )
    bids, asks = answer["bids"], answer["asks"]
    for row in range(max(len(bids), len(asks))):
        bid = bids[row] if row < len(bids) else None
        ask = asks[row] if row < len(asks) else None
        table.add_row(
            str(bid["lots"]) if bid else "",
            format_micros(bid["price_micros"]) if bid else "",
            format_micros(ask["price_micros"]) if ask else "",
            str(ask["lots"]) if ask else "",
        )
    console.print(table)


def _render_trades(console: Console, rows: list[dict[str, Any]]) -> None:
    table = Table("id", "time", "instrument", "price", "lots", "aggressor")
    mine = any(row.get("side") for row in rows)
    if mine:
        table.add_column("your side")
    for row in rows:
        when = dt.datetime.fromtimestamp(row["ts_ns"] // NS_PER_S, dt.UTC)
        cells = [
            str(row["trade_id"]),
            format_utc(when),
            row["instrument"],
            format_micros(row["price_micros"]),
            str(row["lots"]),
            row["aggressor_side"],
        ]
        table.add_row(*cells, *([row.get("side") or ""] if mine else []))
    console.print(table)
