"""The engine against a deliberately simple reference book, over random command sequences."""

from __future__ import annotations

from collections import Counter

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from tokenpit.engine import (
    Engine,
    OrderAccepted,
    OrderCancelled,
    OrderExpired,
    OrderReplaced,
    TradeExecuted,
)
from tokenpit.testing.engine_model import ModelBook, outcomes_of

TICK = 10
INSTRUMENT = "CHAT-B.2026-12-03T14"

prices = st.integers(min_value=95, max_value=105).map(lambda ticks: ticks * TICK)
odd_prices = st.sampled_from([0, -TICK, 1_000 + 3, 17])
lots = st.integers(min_value=1, max_value=6)
accounts = st.integers(min_value=1, max_value=3)
sides = st.booleans()
stp_modes = st.sampled_from([None, "cancel_resting", "cancel_incoming"])


class EngineVersusModel(RuleBasedStateMachine):
    """Drive engine and model with the same commands; they must agree on every outcome."""

    def __init__(self) -> None:
        super().__init__()
        self.engine = Engine()
        self.engine.add_book(INSTRUMENT, TICK)
        self.model = ModelBook(tick=TICK)
        self.next_id = 1
        self.now_ns = 0
        self.last_seq = 0
        self.placed: list[int] = []
        # Per order: lots submitted (placed or added by replace) and where they went.
        self.submitted: Counter[int] = Counter()
        self.filled: Counter[int] = Counter()
        self.removed: Counter[int] = Counter()  # cancelled, expired or cut by replace

    def _apply(self, events: list[object], expected: list[tuple[object, ...]]) -> None:
        assert outcomes_of(events) == expected  # type: ignore[arg-type]
        for event in events:
            self.last_seq += 1
            assert event.seq == self.last_seq  # type: ignore[attr-defined]
            self._account(event)

    def _account(self, event: object) -> None:
        if isinstance(event, OrderAccepted):
            self.submitted[event.order_id] += event.lots
        elif isinstance(event, TradeExecuted):
            self.filled[event.maker_order_id] += event.lots
            self.filled[event.taker_order_id] += event.lots
        elif isinstance(event, OrderCancelled | OrderExpired):
            self.removed[event.order_id] += event.lots
        elif isinstance(event, OrderReplaced):
            change = event.lots - event.previous_lots
            if change > 0:
                self.submitted[event.order_id] += change
            else:
                self.removed[event.order_id] -= change

    @staticmethod
    def _check_preview(preview: list[tuple[int, int]], events: list[object]) -> None:
        """A preview names exactly the fills an accepted order then makes."""
        if any(isinstance(e, OrderAccepted) for e in events):
            fills = [(e.price_micros, e.lots) for e in events if isinstance(e, TradeExecuted)]
            assert fills == preview

    def _new_id(self) -> int:
        order_id = self.next_id
        self.next_id += 1
        self.placed.append(order_id)
        return order_id

    @rule(
        account=accounts,
        is_buy=sides,
        price=prices,
        size=lots,
        tif=st.sampled_from(["gtc", "gtc", "ioc", "fok", "gtd"]),
        post_only=st.booleans(),
        stp=stp_modes,
        lifetime_ns=st.integers(min_value=1, max_value=50),
    )
    def place_limit(
        self,
        account: int,
        is_buy: bool,
        price: int,
        size: int,
        tif: str,
        post_only: bool,
        stp: str | None,
        lifetime_ns: int,
    ) -> None:
        order_id = self._new_id()
        expire_at_ns = self.now_ns + lifetime_ns if tif == "gtd" else 0
        side = "buy" if is_buy else "sell"
        expected = self.model.place(
            order_id, account, is_buy, price, size, "limit", tif, post_only, expire_at_ns, stp
        )
        preview = self.engine.preview(INSTRUMENT, account, side, price, size, "limit", stp)
        events = self.engine.place(
            order_id, account, INSTRUMENT, side, price, size, "limit", tif, post_only,
            expire_at_ns, stp,
        )  # fmt: skip
        self._apply(list(events), expected)
        self._check_preview(preview, list(events))

    @rule(account=accounts, is_buy=sides, size=lots, tif=st.sampled_from(["ioc", "fok"]))
    def place_market(self, account: int, is_buy: bool, size: int, tif: str) -> None:
        order_id = self._new_id()
        expected = self.model.place(order_id, account, is_buy, 0, size, "market", tif)
        side = "buy" if is_buy else "sell"
        preview = self.engine.preview(INSTRUMENT, account, side, 0, size, "market")
        events = self.engine.place(order_id, account, INSTRUMENT, side, 0, size, "market", tif)
        self._apply(list(events), expected)
        self._check_preview(preview, list(events))

    @rule(account=accounts, is_buy=sides, price=odd_prices, size=st.integers(-2, 2))
    def place_malformed(self, account: int, is_buy: bool, price: int, size: int) -> None:
        order_id = self._new_id()
        expected = self.model.place(order_id, account, is_buy, price, size)
        events = self.engine.place(
            order_id, account, INSTRUMENT, "buy" if is_buy else "sell", price, size
        )
        self._apply(list(events), expected)

    @precondition(lambda self: self.placed)
    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        order_id = data.draw(st.sampled_from(self.placed))
        self._apply(list(self.engine.cancel(order_id)), self.model.cancel(order_id))

    @precondition(lambda self: self.placed)
    @rule(data=st.data(), price=prices | odd_prices, size=st.integers(0, 8))
    def replace(self, data: st.DataObject, price: int, size: int) -> None:
        order_id = data.draw(st.sampled_from(self.placed))
        expected = self.model.replace(order_id, price, size)
        self._apply(list(self.engine.replace(order_id, price, size)), expected)

    @precondition(lambda self: self.model.resting)
    @rule(
        data=st.data(),
        price_step=st.sampled_from([0, 0, 0, -1, 1]),
        size_step=st.integers(min_value=-2, max_value=2),
    )
    def amend_resting(self, data: st.DataObject, price_step: int, size_step: int) -> None:
        """Nudge a resting order's price or size: the cases where priority is kept or lost."""
        order = data.draw(st.sampled_from(self.model.resting))
        order_id, price, size = (
            order.order_id,
            order.price + price_step * TICK,
            order.lots + size_step,
        )
        expected = self.model.replace(order_id, price, size)
        self._apply(list(self.engine.replace(order_id, price, size)), expected)

    @rule(step_ns=st.integers(min_value=0, max_value=20))
    def advance_time(self, step_ns: int) -> None:
        self.now_ns += step_ns
        self._apply(list(self.engine.expire(self.now_ns)), self.model.expire(self.now_ns))

    @invariant()
    def same_resting_orders_in_priority_order(self) -> None:
        book = self.engine.book(INSTRUMENT)
        engine_rows = [(o.order_id, o.price_micros, o.lots) for o in book.resting_orders()]
        model_rows = [
            (o.order_id, o.price, o.lots) for o in self.model.queue(True) + self.model.queue(False)
        ]
        assert engine_rows == model_rows

    @invariant()
    def book_never_crossed_at_rest(self) -> None:
        book = self.engine.book(INSTRUMENT)
        bid, ask = book.best_bid(), book.best_ask()
        assert bid is None or ask is None or bid < ask

    @invariant()
    def lots_are_conserved_per_order(self) -> None:
        resting = {o.order_id: o.lots for o in self.engine.book(INSTRUMENT).resting_orders()}
        for order_id in self.submitted:
            accounted = self.filled[order_id] + resting.get(order_id, 0) + self.removed[order_id]
            assert self.submitted[order_id] == accounted, order_id

    @invariant()
    def depth_matches_resting_orders(self) -> None:
        bids, asks = self.engine.book(INSTRUMENT).depth(levels=100)
        for is_buy, levels in ((True, bids), (False, asks)):
            expected: dict[int, list[int]] = {}
            for order in self.model.queue(is_buy):
                expected.setdefault(order.price, []).append(order.lots)
            assert levels == [(p, sum(ls), len(ls)) for p, ls in expected.items()]


EngineVersusModel.TestCase.settings = settings(
    max_examples=300, stateful_step_count=60, deadline=None
)
TestEngineVersusModel = EngineVersusModel.TestCase
