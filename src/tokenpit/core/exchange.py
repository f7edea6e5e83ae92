"""The exchange as a deterministic state machine: apply a command, get an outcome.

`Exchange.apply` is the only way state changes. It reads no clock: time comes
in as each command's `ts_ns`, and before every command the lifecycle catches
up with that time (lists new instruments, expires good-till-date orders,
closes and settles ended periods). Applying the same commands to the same
snapshot therefore always yields the same state and the same events.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from tokenpit import engine as eng
from tokenpit.clearing import Clearing
from tokenpit.core import audits, certificates, delivery, trading
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
    Outcome,
)
from tokenpit.core.state import (
    AccountRecord,
    EndpointRecord,
    ExchangeState,
    InstrumentRecord,
)
from tokenpit.specs import (
    InstrumentState,
    Spec,
    SymbolError,
    Unused,
    instrument_state,
    listed_instruments,
    parse_symbol,
)

ROLES = ("buyer", "seller", "operator")
MAX_AMOUNT_MICROS = 10**15  # a billion dollars: far above any deposit, far below trouble
NS_PER_S = 1_000_000_000


class Exchange:
    """Accounts, endpoints, order books and clearing for one spec."""

    def __init__(
        self, spec: Spec, state: ExchangeState | None = None, engine: eng.Engine | None = None
    ) -> None:
        self.spec = spec
        self.state = state or ExchangeState()
        self.engine = engine or eng.Engine()
        self.clearing = Clearing(
            self.state.clearing,
            bond_pct=spec.seller_bond_pct,
            fee_bps=spec.fee_bps,
            refund_unused=spec.unused == Unused.REFUND,
        )
        self._accounts_by_key = {a.key_hash: a for a in self.state.accounts.values()}
        self._periods_due_ns = self._next_period_due_ns()  # derived: not part of the state

    def apply(self, seq: int, command: cmd.Command) -> Outcome:
        """Apply one sequenced command and return its outcome with the events it caused."""
        ts_ns = max(command.ts_ns, self.state.now_ns)
        self.state.now_ns = ts_ns
        fx = Effects(seq, ts_ns)
        self._run_lifecycle(fx)
        result = self._dispatch(fx, command)
        for account_id in sorted(fx.accounts - {0}):
            if account_id in self.state.accounts:
                fx.events.append(self._balance_event(fx, account_id))
        for instrument in sorted(fx.books):
            fx.events.append(ev.BookChanged(seq=seq, ts_ns=ts_ns, instrument=instrument))
        if isinstance(result, Failure):
            return Outcome(seq=seq, ts_ns=ts_ns, failure=result, events=fx.events)
        return Outcome(seq=seq, ts_ns=ts_ns, result=result, events=fx.events)

    def _dispatch(self, fx: Effects, command: cmd.Command) -> dict[str, Any] | Failure:
        if isinstance(command, cmd.PlaceOrder):
            return trading.place(self, fx, command)
        if isinstance(command, cmd.CancelOrder):
            return trading.cancel(self, fx, command)
        if isinstance(command, cmd.ReplaceOrder):
            return trading.replace(self, fx, command)
        if isinstance(command, cmd.RecordDelivery):
            return delivery.record(self, fx, command)
        if isinstance(command, cmd.Deposit | cmd.Withdraw):
            return self._move_money(fx, command)
        if isinstance(command, cmd.CreateAccount):
            return self._create_account(fx, command)
        if isinstance(command, cmd.RegisterEndpoint):
            return self._register_endpoint(fx, command)
        if isinstance(command, cmd.RecordAudit | cmd.IssueCertificate | cmd.SetEndpointGrade):
            return self._certify(fx, command)
        if isinstance(command, cmd.DefaultEndpoint):
            return delivery.default_endpoint(self, fx, command)
        if isinstance(command, cmd.SetAutoBuy):
            return delivery.set_auto_buy(self, fx, command)
        if isinstance(command, cmd.Tick):
            return {"now_ns": fx.ts_ns}
        raise TypeError(f"unknown command {type(command).__name__}")

    def _certify(
        self, fx: Effects, command: cmd.RecordAudit | cmd.IssueCertificate | cmd.SetEndpointGrade
    ) -> dict[str, Any] | Failure:
        if isinstance(command, cmd.RecordAudit):
            return audits.record(self, fx, command)
        if isinstance(command, cmd.IssueCertificate):
            return certificates.issue(self, fx, command)
        return certificates.set_grade(self, fx, command)

    def _create_account(self, fx: Effects, command: cmd.CreateAccount) -> dict[str, Any] | Failure:
        bad = [r for r in command.roles if r not in ROLES]
        if bad or not command.roles:
            return Failure(
                kind=INVALID,
                code="bad_roles",
                param="roles",
                message=f"roles must be a non-empty list drawn from {list(ROLES)}, "
                f"got {command.roles}",
            )
        name = command.name.strip()
        if not 1 <= len(name) <= 100:
            return Failure(
                kind=INVALID,
                code="bad_name",
                param="name",
                message=f"name must have 1 to 100 characters, got {len(name)}",
            )
        if command.key_hash in self._accounts_by_key:
            return Failure(kind=CONFLICT, code="duplicate_key", message="that API key is taken")
        self.state.last_account_id += 1
        record = AccountRecord(
            account_id=self.state.last_account_id,
            name=name,
            roles=sorted(set(command.roles)),
            key_hash=command.key_hash,
            created_ns=fx.ts_ns,
        )
        self.state.accounts[record.account_id] = record
        self._accounts_by_key[record.key_hash] = record
        self.clearing.open_account(record.account_id)
        fx.events.append(
            ev.AccountOpened(
                seq=fx.seq,
                ts_ns=fx.ts_ns,
                account_id=record.account_id,
                name=record.name,
                roles=record.roles,
            )
        )
        fx.accounts.add(record.account_id)
        return {"id": record.account_id, "name": record.name, "roles": record.roles}

    def _move_money(
        self, fx: Effects, command: cmd.Deposit | cmd.Withdraw
    ) -> dict[str, Any] | Failure:
        if command.account_id not in self.state.accounts:
            return Failure(
                kind=NOT_FOUND,
                code="unknown_account",
                param="account_id",
                message=f"no account {command.account_id}",
            )
        if not 0 < command.amount_micros <= MAX_AMOUNT_MICROS:
            return Failure(
                kind=INVALID,
                code="bad_amount",
                param="amount_micros",
                message=f"amount_micros must be 1 to {MAX_AMOUNT_MICROS:,}, "
                f"got {command.amount_micros}",
            )
        if isinstance(command, cmd.Deposit):
            transfer = self.clearing.deposit(command.account_id, command.amount_micros)
        else:
            available = self.clearing.available(command.account_id)
            if command.amount_micros > available:
                return Failure(
                    kind=INSUFFICIENT_FUNDS,
                    code="insufficient_funds",
                    param="amount_micros",
                    message=f"cannot withdraw {command.amount_micros}: available {available}",
                )
            transfer = self.clearing.withdraw(command.account_id, command.amount_micros)
        fx.transfer(transfer)
        return self.balances(command.account_id)

    def _register_endpoint(
        self, fx: Effects, command: cmd.RegisterEndpoint
    ) -> dict[str, Any] | Failure:
        if "seller" not in self.state.accounts[command.account_id].roles:
            return Failure(
                kind=FORBIDDEN,
                code="role_required",
                message="registering an endpoint needs the seller role",
            )
        if command.capacity_units <= 0 or command.capacity_units % self.spec.lot_units:
            return Failure(
                kind=INVALID,
                code="bad_capacity",
                param="capacity_units",
                message=f"capacity_units must be a positive multiple of the lot "
                f"({self.spec.lot_units:,} units), got {command.capacity_units}",
            )
        self.state.last_endpoint_id += 1
        record = EndpointRecord(
            endpoint_id=self.state.last_endpoint_id,
            account_id=command.account_id,
            url=command.url,
            model=command.model,
            capacity_units=command.capacity_units,
            credential_token=command.credential_token,
        )
        self.state.endpoints[record.endpoint_id] = record
        fx.events.append(
            ev.EndpointRegistered(
                seq=fx.seq,
                ts_ns=fx.ts_ns,
                endpoint_id=record.endpoint_id,
                account_id=record.account_id,
                url=record.url,
                model=record.model,
                capacity_units=record.capacity_units,
            )
        )
        return certificates.endpoint_body(self, record)

    def _run_lifecycle(self, fx: Effects) -> None:
        """Close ended periods, list new ones, expire orders: all due by the command's time."""
        now_ns = fx.ts_ns
        expired = self.engine.expire(now_ns)  # also keeps the engine's clock for GTD checks
        if expired:
            trading.apply_engine_events(self, fx, expired)
        if now_ns < self._periods_due_ns:
            return  # the common case: no period boundary passed since the last command
        for symbol, record in list(self.state.instruments.items()):
            if record.period_end_ns <= now_ns:
                self._close_instrument(fx, symbol)
        if now_ns >= self.state.listed_until_ns:
            self._list_instruments(fx, now_ns)
        self._periods_due_ns = self._next_period_due_ns()

    def _next_period_due_ns(self) -> int:
        ends = (record.period_end_ns for record in self.state.instruments.values())
        return min([self.state.listed_until_ns, *ends])

    def _list_instruments(self, fx: Effects, now_ns: int) -> None:
        now = dt.datetime.fromtimestamp(now_ns / NS_PER_S, dt.UTC)
        for instrument in listed_instruments(self.spec, now):
            if instrument.symbol in self.state.instruments:
                continue
            start_ns = int(instrument.period_start.timestamp()) * NS_PER_S
            end_ns = int(instrument.period_end.timestamp()) * NS_PER_S
            if end_ns <= now_ns:
                continue
            self.state.instruments[instrument.symbol] = InstrumentRecord(
                symbol=instrument.symbol,
                grade=instrument.grade,
                period_start_ns=start_ns,
                period_end_ns=end_ns,
            )
            self.engine.add_book(instrument.symbol, self.spec.tick_micros)
            fx.events.append(
                ev.InstrumentListed(
                    seq=fx.seq,
                    ts_ns=fx.ts_ns,
                    instrument=instrument.symbol,
                    grade=instrument.grade_symbol,
                    period_start_ns=start_ns,
                    period_end_ns=end_ns,
                )
            )
        # Nothing new lists before the next period boundary.
        period_ns = self.spec.period_s * NS_PER_S
        self.state.listed_until_ns = (now_ns // period_ns + 1) * period_ns

    def _close_instrument(self, fx: Effects, symbol: str) -> None:
        trading.apply_engine_events(self, fx, self.engine.close_book(symbol))
        for lot, transfers in self.clearing.settle_instrument(symbol):
            for transfer in transfers:
                fx.transfer(transfer)
            fx.lot(lot)
        del self.state.instruments[symbol]
        self.state.client_orders = {
            k: v for k, v in self.state.client_orders.items() if v[0] != symbol
        }
        fx.events.append(ev.InstrumentClosed(seq=fx.seq, ts_ns=fx.ts_ns, instrument=symbol))

    def next_due_ns(self) -> int:
        """Return when the lifecycle next has work: a listing, a period end or an expiry."""
        expiries = self.engine.expiries
        return min(self._periods_due_ns, expiries[0][0]) if expiries else self._periods_due_ns

    def unlisted(self, symbol: str) -> Failure:
        """Explain why an order cannot trade `symbol` now."""
        try:
            instrument = parse_symbol(self.spec, symbol)
        except SymbolError as error:
            return Failure(
                kind=INVALID, code="unknown_instrument", param="instrument", message=str(error)
            )
        now = dt.datetime.fromtimestamp(self.state.now_ns / NS_PER_S, dt.UTC)
        state = instrument_state(instrument, self.spec, now)
        if state is InstrumentState.PENDING:
            opens = instrument.period_start - self.spec.listing_lead
            message = f"{symbol} is not listed yet: trading opens at {opens.isoformat()}"
        else:
            message = (
                f"{symbol} has closed: its period ended at {instrument.period_end.isoformat()}"
            )
        return Failure(kind=CONFLICT, code="not_trading", param="instrument", message=message)

    def account_for_key_hash(self, key_hash: str) -> AccountRecord | None:
        """Return the account whose API key hashes to `key_hash`."""
        return self._accounts_by_key.get(key_hash)

    def balances(self, account_id: int) -> dict[str, Any]:
        """Return an account's balances in µUSD."""
        cash, held, bond, available = self.clearing.balances(account_id)
        return {
            "account_id": account_id,
            "cash_micros": cash,
            "held_micros": held,
            "bond_micros": bond,
            "available_micros": available,
        }

    def _balance_event(self, fx: Effects, account_id: int) -> ev.BalanceChanged:
        cash, held, bond, available = self.clearing.balances(account_id)
        return ev.BalanceChanged(
            seq=fx.seq,
            ts_ns=fx.ts_ns,
            account_id=account_id,
            cash_micros=cash,
            held_micros=held,
            bond_micros=bond,
            available_micros=available,
        )

    def snapshot(self) -> bytes:
        """Return the whole state (books included) as JSON bytes."""
        return msgspec.json.encode(_Snapshot(state=self.state, engine=self.engine.snapshot()))

    @classmethod
    def restore(cls, spec: Spec, data: bytes) -> Exchange:
        """Rebuild an exchange from `snapshot()` output."""
        snapshot = msgspec.json.decode(data, type=_Snapshot)
        return cls(spec, snapshot.state, eng.Engine.restore(snapshot.engine))


class _Snapshot(msgspec.Struct):
    state: ExchangeState
    engine: dict[str, Any]
