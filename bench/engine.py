"""Benchmark tokenpit's matching engine against order books from PyPI on one stream.

Usage: .venv/bin/python bench/engine.py [--ops N] [--seed S] [--rounds R] [--peers a,b]

One seeded stream of integer operations (about 60% limit orders around a mid
that drifts but reverts to where it started, 30% cancels of orders still
resting, 10% marketable orders) goes through tokenpit and through each peer,
every run in its own process: tokenpit with this Python, the peers with a
venv this script makes under bench/.peers/venv. Runs are interleaved (round
1 runs every engine, then round 2 ...) and the median of the rounds is
reported. A second variant, "deep", first places 20,000 resting orders
untimed, which the stream never cancels, and then runs the same kind of
stream. The generator keeps a reference book of its own (see
`_engine_stream`); every engine's trades and resting book must agree with
it, and the peers' with tokenpit's, on the ops each engine ran. The last line
printed is one JSON object with ops per second and trades per engine and
variant.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _engine_stream import ModelState, StreamModel, make_stream_file

BENCH_DIR = Path(__file__).resolve().parent
WORKER = BENCH_DIR / "_engine_peers.py"
PEERS_VENV = BENCH_DIR / ".peers" / "venv"

# The peers, each pinned to the version whose API the adapters were written against.
PEER_REQUIREMENTS = {
    "lightmatchingengine": "lightmatchingengine==2019.1.4",
    "cython-orderbook": "cython-orderbook==0.1.2",
    "pyorderbook": "pyorderbook==0.4.9",
    "order-matching": "order-matching[polars]==0.12.0",  # imports polars at import time
    "limit-order-book": "limit-order-book==2.0.0",
}
INSTALL_TIMEOUT_S = 900  # limit-order-book compiles its C++ core when it installs
# order-matching scans every resting order on each operation, so it runs only
# a prefix of the shallow stream and not the deep one.
PREFIX_ONLY_PEERS = frozenset({"order-matching"})


@dataclass(frozen=True)
class Variant:
    """One stream shape: `preload_orders` resting orders placed untimed, then the stream."""

    name: str
    preload_orders: int
    json_suffix: str


@dataclass(frozen=True)
class RunResult:
    """What one worker process reported, or why it reported nothing."""

    engine: str
    status: str  # "ok", "timeout" or "crashed"
    detail: str = ""
    ops: int = 0
    seconds: float = 0.0
    seconds_at_checkpoint: float = 0.0
    trades: int | None = None
    trades_at_checkpoint: int | None = None
    resting: tuple[int, int] | None = None
    build: str | None = None

    @property
    def ops_per_s(self) -> float:
        """Return this run's throughput."""
        return self.ops / self.seconds


def prepare_peers_venv(peers: list[str]) -> tuple[Path, dict[str, str]]:
    """Make or reuse the peers' venv; return its Python and why any peer is unavailable."""
    python = PEERS_VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {PEERS_VENV} and installing the peers ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)

    # pip does nothing, quickly and offline, for pins that are already satisfied.
    requirements = [PEER_REQUIREMENTS[peer] for peer in peers]
    if not requirements or _pip_install(python, requirements) is None:
        return python, {}
    unavailable = {}
    for peer in peers:
        failure = _pip_install(python, [PEER_REQUIREMENTS[peer]])
        if failure is not None:
            unavailable[peer] = f"pip install {PEER_REQUIREMENTS[peer]} failed: {failure}"
    return python, unavailable


def _pip_install(python: Path, requirements: list[str]) -> str | None:
    """Install `requirements` with the venv's pip; return the error's last line on failure."""
    command = [str(python), "-m", "pip", "install", "--quiet", *requirements]
    try:
        completed = subprocess.run(
            command, check=False, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S
        )
    except subprocess.TimeoutExpired:
        return f"no answer within {INSTALL_TIMEOUT_S} s"
    if completed.returncode == 0:
        return None
    return _last_line(completed.stderr) or f"exit status {completed.returncode}"


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


@dataclass(frozen=True)
class RunPlan:
    """How to run one variant: its stream, and the prefix that prefix-only peers run."""

    variant: Variant
    stream_path: Path
    engines: list[str]
    pythons: dict[str, Path]
    rounds: int
    timeout_s: float
    prefix_ops: int  # 0 when no engine runs a prefix

    def stop_for(self, engine: str) -> int:
        """Return how many timed ops `engine` runs (0: all of them)."""
        return self.prefix_ops if engine in PREFIX_ONLY_PEERS else 0


