"""Certify an endpoint: probe its features, grade it sequentially, check context and speed.

A run goes in four steps. Probes check streaming, tool calls and JSON-schema output.
Grading items, freshly generated, go out in small concurrent batches (one category
after another, so every category is sampled alike), streamed when the endpoint
streams, so time to first token and throughput are measured on the same requests;
after each batch `decision.rule` says whether the quality grade is settled. The
context check then sends one retrieval item of the grade's context size. Last, the
grade is lowered until features, context, latency and throughput all meet it.

The runner does no I/O of its own: requests go through a `ChatClient`.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tokenpit.grading.client import ChatClient, Reply
from tokenpit.grading.decision import Ruling, Tally, bounds, rule
from tokenpit.grading.items import CATEGORIES, Category, Item, categories_for, check
from tokenpit.grading.probes import (
    Probe,
    json_schema_probe,
    streaming_probe,
    throughput_probe,
    tools_probe,
)
from tokenpit.grading.report import Report, Score
from tokenpit.grading.suite import SUITE_VERSION, Suite
from tokenpit.specs import Grade, Spec

MIN_TPS_TOKENS = 32  # a reply shorter than this says little about throughput
MAX_ITEMS = 600
MIN_ITEMS = 30
CONCURRENCY = 6


@dataclass(frozen=True, slots=True)
class CertificationConfig:
    """How a certification runs; every field is checked on construction."""

    batch_size: int = 6  # items ruled on together; one per category by default
    concurrency: int = CONCURRENCY  # requests in flight at once
    max_items: int = MAX_ITEMS
    # No ruling before this many items: a certificate's scores should say something even
    # when the first batch already settles the grade.
    min_items: int = MIN_ITEMS
    confidence: float = 0.95
    throughput_probes: int = 3
    check_context: bool = True
    # One wrong answer at full context may be the model's, not its window's: a second,
    # fresh item decides, so the check tests the window rather than retrieval quality.
    context_attempts: int = 2

    def __post_init__(self) -> None:
        for name in ("batch_size", "concurrency", "max_items", "context_attempts"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if not 0 <= self.min_items <= self.max_items:
            raise ValueError(
                f"min_items must be from 0 to max_items ({self.max_items}), got {self.min_items}"
            )
        if self.throughput_probes < 0:
            raise ValueError(f"throughput_probes must be 0 or more, got {self.throughput_probes}")
        if not 0.5 < self.confidence < 1:
            raise ValueError(f"confidence must be above 0.5 and below 1, got {self.confidence}")


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a run stands, for progress bars and the API."""

    phase: str  # probing, grading, context, done
    items: int
    max_items: int
    passed: int
    detail: str = ""


ProgressSink = Callable[[Progress], None]


@dataclass(slots=True)
class _Run:
    """What a run has gathered so far."""

    passed: Counter[str] = field(default_factory=Counter)
    items: Counter[str] = field(default_factory=Counter)
    failed_requests: int = 0
    ttft_ms: list[float] = field(default_factory=list)
    output_tps: list[float] = field(default_factory=list)

    def tally(self) -> Tally:
        return Tally(dict(self.passed), dict(self.items))

    def measure(self, reply: Reply) -> None:
        if reply.answer is None:
            return
        if reply.ttft_ms is not None:
            self.ttft_ms.append(reply.ttft_ms)
        tps = reply.output_tps
        if tps is not None and reply.output_tokens >= MIN_TPS_TOKENS:
            self.output_tps.append(tps)


