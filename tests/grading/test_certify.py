"""Certification runs against simulated endpoints of known quality, speed and features."""

from __future__ import annotations

import random
from typing import Any

import pytest

from tokenpit.grading.certify import Certification, CertificationConfig, Progress
from tokenpit.grading.client import Reply
from tokenpit.grading.report import Report
from tokenpit.grading.suite import Suite
from tokenpit.specs import default_spec
from tokenpit.testing.grading import WRONG, EndpointTraits, SimulatedEndpoint

pytestmark = pytest.mark.anyio


async def certify(traits: EndpointTraits, seed: int = 1, **config: Any) -> Report:
    """Certify a simulated endpoint; every draw comes from `seed`, so a run repeats."""
    endpoint = SimulatedEndpoint(traits, random.Random(seed))
    run = Certification(
        endpoint,
        default_spec(),
        Suite(random.Random(seed).randbytes(32)),
        CertificationConfig(**config),
        rng=random.Random(seed),
    )
    return await run.run()


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_an_endpoint_well_above_the_top_grade_earns_it(seed: int) -> None:
    report = await certify(EndpointTraits.uniform(0.97), seed)

    assert report.grade == "A"
    assert report.items_used < 150
    assert report.context_tokens == 128_000
    assert report.features == ("json_schema", "streaming", "tools")


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_an_endpoint_well_below_every_grade_earns_none_quickly(seed: int) -> None:
    report = await certify(EndpointTraits.uniform(0.2), seed)

    assert report.grade is None
    assert report.reason.startswith("below every grade")
    assert report.items_used < 60


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_an_endpoint_between_two_thresholds_gets_the_lower_grade(seed: int) -> None:
    report = await certify(EndpointTraits.uniform(0.77), seed)

    assert report.grade == "B"
    assert "not better: A" in report.reason


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_an_endpoint_at_a_threshold_is_never_graded_above_it(seed: int) -> None:
    report = await certify(EndpointTraits.uniform(0.70), seed, max_items=300)

    assert report.grade in {"B", "C"}
    assert report.items_used <= 300


async def test_an_endpoint_without_tool_calls_cannot_hold_a_grade_that_needs_them() -> None:
    report = await certify(EndpointTraits.uniform(0.97, calls_tools=False))

    assert report.grade == "C"
    assert "tools" not in report.features
    assert report.feature_problems["tools"] == "asked for a tool call, it answered with text"


async def test_a_slow_first_token_lowers_the_grade_to_the_one_it_meets() -> None:
    report = await certify(EndpointTraits.uniform(0.97, ttft_ms=3_000.0))

    assert report.quality_grade == "A"
    assert report.grade == "C"
    assert report.ttft_p95_ms == 3_000
    assert "A (ttft p95 3000 ms > 1500 ms)" in report.reason


async def test_low_throughput_lowers_the_grade() -> None:
    report = await certify(EndpointTraits.uniform(0.97, output_tps=45.0))

    assert report.grade == "B"
    assert report.output_tps_median == pytest.approx(45.0)


async def test_a_context_window_smaller_than_the_grade_needs_lowers_it() -> None:
    report = await certify(EndpointTraits.uniform(0.97, context_tokens=40_000))

    assert report.grade == "B"
    assert report.context_tokens == 32_000
    assert "context check at 128,000 tokens failed" in report.reason


class OnePromptWrong(SimulatedEndpoint):
    """Answers like a model at temperature 0: the first context prompt always wrong."""

    wrong_prompt: str | None = None

    async def chat(self, body: dict[str, Any]) -> Reply:
        prompt = str(body["messages"][-1]["content"])
        if len(prompt) > 200_000:  # the check at 128,000 tokens; graded items are far shorter
            self.wrong_prompt = self.wrong_prompt or prompt
            if prompt == self.wrong_prompt:
                return Reply(WRONG, duration_ms=500.0, output_tokens=4)
        return await super().chat(body)


async def test_a_context_check_that_fails_once_is_retried_on_a_fresh_item() -> None:
    endpoint = OnePromptWrong(EndpointTraits.uniform(0.97), random.Random(1))
    run = Certification(
        endpoint, default_spec(), Suite(bytes(32)), CertificationConfig(), rng=random.Random(1)
    )

    report = await run.run()

    assert report.grade == "A"
    assert report.context_tokens == 128_000


async def test_failed_requests_count_as_failed_items() -> None:
    report = await certify(EndpointTraits.uniform(0.97, failure_rate=1.0))

    assert report.grade is None
    assert report.failed_requests == report.items_used
    assert report.overall.passed == 0


async def test_items_go_alike_to_the_categories_the_open_grade_is_judged_on() -> None:
    # A is missed early; B, which needs no json_schema, is then settled without extraction.
    report = await certify(EndpointTraits.uniform(0.78))
    items = {score.category: score.items for score in report.categories}
    judged = [count for category, count in items.items() if category != "extraction"]

    assert report.grade == "B"
    assert max(judged) - min(judged) <= 1
    assert items["extraction"] < min(judged)
    assert sum(items.values()) == report.items_used


async def test_progress_is_reported_through_every_phase() -> None:
    seen: list[Progress] = []
    endpoint = SimulatedEndpoint(EndpointTraits.uniform(0.97), random.Random(1))
    run = Certification(
        endpoint, default_spec(), Suite(b"s" * 32), progress=seen.append, rng=random.Random(1)
    )

    report = await run.run()

    assert seen[0].phase == "probing"
    assert {p.phase for p in seen} == {"probing", "grading", "context", "done"}
    assert seen[-1].items == report.items_used
    assert [p.items for p in seen] == sorted(p.items for p in seen)


async def test_the_same_seeds_give_the_same_report() -> None:
    first = await certify(EndpointTraits.uniform(0.8), seed=5)
    second = await certify(EndpointTraits.uniform(0.8), seed=5)

    assert first.to_dict() | {"duration_s": 0} == second.to_dict() | {"duration_s": 0}


@pytest.mark.parametrize(
    ("field", "value"), [("batch_size", 0), ("max_items", 0), ("confidence", 1.0)]
)
def test_a_bad_config_is_refused_naming_the_field(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=field):
        CertificationConfig(**{field: value})


async def test_no_ruling_comes_before_the_minimum_item_count() -> None:
    report = await certify(EndpointTraits.uniform(0.0), min_items=30)
    quick = await certify(EndpointTraits.uniform(0.0), min_items=0)

    assert report.items_used == 30
    assert quick.items_used == 6
    assert report.grade is quick.grade is None


def test_a_minimum_above_the_maximum_is_refused() -> None:
    with pytest.raises(ValueError, match="min_items must be from 0 to max_items"):
        CertificationConfig(min_items=50, max_items=40)
