"""`tokenpit sim-seller`: a simulated OpenAI-compatible seller endpoint."""

from __future__ import annotations

import click
import structlog
import uvloop

from tokenpit.grading.items import CATEGORIES
from tokenpit.logs import configure_logging
from tokenpit.settings import Secret
from tokenpit.sim.seller import Fault, SimSellerConfig, serve_until_signalled
from tokenpit.sim.seller.config import (
    CONTEXT_TOKENS_MAX,
    OUTPUT_TPS_MAX,
    REPLY_TOKENS_MAX,
    TTFT_MS_MAX,
)

log = structlog.get_logger(__name__)


@click.command("sim-seller")
@click.option(
    "--port",
    type=click.IntRange(0, 65_535),
    required=True,
    help="Port to listen on; 0 takes any free port (the printed URL names it).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--model", required=True, help="The model name it serves; requests must use it.")
@click.option("--api-key", help="Require 'Authorization: Bearer <key>' (default: no key).")
@click.option(
    "--ttft-ms",
    type=click.FloatRange(0, TTFT_MS_MAX),
    default=50.0,
    show_default=True,
    help="Delay before the first token, in milliseconds.",
)
@click.option(
    "--output-tps",
    type=click.FloatRange(0, OUTPUT_TPS_MAX, min_open=True),
    default=100.0,
    show_default=True,
    help="Output tokens per second after the first.",
)
@click.option(
    "--reply-tokens",
    type=click.IntRange(1, REPLY_TOKENS_MAX),
    default=64,
    show_default=True,
    help="Length of a reply, unless the request's max_tokens is lower.",
)
@click.option(
    "--failure-rate",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Share of requests that fail with a 500.",
)
@click.option(
    "--fault",
    type=click.Choice([fault.value for fault in Fault]),
    default=Fault.NONE.value,
    show_default=True,
    help="A fixed misbehaviour on every valid request.",
)
@click.option(
    "--usage-factor",
    type=click.FloatRange(0, 1_000),
    default=1.0,
    show_default=True,
    help="Multiply the token counts it reports (1.5 over-reports by half).",
)
@click.option(
    "--quality",
    type=click.FloatRange(0, 1),
    help="Answer grading items right with this probability (default: never recognise them).",
)
@click.option(
    "--category-quality",
    multiple=True,
    metavar="CATEGORY=P",
    help="The probability for one category, e.g. arithmetic=0.4 (repeatable).",
)
@click.option(
    "--context-tokens",
    type=click.IntRange(1, CONTEXT_TOKENS_MAX),
    default=CONTEXT_TOKENS_MAX,
    help="Refuse prompts longer than this many tokens, as a model's context window does.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of all its randomness.")
def sim_seller(
    port: int,
    host: str,
    model: str,
    api_key: str | None,
    ttft_ms: float,
    output_tps: float,
    reply_tokens: int,
    failure_rate: float,
    fault: str,
    usage_factor: float,
    quality: float | None,
    category_quality: tuple[str, ...],
    context_tokens: int,
    seed: int,
) -> None:
    """Run a simulated seller: an OpenAI-compatible endpoint with set speed and faults.

    It prints one line with its URL once it listens, and runs until Ctrl-C or SIGTERM.
    """
    try:
        config = SimSellerConfig(
            model=model,
            api_key=Secret(api_key) if api_key is not None else None,
            ttft_ms=ttft_ms,
            output_tps=output_tps,
            reply_tokens=reply_tokens,
            failure_rate=failure_rate,
            fault=Fault(fault),
            usage_factor=usage_factor,
            quality=quality,
            category_quality=_category_quality(category_quality),
            context_tokens=context_tokens,
            seed=seed,
        )
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    # Console lines on stderr: stdout carries only the URL line that scripts read.
    configure_logging()

    def announce(url: str) -> None:
        click.echo(f"tokenpit sim-seller listening on {url} (model {model})")
        log.info("sim_seller_started", url=url, model=model, fault=fault, seed=seed)

    try:
        uvloop.run(serve_until_signalled(config, host, port, announce))
    except OSError as error:  # the port is taken, or the host is not ours
        raise click.ClickException(f"cannot listen on {host}:{port}: {error}") from error
    log.info("sim_seller_stopped", model=model)


def _category_quality(pairs: tuple[str, ...]) -> tuple[tuple[str, float], ...]:
    """Read `CATEGORY=P` options; refuse unknown categories and probabilities outside 0 to 1."""
    names = [str(category) for category in CATEGORIES]
    read = []
    for pair in pairs:
        name, _, text = pair.partition("=")
        if name not in names:
            raise click.BadParameter(
                f"{pair!r}: the category must be one of {', '.join(names)}",
                param_hint="--category-quality",
            )
        try:
            probability = float(text)
        except ValueError:
            probability = -1.0
        if not 0 <= probability <= 1:
            raise click.BadParameter(
                f"{pair!r}: the probability must be a number from 0 to 1",
                param_hint="--category-quality",
            )
        read.append((name, probability))
    return tuple(read)
