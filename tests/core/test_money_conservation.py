"""Money is conserved through random deposits, orders, fills, deliveries, defaults, closes,
certificates and the suspensions audits cause."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from tokenpit.clearing import bond_per_lot_micros, lot_notional_micros
from tokenpit.clearing.ledger import ESCROW, EXCHANGE, FEES
from tokenpit.core import commands as c
from tokenpit.core import events as ev
from tokenpit.core.exchange import Exchange
from tokenpit.specs import default_spec, load_spec_text
from tokenpit.specs.loading import default_spec_text
from tokenpit.testing.certificates import audit_command, certificate_command

NS = 1_000_000_000
START_NS = int(dt.datetime(2026, 12, 3, 13, 10, tzinfo=dt.UTC).timestamp()) * NS
HOUR_NS = 3_600 * NS
BUYERS = (1, 2)
SELLERS = (3, 4)


def spec_with(unused: str, fee_bps: int) -> Any:
    text = default_spec_text().replace('unused = "take_or_pay"', f'unused = "{unused}"')
    return load_spec_text(text.replace("fee_bps = 0", f"fee_bps = {fee_bps}"), "test.toml")


class MoneyMachine(RuleBasedStateMachine):
    """Random trading on the exchange; the ledger and every hold must add up at all times."""

    def __init__(self) -> None:
        super().__init__()
        self.exchange = Exchange(default_spec())
        self.commands: list[c.Command] = []
        self.now_ns = START_NS
        self.net_deposits = 0

    def _apply(self, command: c.Command) -> Any:
        command.ts_ns = self.now_ns
        self.commands.append(command)
        return self.exchange.apply(len(self.commands), command)

    @initialize(unused=st.sampled_from(["take_or_pay", "refund"]), fee_bps=st.sampled_from([0, 25]))
    def open_market(self, unused: str, fee_bps: int) -> None:
        """Two buyers, two sellers (one of them buys too), endpoints graded A and B, funds."""
        self.exchange = Exchange(spec_with(unused, fee_bps))
        for n, roles in enumerate((["buyer"], ["buyer"], ["seller"], ["seller", "buyer"]), 1):
            self._apply(c.CreateAccount(name=f"a{n}", roles=roles, key_hash=f"h{n}"))
            self._apply(c.Deposit(account_id=n, amount_micros=3_000_000))
            self.net_deposits += 3_000_000
        for seller in SELLERS:
            self._apply(
                c.RegisterEndpoint(
                    account_id=seller, url="http://x/v1", model="m", capacity_units=2_000_000
                )
            )
        self._apply(c.SetEndpointGrade(endpoint_id=1, grade="A"))
        self._apply(c.SetEndpointGrade(endpoint_id=2, grade="B"))

    def _instrument(self, grade: str, periods_ahead: int) -> str:
        start = dt.datetime.fromtimestamp(
            (self.now_ns // HOUR_NS + periods_ahead) * HOUR_NS / NS, dt.UTC
        )
        return f"CHAT-{grade}.{start:%Y-%m-%dT%H}"

    @rule(account=st.sampled_from(BUYERS + SELLERS), amount=st.integers(1, 2_000_000))
    def deposit(self, account: int, amount: int) -> None:
        if self._apply(c.Deposit(account_id=account, amount_micros=amount)).ok:
            self.net_deposits += amount

    @rule(account=st.sampled_from(BUYERS + SELLERS), amount=st.integers(1, 1_000_000))
    def withdraw(self, account: int, amount: int) -> None:
        if self._apply(c.Withdraw(account_id=account, amount_micros=amount)).ok:
            self.net_deposits -= amount

    @rule(
        account=st.sampled_from(BUYERS + SELLERS),
        grade=st.sampled_from("AB"),
        periods_ahead=st.integers(0, 1),
        price_ticks=st.integers(1_900, 2_100),
        lots=st.integers(1, 6),
        kind=st.sampled_from(["limit", "limit", "limit", "market"]),
        tif=st.sampled_from(["gtc", "gtc", "ioc", "fok", "gtd"]),
        cap=st.booleans(),
    )
    def place(
        self,
        account: int,
        grade: str,
        periods_ahead: int,
        price_ticks: int,
        lots: int,
        kind: str,
        tif: str,
        cap: bool,
    ) -> None:
        instrument = self._instrument(grade, periods_ahead)
        side = "sell" if account in SELLERS and (account == 3 or price_ticks % 2) else "buy"
        if kind == "market":
            tif = "ioc" if tif in ("gtc", "gtd") else tif
        price = price_ticks * 1_000 if kind == "limit" or cap else 0
        self._apply(
            c.PlaceOrder(
                account_id=account,
                instrument=instrument,
                side=side,
                type=kind,
                price_micros=price,
                lots=lots,
                time_in_force=tif,
                expire_at_ns=self.now_ns + 600 * NS if tif == "gtd" else 0,
                endpoint_id=account - 2 if side == "sell" else None,
            )
        )

    @precondition(lambda self: self.exchange.state.orders)
    @rule(data=st.data(), lots=st.integers(1, 8), tif=st.sampled_from(["gtc", "ioc", "fok"]))
    def take(self, data: st.DataObject, lots: int, tif: str) -> None:
        """Cross a resting order from another account: where trades, lots and bonds happen."""
        resting = self.exchange.state.orders[
            data.draw(st.sampled_from(sorted(self.exchange.state.orders)))
        ]
        side = "sell" if resting.side == "buy" else "buy"
        takers = [
            a for a in (SELLERS if side == "sell" else (*BUYERS, 4)) if a != resting.account_id
        ]
        account = data.draw(st.sampled_from(takers))
        self._apply(
            c.PlaceOrder(
                account_id=account,
                instrument=resting.instrument,
                side=side,
                price_micros=resting.price_micros,
                lots=lots,
                time_in_force=tif,
                endpoint_id=account - 2 if side == "sell" else None,
            )
        )

    @precondition(lambda self: self.exchange.state.orders)
    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        order = data.draw(st.sampled_from(sorted(self.exchange.state.orders)))
        account = self.exchange.state.orders[order].account_id
        self._apply(c.CancelOrder(account_id=account, order_id=order))

    @precondition(lambda self: self.exchange.state.orders)
    @rule(data=st.data(), price_ticks=st.integers(1_900, 2_100), lots=st.integers(1, 8))
    def replace(self, data: st.DataObject, price_ticks: int, lots: int) -> None:
        order = data.draw(st.sampled_from(sorted(self.exchange.state.orders)))
        account = self.exchange.state.orders[order].account_id
        self._apply(
            c.ReplaceOrder(
                account_id=account, order_id=order, price_micros=price_ticks * 1_000, lots=lots
            )
        )

    @precondition(lambda self: self.exchange.clearing.state.lots)
    @rule(
        data=st.data(),
        input_tokens=st.integers(0, 200_000),
        output_tokens=st.integers(0, 150_000),
        outcome=st.sampled_from(["on_grade", "on_grade", "off_grade", "failed"]),
    )
    def deliver(
        self, data: st.DataObject, input_tokens: int, output_tokens: int, outcome: str
    ) -> None:
        """Serve a request against a lot: sometimes more than the lot has left."""
        lots = self.exchange.clearing.state.lots
        delivering = [i for i, lot in lots.items() if lot.period_start_ns <= self.now_ns]
        lot = lots[data.draw(st.sampled_from(sorted(delivering or lots)))]
        outcome_of = self._apply(
            c.RecordDelivery(
                request_id=f"r{len(self.commands)}",
                buyer_account_id=lot.buyer_account_id,
                lot_id=lot.lot_id,
                outcome=outcome,
                input_tokens=input_tokens,
                output_tokens=output_tokens,
                ttft_ms=200,
                duration_ms=900,
            )
        )
        event("delivery", "recorded" if outcome_of.ok else "refused")

    @precondition(lambda self: self.exchange.clearing.state.lots)
    @rule(data=st.data())
    def default(self, data: st.DataObject) -> None:
        if data.draw(st.integers(0, 3)):
            return  # defaults are rare, so that lots live long enough to be delivered against
        lot = self.exchange.clearing.state.lots[
            data.draw(st.sampled_from(sorted(self.exchange.clearing.state.lots)))
        ]
        assert lot.endpoint_id is not None
        outcome_of = self._apply(
            c.DefaultEndpoint(
                endpoint_id=lot.endpoint_id,
                period_start_ns=lot.period_start_ns,
                reason="kept failing",
            )
        )
        event("default", outcome_of.result["lots"] if outcome_of.result else "refused")

    @rule(
        endpoint=st.sampled_from([1, 2]),
        grade=st.sampled_from(["A", "B", "C", None]),
        valid_s=st.sampled_from([60, 3_600, 7 * 86_400]),
    )
    def certify(self, endpoint: int, grade: str | None, valid_s: int) -> None:
        """Issue a certificate: it supersedes the last, and may allow less or nothing."""
        self._apply(
            certificate_command(
                endpoint, grade, issued_ns=self.now_ns, valid_s=valid_s, spec=self.exchange.spec
            )
        )

    @rule(
        endpoint=st.sampled_from([1, 2]),
        passed=st.sampled_from([0, 2, 12, 30]),
        category=st.sampled_from(["arithmetic", "tools"]),
    )
    def audit(self, endpoint: int, passed: int, category: str) -> None:
        """Record 12 audits: few passes suspend, cancelling asks and defaulting lots."""
        outcome = self._apply(audit_command(endpoint, passed, 12 - min(passed, 12), category))
        defaults = [e for e in outcome.events if isinstance(e, ev.EndpointDefaulted)]
        event("audit", "lots defaulted" if defaults else "no default")

    @precondition(lambda self: self.exchange.clearing.state.lots)
    @rule(data=st.data())
    def fail_audits(self, data: st.DataObject) -> None:
        """Fail the audits of an endpoint that owes lots: its suspension defaults them."""
        lot = self.exchange.clearing.state.lots[
            data.draw(st.sampled_from(sorted(self.exchange.clearing.state.lots)))
        ]
        assert lot.endpoint_id is not None
        outcome = self._apply(audit_command(lot.endpoint_id, passed=0, failed=10))
        defaults = [e for e in outcome.events if isinstance(e, ev.EndpointDefaulted)]
        event("failed audits", "lots defaulted" if defaults else "certificate not valid")

    @rule(seconds=st.sampled_from([1, 60, 60, 700, 1_800, 3_600]))
    def advance_time(self, seconds: int) -> None:
        self.now_ns += seconds * NS
        self._apply(c.Tick())

    @invariant()
    def ledger_balances(self) -> None:
        ledger = self.exchange.clearing.state.ledger
        assert ledger.total() == 0
        participants = sum(ledger.balance(a) for a in self.exchange.state.accounts if a != EXCHANGE)
        escrow = ledger.balance(EXCHANGE, ESCROW)
        fees = ledger.balance(EXCHANGE, FEES)
        assert participants + escrow + fees == self.net_deposits

    @invariant()
    def nothing_negative(self) -> None:
        for account in self.exchange.state.accounts:
            cash, held, bond, available = self.exchange.clearing.balances(account)
            assert min(cash, held, bond, available) >= 0, (account, cash, held, bond)

    @invariant()
    def holds_equal_what_open_orders_and_lots_require(self) -> None:
        spec = self.exchange.spec
        held: dict[int, int] = dict.fromkeys(self.exchange.state.accounts, 0)
        bond: dict[int, int] = dict.fromkeys(self.exchange.state.accounts, 0)
        for order in self.exchange.state.orders.values():
            if order.side == "buy":
                held[order.account_id] += order.remaining_lots * lot_notional_micros(
                    order.price_micros, spec.lot_units
                )
            else:
                bond[order.account_id] += order.remaining_lots * bond_per_lot_micros(
                    order.price_micros, spec.lot_units, spec.seller_bond_pct
                )
        for lot in self.exchange.clearing.state.lots.values():
            bond[lot.seller_account_id] += lot.bond_micros
        for account in self.exchange.state.accounts:
            _, actual_held, actual_bond, _ = self.exchange.clearing.balances(account)
            assert (actual_held, actual_bond) == (held[account], bond[account]), account

    @invariant()
    def escrow_equals_open_lots(self) -> None:
        lots = self.exchange.clearing.state.lots.values()
        owed = sum(lot.notional_micros - lot.paid_micros - lot.refunded_micros for lot in lots)
        assert self.exchange.clearing.state.ledger.balance(EXCHANGE, ESCROW) == owed

    @invariant()
    def open_orders_match_the_books(self) -> None:
        engine_orders = {
            order_id: order.lots for order_id, order in self.exchange.engine.orders.items()
        }
        recorded = {o.order_id: o.remaining_lots for o in self.exchange.state.orders.values()}
        assert engine_orders == recorded

    def teardown(self) -> None:
        # Replaying the same commands on a fresh exchange reproduces the state exactly.
        replayed = Exchange(self.exchange.spec)
        for seq, command in enumerate(self.commands, 1):
            replayed.apply(seq, command)
        assert replayed.snapshot() == self.exchange.snapshot()
        restored = Exchange.restore(self.exchange.spec, self.exchange.snapshot())
        assert restored.snapshot() == self.exchange.snapshot()


MoneyMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=50, deadline=None)
TestMoneyConservation = MoneyMachine.TestCase
