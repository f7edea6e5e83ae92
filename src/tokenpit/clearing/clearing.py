"""Holds, bonds, lots and settlement on top of the ledger.

The core asks `available()` before it reserves; clearing itself never lets a
balance or hold go negative and raises `ValueError` on a caller's mistake
(reserving more than is available, settling an unknown lot): those are bugs,
not business outcomes.
"""

from __future__ import annotations

import msgspec

from tokenpit.clearing.ledger import CASH, DEPOSITS, ESCROW, EXCHANGE, FEES, Ledger, Transfer
from tokenpit.clearing.money import delivery_due_micros, fee_due_micros, notional_micros

BID = "bid"
ASK = "ask"

LOT_OPEN = "open"
LOT_SETTLED = "settled"
LOT_DEFAULTED = "defaulted"


class Reservation(msgspec.Struct, kw_only=True):
    """Money an open order sets aside: a bid's hold, or an ask's bond and capacity."""

    account_id: int
    kind: str  # BID or ASK
    amount_micros: int  # still set aside
    endpoint_id: int | None = None  # asks: the endpoint that would deliver
    period_start_ns: int = 0  # asks: the delivery period, for capacity
    units_open: int = 0  # asks: units offered and not yet sold


class Lot(msgspec.Struct, kw_only=True):
    """A delivery obligation created by a trade, and what has been delivered and paid."""

    lot_id: int
    trade_id: int
    instrument: str
    period_start_ns: int
    period_end_ns: int
    buyer_account_id: int
    seller_account_id: int
    endpoint_id: int | None
    units: int
    price_micros: int
    notional_micros: int
    bond_micros: int
    delivered_units: int = 0  # all units delivered, off-grade ones included
    paid_micros: int = 0  # gross, fees included
    refunded_micros: int = 0  # discounts, unused units (refund rule) and defaults
    fee_micros: int = 0
    status: str = LOT_OPEN
    offgrade_units: int = 0  # delivered units that missed the grade's latency limits
    discount_micros: int = 0  # refunded to the buyer for off-grade units (in refunded_micros)
    penalty_micros: int = 0  # paid by the seller to the buyer when the lot defaulted

    @property
    def units_left(self) -> int:
        """Return the units the buyer may still consume."""
        return self.units - self.delivered_units if self.status == LOT_OPEN else 0


class AccountMoney(msgspec.Struct, kw_only=True):
    """What an account has set aside; its cash lives in the ledger."""

    held_micros: int = 0
    bond_micros: int = 0


class ClearingState(msgspec.Struct, kw_only=True):
    """Everything clearing knows, as one value that snapshots to JSON."""

    ledger: Ledger = msgspec.field(default_factory=Ledger)
    accounts: dict[int, AccountMoney] = msgspec.field(default_factory=dict)
    reservations: dict[int, Reservation] = msgspec.field(default_factory=dict)  # by order id
    lots: dict[int, Lot] = msgspec.field(default_factory=dict)
    lots_by_instrument: dict[str, list[int]] = msgspec.field(default_factory=dict)
    capacity_used: dict[str, int] = msgspec.field(default_factory=dict)  # "endpoint:period"
    last_lot_id: int = 0


