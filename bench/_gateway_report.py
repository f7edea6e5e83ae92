"""Results of bench/gateway.py and how they are shown: a table a leg, ratios, the JSON line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

AIM_ADDED_P50_MS_C1 = 1.0  # tokenpit's added p50 at concurrency 1 stays under this
AIM_RPS_C64_OVER_LITELLM = 20.0  # tokenpit's requests/s at concurrency 64, over LiteLLM's


@dataclass(frozen=True)
class Run:
    """One load shape: `requests` chat completions, `concurrency` at a time."""

    key: str
    concurrency: int
    stream: bool
    requests: int


@dataclass(frozen=True)
class RunResult:
    """What one client process measured, or why it measured nothing."""

    run: Run
    failure: str | None = None
    ok: int = 0
    errors: int = 0
    error_samples: tuple[str, ...] = ()
    p50_ms: float | None = None
    p99_ms: float | None = None
    requests_per_s: float | None = None
    cut_short: bool = False

    @property
    def measured(self) -> bool:
        """Say whether the run's figures stand: it ran, and every answer was right."""
        return self.failure is None and self.errors == 0 and self.ok > 0


@dataclass(frozen=True)
class Leg:
    """One way to the upstream and what each run through it measured."""

    name: str
    label: str
    unavailable: str | None = None
    results: tuple[RunResult, ...] = ()

    def result(self, key: str) -> RunResult | None:
        """Return the result of the run named `key`, if it ran."""
        return next((result for result in self.results if result.run.key == key), None)

    def figure(self, key: str, read: Callable[[RunResult], float | None]) -> float | None:
        """Return one figure of a run whose figures stand; None otherwise."""
        result = self.result(key)
        return read(result) if result is not None and result.measured else None


def added_ms(leg: Leg, direct: Leg, key: str, percentile: str) -> float | None:
    """Return a leg's latency percentile over the direct one on the same run, in ms."""

    def read(result: RunResult) -> float | None:
        value: float | None = getattr(result, f"{percentile}_ms")
        return value

    mine, baseline = leg.figure(key, read), direct.figure(key, read)
    return None if mine is None or baseline is None else mine - baseline


def requests_per_s(leg: Leg, key: str) -> float | None:
    """Return a run's requests per second, if its figures stand."""
    return leg.figure(key, lambda result: result.requests_per_s)


def print_leg(leg: Leg, direct: Leg) -> None:
    """Print a leg's table: latency, latency added over direct, requests/s, errors."""
    print(f"\n{leg.label}")
    if leg.unavailable is not None and not leg.results:
        print(f"  UNAVAILABLE: {leg.unavailable}")
        return
    print(
        f"  {'run':<11} {'requests':>8} {'errors':>7} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'+p50 ms':>8} {'+p99 ms':>8} {'req/s':>8}"
    )
    for result in leg.results:
        print(f"  {_row(leg, direct, result)}")
        for sample in dict.fromkeys(result.error_samples):
            print(f"      error: {sample[:200]}")
    if leg.unavailable is not None:
        print(f"  STOPPED: {leg.unavailable}")


def _row(leg: Leg, direct: Leg, result: RunResult) -> str:
    """Return one run's line of a leg's table."""
    run = result.run
    if result.failure is not None:
        return f"{run.key:<11} FAILED: {result.failure}"
    if result.errors:
        return (
            f"{run.key:<11} ERRORS: {result.errors:,} of {result.errors + result.ok:,} "
            "requests failed (warm-up included), so this run reports no figures"
        )
    line = (
        f"{run.key:<11} {result.ok:>8,} {result.errors:>7,} {_ms(result.p50_ms)} "
        f"{_ms(result.p99_ms)}"
    )
    if leg is direct:
        line += f" {'':>8} {'':>8}"
    else:
        added_p50 = added_ms(leg, direct, run.key, "p50")
        added_p99 = added_ms(leg, direct, run.key, "p99")
        line += f" {_ms(added_p50, signed=True)} {_ms(added_p99, signed=True)}"
    line += f" {_rate(result.requests_per_s)}"
    if result.cut_short:
        line += f"  (time limit: {result.ok:,} of {run.requests:,} sent)"
    return line


