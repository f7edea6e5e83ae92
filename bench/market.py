"""How good tokenpit is as a market: allocative efficiency, and prices against posted prices.

Usage: .venv/bin/python bench/market.py [--seed S] [--periods P] [--repetitions R]
       [--arrivals-per-trader A] [--markets gs|own]

Part 1 runs the zero-intelligence experiment of Gode and Sunder (1993) on the
matching engine, by default in their five markets as reconstructed from the
paper's figures (`_market_schedules.GODE_SUNDER`; market 5 only approximately),
or with `--markets own` in five schedules of our own. In every period, on a
fresh book, randomly chosen traders quote their next untraded unit, each new
order replacing the trader's resting one, until no trade is possible any more
or the arrivals run out. The arrival cap is the period's length: Gode and
Sunder gave their machine traders 30 seconds and never say how many quotes
that was. Efficiency is the surplus of the units that traded over the
competitive-equilibrium surplus. ZI-C traders (never bid above value nor ask
below cost) are shown beside the paper's Table 2 figure for the same market,
and beside a like-for-like control: the same traders on the same schedules in
the classic single-quote double auction. ZI-U traders (uniform over the whole
range) are checked against their exact expected efficiency
(`zi_u_expected_surplus`) and that against Table 2's ZI-U figure: their quotes
never depend on values, so when a period trades out its shorter side the
units of a side that all trade add up exactly, and on a longer side of single
units (or of equal ones, as in flat supply) every unit is equally likely to trade.

Part 2 puts one population of providers (each with a cost and a capacity)
and buyers (each wanting one lot) into two markets: the exchange, as ZI-C
traders in one period on the engine, and posted prices, where each provider
asks its cost plus a random markup and each buyer tries up to three random
providers and buys from the first one priced at or under its value that
still has capacity. It reports the coefficient of variation of the prices
paid and the total surplus in each, as means over the repetitions.

Seeded and bounded: the default run takes about 80 s of one core (30 s with
`--markets own`). The last line printed is one JSON object:
{"efficiency_zic": {"tokenpit", "published"}, "price_cv": {"exchange", "posted"},
"surplus": {"exchange", "posted"}, ...}; "published" is null for `--markets own`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from _market_posted import (
    BUYERS,
    COST_TICKS,
    MARKUP_PCT,
    PROVIDER_LOTS,
    PROVIDERS,
    TRIES,
    VALUE_TICKS,
    Comparison,
    compare_once,
)
from _market_schedules import MARKET_SETS, MarketCase, units_at_a_gain
from tokenpit.engine import Engine
from tokenpit.sim.zi_auctions import PeriodResult, run_book_period, run_classic_period
from tokenpit.sim.zi_markets import Market, equilibrium, zi_u_expected_surplus
from tokenpit.specs import default_spec

SPEC = default_spec()
TICK_MICROS = SPEC.tick_micros  # µUSD per million units
LOT_UNITS = SPEC.lot_units

# The period's length. Gode and Sunder's 30 seconds give no count of quotes, and
# efficiency rises with the count, so it is fixed once rather than fitted to
# their figures: this is the cap the benchmark used before their schedules went
# in, kept unchanged (2,400 quotes a period for their 12 traders).
ARRIVALS_PER_TRADER = 200

# What the efficiency table's columns mean, printed under it.
TABLE_NOTES = (
    "efficiency in %, ± one standard error; CE = competitive equilibrium: units that trade at",
    "  a gain (+ units at value = cost, which add nothing) and the range of clearing prices",
    "classic = the same ZI-C traders on the same schedules in the single-quote double auction",
    "  (best bid and ask only, a quote must improve on them, both clear after every trade)",
    "GS = Gode and Sunder (1993), Table 2, for the same market (none for our own markets)",
    "ZI-U exact: where both sides hold as many units, every unit trades and each period makes",
    "  exactly the values less the costs; elsewhere the longer side's units are single or equal,",
    "  so each is equally likely to trade; off by = (ZI-U book - exact) / standard error",
)


@dataclass(frozen=True)
class Efficiency:
    """Mean efficiency over periods (percent), its standard error, periods that timed out."""

    mean_pct: float
    standard_error_pct: float
    timed_out: int


@dataclass(frozen=True)
class MarketRow:
    """Part 1's figures for one market."""

    case: MarketCase
    zic: Efficiency
    classic: Efficiency
    ziu: Efficiency
    ziu_exact_pct: float | None  # None where it has no closed form


