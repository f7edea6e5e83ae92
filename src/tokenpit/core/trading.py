"""Orders through risk, the engine and clearing: place, cancel, replace.

Every order sets aside exactly what it can cost before it reaches the engine:
a bid holds the value of the fills it will make now (previewed from the book)
plus its resting remainder at its limit; an ask holds the seller's bond on the
same amounts and books its units against its endpoint's capacity. Fills then
consume those reservations, so no balance or hold can go negative.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tokenpit import engine as eng
from tokenpit.clearing import bond_per_lot_micros, lot_notional_micros
from tokenpit.core import certificates
from tokenpit.core import commands as cmd
from tokenpit.core import events as ev
from tokenpit.core.effects import Effects
from tokenpit.core.outcome import (
    CONFLICT,
    FORBIDDEN,
    INSUFFICIENT_FUNDS,
    INVALID,
    NOT_FOUND,
    Failure,
)
from tokenpit.core.state import (
    CANCELLED,
    EXPIRED,
    FILLED,
    OPEN,
    PARTIALLY_FILLED,
    REJECTED,
    InstrumentRecord,
    OrderRecord,
)
from tokenpit.engine import rules

if TYPE_CHECKING:
    from tokenpit.core.exchange import Exchange

MAX_LOTS = 1_000_000  # per order: far above any real order, far below integer trouble

# Engine rejection codes, by what the caller should do.
_CONFLICT_CODES = frozenset(
    {
        eng.events.REJECT_POST_ONLY_WOULD_CROSS,
        eng.events.REJECT_FOK_NOT_FILLABLE,
        eng.events.REJECT_NO_LIQUIDITY,
    }
)


def place(ex: Exchange, fx: Effects, command: cmd.PlaceOrder) -> dict[str, Any] | Failure:
    """Place an order; return the order's response body or why it was refused."""
    key = f"{command.account_id}:{command.client_order_id}"
    if command.client_order_id is not None and key in ex.state.client_orders:
        return ex.state.client_orders[key][1]

    problem = _check_order(ex, command)
    if isinstance(problem, Failure):
        return problem
    instrument = problem
    is_buy = command.side == eng.BUY
    kind, price = _engine_kind_and_price(command)
    fills = ex.engine.preview(
        command.instrument, command.account_id, command.side, price, command.lots, kind
    )
    filled = sum(lots for _, lots in fills)
    rests = command.time_in_force in (eng.GTC, eng.GTD)
    rest_lots = command.lots - filled if rests else 0
    units = command.lots * ex.spec.lot_units

    if is_buy:
        hold = sum(lot_notional_micros(p, ex.spec.lot_units) * n for p, n in fills)
        hold += lot_notional_micros(price, ex.spec.lot_units) * rest_lots
    else:
        hold = sum(
            bond_per_lot_micros(p, ex.spec.lot_units, ex.spec.seller_bond_pct) * n for p, n in fills
        )
        hold += bond_per_lot_micros(price, ex.spec.lot_units, ex.spec.seller_bond_pct) * rest_lots
    available = ex.clearing.available(command.account_id)
    if hold > available:
        what = "the bid's value" if is_buy else "the seller's bond"
        return Failure(
            kind=INSUFFICIENT_FUNDS,
            code="insufficient_funds",
            message=f"the order needs {hold} µUSD set aside for {what}; available {available}",
        )

    ex.state.last_order_id += 1
    order_id = ex.state.last_order_id
    if is_buy:
        ex.clearing.reserve_bid(order_id, command.account_id, hold)
    else:
        ex.clearing.reserve_ask(
            order_id,
            command.account_id,
            hold,
            command.endpoint_id,
            instrument.period_start_ns,
            units if rests else filled * ex.spec.lot_units,
        )
    record = OrderRecord(
        order_id=order_id,
        account_id=command.account_id,
        client_order_id=command.client_order_id,
        instrument=command.instrument,
        side=command.side,
        type=command.type,
        price_micros=command.price_micros,
        lots=command.lots,
        remaining_lots=0,
        time_in_force=command.time_in_force,
        expire_at_ns=command.expire_at_ns,
        post_only=command.post_only,
        endpoint_id=command.endpoint_id,
        created_ns=fx.ts_ns,
    )
    ex.state.orders[order_id] = record
    fx.accounts.add(command.account_id)  # its hold or bond changed
    engine_events = ex.engine.place(
        order_id,
        command.account_id,
        command.instrument,
        command.side,
        price,
        command.lots,
        kind,
        command.time_in_force,
        command.post_only,
        command.expire_at_ns,
    )
    failure = apply_engine_events(ex, fx, engine_events)
    if failure is not None:
        return failure

    body = order_body(record, fx.trades)
    if command.client_order_id is not None:
        ex.state.client_orders[key] = (command.instrument, body)
    return body


