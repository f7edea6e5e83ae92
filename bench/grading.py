"""How well certification grades: misgrades and items used, against a fixed-size test.

Usage: .venv/bin/python bench/grading.py [--sellers N] [--seed S] [--max-items M]
       [--fixed-items F]

Simulated endpoints of known true quality (`tokenpit.testing.grading`) are certified
with the real runner, suite and sequential decision; only the network is left out.
True overall quality is drawn uniformly from 0.30 to 1.00, each category within
±0.03 of it, so sellers spread across and around every grade threshold. A seller's
true grade is the best whose `quality_min` its overall quality reaches and whose
`category_floor` every category reaches; latency, features and context are all
ample, and the context check is skipped, so only quality decides.

The peer, measured on the same sellers in the same run, is a fixed-size test: every
seller gets `--fixed-items` items and one ruling at the end with the same bounds.
Misgrade rates are reported among sellers at least 0.05 from every threshold (the
aim: at most 5%), and for all. The last line printed is one JSON object:
{"misgrade_rate", "mean_items", "p95_items", "sellers", ...}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from dataclasses import dataclass

from tokenpit.grading.certify import MAX_ITEMS, Certification, CertificationConfig
from tokenpit.grading.items import CATEGORIES
from tokenpit.grading.suite import Suite
from tokenpit.specs import Spec, default_spec
from tokenpit.testing.grading import EndpointTraits, SimulatedEndpoint

NEAR = 0.05  # sellers closer than this to a threshold are reported apart
SPREAD = 0.03  # how far a category's quality strays from the seller's overall


@dataclass(frozen=True, slots=True)
class Outcome:
    """One seller's certification."""

    overall: float
    true_grade: str | None
    grade: str | None
    items: int
    near: bool


def draw_traits(rng: random.Random) -> EndpointTraits:
    """Return a seller of random true quality, the mean over categories kept exact."""
    overall = rng.uniform(0.30, 1.00)
    offsets = [rng.uniform(-SPREAD, SPREAD) for _ in CATEGORIES]
    mean_offset = sum(offsets) / len(offsets)
    quality = {
        str(c): min(1.0, max(0.0, overall + o - mean_offset))
        for c, o in zip(CATEGORIES, offsets, strict=True)
    }
    return EndpointTraits(quality=quality, ttft_ms=100.0, output_tps=500.0)


def true_grade(spec: Spec, traits: EndpointTraits) -> str | None:
    """Return the best grade the seller's true quality meets."""
    for grade in spec.grades:
        if traits.overall >= grade.quality_min and all(
            q >= grade.category_floor for q in traits.quality.values()
        ):
            return grade.name
    return None


async def certify_all(
    spec: Spec, sellers: list[EndpointTraits], config: CertificationConfig, seed: int
) -> list[Outcome]:
    """Certify every seller with `config`; seeds derive from `seed`, so runs repeat."""
    thresholds = [g.quality_min for g in spec.grades]
    outcomes = []
    for number, traits in enumerate(sellers):
        rng = random.Random(f"{seed}:{number}")
        suite = Suite(rng.randbytes(32))
        endpoint = SimulatedEndpoint(traits, random.Random(rng.random()))
        report = await Certification(endpoint, spec, suite, config, rng=rng).run()
        near = min(abs(traits.overall - t) for t in thresholds) < NEAR
        outcomes.append(
            Outcome(traits.overall, true_grade(spec, traits), report.grade, report.items_used, near)
        )
    return outcomes


def summarise(outcomes: list[Outcome]) -> dict[str, float]:
    """Return misgrade rates and item counts, for far sellers and for all."""
    far = [o for o in outcomes if not o.near]
    items = sorted(o.items for o in far)
    all_items = sorted(o.items for o in outcomes)
    return {
        "misgrade_rate": _share(far),
        "mean_items": sum(items) / len(items),
        "p95_items": items[min(len(items) - 1, int(0.95 * len(items)))],
        "sellers": len(far),
        "misgrade_rate_all": _share(outcomes),
        "mean_items_all": sum(all_items) / len(all_items),
        "sellers_all": len(outcomes),
    }


def _share(outcomes: list[Outcome]) -> float:
    return sum(o.grade != o.true_grade for o in outcomes) / len(outcomes) if outcomes else 0.0


def print_line(label: str, figures: dict[str, float], seconds: float) -> None:
    """Print one design's figures."""
    print(
        f"{label:<34} misgraded {figures['misgrade_rate']:6.1%} of {figures['sellers']:>4} far "
        f"({figures['misgrade_rate_all']:5.1%} of all {figures['sellers_all']}) · items mean "
        f"{figures['mean_items']:6.1f}, p95 {figures['p95_items']:>4} (all: "
        f"{figures['mean_items_all']:6.1f}) · {seconds:5.1f} s"
    )


def main() -> None:
    """Run both designs on the same sellers and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sellers", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-items", type=int, default=MAX_ITEMS)
    parser.add_argument("--fixed-items", type=int, default=300)
    args = parser.parse_args()

    spec = default_spec()
    rng = random.Random(args.seed)
    sellers = [draw_traits(rng) for _ in range(args.sellers)]
    base = {"check_context": False, "throughput_probes": 1}
    designs = {
        "tokenpit sequential": CertificationConfig(max_items=args.max_items, **base),
        f"fixed-size test ({args.fixed_items} items)": CertificationConfig(
            batch_size=args.fixed_items, max_items=args.fixed_items, **base
        ),
    }
    results = {}
    for label, config in designs.items():
        started = time.perf_counter()
        outcomes = asyncio.run(certify_all(spec, sellers, config, args.seed))
        results[label] = summarise(outcomes)
        print_line(label, results[label], time.perf_counter() - started)

    ours, peer = results.values()
    print(
        f"items: fixed ÷ sequential = {peer['mean_items'] / ours['mean_items']:.2f}× "
        f"(far sellers), {peer['mean_items_all'] / ours['mean_items_all']:.2f}× (all)"
    )
    summary = {k: round(v, 4) if isinstance(v, float) else v for k, v in ours.items()}
    summary["fixed_items"] = {k: round(v, 4) for k, v in peer.items()}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