def measure(case: MarketCase, periods: int, run: Callable[[int], PeriodResult]) -> Efficiency:
    """Run `periods` periods of `case` and reduce their efficiencies."""
    best = equilibrium(case.market).surplus_ticks
    results = [run(period) for period in range(periods)]
    efficiencies = [100 * result.surplus_ticks / best for result in results]
    standard_error = statistics.pstdev(efficiencies) / len(efficiencies) ** 0.5
    timed_out = sum(result.timed_out for result in results)
    return Efficiency(statistics.mean(efficiencies), standard_error, timed_out)


def book_runner(
    case: MarketCase, rng: random.Random, constrained: bool, max_arrivals: int
) -> Callable[[int], PeriodResult]:
    """Return a function that trades one period of `case` on its own book of one engine."""
    engine = Engine()
    symbol = case.name.split()[0]

    def run(period: int) -> PeriodResult:
        return run_book_period(
            engine, f"ZI-{symbol}.P{period}", case.market, rng, constrained=constrained,
            max_arrivals=max_arrivals, tick_micros=TICK_MICROS,
        )  # fmt: skip

    return run


def arrivals_for(market: Market, per_trader: int) -> int:
    """Return a period's arrival cap: `per_trader` for each trader in the market."""
    return per_trader * (len(market.buyers) + len(market.sellers))


def run_efficiency(args: argparse.Namespace) -> list[MarketRow]:
    """Measure ZI-C (book and classic) and ZI-U (book) in every market; print as it goes."""
    title = (
        "Gode and Sunder's markets, reconstructed" if args.markets == "gs" else "our own markets"
    )
    print(
        f"Allocative efficiency in {title}: {args.periods:,} periods per market and trader "
        f"kind, at most {args.arrivals_per_trader} arrivals per trader per period"
    )
    print(
        f"{'market':<30} {'CE q':>5} {'CE price':>8} {'ZI-C book':>12} {'classic':>8} "
        f"{'GS ZI-C':>7} {'ZI-U book':>12} {'ZI-U exact':>10} {'off by':>8} {'GS ZI-U':>7}"
    )
    rows = []
    for case in MARKET_SETS[args.markets]:
        rows.append(measure_market(case, args))
        print_row(rows[-1])
    zic = statistics.mean(row.zic.mean_pct for row in rows)
    classic = statistics.mean(row.classic.mean_pct for row in rows)
    published = published_mean([row.case.published_zic_pct for row in rows])
    shown = "n/a" if published is None else f"{published:.2f}"
    print(f"{'mean':<45} {zic:>6.2f} {'':>6}{classic:>8.2f} {shown:>7}")
    for note in TABLE_NOTES:
        print(f"  {note}")
    return rows


def published_mean(figures: list[float | None]) -> float | None:
    """Return the mean of the published figures, or None where a market has none."""
    known = [figure for figure in figures if figure is not None]
    return statistics.mean(known) if known and len(known) == len(figures) else None


def measure_market(case: MarketCase, args: argparse.Namespace) -> MarketRow:
    """Measure one market with each trader kind on its own seeded generator."""
    cap = arrivals_for(case.market, args.arrivals_per_trader)

    def rng(kind: str) -> random.Random:
        return random.Random(f"{args.seed}:{case.name}:{kind}")

    zic = measure(case, args.periods, book_runner(case, rng("zic"), True, cap))
    classic_rng = rng("classic")
    classic = measure(
        case,
        args.periods,
        lambda _: run_classic_period(case.market, classic_rng, constrained=True, max_arrivals=cap),
    )
    ziu = measure(case, args.periods, book_runner(case, rng("ziu"), False, cap))
    expected = zi_u_expected_surplus(case.market)
    best = equilibrium(case.market).surplus_ticks
    exact = None if expected is None else float(100 * expected / best)
    return MarketRow(case, zic, classic, ziu, exact)