def cancel(ex: Exchange, fx: Effects, command: cmd.CancelOrder) -> dict[str, Any] | Failure:
    """Cancel one of the account's resting orders."""
    record = ex.state.orders.get(command.order_id)
    if record is None or record.account_id != command.account_id:
        return _unknown_order(command.order_id)
    failure = apply_engine_events(ex, fx, ex.engine.cancel(command.order_id))
    return failure or order_body(record, [])


def replace(ex: Exchange, fx: Effects, command: cmd.ReplaceOrder) -> dict[str, Any] | Failure:
    """Change a resting order's price and open lots, re-checking what it sets aside."""
    record = ex.state.orders.get(command.order_id)
    if record is None or record.account_id != command.account_id:
        return _unknown_order(command.order_id)
    problem = rules.check_lots(command.lots) or rules.check_price(
        command.price_micros, ex.spec.tick_micros
    )
    if problem is not None or command.lots > MAX_LOTS:
        code, message = problem or ("bad_lots", f"lots must be at most {MAX_LOTS}")
        return Failure(kind=INVALID, code=code, message=message, param=_param_of(code))

    is_buy = record.side == eng.BUY
    lot_units = ex.spec.lot_units
    fills = ex.engine.preview(
        record.instrument, record.account_id, record.side, command.price_micros, command.lots
    )
    rest_lots = command.lots - sum(n for _, n in fills)
    if is_buy:
        need = sum(lot_notional_micros(p, lot_units) * n for p, n in fills)
        need += lot_notional_micros(command.price_micros, lot_units) * rest_lots
    else:
        pct = ex.spec.seller_bond_pct
        need = sum(bond_per_lot_micros(p, lot_units, pct) * n for p, n in fills)
        need += bond_per_lot_micros(command.price_micros, lot_units, pct) * rest_lots
        failure = _check_capacity(ex, record, command.lots - record.remaining_lots)
        if failure is not None:
            return failure
    reservation = ex.clearing.state.reservations[record.order_id]
    previous = (reservation.amount_micros, reservation.units_open)
    extra = need - reservation.amount_micros
    if extra > ex.clearing.available(record.account_id):
        return Failure(
            kind=INSUFFICIENT_FUNDS,
            code="insufficient_funds",
            message=f"the replace needs {extra} µUSD more set aside; "
            f"available {ex.clearing.available(record.account_id)}",
        )

    ex.clearing.resize(record.order_id, need, command.lots * lot_units)
    fx.accounts.add(record.account_id)
    engine_events = ex.engine.replace(record.order_id, command.price_micros, command.lots)
    if isinstance(engine_events[0], eng.OrderRejected):
        ex.clearing.resize(record.order_id, *previous)
    failure = apply_engine_events(ex, fx, engine_events)
    return failure or order_body(record, fx.trades)


def apply_engine_events(
    ex: Exchange, fx: Effects, engine_events: list[eng.Event]
) -> Failure | None:
    """Carry the engine's events into orders, clearing and domain events.

    Cancels and expiries finish their orders at once; every other order the
    events touch gets its status at the end: resting (open or partially
    filled), or filled once the engine no longer holds it.
    """
    touched: list[int] = []
    for event in engine_events:
        if isinstance(event, eng.TradeExecuted):
            _trade(ex, fx, event)
            touched += (event.maker_order_id, event.taker_order_id)
        elif isinstance(event, eng.OrderAccepted):
            ex.state.orders[event.order_id].remaining_lots = event.lots
            touched.append(event.order_id)
        elif isinstance(event, eng.OrderCancelled):
            _finish(ex, fx, event.order_id, CANCELLED, event.reason)
        elif isinstance(event, eng.OrderExpired):
            _finish(ex, fx, event.order_id, EXPIRED, "expired")
        elif isinstance(event, eng.OrderReplaced):
            record = ex.state.orders[event.order_id]
            record.lots += max(0, event.lots - event.previous_lots)
            record.price_micros = event.price_micros
            record.remaining_lots = event.lots
            touched.append(event.order_id)
        elif isinstance(event, eng.OrderRejected):
            return _rejected(ex, fx, event)

    for order_id in dict.fromkeys(touched):
        touched_record = ex.state.orders.get(order_id)
        if touched_record is None:
            continue  # finished above
        if order_id in ex.engine.orders:
            touched_record.status = PARTIALLY_FILLED if touched_record.filled_lots else OPEN
            fx.books.add(touched_record.instrument)
            fx.order(touched_record)
        else:
            _finish(ex, fx, order_id, FILLED, None)
    return None


