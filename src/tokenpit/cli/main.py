"""The command group and the commands about specs and instruments."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from tokenpit import __version__
from tokenpit.cli.accounts import accounts, balance, deposit, withdraw
from tokenpit.cli.certify import certify
from tokenpit.cli.demo import demo
from tokenpit.cli.endpoints import endpoints
from tokenpit.cli.formatting import format_utc
from tokenpit.cli.market import book, trades
from tokenpit.cli.orders import order, orders
from tokenpit.cli.serve import serve
from tokenpit.cli.sim_seller import sim_seller
from tokenpit.specs import (
    Spec,
    SpecError,
    default_spec,
    format_duration,
    instrument_state,
    listed_instruments,
    load_spec,
)

SPEC_FILE = click.Path(exists=False, dir_okay=False, path_type=Path)


@click.group()
@click.version_option(__version__, prog_name="tokenpit")
def main() -> None:
    """Run and use a tokenpit exchange: inference traded as a graded commodity."""


@main.group()
def spec() -> None:
    """Check and show spec files (grades, lot, tick, period)."""


@spec.command("check")
@click.argument("path", type=SPEC_FILE)
def spec_check(path: Path) -> None:
    """Validate a spec file; list every problem and exit 1 if it is refused."""
    loaded = _load(path)
    click.echo(
        f"{path}: ok: {loaded.family} {loaded.version}, grades {', '.join(loaded.grade_names)}"
    )


@spec.command("show")
@click.option(
    "--specs", "path", type=SPEC_FILE, help="Spec file (default: the packaged chat spec)."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def spec_show(path: Path | None, as_json: bool) -> None:
    """Show a spec's contract terms and grades."""
    loaded = _load(path)
    if as_json:
        click.echo(json.dumps(_spec_data(loaded), indent=2))
        return
    console = Console()
    console.print(
        f"[bold]{loaded.symbol_family}[/] spec {loaded.version}: lot {loaded.lot_units:,} units, "
        f"tick {loaded.tick_micros:,} µUSD per million units, period "
        f"{format_duration(loaded.period_s)}, listed {format_duration(loaded.listing_lead_s)} "
        f"ahead, unused units: {loaded.unused}"
    )
    table = Table(
        "grade", "quality ≥", "category ≥", "TTFT p95 ≤", "tokens/s ≥", "context ≥", "features"
    )
    for grade in loaded.grades:
        table.add_row(
            f"{loaded.symbol_family}-{grade.name}",
            f"{grade.quality_min:.2f}",
            f"{grade.category_floor:.2f}",
            f"{grade.ttft_p95_ms:,} ms",
            f"{grade.output_tps_min:g}",
            f"{grade.context_tokens_min:,}",
            ", ".join(sorted(grade.features)),
        )
    console.print(table)


@main.command()
@click.option(
    "--specs", "path", type=SPEC_FILE, help="Spec file (default: the packaged chat spec)."
)
@click.option(
    "--at",
    "at_text",
    help="UTC time, ISO 8601 (default: now), e.g. 2026-12-03T14:30Z.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def instruments(path: Path | None, at_text: str | None, as_json: bool) -> None:
    """List the instruments that trade at a time, with their delivery periods."""
    loaded = _load(path)
    at = _parse_utc(at_text) if at_text else dt.datetime.now(dt.UTC)
    rows = [
        {
            "symbol": i.symbol,
            "grade": i.grade,
            "period_start": i.period_start.isoformat(),
            "period_end": i.period_end.isoformat(),
            "state": str(instrument_state(i, loaded, at)),
        }
        for i in listed_instruments(loaded, at)
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    table = Table(title=f"Listed at {format_utc(at)}")
    table.add_column("instrument", no_wrap=True)
    table.add_column("delivers")
    table.add_column("state")
    for i in listed_instruments(loaded, at):
        delivers = f"{format_utc(i.period_start)} to {format_utc(i.period_end)}"
        table.add_row(i.symbol, delivers, str(instrument_state(i, loaded, at)))
    Console().print(table)


main.add_command(demo)
for command in (accounts, deposit, withdraw, balance, order, orders, book, trades, endpoints):
    main.add_command(command)
main.add_command(serve)
main.add_command(sim_seller)
main.add_command(certify)


def _load(path: Path | None) -> Spec:
    if path is None:
        return default_spec()
    try:
        return load_spec(path)
    except SpecError as error:
        raise click.ClickException(f"spec refused:\n{error}") from error


def _parse_utc(text: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError as error:
        raise click.BadParameter(f"not an ISO 8601 time: {text!r}", param_hint="--at") from error
    if parsed.tzinfo is None:
        raise click.BadParameter(f"give a time zone, e.g. {text}Z", param_hint="--at")
    return parsed.astimezone(dt.UTC)


def _spec_data(loaded: Spec) -> dict[str, object]:
    return {
        "family": loaded.family,
        "version": loaded.version,
        "unit_tokenizer": loaded.unit_tokenizer,
        "input_weight": str(loaded.input_weight),
        "lot_units": loaded.lot_units,
        "tick_micros": loaded.tick_micros,
        "period": format_duration(loaded.period_s),
        "listing_lead": format_duration(loaded.listing_lead_s),
        "unused": str(loaded.unused),
        "seller_bond_pct": loaded.seller_bond_pct,
        "offgrade_discount_pct": loaded.offgrade_discount_pct,
        "fee_bps": loaded.fee_bps,
        "default_penalty_pct": loaded.default_penalty_pct,
        "grades": {
            g.name: {
                "symbol": f"{loaded.symbol_family}-{g.name}",
                "quality_min": g.quality_min,
                "category_floor": g.category_floor,
                "ttft_p95_ms": g.ttft_p95_ms,
                "output_tps_min": g.output_tps_min,
                "context_tokens_min": g.context_tokens_min,
                "features": sorted(str(f) for f in g.features),
            }
            for g in loaded.grades
        },
    }
