"""`tokenpit certify`: grade any OpenAI-compatible endpoint, without an exchange."""

from __future__ import annotations

import json
from pathlib import Path

import click
import uvloop
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tokenpit.endpoints import EndpointUrlError, validate_endpoint_url
from tokenpit.gateway.config import GatewayConfig
from tokenpit.gateway.probe import standalone_probe
from tokenpit.grading.certify import (
    CONCURRENCY,
    MAX_ITEMS,
    MIN_ITEMS,
    Certification,
    CertificationConfig,
)
from tokenpit.grading.certify import Progress as RunProgress
from tokenpit.grading.report import Report
from tokenpit.grading.suite import new_suite
from tokenpit.settings import Secret
from tokenpit.specs import Spec, SpecError, default_spec, load_spec


@click.command("certify")
@click.option("--url", required=True, help="Base URL of the OpenAI-compatible API, e.g. …/v1.")
@click.option("--model", required=True, help="The model name the endpoint serves.")
@click.option("--api-key", envvar="TOKENPIT_CERTIFY_API_KEY", help="The endpoint's API key.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--specs",
    "spec_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Spec file (default: the packaged chat spec).",
)
@click.option(
    "--max-items",
    type=click.IntRange(6, 10_000),
    default=MAX_ITEMS,
    show_default=True,
    help="Grading items at most; at the limit an undecided grade is not earned.",
)
@click.option(
    "--min-items",
    type=click.IntRange(0, 10_000),
    default=MIN_ITEMS,
    show_default=True,
    help="Grading items at least, even when the grade is settled sooner.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=CONCURRENCY,
    show_default=True,
    help="Requests in flight at once.",
)
@click.option(
    "--timeout-s",
    type=click.FloatRange(1, 3_600),
    default=120.0,
    show_default=True,
    help="How long one request may wait for its first byte, and pause between chunks.",
)
@click.option("--no-context-check", is_flag=True, help="Skip the long-context check.")
def certify(
    url: str,
    model: str,
    api_key: str | None,
    as_json: bool,
    spec_path: Path | None,
    max_items: int,
    min_items: int,
    concurrency: int,
    timeout_s: float,
    no_context_check: bool,
) -> None:
    """Grade an endpoint: scores per category with bounds, latency, throughput, the grade.

    Items are generated fresh from a secret seed for this run. Loopback and private
    addresses are allowed: this runs on your machine, against what you point it at.
    """
    try:
        url = validate_endpoint_url(url)
    except EndpointUrlError as error:
        raise click.BadParameter(str(error), param_hint="--url") from error
    spec = _spec(spec_path)
    try:
        config = CertificationConfig(
            max_items=max_items,
            min_items=min_items,
            concurrency=concurrency,
            check_context=not no_context_check,
        )
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--min-items") from error
    gateway_config = GatewayConfig(
        first_byte_timeout_s=timeout_s, idle_timeout_s=timeout_s, total_timeout_s=timeout_s * 10
    )
    secret = Secret(api_key) if api_key else None
    report = uvloop.run(_run(url, model, secret, spec, config, gateway_config, quiet=as_json))
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        _print_report(report, url, model)


async def _run(
    url: str,
    model: str,
    secret: Secret | None,
    spec: Spec,
    config: CertificationConfig,
    gateway_config: GatewayConfig,
    *,
    quiet: bool,
) -> Report:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("[dim]{task.fields[detail]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), disable=quiet) as bar:
        task = bar.add_task("probing", total=config.max_items, detail="")

        def show(progress: RunProgress) -> None:
            detail = progress.detail if len(progress.detail) < 60 else progress.detail[:57] + "…"
            bar.update(task, description=progress.phase, completed=progress.items, detail=detail)

        async with standalone_probe(spec, gateway_config, url, model, secret) as client:
            run = Certification(client, spec, new_suite(), config, progress=show)
            return await run.run()


def _spec(path: Path | None) -> Spec:
    if path is None:
        return default_spec()
    try:
        return load_spec(path)
    except SpecError as error:
        raise click.ClickException(str(error)) from error


def _print_report(report: Report, url: str, model: str) -> None:
    console = Console()
    grade = report.grade or "none"
    console.print(f"[bold]{url}[/] model [bold]{model}[/]: grade [bold]{grade}[/]")
    console.print(f"  {report.reason}")

    table = Table(title=f"scores ({report.confidence:.0%} one-sided bounds)")
    for column in ("category", "passed", "items", "rate", "lower", "upper"):
        table.add_column(column, justify="left" if column == "category" else "right")
    for score in (*report.categories, report.overall):
        table.add_row(
            score.category,
            str(score.passed),
            str(score.items),
            f"{score.rate:.3f}",
            f"{score.lower:.3f}",
            f"{score.upper:.3f}",
        )
    console.print(table)

    ttft = "—" if report.ttft_p95_ms is None else f"{report.ttft_p95_ms:,} ms"
    tps = "—" if report.output_tps_median is None else f"{report.output_tps_median:.1f}"
    context = "—" if report.context_tokens is None else f"{report.context_tokens:,} tokens"
    console.print(f"ttft p95 {ttft} · output tokens/s (median) {tps} · context passed {context}")
    features = ", ".join(report.features) or "none"
    console.print(f"features shown: {features}")
    for feature, problem in sorted(report.feature_problems.items()):
        console.print(f"  [yellow]{feature}[/]: {problem}")
    console.print(
        f"{report.items_used} items, {report.failed_requests} failed requests, "
        f"{report.duration_s:.1f} s, suite {report.suite_version}"
    )