def run_worker(plan: RunPlan, engine: str) -> RunResult:
    """Run one engine over the plan's stream in a fresh process and parse its result line."""
    command = [
        str(plan.pythons[engine]), str(WORKER), "--engine", engine,
        "--stream", str(plan.stream_path),
        "--stop", str(plan.stop_for(engine)), "--checkpoint", str(plan.prefix_ops),
    ]  # fmt: skip
    try:
        completed = subprocess.run(
            command, check=False, capture_output=True, text=True, timeout=plan.timeout_s
        )
    except subprocess.TimeoutExpired:
        return RunResult(engine, "timeout", f"no result within {plan.timeout_s:g} s")
    if completed.returncode != 0:
        reason = _last_line(completed.stderr) or f"exit status {completed.returncode}"
        return RunResult(engine, "crashed", reason)

    record = json.loads(completed.stdout.splitlines()[-1])
    return RunResult(
        engine,
        "ok",
        ops=record["ops"],
        seconds=record["seconds"],
        seconds_at_checkpoint=record["seconds_at_checkpoint"],
        trades=record["trades"],
        trades_at_checkpoint=record["trades_at_checkpoint"],
        resting=(record["resting_orders"], record["resting_lots"]),
        build=record["build"],
    )


def run_rounds(plan: RunPlan) -> dict[str, list[RunResult]]:
    """Run every engine once per round, interleaved; stop retrying an engine that failed."""
    runs: dict[str, list[RunResult]] = {engine: [] for engine in plan.engines}
    for round_number in range(1, plan.rounds + 1):
        for engine in plan.engines:
            if runs[engine] and runs[engine][-1].status != "ok":
                continue
            result = run_worker(plan, engine)
            runs[engine].append(result)
            print(
                f"  {plan.variant.name} round {round_number}/{plan.rounds}  {describe_run(result)}"
            )
    return runs


def describe_run(result: RunResult) -> str:
    """Return one progress line for a finished run."""
    if result.status != "ok":
        return f"{result.engine:<20} {result.status.upper()}: {result.detail}"
    trades = "n/a" if result.trades is None else f"{result.trades:,}"
    return (
        f"{result.engine:<20} {result.ops:>9,} ops  {result.ops_per_s:>12,.0f} ops/s  "
        f"trades {trades}"
    )


@dataclass(frozen=True)
class Summary:
    """One engine's line in a variant's table."""

    engine: str
    status: str
    detail: str = ""
    ops: int = 0
    ops_per_s: float | None = None
    trades: int | None = None
    ratio: float | None = None  # tokenpit's ops/s over this engine's, on the same ops
    check: str = ""


def summarize(runs: dict[str, list[RunResult]]) -> list[Summary]:
    """Reduce each engine's runs to a median and check its trades against tokenpit's."""
    reference = _reference_runs(runs.get("tokenpit", []))
    summaries = []
    for engine, engine_runs in runs.items():
        failed = [run for run in engine_runs if run.status != "ok"]
        if failed:
            summaries.append(Summary(engine, failed[0].status, failed[0].detail))
            continue
        summaries.append(_summarize_engine(engine, engine_runs, reference))
    return summaries


def _reference_runs(runs: list[RunResult]) -> list[RunResult]:
    """Return tokenpit's runs when every one of them succeeded, else none."""
    return runs if runs and all(run.status == "ok" for run in runs) else []


def _summarize_engine(engine: str, runs: list[RunResult], reference: list[RunResult]) -> Summary:
    """Take the median throughput of `engine`'s runs and check them against tokenpit's."""
    first = runs[0]
    ops_per_s = statistics.median(run.ops_per_s for run in runs)
    if len({(run.trades, run.resting) for run in runs}) > 1:
        check = "MISMATCH: trades or resting book differ between rounds"
    elif engine == "tokenpit":
        check = "reference"
    elif not reference:
        check = "not checked: tokenpit did not run"
    else:
        check = _check_against(first, reference[0])

    ratio = None
    if reference and engine != "tokenpit":
        reference_ops_per_s = statistics.median(
            _ops_per_s_over(run, first.ops) for run in reference
        )
        ratio = reference_ops_per_s / ops_per_s
    return Summary(engine, "ok", "", first.ops, ops_per_s, first.trades, ratio, check)


def _ops_per_s_over(run: RunResult, ops: int) -> float:
    """Return `run`'s throughput over its first `ops` ops: all of them, or its checkpoint."""
    if ops == run.ops:
        return run.ops_per_s
    return ops / run.seconds_at_checkpoint


