"""The `tokenpit` command line."""

import click


@click.group()
def main() -> None:
    """Run and use a tokenpit exchange."""