class Clearing:
    """Money rules of one spec: bond percentage, fees and what happens to unused units."""

    def __init__(
        self,
        state: ClearingState,
        *,
        bond_pct: int,
        fee_bps: int,
        refund_unused: bool,
    ) -> None:
        self.state = state
        self.bond_pct = bond_pct
        self.fee_bps = fee_bps
        self.refund_unused = refund_unused

    def open_account(self, account_id: int) -> None:
        """Start tracking an account's money."""
        self.state.accounts.setdefault(account_id, AccountMoney())

    def balances(self, account_id: int) -> tuple[int, int, int, int]:
        """Return (cash, held, bond, available) of an account, in µUSD."""
        money = self.state.accounts[account_id]
        cash = self.state.ledger.balance(account_id, CASH)
        held, bond = money.held_micros, money.bond_micros
        return cash, held, bond, cash - held - bond

    def available(self, account_id: int) -> int:
        """Return the cash an account may still spend or set aside."""
        return self.balances(account_id)[3]

    def deposit(self, account_id: int, amount_micros: int) -> Transfer:
        """Credit cash from outside the exchange."""
        return self.state.ledger.post(
            (EXCHANGE, DEPOSITS),
            (account_id, CASH),
            amount_micros,
            "deposit",
            f"account:{account_id}",
        )

    def withdraw(self, account_id: int, amount_micros: int) -> Transfer:
        """Pay available cash out of the exchange."""
        self._require_available(account_id, amount_micros)
        return self.state.ledger.post(
            (account_id, CASH),
            (EXCHANGE, DEPOSITS),
            amount_micros,
            "withdrawal",
            f"account:{account_id}",
        )

    def reserve_bid(self, order_id: int, account_id: int, amount_micros: int) -> None:
        """Set aside a bid's hold."""
        self._require_available(account_id, amount_micros)
        self.state.reservations[order_id] = Reservation(
            account_id=account_id, kind=BID, amount_micros=amount_micros
        )
        self.state.accounts[account_id].held_micros += amount_micros

    def reserve_ask(
        self,
        order_id: int,
        account_id: int,
        bond_micros: int,
        endpoint_id: int | None,
        period_start_ns: int,
        units: int,
    ) -> None:
        """Set aside an ask's bond and book its units against the endpoint's capacity."""
        self._require_available(account_id, bond_micros)
        self.state.reservations[order_id] = Reservation(
            account_id=account_id,
            kind=ASK,
            amount_micros=bond_micros,
            endpoint_id=endpoint_id,
            period_start_ns=period_start_ns,
            units_open=units,
        )
        self.state.accounts[account_id].bond_micros += bond_micros
        self._add_capacity(endpoint_id, period_start_ns, units)

    def capacity_used(self, endpoint_id: int, period_start_ns: int) -> int:
        """Return the units an endpoint has sold or offers for a period."""
        return self.state.capacity_used.get(f"{endpoint_id}:{period_start_ns}", 0)

    def resize(self, order_id: int, amount_micros: int, units_open: int) -> None:
        """Change what an open order sets aside (after a replace)."""
        reservation = self.state.reservations[order_id]
        change = amount_micros - reservation.amount_micros
        if change > 0:
            self._require_available(reservation.account_id, change)
        money = self.state.accounts[reservation.account_id]
        if reservation.kind == BID:
            money.held_micros += change
        else:
            money.bond_micros += change
            self._add_capacity(
                reservation.endpoint_id,
                reservation.period_start_ns,
                units_open - reservation.units_open,
            )
            reservation.units_open = units_open
        reservation.amount_micros = amount_micros

    def release(self, order_id: int) -> None:
        """Give back what a finished order still sets aside (cancelled, expired or filled)."""
        reservation = self.state.reservations.pop(order_id, None)
        if reservation is None:
            return
        money = self.state.accounts[reservation.account_id]
        if reservation.kind == BID:
            money.held_micros -= reservation.amount_micros
        else:
            money.bond_micros -= reservation.amount_micros
            self._add_capacity(
                reservation.endpoint_id, reservation.period_start_ns, -reservation.units_open
            )

    def fill(
        self,
        trade_id: int,
        instrument: str,
        period: tuple[int, int],
        buy_order_id: int,
        sell_order_id: int,
        price_micros: int,
        units: int,
        bond_micros: int,
    ) -> tuple[Lot, Transfer]:
        """Turn a trade into a lot: the buyer pays into escrow, the seller's bond moves to it."""
        bid = self.state.reservations[buy_order_id]
        ask = self.state.reservations[sell_order_id]
        lot_notional = notional_micros(price_micros, units)
        if bid.amount_micros < lot_notional or ask.amount_micros < bond_micros:
            raise ValueError(f"trade {trade_id} exceeds what its orders set aside")

        bid.amount_micros -= lot_notional
        self.state.accounts[bid.account_id].held_micros -= lot_notional
        transfer = self.state.ledger.post(
            (bid.account_id, CASH), (EXCHANGE, ESCROW), lot_notional, "trade", f"trade:{trade_id}"
        )
        # The bond stays set aside on the seller's account, now for the lot.
        ask.amount_micros -= bond_micros
        ask.units_open -= units

        self.state.last_lot_id += 1
        lot = Lot(
            lot_id=self.state.last_lot_id,
            trade_id=trade_id,
            instrument=instrument,
            period_start_ns=period[0],
            period_end_ns=period[1],
            buyer_account_id=bid.account_id,
            seller_account_id=ask.account_id,
            endpoint_id=ask.endpoint_id,
            units=units,
            price_micros=price_micros,
            notional_micros=lot_notional,
            bond_micros=bond_micros,
        )
        self.state.lots[lot.lot_id] = lot
        self.state.lots_by_instrument.setdefault(instrument, []).append(lot.lot_id)
        return lot, transfer

    def deliver(
        self, lot_id: int, units: int, *, off_grade: bool = False, discount_pct: int = 0
    ) -> list[Transfer]:
        """Record `units` delivered against a lot; pay the seller, refund off-grade discounts.

        Payments are cumulative, so rounding never drifts: after any sequence of deliveries
        the seller has been paid `floor(value of all units / 1e6)` and the buyer refunded
        `floor(discount on the off-grade units / 1e6)`, whatever the sizes and the order.
        """
        lot = self.state.lots[lot_id]
        if units <= 0 or units > lot.units_left or not 0 <= discount_pct <= 100:
            raise ValueError(f"lot {lot_id} cannot take {units} more units")
        lot.delivered_units += units
        if off_grade:
            lot.offgrade_units += units
        payment, refund = delivery_due_micros(
            lot.price_micros,
            lot.delivered_units - lot.offgrade_units,
            lot.offgrade_units,
            discount_pct,
        )
        transfers = self._refund_buyer(lot, refund - lot.discount_micros)
        lot.discount_micros = refund
        return transfers + self._pay_seller(lot, payment - lot.paid_micros)

    def default_lot(self, lot_id: int, penalty_pct: int) -> list[Transfer]:
        """End a lot its seller failed to deliver: refund the rest, charge the seller a penalty.

        The buyer gets back what it paid for the undelivered units (from escrow) and a penalty
        of `penalty_pct` of that amount from the seller: first out of the lot's bond, then out
        of the seller's other available cash, never more than the seller has.
        """
        lot = self.state.lots[lot_id]
        if lot.status != LOT_OPEN:
            raise ValueError(f"lot {lot_id} is {lot.status}, not open")
        remainder = lot.notional_micros - lot.paid_micros - lot.refunded_micros
        transfers = self._refund_buyer(lot, remainder)

        # Releasing the bond first makes it part of what the penalty can take.
        self.state.accounts[lot.seller_account_id].bond_micros -= lot.bond_micros
        penalty = min(remainder * penalty_pct // 100, max(0, self.available(lot.seller_account_id)))
        if penalty > 0:
            lot.penalty_micros = penalty
            transfers.append(
                self.state.ledger.post(
                    (lot.seller_account_id, CASH),
                    (lot.buyer_account_id, CASH),
                    penalty,
                    "default",
                    f"lot:{lot.lot_id}",
                )
            )
        lot.status = LOT_DEFAULTED
        del self.state.lots[lot_id]
        return transfers

    def settle_instrument(self, instrument: str) -> list[tuple[Lot, list[Transfer]]]:
        """Settle every open lot of an instrument whose period ended; release their bonds.

        Units not consumed are paid to the seller (take or pay) or refunded to the
        buyer, by the spec's `unused` rule.
        """
        settled: list[tuple[Lot, list[Transfer]]] = []
        for lot_id in self.state.lots_by_instrument.pop(instrument, []):
            lot = self.state.lots.get(lot_id)
            if lot is None:
                continue  # defaulted earlier in its period
            remainder = lot.notional_micros - lot.paid_micros - lot.refunded_micros
            if self.refund_unused:
                transfers = self._refund_buyer(lot, remainder)
            else:
                transfers = self._pay_seller(lot, remainder)
            self.state.accounts[lot.seller_account_id].bond_micros -= lot.bond_micros
            lot.status = LOT_SETTLED
            settled.append((lot, transfers))
            del self.state.lots[lot_id]
        return settled

    def _pay_seller(self, lot: Lot, amount_micros: int) -> list[Transfer]:
        if amount_micros <= 0:
            return []
        ledger = self.state.ledger
        ref = f"lot:{lot.lot_id}"
        lot.paid_micros += amount_micros
        fee = fee_due_micros(lot.paid_micros, self.fee_bps, lot.fee_micros)
        lot.fee_micros += fee
        transfers = []
        if amount_micros - fee > 0:
            transfers.append(
                ledger.post(
                    (EXCHANGE, ESCROW),
                    (lot.seller_account_id, CASH),
                    amount_micros - fee,
                    "delivery",
                    ref,
                )
            )
        if fee > 0:
            transfers.append(ledger.post((EXCHANGE, ESCROW), (EXCHANGE, FEES), fee, "fee", ref))
        return transfers

    def _refund_buyer(self, lot: Lot, amount_micros: int) -> list[Transfer]:
        if amount_micros <= 0:
            return []
        lot.refunded_micros += amount_micros
        return [
            self.state.ledger.post(
                (EXCHANGE, ESCROW),
                (lot.buyer_account_id, CASH),
                amount_micros,
                "refund",
                f"lot:{lot.lot_id}",
            )
        ]

    def _require_available(self, account_id: int, amount_micros: int) -> None:
        if amount_micros < 0 or amount_micros > self.available(account_id):
            raise ValueError(
                f"account {account_id} cannot set aside {amount_micros}: "
                f"available {self.available(account_id)}"
            )

    def _add_capacity(self, endpoint_id: int | None, period_start_ns: int, units: int) -> None:
        if endpoint_id is None or units == 0:
            return
        key = f"{endpoint_id}:{period_start_ns}"
        used = self.state.capacity_used.get(key, 0) + units
        if used:
            self.state.capacity_used[key] = used
        else:
            del self.state.capacity_used[key]