def _check_against(peer: RunResult, reference: RunResult) -> str:
    """Compare a peer's trades (or, lacking them, its resting book) with tokenpit's."""
    if peer.ops != reference.ops:
        expected = reference.trades_at_checkpoint
        if peer.trades == expected:
            return f"ok (tokenpit on the same first {peer.ops:,} ops)"
        return f"MISMATCH: {peer.trades} trades, tokenpit {expected} on the same ops"
    if peer.trades is None:
        if peer.resting == reference.resting:
            orders, lots = peer.resting or (0, 0)
            return f"ok: reports no fills; same resting book ({orders:,} orders, {lots:,} lots)"
        return f"MISMATCH: reports no fills; resting {peer.resting}, tokenpit {reference.resting}"
    if peer.trades != reference.trades:
        return f"MISMATCH: {peer.trades:,} trades, tokenpit {reference.trades:,}"
    if peer.resting != reference.resting:
        return f"MISMATCH: same trades but resting {peer.resting}, tokenpit {reference.resting}"
    return "ok"


def tokenpit_notes(runs: dict[str, list[RunResult]]) -> list[str]:
    """Say how tokenpit's engine was built and how deep its book was when its first run ended."""
    finished = [run for run in runs.get("tokenpit", []) if run.status == "ok"]
    if not finished:
        return []
    orders, lots = finished[0].resting or (0, 0)
    return [
        f"tokenpit's engine ran from {finished[0].build}",
        f"the book held {orders:,} resting orders ({lots:,} lots) when tokenpit's run ended",
    ]


def model_row(model: StreamModel, runs: dict[str, list[RunResult]]) -> str:
    """Return the table row of the generator's reference book, checked against every engine."""
    ops = max(model.states)
    final = model.states[ops]
    problems, agreed = [], 0
    for engine, engine_runs in runs.items():
        run = next((run for run in engine_runs if run.status == "ok"), None)
        if run is None:
            continue
        problem = _model_problem(run, model.states.get(run.ops))
        if problem is None:
            agreed += 1
        else:
            problems.append(f"{engine} {problem}")

    if problems:
        check = f"MISMATCH: {'; '.join(problems)}"
    elif agreed:
        check = f"ok: all {agreed} engines that ran agree on trades and on resting orders and lots"
    else:
        check = "not checked: no engine ran"
    return f"{'generator model':<20} {ops:>9,} {'untimed':>12} {'':>14} {final.trades:>9,}  {check}"


def _model_problem(run: RunResult, expected: ModelState | None) -> str | None:
    """Say how a run disagrees with the reference book after the same ops; None if it agrees."""
    if expected is None:
        return f"ran {run.ops:,} ops, a count the model kept no state for"
    if run.trades is not None and run.trades != expected.trades:
        return f"made {run.trades:,} trades, the model {expected.trades:,}"
    if run.resting != expected.resting:
        return f"left {run.resting} (orders, lots) resting, the model {expected.resting}"
    return None


def print_table(plan: RunPlan, summaries: list[Summary], model_line: str, notes: list[str]) -> None:
    """Print one variant's results as a table, then the model's row, then its notes."""
    variant = plan.variant
    preload = f" after {variant.preload_orders:,} resting orders" if variant.preload_orders else ""
    print(
        f"\n{variant.name} stream{preload}: median of {plan.rounds} rounds; "
        "tokenpit/peer = tokenpit's ops/s over the peer's, on the same ops"
    )
    print(f"{'engine':<20} {'ops':>9} {'ops/s':>12} {'tokenpit/peer':>14} {'trades':>9}  check")
    for summary in summaries:
        if summary.status != "ok" or summary.ops_per_s is None:
            print(f"{summary.engine:<20} {summary.status.upper()}: {summary.detail}")
            continue
        ratio = "" if summary.ratio is None else f"{summary.ratio:.2f}x"
        trades = "n/a" if summary.trades is None else f"{summary.trades:,}"
        print(
            f"{summary.engine:<20} {summary.ops:>9,} {summary.ops_per_s:>12,.0f} {ratio:>14} "
            f"{trades:>9}  {summary.check}"
        )
    print(model_line)
    for note in notes:
        print(f"  note: {note}")