def print_row(row: MarketRow) -> None:
    """Print one market's line and what a reader needs to judge it."""
    case, zic, classic, ziu = row.case, row.zic, row.classic, row.ziu
    found = equilibrium(case.market)
    low, high = found.price_range_ticks or (0, 0)
    exact = "n/a" if row.ziu_exact_pct is None else f"{row.ziu_exact_pct:.2f}"
    off = off_by(ziu, row.ziu_exact_pct)
    gainful = units_at_a_gain(case.market)
    surplus_free = found.quantity - gainful
    quantity = f"{gainful}+{surplus_free}" if surplus_free else str(gainful)
    print(
        f"{case.name:<30} {quantity:>5} {f'{low}-{high}':>8} "
        f"{zic.mean_pct:>6.2f} ±{zic.standard_error_pct:.2f} {classic.mean_pct:>8.2f} "
        f"{percent(case.published_zic_pct):>7} {ziu.mean_pct:>6.2f} "
        f"±{ziu.standard_error_pct:.2f} {exact:>10} {off:>8} {percent(case.published_ziu_pct):>7}"
    )
    print(f"    {case.description}")
    if zic.timed_out or classic.timed_out or ziu.timed_out:
        print(
            f"    periods that ran out of arrivals with a trade still possible (perhaps only at "
            f"value = cost): ZI-C book {zic.timed_out}, classic {classic.timed_out}, "
            f"ZI-U {ziu.timed_out}"
        )


def percent(figure: float | None) -> str:
    """Format a published figure, or say there is none."""
    return "n/a" if figure is None else f"{figure:.1f}"


def off_by(measured: Efficiency, exact_pct: float | None) -> str:
    """Say how many standard errors the simulated ZI-U mean lies from its exact value."""
    if exact_pct is None:
        return "n/a"
    gap = measured.mean_pct - exact_pct
    if measured.standard_error_pct == 0:
        return "0" if abs(gap) < 1e-9 else "MISMATCH"
    return f"{gap / measured.standard_error_pct:+.1f} SE"


def lot_micros(ticks: float) -> int:
    """Return a per-lot amount of `ticks` (per million units) in µUSD."""
    return round(ticks * TICK_MICROS * LOT_UNITS / 1_000_000)


def run_comparison(args: argparse.Namespace) -> dict[str, float]:
    """Repeat part 2 and print the means; return them for the JSON line."""
    runs = [
        compare_once(
            random.Random(f"{args.seed}:posted:{number}"), args.arrivals_per_trader, TICK_MICROS
        )
        for number in range(args.repetitions)
    ]
    means = {
        field.name: statistics.mean(getattr(run, field.name) for run in runs)
        for field in dataclasses.fields(Comparison)
    }
    print_comparison(means, args)
    return means | {
        "exchange_surplus_micros": lot_micros(means["exchange_surplus_ticks"]),
        "posted_surplus_micros": lot_micros(means["posted_surplus_ticks"]),
    }


def print_comparison(means: dict[str, float], args: argparse.Namespace) -> None:
    """Print part 2's means side by side, with the ratios of exchange to posted."""
    print(
        f"\nPrice discovery: {PROVIDERS} providers of {PROVIDER_LOTS} lots (cost "
        f"{COST_TICKS[0]}-{COST_TICKS[1]} ticks), {BUYERS} buyers of 1 lot (value "
        f"{VALUE_TICKS[0]}-{VALUE_TICKS[1]}); posted price = cost + {MARKUP_PCT[0]}-"
        f"{MARKUP_PCT[1]}% markup, a buyer tries up to {TRIES} providers; "
        f"mean of {args.repetitions} repetitions (tick = {TICK_MICROS:,} µUSD per million units)"
    )
    print(f"{'':<28} {'exchange':>12} {'posted':>12} {'exchange/posted':>16}")
    print_pair("price CV", means["exchange_cv"], means["posted_cv"], "{:.4f}")
    exchange_surplus = lot_micros(means["exchange_surplus_ticks"])
    posted_surplus = lot_micros(means["posted_surplus_ticks"])
    print_pair("surplus µUSD per repetition", exchange_surplus, posted_surplus, "{:,}")
    best = means["best_surplus_ticks"]
    print_pair(
        "efficiency %",
        100 * means["exchange_surplus_ticks"] / best,
        100 * means["posted_surplus_ticks"] / best,
        "{:.2f}",
    )
    print_pair("lots traded", means["exchange_trades"], means["posted_trades"], "{:.1f}")
    print_pair(
        "mean price paid (ticks)",
        means["exchange_mean_price_ticks"],
        means["posted_mean_price_ticks"],
        "{:.1f}",
    )
    print(
        f"  competitive equilibrium: {means['best_quantity']:.1f} lots at "
        f"{means['best_price_ticks']:.1f} ticks (mean of the clearing range)"
    )
    if means["exchange_timed_out"]:
        timed_out = round(means["exchange_timed_out"] * args.repetitions)
        print(f"  {timed_out} exchange periods ran out of arrivals with a trade still possible")
    surplus_ratio = means["exchange_surplus_ticks"] / means["posted_surplus_ticks"]
    cv_ratio = means["exchange_cv"] / means["posted_cv"]
    print(f"exchange vs posted: surplus ×{surplus_ratio:.3f}, price CV ×{cv_ratio:.3f}")


