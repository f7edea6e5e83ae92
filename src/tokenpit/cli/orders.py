"""Order commands: place, cancel and replace an order; list your orders."""

from __future__ import annotations

from typing import Any

import click
from rich.console import Console
from rich.table import Table

from tokenpit.cli.amounts import UsdAmount
from tokenpit.cli.formatting import format_micros
from tokenpit.cli.options import Session, exchange_command

STATUSES = ("open", "partially_filled", "filled", "cancelled", "expired")


@click.group()
def order() -> None:
    """Place, cancel and replace orders. Prices are dollars per million units."""


@order.command("place")
@click.argument("instrument")
@click.argument("side", type=click.Choice(["buy", "sell"]))
@click.argument("lots", type=click.IntRange(min=1))
@click.option("--price", type=UsdAmount(), help="Limit price, dollars per million units.")
@click.option(
    "--type", "kind", type=click.Choice(["limit", "market"]), default="limit", show_default=True
)
@click.option(
    "--tif",
    type=click.Choice(["gtc", "ioc", "fok", "gtd"]),
    help="Time in force (default: gtc for limit, ioc for market orders).",
)
@click.option("--expire-at", help="For gtd: when the order expires, ISO 8601 with a zone.")
@click.option("--post-only", is_flag=True, help="Refuse the order if it would trade at once.")
@click.option("--endpoint", "endpoint_id", type=int, help="The endpoint delivering a sell.")
@click.option("--client-order-id", help="Your id for the order; resending it is harmless.")
@exchange_command
def place(
    session: Session,
    instrument: str,
    side: str,
    lots: int,
    price: int | None,
    kind: str,
    tif: str | None,
    expire_at: str | None,
    post_only: bool,
    endpoint_id: int | None,
    client_order_id: str | None,
) -> None:
    """Place an order for LOTS lots of INSTRUMENT (such as CHAT-B.2026-12-03T14)."""
    body: dict[str, Any] = {"instrument": instrument, "side": side, "type": kind, "lots": lots}
    optional = {
        "price_micros": price,
        "time_in_force": tif,
        "expire_at": expire_at,
        "post_only": post_only or None,
        "endpoint_id": endpoint_id,
        "client_order_id": client_order_id,
    }
    body |= {name: value for name, value in optional.items() if value is not None}
    session.show(session.client.request("POST", "/api/orders", body=body), _render_order)


@order.command("cancel")
@click.argument("order_id", type=click.IntRange(min=1))
@exchange_command
def cancel(session: Session, order_id: int) -> None:
    """Cancel one of your resting orders."""
    session.show(session.client.request("DELETE", f"/api/orders/{order_id}"), _render_order)


@order.command("replace")
@click.argument("order_id", type=click.IntRange(min=1))
@click.option("--price", type=UsdAmount(), required=True, help="New price, dollars.")
@click.option("--lots", type=click.IntRange(min=1), required=True, help="New open lots.")
@exchange_command
def replace(session: Session, order_id: int, price: int, lots: int) -> None:
    """Give one of your resting orders a new price and open lots."""
    body = {"price_micros": price, "lots": lots}
    answer = session.client.request("PATCH", f"/api/orders/{order_id}", body=body)
    session.show(answer, _render_order)


@click.command()
@click.option("--status", type=click.Choice(STATUSES), help="Only orders in this status.")
@click.option("--instrument", help="Only orders of this instrument.")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@exchange_command
def orders(session: Session, status: str | None, instrument: str | None, limit: int) -> None:
    """List your orders, newest first."""
    params = {"status": status, "instrument": instrument, "limit": limit}
    page = session.client.request("GET", "/api/orders", params=params)
    session.show(page["data"], _render_orders)


def _render_order(console: Console, placed: dict[str, Any]) -> None:
    _render_orders(console, [placed])
    for trade in placed.get("trades", []):
        console.print(
            f"traded {trade['lots']} lots at {format_micros(trade['price_micros'])} "
            f"(trade {trade['trade_id']})"
        )


def _render_orders(console: Console, rows: list[dict[str, Any]]) -> None:
    table = Table("id", "instrument", "side", "type", "price", "lots", "filled", "open", "status")
    for row in rows:
        price = format_micros(row["price_micros"]) if row["price_micros"] else "market"
        table.add_row(
            str(row["id"]),
            row["instrument"],
            row["side"],
            f"{row['type']} {row['time_in_force']}",
            price,
            str(row["lots"]),
            str(row["filled_lots"]),
            str(row["remaining_lots"]),
            row["status"] + (f" ({row['reason']})" if row.get("reason") else ""),
        )
    console.print(table)
