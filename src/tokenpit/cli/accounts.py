"""Account commands: open an account, move money (operator), show your balances."""

from __future__ import annotations

from typing import Any

import click
from rich.console import Console
from rich.table import Table

from tokenpit.cli.amounts import UsdAmount
from tokenpit.cli.formatting import format_micros
from tokenpit.cli.options import Session, exchange_command

ROLES = ("buyer", "seller", "operator")


@click.group()
def accounts() -> None:
    """Open accounts (operator)."""


@accounts.command("create")
@click.argument("name")
@click.option(
    "--role",
    "roles",
    type=click.Choice(ROLES),
    multiple=True,
    required=True,
    help="A role of the account; repeat for several.",
)
@exchange_command
def create_account(session: Session, name: str, roles: tuple[str, ...]) -> None:
    """Open an account and print its API key, which is shown this once."""
    body = {"name": name, "roles": list(roles)}
    created = session.client.request("POST", "/api/accounts", body=body)
    session.show(created, _render_created)


@click.command()
@click.argument("account_id", type=click.IntRange(min=1))
@click.argument("amount", type=UsdAmount())
@exchange_command
def deposit(session: Session, account_id: int, amount: int) -> None:
    """Deposit AMOUNT dollars (such as 12.50) into an account (operator)."""
    body = {"amount_micros": amount}
    balances = session.client.request("POST", f"/api/accounts/{account_id}/deposits", body=body)
    session.show(balances, render_balances)


@click.command()
@click.argument("account_id", type=click.IntRange(min=1))
@click.argument("amount", type=UsdAmount())
@exchange_command
def withdraw(session: Session, account_id: int, amount: int) -> None:
    """Withdraw AMOUNT dollars of an account's available cash (operator)."""
    body = {"amount_micros": amount}
    path = f"/api/accounts/{account_id}/withdrawals"
    session.show(session.client.request("POST", path, body=body), render_balances)


@click.command()
@exchange_command
def balance(session: Session) -> None:
    """Show your account and its balances."""
    session.show(session.client.request("GET", "/api/account"), render_balances)


def render_balances(console: Console, account: dict[str, Any]) -> None:
    """Print an account's balances in dollars."""
    title = f"account {account['account_id']}"
    if "name" in account:
        title += f" ({account['name']}: {', '.join(account['roles'])})"
    table = Table("cash", "held for bids", "bond", "available", title=title)
    table.add_row(
        *(
            format_micros(account[field])
            for field in ("cash_micros", "held_micros", "bond_micros", "available_micros")
        )
    )
    console.print(table)


def _render_created(console: Console, created: dict[str, Any]) -> None:
    console.print(
        f"account {created['id']} ({created['name']}: {', '.join(created['roles'])})\n"
        f"API key: {created['api_key']}\n"
        "[bold]Keep it now: it is shown only this once.[/]",
        soft_wrap=True,
    )
