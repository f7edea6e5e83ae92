"""Benchmark tokenpit's gateway against direct calls and LiteLLM's proxy, on one upstream.

Usage: .venv/bin/python bench/gateway.py [--requests-c1 N] [--requests-c64 N]
       [--warmup W] [--time-limit-s T] [--peers tokenpit,litellm]

A fast fake OpenAI-compatible upstream runs on loopback (`_gateway_upstream`). The same
bounded load (a fixed number of chat completions at concurrency 1 and 64, streamed and
not, each run from a client process of its own, `_gateway_client`) goes (a) directly to
the upstream, (b) through `tokenpit serve`'s gateway (`_gateway_tokenpit`) and (c)
through LiteLLM's proxy, installed into bench/.peers/litellm and run offline
(`_gateway_litellm`). Client, proxy and upstream are separate processes, so they share
no GIL; on a small machine they still share the CPUs, which the direct leg's figures
show the ceiling of. Every answer is checked; a run with errors reports them instead of
a rate. A proxy that cannot be installed, started or set up is reported, and its figures
are null.

Added latency is a proxy's percentile minus the direct one on the same run. The last
line printed is one JSON object: {"added_p50_ms_c1": {"tokenpit", "litellm"},
"rps_c64": {"direct", "tokenpit", "litellm"}, ...}, with the streamed runs' figures and
the added p99 under keys of their own.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

import httpx

from _gateway_litellm import litellm_proxy, litellm_version, prepare_litellm
from _gateway_processes import (
    BENCH_DIR,
    UPSTREAM_MODEL,
    PeerUnavailableError,
    Target,
    running_upstream,
)
from _gateway_report import Leg, Run, RunResult, print_leg, print_ratios, summary_json
from _gateway_tokenpit import tokenpit_gateway

CLIENT = BENCH_DIR / "_gateway_client.py"
PEERS = ("tokenpit", "litellm")
DIRECT_LABEL = "direct to the upstream"
CLIENT_GRACE_S = 60.0  # past a run's limit: the last requests' own timeout, and start-up


def warmup_requests(run: Run, args: argparse.Namespace) -> int:
    """Return a run's untimed requests: at least one a connection, so all are open when timed."""
    return max(args.warmup, run.concurrency) if args.warmup else 0


def run_client(target: Target, run: Run, args: argparse.Namespace) -> RunResult:
    """Send one run's load from a fresh client process and parse its result line."""
    command = [
        sys.executable, str(CLIENT), "--url", target.chat_url, "--model", target.model,
        "--requests", str(run.requests), "--concurrency", str(run.concurrency),
        "--warmup", str(warmup_requests(run, args)), "--time-limit-s", str(args.time_limit_s),
    ]  # fmt: skip
    if run.stream:
        command.append("--stream")
    env = {**os.environ, "BENCH_API_KEY": target.api_key}
    timeout_s = args.time_limit_s + CLIENT_GRACE_S
    try:
        completed = subprocess.run(
            command,
            check=False,
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout_s,
        )
    except subprocess.TimeoutExpired:
        return RunResult(run, failure=f"the client gave no result within {timeout_s:g} s")
    if completed.returncode != 0:
        lines = completed.stderr.strip().splitlines() or [f"exit status {completed.returncode}"]
        return RunResult(run, failure=f"the client failed: {lines[-1]}")

    record = json.loads(completed.stdout.strip().splitlines()[-1])
    return RunResult(
        run,
        ok=record["ok"],
        errors=record["errors"] + record["warmup_errors"],
        error_samples=tuple(record["error_samples"]),
        p50_ms=record["p50_ms"],
        p99_ms=record["p99_ms"],
        requests_per_s=record["requests_per_s"],
        cut_short=record["cut_short"],
    )


def run_leg(
    name: str,
    label: str,
    open_target: Callable[[], AbstractContextManager[Target]],
    runs: list[Run],
    args: argparse.Namespace,
) -> Leg:
    """Open the leg's way to the upstream, send every run through it, and close it."""
    print(f"\n{label}: starting", flush=True)
    results = []
    try:
        with open_target() as target:
            for run in runs:
                result = run_client(target, run, args)
                print(f"  {name:<9} {describe(result)}", flush=True)
                results.append(result)
    except PeerUnavailableError as error:
        print(f"{label}: {error}", flush=True)
        return Leg(name, label, unavailable=str(error), results=tuple(results))
    except (httpx.HTTPError, OSError, ValueError, KeyError, subprocess.SubprocessError) as error:
        # Whatever broke in one leg is reported with it; the other legs still run.
        why = f"failed unexpectedly: {error!r}"
        print(f"{label}: {why}", flush=True)
        return Leg(name, label, unavailable=why, results=tuple(results))
    return Leg(name, label, results=tuple(results))