def _ms(value: float | None, *, signed: bool = False) -> str:
    if value is None:
        return f"{'n/a':>8}"
    return f"{value:>+8.2f}" if signed else f"{value:>8.2f}"


def _rate(value: float | None) -> str:
    return f"{'n/a':>8}" if value is None else f"{value:>8,.0f}"


def print_ratios(legs: list[Leg]) -> None:
    """Print tokenpit's figures over LiteLLM's, and whether tokenpit meets its aims."""
    by_name = {leg.name: leg for leg in legs}
    direct, tokenpit, litellm = (by_name.get(name) for name in ("direct", "tokenpit", "litellm"))
    if direct is None or tokenpit is None or litellm is None:
        return
    print("\ntokenpit / LiteLLM")
    for key in ("c1", "c1 stream"):
        mine, theirs = added_ms(tokenpit, direct, key, "p50"), added_ms(litellm, direct, key, "p50")
        ratio = mine / theirs if mine is not None and theirs else None
        aim = _verdict(mine, lambda value: value < AIM_ADDED_P50_MS_C1)
        print(
            f"  {'added p50, ' + key + ':':<22} tokenpit {_plain(mine, 'ms')}, LiteLLM "
            f"{_plain(theirs, 'ms')}; tokenpit/LiteLLM {_times(ratio)}"
            + (f"  (aim: under {AIM_ADDED_P50_MS_C1:g} ms: {aim})" if key == "c1" else "")
        )
    for key in ("c64", "c64 stream"):
        mine, theirs = requests_per_s(tokenpit, key), requests_per_s(litellm, key)
        ratio = mine / theirs if mine is not None and theirs else None
        aim = _verdict(ratio, lambda value: value >= AIM_RPS_C64_OVER_LITELLM)
        print(
            f"  {'req/s, ' + key + ':':<22} tokenpit {_plain(mine, 'req/s')}, LiteLLM "
            f"{_plain(theirs, 'req/s')}; tokenpit/LiteLLM {_times(ratio)}"
            + (f"  (aim: at least {AIM_RPS_C64_OVER_LITELLM:g}x: {aim})" if key == "c64" else "")
        )


def _verdict(value: float | None, met: Callable[[float], bool]) -> str:
    if value is None:
        return "not measured"
    return "met" if met(value) else "NOT met"


def _plain(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    return f"{value:.2f} {unit}" if unit == "ms" else f"{value:,.0f} {unit}"


def _times(ratio: float | None) -> str:
    return "n/a" if ratio is None else f"{ratio:.2f}x"


def summary_json(legs: list[Leg]) -> dict[str, Any]:
    """Return the final JSON object; a proxy that did not run or failed has null figures."""
    by_name = {leg.name: leg for leg in legs}
    direct = by_name["direct"]
    proxies = ("tokenpit", "litellm")

    def added(key: str, percentile: str) -> dict[str, float | None]:
        figures = {}
        for name in proxies:
            leg = by_name.get(name)
            value = None if leg is None else added_ms(leg, direct, key, percentile)
            figures[name] = None if value is None else round(value, 2)
        return figures

    def rates(key: str) -> dict[str, int | None]:
        figures = {}
        for name in ("direct", *proxies):
            leg = by_name.get(name)
            value = None if leg is None else requests_per_s(leg, key)
            figures[name] = None if value is None else round(value)
        return figures

    return {
        "added_p50_ms_c1": added("c1", "p50"),
        "rps_c64": rates("c64"),
        "added_p50_ms_c1_stream": added("c1 stream", "p50"),
        "rps_c64_stream": rates("c64 stream"),
        "added_p99_ms_c1": added("c1", "p99"),
        "added_p99_ms_c1_stream": added("c1 stream", "p99"),
    }
