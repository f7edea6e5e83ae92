"""Endpoint commands: register a seller's endpoint, grade one (operator), list them."""

from __future__ import annotations

from typing import Any

import click
from rich.console import Console
from rich.table import Table

from tokenpit.cli.options import Session, exchange_command, exchange_command_with


@click.group()
def endpoints() -> None:
    """Register and grade sellers' OpenAI-compatible endpoints."""


@endpoints.command("register")
@click.option("--url", "endpoint_url", required=True, help="The endpoint's base URL.")
@click.option("--model", required=True, help="The model name to send it.")
@click.option(
    "--capacity-units",
    type=click.IntRange(min=1),
    required=True,
    help="Units it can deliver per period (a multiple of the lot).",
)
@exchange_command_with("--exchange-url")
def register(session: Session, endpoint_url: str, model: str, capacity_units: int) -> None:
    """Register an endpoint of yours (seller).

    Here --url is the endpoint's address; give the exchange's as --exchange-url or in
    TOKENPIT_URL.
    """
    body = {"url": endpoint_url, "model": model, "capacity_units": capacity_units}
    answer = session.client.request("POST", "/api/endpoints", body=body)
    session.show([answer], _render_endpoints)


@endpoints.command("grade")
@click.argument("endpoint_id", type=click.IntRange(min=1))
@click.argument("grade")
@exchange_command
def grade(session: Session, endpoint_id: int, grade: str) -> None:
    """Set the GRADE (such as B) an endpoint may sell; `none` withdraws it (operator)."""
    body = {"grade": None if grade.lower() == "none" else grade}
    answer = session.client.request("PUT", f"/api/endpoints/{endpoint_id}/grade", body=body)
    session.show([answer], _render_endpoints)


@endpoints.command("list")
@exchange_command
def list_endpoints(session: Session) -> None:
    """List your endpoints (an operator: every account's)."""
    session.show(session.client.request("GET", "/api/endpoints")["data"], _render_endpoints)


def _render_endpoints(console: Console, rows: list[dict[str, Any]]) -> None:
    table = Table("id", "account", "url", "model", "capacity units", "grade")
    for row in rows:
        table.add_row(
            str(row["id"]),
            str(row["account_id"]),
            row["url"],
            row["model"],
            f"{row['capacity_units']:,}",
            row["grade"] or "-",
        )
    console.print(table)
