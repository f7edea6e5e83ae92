"""The single writer: durable before acknowledged, batched, recoverable, fail-stop."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from tokenpit.core import commands as c
from tokenpit.core import events as ev
from tokenpit.core.sequencer import Core, CoreStoppedError
from tokenpit.specs import default_spec
from tokenpit.testing.certificates import audit_command, certificate_command
from tokenpit.testing.core import FakeClock, MemoryStore


def run(scenario: Callable[[Core], Awaitable[None]], core: Core) -> None:
    """Start `core`, run the scenario, stop it."""

    async def main() -> None:
        await core.start()
        try:
            await scenario(core)
        finally:
            await core.stop()

    asyncio.run(main())


def new_core(store: MemoryStore, clock: FakeClock | None = None, **options: int) -> Core:
    return Core(default_spec(), store, clock or FakeClock(), tick_interval_s=3600, **options)


async def open_buyer(core: Core, name: str = "buyer") -> int:
    outcome = await core.submit(c.CreateAccount(name=name, roles=["buyer"], key_hash=name))
    assert outcome.result is not None
    account_id: int = outcome.result["id"]
    await core.submit(c.Deposit(account_id=account_id, amount_micros=5_000_000))
    return account_id


def test_an_outcome_is_not_acknowledged_before_its_commit() -> None:
    store = MemoryStore()

    async def scenario(core: Core) -> None:
        store.gate.clear()
        pending = asyncio.ensure_future(
            core.submit(c.CreateAccount(name="a", roles=["buyer"], key_hash="a"))
        )
        await asyncio.sleep(0.05)
        assert not pending.done()
        assert store.journal == []
        store.gate.set()
        outcome = await pending
        assert [e.seq for e in store.journal] == [outcome.seq]

    run(scenario, new_core(store))


def test_concurrent_commands_share_commits() -> None:
    store = MemoryStore()
    commits: list[int] = []
    original = store.commit

    def counting_commit(entries, events):  # type: ignore[no-untyped-def]
        commits.append(len(entries))
        original(entries, events)

    store.commit = counting_commit  # type: ignore[method-assign]

    async def scenario(core: Core) -> None:
        account = await open_buyer(core)
        commits.clear()
        orders = [
            c.PlaceOrder(
                account_id=account,
                instrument="CHAT-B.2026-12-03T14",
                side="buy",
                price_micros=100_000,  # 10,000 µUSD a lot: 200 fit the deposit
                lots=1,
            )
            for _ in range(200)
        ]
        outcomes = await asyncio.gather(*(core.submit(o) for o in orders))
        assert all(o.ok for o in outcomes)
        assert sum(commits) == 200
        assert len(commits) < 200

    run(scenario, new_core(store))


def test_a_failed_commit_stops_the_core() -> None:
    store = MemoryStore()

    async def scenario(core: Core) -> None:
        await open_buyer(core)
        store.fail_commits = True
        with pytest.raises(CoreStoppedError):
            await core.submit(c.CreateAccount(name="b", roles=["buyer"], key_hash="b"))
        with pytest.raises(CoreStoppedError):
            await core.submit(c.CreateAccount(name="c", roles=["buyer"], key_hash="c"))
        assert core.failed is not None

    core = new_core(store)
    with pytest.raises(OSError, match="disk full"):
        run(scenario, core)


def test_recovery_replays_the_journal_to_the_same_state() -> None:
    store = MemoryStore()
    first = new_core(store)

    async def trade(core: Core) -> None:
        account = await open_buyer(core)
        await core.submit(
            c.PlaceOrder(
                account_id=account,
                instrument="CHAT-B.2026-12-03T14",
                side="buy",
                price_micros=1_500_000,
                lots=3,
                client_order_id="x",
            )
        )

    run(trade, first)
    second = new_core(store)
    second.recover()

    assert second.seq == first.seq
    assert second.exchange.snapshot() == first.exchange.snapshot()


def test_recovery_starts_from_the_newest_snapshot() -> None:
    store = MemoryStore()
    first = new_core(store, snapshot_every=3)

    async def scenario(core: Core) -> None:
        for n in range(4):
            await open_buyer(core, f"b{n}")

    run(scenario, first)
    assert store.snapshots
    second = new_core(store)

    replayed = second.recover()

    assert replayed < len(store.journal)
    assert second.exchange.snapshot() == first.exchange.snapshot()


def test_recovery_reproduces_certificates_and_audit_windows() -> None:
    store = MemoryStore()
    first = new_core(store, snapshot_every=4)

    async def certify(core: Core) -> None:
        seller = await core.submit(c.CreateAccount(name="s", roles=["seller"], key_hash="s"))
        assert seller.result is not None
        registered = await core.submit(
            c.RegisterEndpoint(
                account_id=seller.result["id"],
                url="https://x/v1",
                model="m",
                capacity_units=100_000,
            )
        )
        assert registered.result is not None
        endpoint = registered.result["id"]
        for command in (
            certificate_command(endpoint, "B"),
            audit_command(endpoint, passed=5, failed=1),
            certificate_command(endpoint, "A"),
            audit_command(endpoint, passed=2, failed=9, category="tools"),
        ):
            assert (await core.submit(command)).ok

    run(certify, first)
    second = new_core(store)
    second.recover()

    assert store.snapshots
    assert second.exchange.snapshot() == first.exchange.snapshot()
    assert second.exchange.state.certificates[2].status == "suspended"
    assert second.exchange.state.audit_windows[1] == [("tools", True)] * 2 + [("tools", False)] * 9


def test_subscribers_receive_events_after_commit() -> None:
    store = MemoryStore()

    async def scenario(core: Core) -> None:
        subscription = core.subscribe()
        await core.submit(c.CreateAccount(name="a", roles=["buyer"], key_hash="a"))
        batch = await asyncio.wait_for(subscription.queue.get(), 1)
        assert batch is not None
        assert any(isinstance(e, ev.AccountOpened) for e in batch)
        assert all(e.seq <= store.last_seq() for e in batch)
        subscription.close()

    run(scenario, new_core(store))


def test_tick_runs_the_lifecycle_when_something_is_due() -> None:
    store = MemoryStore()
    clock = FakeClock()

    async def scenario(core: Core) -> None:
        await open_buyer(core)
        assert await core.tick_once() is None
        clock.advance(2 * 3_600)
        outcome = await core.tick_once()
        assert outcome is not None
        assert any(isinstance(e, ev.InstrumentClosed) for e in outcome.events)

    run(scenario, new_core(store, clock))


def test_commands_get_increasing_times_even_if_the_clock_steps_back() -> None:
    store = MemoryStore()
    clock = FakeClock()

    async def scenario(core: Core) -> None:
        await open_buyer(core, "a")
        clock.advance(-10)
        await open_buyer(core, "b")
        times = [e.ts_ns for e in store.journal]
        assert times == sorted(times)

    run(scenario, new_core(store, clock))