def describe(result: RunResult) -> str:
    """Return one progress line for a finished run."""
    run = result.run
    if result.failure is not None:
        return f"{run.key:<11} FAILED: {result.failure}"
    if result.errors:
        return f"{run.key:<11} {result.errors:,} ERRORS, {result.ok:,} ok"
    return (
        f"{run.key:<11} {result.ok:>6,} ok  p50 {result.p50_ms:.2f} ms  "
        f"p99 {result.p99_ms:.2f} ms  {result.requests_per_s:,.0f} req/s"
    )


def parse_args() -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests-c1", type=int, default=400, help="requests at concurrency 1")
    parser.add_argument(
        "--requests-c64", type=int, default=2_000, help="requests at concurrency 64"
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=50,
        help="untimed requests before each run, at least one a connection (0: none)",
    )
    parser.add_argument("--time-limit-s", type=float, default=120.0, help="limit for one run")
    parser.add_argument(
        "--peers",
        default=",".join(PEERS),
        help="comma-separated proxies to measure beside the direct calls; empty for none",
    )
    args = parser.parse_args()

    args.peers = [peer for peer in args.peers.split(",") if peer]
    unknown = sorted(set(args.peers) - set(PEERS))
    if unknown:
        parser.error(f"--peers: unknown {unknown}; known: {', '.join(PEERS)}")
    if min(args.requests_c1, args.requests_c64) < 1 or args.warmup < 0:
        parser.error("--requests-c1 and --requests-c64 must be at least 1, --warmup at least 0")
    if args.time_limit_s <= 0:
        parser.error(f"--time-limit-s: must be above 0, got {args.time_limit_s}")
    return args


def plan_runs(args: argparse.Namespace) -> list[Run]:
    """Return the four runs of every leg: concurrency 1 and 64, not streamed and streamed."""
    return [
        Run("c1", 1, False, args.requests_c1),
        Run("c1 stream", 1, True, args.requests_c1),
        Run("c64", 64, False, args.requests_c64),
        Run("c64 stream", 64, True, args.requests_c64),
    ]


def measure_legs(
    args: argparse.Namespace, runs: list[Run], litellm: Path | str | None
) -> list[Leg]:
    """Run the upstream and every leg through it, direct first; return the legs."""
    legs: list[Leg] = []
    with tempfile.TemporaryDirectory(prefix="tokenpit-gateway-") as name:
        directory = Path(name)
        with running_upstream(directory) as upstream_url:
            direct = Target(f"{upstream_url}/v1/chat/completions", UPSTREAM_MODEL)
            legs.append(run_leg("direct", DIRECT_LABEL, lambda: nullcontext(direct), runs, args))

            if "tokenpit" in args.peers:
                # Every run's requests, and the set-up's probes.
                requests = sum(run.requests + warmup_requests(run, args) for run in runs) + 10
                span_s = len(runs) * (args.time_limit_s + CLIENT_GRACE_S) + 120

                def open_tokenpit() -> AbstractContextManager[Target]:
                    return tokenpit_gateway(directory, upstream_url, requests, span_s)

                legs.append(run_leg("tokenpit", "tokenpit gateway", open_tokenpit, runs, args))

            if isinstance(litellm, Path):
                executable = litellm

                def open_litellm() -> AbstractContextManager[Target]:
                    return litellm_proxy(executable, directory, upstream_url)

                label = f"LiteLLM proxy {litellm_version()}"
                legs.append(run_leg("litellm", label, open_litellm, runs, args))
            elif isinstance(litellm, str):
                print(f"\nLiteLLM proxy: {litellm}")
                legs.append(Leg("litellm", "LiteLLM proxy", unavailable=litellm))
    return legs


def main() -> None:
    """Run every leg, then print the tables, the ratios and the JSON line."""
    args = parse_args()
    runs = plan_runs(args)
    print(
        f"{args.requests_c1:,} requests at concurrency 1, {args.requests_c64:,} at 64, "
        f"streamed and not, each run after {args.warmup}+ untimed; "
        f"{args.time_limit_s:g} s limit a run; "
        f"{os.cpu_count()} CPUs shared by client, proxy and upstream"
    )

    # Installed before the upstream starts, so a first install's minute times nothing.
    litellm: Path | str | None = None
    if "litellm" in args.peers:
        try:
            litellm = prepare_litellm()
        except PeerUnavailableError as error:
            litellm = str(error)

    legs = measure_legs(args, runs, litellm)
    for leg in legs:
        print_leg(leg, legs[0])
    print_ratios(legs)
    print(json.dumps(summary_json(legs)))


if __name__ == "__main__":
    os.environ.setdefault("TOKENPIT_LOG_LEVEL", "warning")
    main()
