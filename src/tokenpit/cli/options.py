"""The options every exchange command takes: --url, --key and --json.

This is the one module that reads the environment: TOKENPIT_URL and TOKENPIT_KEY stand
in for --url and --key.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click
from rich.console import Console

from tokenpit.cli.client import DEFAULT_URL, ExchangeClient


@dataclass(frozen=True)
class Session:
    """What a command works with: the client, and how to print."""

    client: ExchangeClient
    as_json: bool
    console: Console

    def show(self, data: Any, render: Callable[[Console, Any], None]) -> None:
        """Print `data` as JSON with --json, or through `render` as a readable table."""
        if self.as_json:
            click.echo(json.dumps(data, indent=2))
        else:
            render(self.console, data)


def exchange_command(command: Callable[..., None]) -> Callable[..., None]:
    """Add --url, --key and --json to a command, which receives a `Session` first."""
    return exchange_command_with("--url")(command)


def exchange_command_with(
    url_flag: str,
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Like `exchange_command`, naming the exchange's address `url_flag` instead of --url.

    For a command whose own --url means something else (an endpoint's address).
    """

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        @click.option(
            url_flag,
            "exchange_url",
            envvar="TOKENPIT_URL",
            default=DEFAULT_URL,
            show_default=True,
            help="The exchange's address (env TOKENPIT_URL).",
        )
        @click.option("--key", envvar="TOKENPIT_KEY", help="Your API key (env TOKENPIT_KEY).")
        @click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
        @functools.wraps(command)
        def run(exchange_url: str, key: str | None, as_json: bool, **arguments: Any) -> None:
            with ExchangeClient(exchange_url, key) as client:
                command(Session(client, as_json, Console()), **arguments)

        return run

    return decorate
