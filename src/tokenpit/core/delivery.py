"""Deliveries: settle what the gateway served against lots, and default sellers that fail.

The gateway meters and measures each request; these commands make the result money.
Units come from the reference token counts by the spec (the core never trusts a unit
figure from outside), are charged to the lot the request was routed to and, if the
request ran past that lot's end, to the buyer's other lots of the same instrument from
the same endpoint; what still remains is recorded as unbilled: the seller delivered it
without a lot to pay for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from tokenpit.clearing import Lot
from tokenpit.core import commands as cmd
from tokenpit.core import events as ev
from tokenpit.core import trading
from tokenpit.core.effects import Effects
from tokenpit.core.outcome import CONFLICT, INVALID, NOT_FOUND, Failure

if TYPE_CHECKING:
    from tokenpit.core.exchange import Exchange

ON_GRADE = "on_grade"
OFF_GRADE = "off_grade"
FAILED = "failed"
OUTCOMES = (ON_GRADE, OFF_GRADE, FAILED)
MAX_TOKENS = cmd.MAX_TOKENS
MAX_MS = cmd.MAX_MS
MAX_TEXT = cmd.MAX_REASON_CHARS
MAX_PRICE_MICROS = 10**12  # a million dollars per million units, as the order API allows


def record(ex: Exchange, fx: Effects, command: cmd.RecordDelivery) -> dict[str, Any] | Failure:
    """Record one delivery against a buyer's lot and settle its units."""
    lot = ex.clearing.state.lots.get(command.lot_id)
    if lot is None or lot.buyer_account_id != command.buyer_account_id:
        return Failure(
            kind=NOT_FOUND,
            code="unknown_lot",
            param="lot_id",
            message=f"account {command.buyer_account_id} has no open lot {command.lot_id}",
        )
    failure = _check_delivery(command, lot, fx.ts_ns)
    if failure is not None:
        return failure

    units = 0
    if command.outcome != FAILED:
        units = ex.spec.units(command.input_tokens, command.output_tokens)
    charged = paid = refunded = 0
    for target in _lots_to_charge(ex, lot):
        if charged == units:
            break
        take = min(units - charged, target.units_left)
        if take == 0:
            continue
        for transfer in ex.clearing.deliver(
            target.lot_id,
            take,
            off_grade=command.outcome == OFF_GRADE,
            discount_pct=ex.spec.offgrade_discount_pct,
        ):
            fx.transfer(transfer)
            if transfer.reason == "refund":
                refunded += transfer.amount_micros
            else:
                paid += transfer.amount_micros
        fx.lot(target)
        charged += take

    ex.state.last_delivery_id += 1
    event = ev.DeliveryRecorded(
        seq=fx.seq,
        ts_ns=fx.ts_ns,
        delivery_id=ex.state.last_delivery_id,
        request_id=command.request_id,
        lot_id=lot.lot_id,
        instrument=lot.instrument,
        buyer_account_id=lot.buyer_account_id,
        seller_account_id=lot.seller_account_id,
        endpoint_id=lot.endpoint_id,
        outcome=command.outcome,
        reason=command.reason,
        input_tokens=command.input_tokens,
        output_tokens=command.output_tokens,
        units=units,
        charged_units=charged,
        unbilled_units=units - charged,
        reported_input_tokens=command.reported_input_tokens,
        reported_output_tokens=command.reported_output_tokens,
        ttft_ms=command.ttft_ms,
        duration_ms=command.duration_ms,
        output_tps=command.output_tps,
        streamed=command.streamed,
        paid_micros=paid,
        refunded_micros=refunded,
    )
    fx.events.append(event)
    return delivery_body(event)