def json_fields(
    variant: Variant, summaries: list[Summary], model: StreamModel
) -> dict[str, dict[str, Any]]:
    """Return the variant's entries of the final JSON line; None marks a failed engine."""
    shown = [summary for summary in summaries if summary.status != "skipped"]
    ops_per_s = {s.engine: None if s.ops_per_s is None else round(s.ops_per_s) for s in shown}
    depth = model.depth
    return {
        f"ops_per_s{variant.json_suffix}": ops_per_s,
        f"trades{variant.json_suffix}": {s.engine: s.trades for s in shown},
        f"ops{variant.json_suffix}": {s.engine: s.ops for s in shown if s.status == "ok"},
        f"resting_orders{variant.json_suffix}": {
            "min": depth.min_orders,
            "mean": round(depth.mean_orders),
            "max": depth.max_orders,
        },
    }


def parse_args() -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=200_000, help="timed ops per stream")
    parser.add_argument("--seed", type=int, default=1, help="seed of the stream")
    parser.add_argument("--rounds", type=int, default=3, help="runs per engine; median reported")
    parser.add_argument(
        "--peers",
        default=",".join(PEER_REQUIREMENTS),
        help="comma-separated peers to run; empty for tokenpit alone",
    )
    parser.add_argument(
        "--deep-orders", type=int, default=20_000, help="resting orders before the deep stream"
    )
    parser.add_argument(
        "--prefix-ops", type=int, default=20_000, help="shallow ops that order-matching runs"
    )
    parser.add_argument("--timeout-s", type=float, default=180.0, help="limit for one run")
    args = parser.parse_args()

    args.peers = [peer for peer in args.peers.split(",") if peer]
    unknown = sorted(set(args.peers) - set(PEER_REQUIREMENTS))
    if unknown:
        parser.error(f"--peers: unknown {unknown}; known: {', '.join(PEER_REQUIREMENTS)}")
    if args.ops < 1 or args.rounds < 1 or args.prefix_ops < 1 or args.deep_orders < 0:
        parser.error("--ops, --rounds and --prefix-ops must be at least 1, --deep-orders 0")
    return args


def plan_variant(
    args: argparse.Namespace, variant: Variant, stream_path: Path, pythons: dict[str, Path]
) -> tuple[RunPlan, list[Summary], list[str]]:
    """Decide which engines run `variant` and which skip it, and how far prefix peers go."""
    skipped, notes = [], []
    engines = []
    for engine in pythons:
        if variant.preload_orders and engine in PREFIX_ONLY_PEERS:
            skipped.append(Summary(engine, "skipped", "scans every resting order; shallow only"))
        else:
            engines.append(engine)

    prefix_ops = 0
    prefix_engines = [engine for engine in engines if engine in PREFIX_ONLY_PEERS]
    if prefix_engines and args.prefix_ops < args.ops:
        prefix_ops = args.prefix_ops
        notes.append(
            f"{', '.join(prefix_engines)} scans every resting order on each op, so it ran "
            f"only the first {prefix_ops:,} ops of this stream; its ratio and trade check "
            "use tokenpit's figures on those same ops"
        )
    plan = RunPlan(variant, stream_path, engines, pythons, args.rounds, args.timeout_s, prefix_ops)
    return plan, skipped, notes


def main() -> None:
    """Run the benchmark and print the tables, then the JSON line."""
    args = parse_args()
    pythons = {"tokenpit": Path(sys.executable)}
    unavailable: dict[str, str] = {}
    if args.peers:
        peers_python, unavailable = prepare_peers_venv(args.peers)
        pythons |= {peer: peers_python for peer in args.peers if peer not in unavailable}

    variants = [Variant("shallow", 0, "")]
    if args.deep_orders:
        variants.append(Variant("deep", args.deep_orders, "_deep"))
    print(f"{args.ops:,} timed ops per stream, seed {args.seed}, {args.rounds} rounds")
    report: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="tokenpit-bench-") as directory:
        for variant in variants:
            stream_path = Path(directory) / f"{variant.name}.stream"
            model = make_stream_file(
                stream_path, variant.preload_orders, args.ops, args.seed, args.prefix_ops
            )
            plan, skipped, notes = plan_variant(args, variant, stream_path, pythons)
            runs = run_rounds(plan)
            summaries = summarize(runs) + skipped
            notes = [*model.notes(), *tokenpit_notes(runs), *notes]
            summaries += [Summary(peer, "unavailable", why) for peer, why in unavailable.items()]
            print_table(plan, summaries, model_row(model, runs), notes)
            report |= json_fields(variant, summaries, model)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
