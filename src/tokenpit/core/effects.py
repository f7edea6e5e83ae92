"""Collect what one command changes: events, touched accounts and books."""

from __future__ import annotations

from tokenpit.clearing import Lot, Transfer
from tokenpit.core import events as ev
from tokenpit.core.state import OrderRecord


class Effects:
    """The events of one command, stamped with its sequence number and time."""

    def __init__(self, seq: int, ts_ns: int) -> None:
        self.seq = seq
        self.ts_ns = ts_ns
        self.events: list[ev.AnyEvent] = []
        self.accounts: set[int] = set()  # whose balances may have changed
        self.books: set[str] = set()  # whose order books changed
        self.trades: list[ev.TradeExecuted] = []

    def order(self, record: OrderRecord) -> None:
        """Emit an order's current state."""
        self.events.append(
            ev.OrderUpdated(
                seq=self.seq,
                ts_ns=self.ts_ns,
                order_id=record.order_id,
                account_id=record.account_id,
                client_order_id=record.client_order_id,
                instrument=record.instrument,
                side=record.side,
                type=record.type,
                price_micros=record.price_micros,
                lots=record.lots,
                filled_lots=record.filled_lots,
                remaining_lots=record.remaining_lots,
                time_in_force=record.time_in_force,
                expire_at_ns=record.expire_at_ns,
                post_only=record.post_only,
                endpoint_id=record.endpoint_id,
                status=record.status,
                reason=record.reason,
                message=record.message,
                created_ns=record.created_ns,
            )
        )

    def transfer(self, transfer: Transfer) -> None:
        """Emit a ledger transfer and mark the participants' balances changed."""
        self.events.append(
            ev.TransferPosted(
                seq=self.seq,
                ts_ns=self.ts_ns,
                transfer_id=transfer.transfer_id,
                source_account_id=transfer.source_account_id,
                source_book=transfer.source_book,
                destination_account_id=transfer.destination_account_id,
                destination_book=transfer.destination_book,
                amount_micros=transfer.amount_micros,
                reason=transfer.reason,
                ref=transfer.ref,
            )
        )
        self.accounts.update((transfer.source_account_id, transfer.destination_account_id))

    def lot(self, lot: Lot) -> None:
        """Emit a lot's current state."""
        self.events.append(
            ev.LotUpdated(
                seq=self.seq,
                ts_ns=self.ts_ns,
                lot_id=lot.lot_id,
                trade_id=lot.trade_id,
                instrument=lot.instrument,
                period_start_ns=lot.period_start_ns,
                period_end_ns=lot.period_end_ns,
                buyer_account_id=lot.buyer_account_id,
                seller_account_id=lot.seller_account_id,
                endpoint_id=lot.endpoint_id,
                units=lot.units,
                price_micros=lot.price_micros,
                notional_micros=lot.notional_micros,
                bond_micros=lot.bond_micros,
                delivered_units=lot.delivered_units,
                paid_micros=lot.paid_micros,
                refunded_micros=lot.refunded_micros,
                fee_micros=lot.fee_micros,
                status=lot.status,
                offgrade_units=lot.offgrade_units,
                discount_micros=lot.discount_micros,
                penalty_micros=lot.penalty_micros,
            )
        )
        self.accounts.update((lot.buyer_account_id, lot.seller_account_id))