def _trade(ex: Exchange, fx: Effects, trade: eng.TradeExecuted) -> None:
    buy_id, sell_id = (
        (trade.taker_order_id, trade.maker_order_id)
        if trade.taker_side == eng.BUY
        else (trade.maker_order_id, trade.taker_order_id)
    )
    buy, sell = ex.state.orders[buy_id], ex.state.orders[sell_id]
    instrument = ex.state.instruments[trade.instrument]
    units = trade.lots * ex.spec.lot_units
    bond = bond_per_lot_micros(trade.price_micros, ex.spec.lot_units, ex.spec.seller_bond_pct)
    lot, transfer = ex.clearing.fill(
        trade.trade_id,
        trade.instrument,
        (instrument.period_start_ns, instrument.period_end_ns),
        buy_id,
        sell_id,
        trade.price_micros,
        units,
        bond * trade.lots,
    )
    traded = ev.TradeExecuted(
        seq=fx.seq,
        ts_ns=fx.ts_ns,
        trade_id=trade.trade_id,
        instrument=trade.instrument,
        price_micros=trade.price_micros,
        lots=trade.lots,
        units=units,
        buy_order_id=buy_id,
        sell_order_id=sell_id,
        buyer_account_id=buy.account_id,
        seller_account_id=sell.account_id,
        aggressor_side=trade.taker_side,
    )
    fx.events.append(traded)
    fx.trades.append(traded)
    fx.transfer(transfer)
    fx.lot(lot)
    fx.books.add(trade.instrument)
    buy.filled_lots += trade.lots
    sell.filled_lots += trade.lots
    ex.state.orders[trade.maker_order_id].remaining_lots = trade.maker_lots_left
    ex.state.orders[trade.taker_order_id].remaining_lots = trade.taker_lots_left


def _finish(ex: Exchange, fx: Effects, order_id: int, status: str, reason: str | None) -> None:
    record = ex.state.orders.pop(order_id)
    record.status = status
    record.reason = reason
    record.remaining_lots = 0
    ex.clearing.release(order_id)
    fx.accounts.add(record.account_id)
    fx.books.add(record.instrument)
    fx.order(record)


def _rejected(ex: Exchange, fx: Effects, event: eng.OrderRejected) -> Failure:
    record = ex.state.orders.get(event.order_id)
    if record is not None and event.order_id not in ex.engine.orders:
        # A new order the engine refused: it never existed for the market.
        del ex.state.orders[event.order_id]
        ex.clearing.release(event.order_id)
        record.status, record.reason, record.message = REJECTED, event.code, event.message
    kind = CONFLICT if event.code in _CONFLICT_CODES else INVALID
    return Failure(kind=kind, code=event.code, message=event.message, param=_param_of(event.code))


def order_body(record: OrderRecord, trades: list[ev.TradeExecuted]) -> dict[str, Any]:
    """Return an order as the API shows it, with the trades this command made."""
    return {
        "id": record.order_id,
        "client_order_id": record.client_order_id,
        "instrument": record.instrument,
        "side": record.side,
        "type": record.type,
        "price_micros": record.price_micros,
        "lots": record.lots,
        "filled_lots": record.filled_lots,
        "remaining_lots": record.remaining_lots,
        "time_in_force": record.time_in_force,
        "expire_at_ns": record.expire_at_ns,
        "post_only": record.post_only,
        "endpoint_id": record.endpoint_id,
        "status": record.status,
        "reason": record.reason,
        "created_ns": record.created_ns,
        "trades": [
            {
                "trade_id": t.trade_id,
                "price_micros": t.price_micros,
                "lots": t.lots,
                "units": t.units,
            }
            for t in trades
            if record.order_id in (t.buy_order_id, t.sell_order_id)
        ],
    }