def print_pair(label: str, exchange: float, posted: float, form: str) -> None:
    """Print one measure for both markets and their ratio."""
    ratio = f"{exchange / posted:.3f}" if posted else "n/a"
    print(f"{label:<28} {form.format(exchange):>12} {form.format(posted):>12} {ratio:>16}")


def report(
    rows: list[MarketRow], means: dict[str, float], args: argparse.Namespace
) -> dict[str, object]:
    """Return the final JSON object."""
    zic = {row.case.name: round(row.zic.mean_pct, 3) for row in rows}
    classic = {row.case.name: round(row.classic.mean_pct, 3) for row in rows}
    published = {row.case.name: row.case.published_zic_pct for row in rows}
    published_mean_pct = published_mean(list(published.values()))
    return {
        "efficiency_zic": {
            "tokenpit": round(statistics.mean(zic.values()), 3),
            "published": None if published_mean_pct is None else round(published_mean_pct, 3),
        },
        "price_cv": {
            "exchange": round(means["exchange_cv"], 4),
            "posted": round(means["posted_cv"], 4),
        },
        "surplus": {
            "exchange": means["exchange_surplus_micros"],
            "posted": means["posted_surplus_micros"],
        },
        "ratios": {
            "surplus": round(means["exchange_surplus_ticks"] / means["posted_surplus_ticks"], 4),
            "price_cv": round(means["exchange_cv"] / means["posted_cv"], 4),
        },
        "efficiency_zic_by_market": {"tokenpit": zic, "classic": classic, "published": published},
        "efficiency_zic_classic": round(statistics.mean(classic.values()), 3),
        "efficiency_ziu_by_market": {
            "tokenpit": {row.case.name: round(row.ziu.mean_pct, 3) for row in rows},
            "exact": {
                row.case.name: None if row.ziu_exact_pct is None else round(row.ziu_exact_pct, 3)
                for row in rows
            },
            "published": {row.case.name: row.case.published_ziu_pct for row in rows},
        },
        "markets": args.markets,
        "arrivals_per_trader": args.arrivals_per_trader,
        "seed": args.seed,
        "periods": args.periods,
        "repetitions": args.repetitions,
    }


def parse_args() -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1, help="seed of every generator")
    parser.add_argument("--periods", type=int, default=2_000, help="periods per market and kind")
    parser.add_argument("--repetitions", type=int, default=40, help="populations in part 2")
    parser.add_argument(
        "--arrivals-per-trader",
        type=int,
        default=ARRIVALS_PER_TRADER,
        help="arrival cap per trader per period: the period's length",
    )
    parser.add_argument(
        "--markets",
        choices=sorted(MARKET_SETS),
        default="gs",
        help="gs: Gode and Sunder's five, reconstructed (default); own: our own five",
    )
    args = parser.parse_args()
    if args.periods < 1 or args.repetitions < 1 or args.arrivals_per_trader < 1:
        parser.error("--periods, --repetitions and --arrivals-per-trader must be at least 1")
    return args


def main() -> None:
    """Run both parts and print their tables, then the JSON line."""
    args = parse_args()
    started = time.perf_counter()
    rows = run_efficiency(args)
    means = run_comparison(args)
    print(f"\nran in {time.perf_counter() - started:.1f} s")
    print(json.dumps(report(rows, means, args)))


if __name__ == "__main__":
    main()
