"""The exchange's grader: certification runs in the background, and continuous audits.

A certification run measures an endpoint through the gateway's own path to sellers
(`SellerProbe`) and submits the result to the core as `IssueCertificate`; its progress
is kept here for the API to show. Audits send one grading item at a time to every
endpoint holding a certificate, at random moments within each `audit_interval_s`,
exactly as buyer traffic goes, and submit what they found as `RecordAudit`; the core
keeps the rolling score and suspends an endpoint that falls below its grade.

Runs live in this process: a restart forgets runs in progress (their endpoint keeps
its old certificate), never a certificate that was issued.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from typing import Any

import structlog

from tokenpit.core import commands as cmd
from tokenpit.core.sequencer import Core, CoreStoppedError, OverloadedError
from tokenpit.core.state import EndpointRecord
from tokenpit.gateway.errors import SellerError
from tokenpit.gateway.probe import SellerProbe
from tokenpit.gateway.service import Gateway
from tokenpit.grading.certify import Certification, CertificationConfig, Progress
from tokenpit.grading.items import CATEGORIES, Item, check
from tokenpit.grading.report import Report, Score
from tokenpit.grading.suite import Suite, new_suite

log = structlog.get_logger(__name__)

NS_PER_S = 1_000_000_000
JOBS_KEPT = 1_000  # finished runs remembered for the API, oldest forgotten first


@dataclass(frozen=True, slots=True)
class GraderConfig:
    """How often audits run, how long certificates last, how a certification runs."""

    audit_interval_s: float = 60.0  # each certified endpoint gets one audit item this often
    certificate_validity_s: int = 7 * 86_400
    runs_max: int = 4  # certification runs at once, across endpoints
    certification: CertificationConfig = field(default_factory=CertificationConfig)

    def __post_init__(self) -> None:
        if self.audit_interval_s < 0:
            raise ValueError(
                f"audit_interval_s must be 0 (off) or more, got {self.audit_interval_s}"
            )
        if self.certificate_validity_s < 60:
            raise ValueError(
                f"certificate_validity_s must be at least 60, got {self.certificate_validity_s}"
            )
        if self.runs_max < 1:
            raise ValueError(f"runs_max must be at least 1, got {self.runs_max}")


@dataclass(slots=True)
class CertificationRun:
    """One certification run of one endpoint, as the API shows it."""

    run_id: int
    endpoint_id: int
    account_id: int
    started_ns: int
    status: str = "running"  # running, completed, failed
    progress: Progress | None = None
    finished_ns: int | None = None
    certificate_id: int | None = None
    grade: str | None = None
    error: str | None = None

    def body(self) -> dict[str, Any]:
        """Return the run as the API shows it."""
        progress = self.progress
        return {
            "id": self.run_id,
            "endpoint_id": self.endpoint_id,
            "status": self.status,
            "phase": progress.phase if progress else "queued",
            "items": progress.items if progress else 0,
            "max_items": progress.max_items if progress else 0,
            "passed": progress.passed if progress else 0,
            "detail": progress.detail if progress else "",
            "started_ns": self.started_ns,
            "finished_ns": self.finished_ns,
            "certificate_id": self.certificate_id,
            "grade": self.grade,
            "error": self.error,
        }


class RunInProgressError(Exception):
    """The endpoint already has a certification run in progress."""


class Grader:
    """Certification runs and audits of one exchange."""

    def __init__(self, core: Core, gateway: Gateway, config: GraderConfig) -> None:
        self.core = core
        self.gateway = gateway
        self.config = config
        self._runs: dict[int, CertificationRun] = {}
        self._last_run_id = 0
        self._slots = asyncio.Semaphore(config.runs_max)
        self._tasks: set[asyncio.Task[None]] = set()
        self._rng = random.SystemRandom()  # when and what to audit must not be predictable
        self._audit_index: dict[int, int] = {}
        self._suite: Suite = new_suite()

    # Certification runs

    def start_certification(self, endpoint: EndpointRecord) -> CertificationRun:
        """Start a run for `endpoint` in the background; raise if one is in progress."""
        if any(
            r.endpoint_id == endpoint.endpoint_id and r.status == "running"
            for r in self._runs.values()
        ):
            raise RunInProgressError(f"endpoint {endpoint.endpoint_id} is being certified")
        self._last_run_id += 1
        run = CertificationRun(
            self._last_run_id, endpoint.endpoint_id, endpoint.account_id, self.core.clock.now_ns()
        )
        self._runs[run.run_id] = run
        self._forget_old_runs()
        self._spawn(self._certify(run, endpoint))
        return run

    def runs(self, endpoint_id: int) -> list[CertificationRun]:
        """Return an endpoint's runs, newest first."""
        found = [r for r in self._runs.values() if r.endpoint_id == endpoint_id]
        return sorted(found, key=lambda r: r.run_id, reverse=True)

    def run(self, run_id: int) -> CertificationRun | None:
        """Return one run, or None if it is unknown or forgotten."""
        return self._runs.get(run_id)

    async def _certify(self, run: CertificationRun, endpoint: EndpointRecord) -> None:
        async with self._slots:
            try:
                client = self._client(endpoint)
                report = await Certification(
                    client,
                    self.core.spec,
                    new_suite(),
                    self.config.certification,
                    progress=lambda progress: setattr(run, "progress", progress),
                ).run()
                outcome = await self.core.submit(self._certificate(endpoint, report))
            except (SellerError, CoreStoppedError, OverloadedError) as error:
                self._finish(run, error=str(error))
                return
            except Exception:  # a background run's outermost boundary: log it, fail the run
                log.exception("certification_crashed", endpoint=endpoint.endpoint_id)
                self._finish(run, error="internal error: the run stopped (see the exchange's log)")
                return
            if outcome.failure is not None:
                self._finish(run, error=outcome.failure.message)
                return
            result = outcome.result or {}
            run.certificate_id = result.get("id")
            run.grade = report.grade
            self._finish(run)
            log.info(
                "certification_completed",
                endpoint=endpoint.endpoint_id,
                grade=report.grade,
                items=report.items_used,
                certificate=run.certificate_id,
            )

    def _finish(self, run: CertificationRun, *, error: str | None = None) -> None:
        run.status = "failed" if error else "completed"
        run.error = error
        run.finished_ns = self.core.clock.now_ns()
        if error:
            log.warning("certification_failed", endpoint=run.endpoint_id, error=error)

    def _certificate(self, endpoint: EndpointRecord, report: Report) -> cmd.IssueCertificate:
        expires_at_ns = self.core.clock.now_ns() + self.config.certificate_validity_s * NS_PER_S
        return cmd.IssueCertificate(
            endpoint_id=endpoint.endpoint_id,
            grade=report.grade,
            suite_version=report.suite_version,
            overall=_score(report.overall),
            scores=[_score(score) for score in report.categories],
            ttft_p95_ms=report.ttft_p95_ms,
            output_tps_median=report.output_tps_median,
            context_tokens=report.context_tokens,
            features=list(report.features),
            items_used=report.items_used,
            expires_at_ns=expires_at_ns,
            reason=report.reason[: cmd.MAX_REASON_CHARS],
        )

    def _forget_old_runs(self) -> None:
        finished = sorted(r.run_id for r in self._runs.values() if r.status != "running")
        for run_id in finished[: max(0, len(self._runs) - JOBS_KEPT)]:
            del self._runs[run_id]

    # Audits

    async def run_audits(self) -> None:
        """Audit every certified endpoint once per interval, at random moments, forever."""
        if self.config.audit_interval_s == 0:
            return
        while True:
            round_started = asyncio.get_running_loop().time()
            for endpoint in self.audited_endpoints():
                delay = self._rng.uniform(0, self.config.audit_interval_s)
                self._spawn(self._audit_later(endpoint, delay))
            elapsed = asyncio.get_running_loop().time() - round_started
            await asyncio.sleep(max(0.0, self.config.audit_interval_s - elapsed))

    def audited_endpoints(self) -> list[EndpointRecord]:
        """Return the endpoints that hold a certificate audits can take away."""
        state = self.core.exchange.state
        return [e for e in state.endpoints.values() if e.grade is not None]

    async def audit(self, endpoint: EndpointRecord) -> cmd.AuditResult:
        """Send one audit item to `endpoint` now, record the result, and return it."""
        item = self._audit_item(endpoint.endpoint_id)
        body = item.request_body("")
        if self._rng.random() < 0.5:  # buyers stream about as often as not
            body["stream"] = True
        try:
            reply = await self._client(endpoint).chat(body)
        except SellerError as error:
            result = _audit_result(item, None, f"request failed: {error.reason}")
        else:
            if reply.answer is None:
                result = _audit_result(item, None, f"request failed: {reply.error}")
            else:
                verdict = check(item, reply.answer)
                ttft = None if reply.ttft_ms is None else round(reply.ttft_ms)
                result = _audit_result(item, ttft, verdict.reason, passed=verdict.passed)
        await self._record_audit(endpoint.endpoint_id, result)
        return result

    async def _audit_later(self, endpoint: EndpointRecord, delay_s: float) -> None:
        await asyncio.sleep(delay_s)
        current = self.core.exchange.state.endpoints.get(endpoint.endpoint_id)
        if current is None or current.grade is None:
            return
        try:
            await self.audit(current)
        except Exception:  # a background audit's outermost boundary: log it, go on
            log.exception("audit_crashed", endpoint=endpoint.endpoint_id)

    def _audit_item(self, endpoint_id: int) -> Item:
        # Rotate categories so every one fills its rolling window alike.
        index = self._audit_index.get(endpoint_id, 0)
        self._audit_index[endpoint_id] = index + 1
        category = CATEGORIES[index % len(CATEGORIES)]
        return self._suite.item(category, self._rng.randrange(2**62))

    async def _record_audit(self, endpoint_id: int, result: cmd.AuditResult) -> None:
        try:
            outcome = await self.core.submit(
                cmd.RecordAudit(endpoint_id=endpoint_id, results=[result])
            )
        except (CoreStoppedError, OverloadedError) as error:
            log.warning("audit_not_recorded", endpoint=endpoint_id, error=str(error))
            return
        if outcome.failure is not None:
            log.warning("audit_refused", endpoint=endpoint_id, error=outcome.failure.message)
            return
        log.info(
            "audit_recorded",
            endpoint=endpoint_id,
            category=result.category,
            passed=result.passed,
            ttft_ms=result.ttft_ms,
        )

    # Plumbing

    def _client(self, endpoint: EndpointRecord) -> SellerProbe:
        credential = self.gateway.credential(endpoint)
        return SellerProbe(self.gateway.io, endpoint.url, endpoint.model, credential)

    def _spawn(self, work: Any) -> None:
        task: asyncio.Task[None] = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        """Stop audits and runs in progress."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


def _score(score: Score) -> cmd.Score:
    return cmd.Score(
        category=score.category,
        passed=score.passed,
        items=score.items,
        lower=score.lower,
        upper=score.upper,
    )


def _audit_result(
    item: Item, ttft_ms: int | None, reason: str, *, passed: bool = False
) -> cmd.AuditResult:
    return cmd.AuditResult(
        category=str(item.category),
        passed=passed,
        ttft_ms=ttft_ms,
        reason=reason[: cmd.MAX_REASON_CHARS],
    )