def _check_order(ex: Exchange, command: cmd.PlaceOrder) -> InstrumentRecord | Failure:
    """Return the order's instrument, or the first rule the order breaks."""
    account = ex.state.accounts[command.account_id]
    role = "buyer" if command.side == eng.BUY else "seller"
    if command.side in (eng.BUY, eng.SELL) and role not in account.roles:
        return Failure(
            kind=FORBIDDEN,
            code="role_required",
            message=f"a {command.side} order needs the {role} role; this account has "
            f"{', '.join(account.roles) or 'none'}",
        )
    instrument = ex.state.instruments.get(command.instrument)
    if instrument is None:
        return ex.unlisted(command.instrument)
    if command.type not in (eng.LIMIT, eng.MARKET):
        return Failure(
            kind=INVALID,
            code="bad_type",
            param="type",
            message=f"type must be 'limit' or 'market', got {command.type!r}",
        )
    if command.lots > MAX_LOTS:
        return Failure(
            kind=INVALID,
            code="bad_lots",
            param="lots",
            message=f"lots must be at most {MAX_LOTS:,}, got {command.lots}",
        )
    kind, price = _engine_kind_and_price(command)
    problem = rules.check_order(
        ex.spec.tick_micros,
        ex.engine.now_ns,
        command.side,
        price,
        command.lots,
        kind,
        command.time_in_force,
        command.post_only,
        command.expire_at_ns,
        None,
    )
    if problem is not None:
        return Failure(
            kind=INVALID, code=problem[0], message=problem[1], param=_param_of(problem[0])
        )
    if command.side == eng.SELL:
        return _check_endpoint(ex, command, instrument) or instrument
    return instrument


def _check_endpoint(
    ex: Exchange, command: cmd.PlaceOrder, instrument: InstrumentRecord
) -> Failure | None:
    if command.endpoint_id is None:
        return Failure(
            kind=INVALID,
            code="endpoint_required",
            param="endpoint_id",
            message="a sell order names the endpoint that will deliver it (endpoint_id)",
        )
    endpoint = ex.state.endpoints.get(command.endpoint_id)
    if endpoint is None or endpoint.account_id != command.account_id:
        return Failure(
            kind=NOT_FOUND,
            code="unknown_endpoint",
            param="endpoint_id",
            message=f"no endpoint {command.endpoint_id} belongs to this account",
        )
    refusal = certificates.ask_refusal(ex, endpoint, instrument, ex.state.now_ns)
    if refusal is not None:
        return refusal
    used = ex.clearing.capacity_used(endpoint.endpoint_id, instrument.period_start_ns)
    units = command.lots * ex.spec.lot_units
    if used + units > endpoint.capacity_units:
        return _capacity_failure(endpoint.endpoint_id, endpoint.capacity_units, used, units)
    return None


def _check_capacity(ex: Exchange, record: OrderRecord, extra_lots: int) -> Failure | None:
    if extra_lots <= 0 or record.endpoint_id is None:
        return None
    endpoint = ex.state.endpoints[record.endpoint_id]
    instrument = ex.state.instruments[record.instrument]
    used = ex.clearing.capacity_used(endpoint.endpoint_id, instrument.period_start_ns)
    units = extra_lots * ex.spec.lot_units
    if used + units > endpoint.capacity_units:
        return _capacity_failure(endpoint.endpoint_id, endpoint.capacity_units, used, units)
    return None


def _capacity_failure(endpoint_id: int, capacity: int, used: int, units: int) -> Failure:
    return Failure(
        kind=CONFLICT,
        code="capacity_exceeded",
        param="lots",
        message=f"endpoint {endpoint_id} declares {capacity:,} units per period; "
        f"{used:,} are sold or offered, so {units:,} more would exceed it",
    )


def _engine_kind_and_price(command: cmd.PlaceOrder) -> tuple[str, int]:
    """A market order with a price cap is an immediate limit order at the cap."""
    if command.type == eng.MARKET:
        return (eng.LIMIT, command.price_micros) if command.price_micros else (eng.MARKET, 0)
    return command.type, command.price_micros


def _unknown_order(order_id: int) -> Failure:
    return Failure(
        kind=NOT_FOUND,
        code="unknown_order",
        param="order_id",
        message=f"order {order_id} is not open for this account "
        "(never placed here, or already filled, cancelled or expired)",
    )


_PARAMS = {
    "bad_side": "side",
    "bad_kind": "type",
    "bad_type": "type",
    "bad_time_in_force": "time_in_force",
    "bad_price": "price_micros",
    "price_off_tick": "price_micros",
    "bad_lots": "lots",
    "bad_expiry": "expire_at_ns",
    "post_only_would_cross": "post_only",
}


def _param_of(code: str) -> str | None:
    return _PARAMS.get(code)