class Certification:
    """One certification run of one endpoint against a spec's grades."""

    def __init__(
        self,
        client: ChatClient,
        spec: Spec,
        suite: Suite,
        config: CertificationConfig | None = None,
        progress: ProgressSink | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.client = client
        self.spec = spec
        self.suite = suite
        self.config = config or CertificationConfig()
        self._progress = progress or (lambda _: None)
        self._limit = asyncio.Semaphore(self.config.concurrency)
        # Probe wording must be as unpredictable as the items.
        self._rng = rng or random.SystemRandom()
        self._run = _Run()
        self._categories: tuple[Category, ...] = CATEGORIES  # those the open grade is judged on
        self._drawn: Counter[Category] = Counter()

    async def run(self) -> Report:
        """Run the certification to its end and return the report."""
        started = time.monotonic()
        features, problems = await self._probe_features()
        candidates = [g for g in self.spec.grades if _features(g) <= features]
        streaming = "streaming" in features

        judged = candidates or list(self.spec.grades)
        self._categories = tuple(
            c for c in CATEGORIES if any(c in categories_for(_features(g)) for g in judged)
        )
        ruling = await self._grade(judged, stream=streaming)
        if streaming:
            await self._probe_throughput()
        quality_grade = ruling.grade if candidates else None
        grade, context_tokens, reason = await self._gate(
            quality_grade, features, problems, ruling.reason
        )
        self._report_progress("done", reason)
        return self._report(
            grade, quality_grade, reason, features, problems, context_tokens, started
        )

    async def _probe_features(self) -> tuple[set[str], dict[str, str]]:
        self._report_progress("probing", "streaming, tools, json_schema")
        probes = [
            streaming_probe(self._rng),
            tools_probe(self._rng, stream=False),
            json_schema_probe(self._rng, stream=False),
        ]
        results = await asyncio.gather(*(self._probe(p) for p in probes))
        features = {feature for feature, problem in results if problem is None}
        problems = {feature: problem for feature, problem in results if problem is not None}
        return features, problems

    async def _probe(self, probe: Probe) -> tuple[str, str | None]:
        reply = await self._send(probe.body)
        return probe.feature, probe.check(reply)

    async def _grade(self, grades: Sequence[Grade], *, stream: bool) -> Ruling:
        index = 0
        while True:
            batch = [self._next_item() for _ in range(self.config.batch_size)]
            index += len(batch)
            replies = await asyncio.gather(*(self._send(self._body(i, stream)) for i in batch))
            for item, reply in zip(batch, replies, strict=True):
                self._score(item, reply)

            final = index >= self.config.max_items
            ruling = rule(grades, self._run.tally(), confidence=self.config.confidence, final=final)
            self._report_progress("grading", ruling.reason)
            if ruling.done and (final or index >= self.config.min_items):
                return ruling
            if ruling.open_grade is not None:
                # Only the open grade's categories can settle it: items go to those alone.
                open_grade = self.spec.grade(ruling.open_grade)
                self._categories = categories_for(_features(open_grade))

    def _next_item(self) -> Item:
        """Return a fresh item of the category sampled least so far (ties: suite order)."""
        category = min(self._categories, key=lambda c: self._drawn[c])
        self._drawn[category] += 1
        return self.suite.item(category, self._drawn[category] - 1)

    def _body(self, item: Item, stream: bool) -> dict[str, object]:
        body = item.request_body("")
        if stream:
            body["stream"] = True
        return body

    def _score(self, item: Item, reply: Reply) -> None:
        category = str(item.category)
        self._run.items[category] += 1
        if reply.answer is None:
            self._run.failed_requests += 1
            return
        self._run.measure(reply)
        if check(item, reply.answer).passed:
            self._run.passed[category] += 1

    async def _probe_throughput(self) -> None:
        probes = [throughput_probe(self._rng) for _ in range(self.config.throughput_probes)]
        for reply in await asyncio.gather(*(self._send(p.body) for p in probes)):
            self._run.measure(reply)

    async def _gate(
        self, quality_grade: str | None, features: set[str], problems: dict[str, str], why: str
    ) -> tuple[str | None, int | None, str]:
        """Return the best grade at or below the quality grade that every gate lets through."""
        if quality_grade is None:
            return None, None, why if why.startswith(("below", "no grade")) else f"no grade: {why}"
        ttft_p95, tps = self._latency()
        context = _ContextCheck(self)
        refusals: list[str] = []
        for grade in self.spec.grades[self.spec.grade_names.index(quality_grade) :]:
            refusal = _refusal(grade, features, problems, ttft_p95, tps)
            if refusal is None:
                refusal = await context.refusal(grade.context_tokens_min)
            if refusal is None:
                if not refusals:
                    return grade.name, context.passed_tokens, why
                note = f"quality showed {quality_grade} ({why}), but not {', '.join(refusals)}"
                return grade.name, context.passed_tokens, f"{grade.name}: {note}"
            refusals.append(f"{grade.name} ({refusal})")
        note = f"quality showed {quality_grade} ({why}), but not {', '.join(refusals)}"
        return None, context.passed_tokens, f"no grade: {note}"

    def _latency(self) -> tuple[int | None, float | None]:
        ttft = sorted(self._run.ttft_ms)
        tps = sorted(self._run.output_tps)
        p95 = round(ttft[min(len(ttft) - 1, -(-95 * len(ttft) // 100) - 1)]) if ttft else None
        median = tps[len(tps) // 2] if tps else None
        return p95, median

    async def _send(self, body: dict[str, object]) -> Reply:
        async with self._limit:
            return await self.client.chat(dict(body))

    def _report_progress(self, phase: str, detail: str) -> None:
        tally = self._run.tally()
        self._progress(
            Progress(phase, tally.total_items, self.config.max_items, tally.total_passed, detail)
        )

    def _report(
        self,
        grade: str | None,
        quality_grade: str | None,
        reason: str,
        features: set[str],
        problems: dict[str, str],
        context_tokens: int | None,
        started: float,
    ) -> Report:
        ttft_p95, tps = self._latency()
        found = bounds(self._run.tally(), self.config.confidence)  # every category sampled
        return Report(
            grade=grade,
            quality_grade=quality_grade,
            reason=reason,
            suite_version=SUITE_VERSION,
            overall=Score.of("overall", found.overall),
            categories=tuple(
                Score.of(name, found.categories[name]) for name in sorted(found.categories)
            ),
            items_used=self._run.tally().total_items,
            failed_requests=self._run.failed_requests,
            features=tuple(sorted(features)),
            feature_problems=problems,
            context_tokens=context_tokens,
            ttft_p95_ms=ttft_p95,
            output_tps_median=tps,
            duration_s=time.monotonic() - started,
            confidence=self.config.confidence,
        )


class _ContextCheck:
    """The context check, run at most once per size, largest passed remembered."""

    def __init__(self, run: Certification) -> None:
        self._run = run
        self.passed_tokens: int | None = None
        self._failed: dict[int, str] = {}

    async def refusal(self, tokens: int) -> str | None:
        if not self._run.config.check_context:
            return None
        if self.passed_tokens is not None and self.passed_tokens >= tokens:
            return None
        if tokens in self._failed:
            return self._failed[tokens]
        problems = []
        for attempt in range(self._run.config.context_attempts):
            self._run._report_progress("context", f"retrieval at {tokens:,} tokens")
            item = self._run.suite.context_item(tokens, attempt)
            reply = await self._run._send(self._run._body(item, stream=False))
            problem = _context_problem(item, reply, tokens)
            if problem is None:
                self.passed_tokens = tokens
                return None
            problems.append(problem)
        self._failed[tokens] = "; ".join(problems)
        return self._failed[tokens]


def _context_problem(item: Item, reply: Reply, tokens: int) -> str | None:
    if reply.answer is None:
        return f"context check at {tokens:,} tokens failed: {reply.error}"
    verdict = check(item, reply.answer)
    if not verdict.passed:
        return f"context check at {tokens:,} tokens: {verdict.reason}"
    return None


def _refusal(
    grade: Grade,
    features: set[str],
    problems: dict[str, str],
    ttft_p95_ms: int | None,
    output_tps: float | None,
) -> str | None:
    missing = sorted(str(f) for f in grade.features if str(f) not in features)
    if missing:
        return "; ".join(f"no {name}: {problems.get(name, 'not shown')}" for name in missing)
    if ttft_p95_ms is None:
        return "time to first token not measured (no streamed reply)"
    if ttft_p95_ms > grade.ttft_p95_ms:
        return f"ttft p95 {ttft_p95_ms} ms > {grade.ttft_p95_ms} ms"
    if output_tps is None:
        return f"throughput not measured (no streamed reply of {MIN_TPS_TOKENS}+ tokens)"
    if output_tps < grade.output_tps_min:
        return f"output {output_tps:.1f} tokens/s < {grade.output_tps_min}"
    return None


def _features(grade: Grade) -> set[str]:
    return {str(feature) for feature in grade.features}
