"""Serve one chat completion: route to a lot, proxy to its seller, meter, judge and settle.

A seller that fails before the first byte reaches the buyer (cannot be reached, times
out, answers an error status or malformed data) is skipped and the next lot is tried;
the failed attempt is recorded and charges nothing. Once bytes are streamed, a failure
ends the stream with an error event and only what was delivered is charged; it counts
as a failure of the seller all the same. The
delivery is settled through the core after the answer is sent, so journaling never
adds to the buyer's latency.

Failures in a row are counted per endpoint and period in this process only: each gateway
process counts the requests it served, from zero when it starts, and forgets a period's
counts once the period has ended. A completed delivery's reported and reference usage
go to `UsageDriftWatch`, in memory too.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

import structlog

from tokenpit.clearing import Lot
from tokenpit.core import commands as cmd
from tokenpit.core.sequencer import Core, CoreStoppedError, OverloadedError
from tokenpit.core.state import AccountRecord, EndpointRecord
from tokenpit.gateway.config import GatewayConfig
from tokenpit.gateway.drift import DriftReport, DriftTracker
from tokenpit.gateway.drift_watch import UsageDriftWatch
from tokenpit.gateway.errors import GatewayError, SellerError
from tokenpit.gateway.measure import DeliveryMeasurement, judge
from tokenpit.gateway.metering import Meter
from tokenpit.gateway.metrics import GatewayMetrics
from tokenpit.gateway.probe import seller_headers
from tokenpit.gateway.proxying import ProxyIO, ProxyResult, proxy_plain, proxy_stream
from tokenpit.gateway.request import Request
from tokenpit.gateway.routing import Router
from tokenpit.settings import Secret

log = structlog.get_logger(__name__)

Send = Callable[[dict[str, Any]], Awaitable[None]]
NS_PER_S: Final = 1_000_000_000


class CredentialOpener(Protocol):
    """Turns a sealed seller credential back into the secret (see tokenpit.endpoints)."""

    def open(self, token: str) -> Secret:
        """Return the credential sealed in `token`."""


@dataclass(slots=True)
class _Attempt:
    lot: Lot
    endpoint: EndpointRecord
    reserved_units: int
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)


class Gateway:
    """The OpenAI-compatible gateway of one exchange."""

    def __init__(
        self,
        core: Core,
        config: GatewayConfig,
        meter: Meter,
        metrics: GatewayMetrics,
        io: ProxyIO,
        credentials: CredentialOpener | None = None,
    ) -> None:
        self.core = core
        self.config = config
        self.meter = meter
        self.metrics = metrics
        self.router = Router(core.spec)
        self._io = io
        self._credentials = credentials
        self._failures: dict[tuple[int, int], int] = {}  # (endpoint, period start): in a row
        self._defaulted: set[tuple[int, int]] = set()
        self._counting_from_ns = 0  # start of the period whose counts, and later, are kept
        self.drift = UsageDriftWatch(
            DriftTracker(
                window_requests=config.drift_window_requests,
                min_requests=config.drift_min_requests,
                min_reference_tokens=config.drift_min_reference_tokens,
                tolerance_pct=config.drift_tolerance_pct,
            ),
            metrics,
        )
        self._buying: dict[int, asyncio.Lock] = {}
        self._settling: set[asyncio.Task[None]] = set()

    @property
    def io(self) -> ProxyIO:
        """Return what every request to a seller uses: its client, meter and limits."""
        return self._io

    def failures_in_a_row(self) -> dict[tuple[int, int], int]:
        """Return the failed requests in a row this process counted, by (endpoint, period start)."""
        return dict(self._failures)

    def usage_drift(self, endpoint_id: int) -> DriftReport | None:
        """Return why an endpoint's reported usage is flagged as drifting; None when it is not."""
        return self.drift.drifting(endpoint_id)

    async def settled(self) -> None:
        """Wait until every delivery and default served so far is recorded by the core."""
        while self._settling:
            await asyncio.gather(*self._settling, return_exceptions=True)

    async def close(self) -> None:
        """Finish settling deliveries and close connections to sellers."""
        if self._settling:
            await asyncio.gather(*self._settling, return_exceptions=True)
        await self._io.upstream.close()

    async def chat(self, account: AccountRecord, request: Request, send: Send) -> None:
        """Serve one parsed chat completion request for a buyer, writing the answer to `send`."""
        need_units = self.meter.units(request.input_tokens, request.output_estimate)
        tried: set[int] = set()
        last_failure: SellerError | None = None
        for _ in range(self.config.max_attempts):
            attempt = await self._route(account, request, need_units, tried)
            if attempt is None:
                break
            try:
                result = await self._proxy(attempt, request, send)
            except SellerError as failure:
                self._settle_failure(account, attempt, request, failure)
                tried.add(attempt.lot.endpoint_id or 0)
                last_failure = failure
                continue
            self._settle(account, attempt, request, result)
            return

        if last_failure is not None:
            raise GatewayError(
                502,
                f"no seller could serve {request.model}: the last one failed: "
                f"{last_failure.reason}",
                type_="upstream_error",
                code="sellers_failed",
            )
        raise self._no_units(account, request)

    async def _route(
        self, account: AccountRecord, request: Request, need_units: int, tried: set[int]
    ) -> _Attempt | None:
        now_ns = self.core.exchange.state.now_ns or time.time_ns()
        self._forget_ended_periods(now_ns)
        lot = self._choose(account, request, need_units, tried, now_ns)
        if lot is None and not tried and account.auto_buy_max_price_micros is not None:
            await self._auto_buy(account, request, need_units, now_ns)
            lot = self._choose(account, request, need_units, tried, now_ns)
        if lot is None:
            return None
        endpoint = self.core.exchange.state.endpoints[lot.endpoint_id or 0]
        reserved = min(need_units, lot.units_left)
        self.router.reserve(lot, reserved)
        return _Attempt(lot, endpoint, reserved)

    def _choose(
        self,
        account: AccountRecord,
        request: Request,
        need_units: int,
        tried: set[int],
        now_ns: int,
    ) -> Lot | None:
        exchange = self.core.exchange
        for need in (need_units, 1):
            lots = self.router.candidates(exchange, account.account_id, request.grade, now_ns, need)
            lot = self.router.choose(lots, request.affinity, tried)
            if lot is not None:
                return lot
        return None

    async def _auto_buy(
        self, account: AccountRecord, request: Request, need_units: int, now_ns: int
    ) -> None:
        """Buy enough lots at market, up to the account's limit, to serve this request."""
        lock = self._buying.setdefault(account.account_id, asyncio.Lock())
        async with lock:
            if self._choose(account, request, need_units, set(), now_ns) is not None:
                return  # a request before this one bought already
            lot_units = self.core.spec.lot_units
            instrument = self.router.instruments(request.grade, now_ns)[0]
            order = cmd.PlaceOrder(
                account_id=account.account_id,
                instrument=instrument,
                side="buy",
                type="market",
                price_micros=account.auto_buy_max_price_micros or 0,
                lots=max(1, -(-need_units // lot_units)),
                time_in_force="ioc",
            )
            try:
                outcome = await self.core.submit(order)
            except (CoreStoppedError, OverloadedError) as error:
                raise GatewayError(
                    503, f"cannot buy units now: {error}", type_="service_unavailable"
                ) from error
            log.info(
                "auto_buy_placed",
                buyer=account.account_id,
                instrument=instrument,
                lots=order.lots,
                max_price_micros=order.price_micros,
                result=(outcome.result or {}).get("status"),
                failure=outcome.failure.message if outcome.failure else None,
            )

    async def _proxy(self, attempt: _Attempt, request: Request, send: Send) -> ProxyResult:
        headers = seller_headers(self.credential(attempt.endpoint))
        body = request.upstream_body(attempt.endpoint.model)
        extra = {"x-tokenpit-lot": str(attempt.lot.lot_id), "x-request-id": attempt.request_id}
        proxy = proxy_stream if request.stream else proxy_plain
        return await proxy(self._io, attempt.endpoint.url, body, headers, request, send, extra)

    def credential(self, endpoint: EndpointRecord) -> Secret | None:
        """Return an endpoint's credential, opened; raise `SellerError` if it cannot be."""
        if endpoint.credential_token is None:
            return None
        if self._credentials is None:
            raise SellerError("the exchange holds no key to open the seller's credential")
        return self._credentials.open(endpoint.credential_token)

    def _settle(
        self, account: AccountRecord, attempt: _Attempt, request: Request, result: ProxyResult
    ) -> None:
        grade = self.core.spec.grade(request.grade)
        measurement = DeliveryMeasurement.from_ns(
            result.start_ns,
            result.first_content_ns,
            result.end_ns,
            result.output_tokens,
            streamed=request.stream,
        )
        verdict = judge(grade, measurement)
        reasons = [verdict.reason] if verdict.reason else []
        if result.broken is not None:
            reasons.append(result.broken)
        key = (attempt.lot.endpoint_id or 0, attempt.lot.period_start_ns)
        if result.broken is None:
            self.router.observe(attempt.lot.endpoint_id, measurement.ttft_ms)
            self._failures.pop(key, None)
            self.drift.observe(
                key[0],
                (result.reported_input_tokens, result.reported_output_tokens),
                (request.input_tokens, result.output_tokens),
            )
        else:
            self.router.observe_failure(attempt.lot.endpoint_id)
            self._count_failure(key, result.broken)
        command = cmd.RecordDelivery(
            request_id=attempt.request_id,
            buyer_account_id=account.account_id,
            lot_id=attempt.lot.lot_id,
            outcome=verdict.outcome.value,
            reason="; ".join(reasons)[:200] or None,
            input_tokens=request.input_tokens,
            output_tokens=result.output_tokens,
            reported_input_tokens=result.reported_input_tokens,
            reported_output_tokens=result.reported_output_tokens,
            ttft_ms=round(measurement.ttft_ms),
            duration_ms=round(measurement.duration_ms),
            output_tps=measurement.output_tps,
            streamed=request.stream,
        )
        self.metrics.observe_delivery(request.model, command, measurement)
        self._record(attempt, command, account)

    def _settle_failure(
        self, account: AccountRecord, attempt: _Attempt, request: Request, failure: SellerError
    ) -> None:
        command = cmd.RecordDelivery(
            request_id=attempt.request_id,
            buyer_account_id=account.account_id,
            lot_id=attempt.lot.lot_id,
            outcome="failed",
            reason=failure.reason[:200],
            input_tokens=request.input_tokens,
            streamed=request.stream,
        )
        self.metrics.observe_failure(request.model)
        self.router.observe_failure(attempt.lot.endpoint_id)
        self._count_failure(
            (attempt.lot.endpoint_id or 0, attempt.lot.period_start_ns), failure.reason
        )
        self._record(attempt, command, account)

    def _record(
        self, attempt: _Attempt, command: cmd.RecordDelivery, account: AccountRecord
    ) -> None:
        task = asyncio.create_task(self._submit_delivery(attempt, command, account))
        self._settling.add(task)
        task.add_done_callback(self._settling.discard)

    async def _submit_delivery(
        self, attempt: _Attempt, command: cmd.RecordDelivery, account: AccountRecord
    ) -> None:
        try:
            outcome = await self.core.submit(command)
        except (CoreStoppedError, OverloadedError) as error:
            log.exception("delivery_not_recorded", request_id=command.request_id, error=str(error))
            return
        finally:
            self.router.release(attempt.lot, attempt.reserved_units)
        result = outcome.result or {}
        log.info(
            "delivery_completed",
            request_id=command.request_id,
            buyer=account.account_id,
            seller=attempt.endpoint.account_id,
            endpoint=attempt.endpoint.endpoint_id,
            lot=attempt.lot.lot_id,
            units=result.get("units"),
            unbilled_units=result.get("unbilled_units"),
            ttft_ms=command.ttft_ms,
            tps=None if command.output_tps is None else round(command.output_tps, 1),
            outcome=command.outcome,
            reason=command.reason,
            failure=outcome.failure.message if outcome.failure else None,
        )

    def _forget_ended_periods(self, now_ns: int) -> None:
        """Drop the failure counts of periods that have ended, once a new period starts.

        A request still in flight from an ended period may count one again; it is dropped
        when the next period starts.
        """
        period_ns = self.core.spec.period_s * NS_PER_S
        current_start_ns = now_ns - now_ns % period_ns
        if current_start_ns <= self._counting_from_ns:
            return
        self._counting_from_ns = current_start_ns
        self._failures = {
            key: count for key, count in self._failures.items() if key[1] >= current_start_ns
        }
        self._defaulted = {key for key in self._defaulted if key[1] >= current_start_ns}

    def _count_failure(self, key: tuple[int, int], reason: str) -> None:
        failures = self._failures.get(key, 0) + 1
        self._failures[key] = failures
        if failures < self.config.default_after_failures or key in self._defaulted:
            return
        self._defaulted.add(key)
        command = cmd.DefaultEndpoint(
            endpoint_id=key[0],
            period_start_ns=key[1],
            reason=f"{failures} failed requests in a row; last: {reason}"[:200],
        )
        task = asyncio.create_task(self._submit_default(command))
        self._settling.add(task)
        task.add_done_callback(self._settling.discard)

    async def _submit_default(self, command: cmd.DefaultEndpoint) -> None:
        try:
            outcome = await self.core.submit(command)
        except (CoreStoppedError, OverloadedError) as error:
            log.exception("default_not_recorded", endpoint=command.endpoint_id, error=str(error))
            return
        log.warning(
            "endpoint_defaulted",
            endpoint=command.endpoint_id,
            period_start_ns=command.period_start_ns,
            lots=(outcome.result or {}).get("lots"),
            reason=command.reason,
        )

    def _no_units(self, account: AccountRecord, request: Request) -> GatewayError:
        now_ns = self.core.exchange.state.now_ns or time.time_ns()
        instrument = self.router.instruments(request.grade, now_ns)[0]
        hint = (
            "auto-buy found no ask at or below your limit"
            if account.auto_buy_max_price_micros is not None
            else "buy lots of it, or set an auto-buy limit (PUT /api/account/auto-buy)"
        )
        return GatewayError(
            402,
            f"no {request.model} units left for this period ({instrument}): {hint}",
            type_="insufficient_quota",
            param="model",
            code="insufficient_units",
        )