def default_endpoint(
    ex: Exchange, fx: Effects, command: cmd.DefaultEndpoint
) -> dict[str, Any] | Failure:
    """Default an endpoint's open lots of one period and cancel its asks for that period."""
    endpoint = ex.state.endpoints.get(command.endpoint_id)
    if endpoint is None:
        return Failure(
            kind=NOT_FOUND,
            code="unknown_endpoint",
            param="endpoint_id",
            message=f"no endpoint {command.endpoint_id}",
        )
    if not 1 <= len(command.reason) <= MAX_TEXT:
        return Failure(
            kind=INVALID,
            code="bad_reason",
            param="reason",
            message=f"reason must have 1 to {MAX_TEXT} characters",
        )

    # Asks first, so the endpoint sells nothing more for a period it cannot serve.
    for order in list(ex.state.orders.values()):
        instrument = ex.state.instruments.get(order.instrument)
        if (
            order.endpoint_id == command.endpoint_id
            and instrument is not None
            and instrument.period_start_ns == command.period_start_ns
        ):
            trading.cancel(
                ex, fx, cmd.CancelOrder(account_id=order.account_id, order_id=order.order_id)
            )

    defaulted = [
        lot
        for lot in ex.clearing.state.lots.values()
        if lot.endpoint_id == command.endpoint_id and lot.period_start_ns == command.period_start_ns
    ]
    for lot in sorted(defaulted, key=lambda lot: lot.lot_id):
        for transfer in ex.clearing.default_lot(lot.lot_id, ex.spec.default_penalty_pct):
            fx.transfer(transfer)
        fx.lot(lot)
    fx.accounts.add(endpoint.account_id)
    fx.events.append(
        ev.EndpointDefaulted(
            seq=fx.seq,
            ts_ns=fx.ts_ns,
            endpoint_id=endpoint.endpoint_id,
            account_id=endpoint.account_id,
            period_start_ns=command.period_start_ns,
            lots=len(defaulted),
            reason=command.reason,
        )
    )
    return {
        "endpoint_id": endpoint.endpoint_id,
        "period_start_ns": command.period_start_ns,
        "lots": len(defaulted),
    }


def set_auto_buy(ex: Exchange, fx: Effects, command: cmd.SetAutoBuy) -> dict[str, Any] | Failure:
    """Set or clear the price up to which the gateway may buy lots for an account."""
    account = ex.state.accounts.get(command.account_id)
    if account is None:
        return Failure(
            kind=NOT_FOUND,
            code="unknown_account",
            param="account_id",
            message=f"no account {command.account_id}",
        )
    price = command.max_price_micros
    tick = ex.spec.tick_micros
    if price is not None and (price <= 0 or price % tick or price > MAX_PRICE_MICROS):
        return Failure(
            kind=INVALID,
            code="bad_price",
            param="max_price_micros",
            message=f"max_price_micros must be a positive multiple of the tick ({tick:,}) "
            f"up to {MAX_PRICE_MICROS:,}, or null, got {price}",
        )
    account.auto_buy_max_price_micros = price
    fx.events.append(
        ev.AutoBuySet(
            seq=fx.seq, ts_ns=fx.ts_ns, account_id=account.account_id, max_price_micros=price
        )
    )
    return {"account_id": account.account_id, "max_price_micros": price}


def delivery_body(event: ev.DeliveryRecorded) -> dict[str, Any]:
    """Return a delivery as the API shows it."""
    body: dict[str, Any] = {
        name: getattr(event, name) for name in event.__struct_fields__ if name != "seq"
    }
    body["id"] = body.pop("delivery_id")
    return body


def _check_delivery(command: cmd.RecordDelivery, lot: Lot, now_ns: int) -> Failure | None:
    problems = [
        (command.outcome not in OUTCOMES, "outcome", f"one of {list(OUTCOMES)}"),
        (not 1 <= len(command.request_id) <= MAX_TEXT, "request_id", f"1 to {MAX_TEXT} chars"),
        (len(command.reason or "") > MAX_TEXT, "reason", f"at most {MAX_TEXT} characters"),
        (not 0 <= command.input_tokens <= MAX_TOKENS, "input_tokens", f"0 to {MAX_TOKENS:,}"),
        (not 0 <= command.output_tokens <= MAX_TOKENS, "output_tokens", f"0 to {MAX_TOKENS:,}"),
        (not 0 <= command.ttft_ms <= MAX_MS, "ttft_ms", f"0 to {MAX_MS:,}"),
        (not 0 <= command.duration_ms <= MAX_MS, "duration_ms", f"0 to {MAX_MS:,}"),
    ]
    for bad, param, rule in problems:
        if bad:
            return Failure(
                kind=INVALID,
                code="bad_delivery",
                param=param,
                message=f"{param} must be {rule}, got {getattr(command, param)!r}",
            )
    if now_ns < lot.period_start_ns:
        return Failure(
            kind=CONFLICT,
            code="not_delivering",
            param="lot_id",
            message=f"lot {lot.lot_id} delivers in {lot.instrument}, whose period has not started",
        )
    return None


def _lots_to_charge(ex: Exchange, lot: Lot) -> Iterator[Lot]:
    """Yield the routed lot, then the buyer's other open lots of its instrument and endpoint."""
    yield lot
    lots = ex.clearing.state.lots
    for lot_id in ex.clearing.state.lots_by_instrument.get(lot.instrument, ()):
        other = lots.get(lot_id)
        if (
            other is not None
            and other is not lot
            and other.buyer_account_id == lot.buyer_account_id
            and other.endpoint_id == lot.endpoint_id
        ):
            yield other
