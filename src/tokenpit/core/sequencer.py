"""The single writer: sequence commands, apply them, journal them, acknowledge them.

Commands from any number of callers queue up; one task takes everything
queued (a batch), numbers and times each command, applies it to the exchange,
then journals the whole batch and its events in one durable transaction on a
dedicated writer thread (group commit: one fsync for many commands). Only
after that commit do callers get their outcomes and subscribers the events.
A failed commit is fatal: the in-memory state is ahead of the journal, so the
core stops and a restart recovers from the journal.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

import structlog

from tokenpit.core.commands import Command, Tick, decode_command, encode_command
from tokenpit.core.events import AnyEvent
from tokenpit.core.exchange import Exchange
from tokenpit.core.outcome import Outcome
from tokenpit.specs import Spec
from tokenpit.storage.base import JournalEntry, Snapshot, Store

log = structlog.get_logger(__name__)

TICK_INTERVAL_S = 0.25


class Clock(Protocol):
    """Where the core reads the time; tests pass a fake one."""

    def now_ns(self) -> int:
        """Return the time as nanoseconds since the epoch (UTC)."""


class SystemClock:
    """The machine's wall clock."""

    def now_ns(self) -> int:
        """Return the wall-clock time in nanoseconds since the epoch."""
        return time.time_ns()


class CoreStoppedError(RuntimeError):
    """The core is not running (not started, stopped, or failed to journal)."""


class OverloadedError(RuntimeError):
    """Too many commands are waiting; the caller should retry later."""


class Subscription:
    """A subscriber's queue of committed events, one list per batch."""

    def __init__(self, core: Core, max_batches: int) -> None:
        self._core = core
        self.queue: asyncio.Queue[list[AnyEvent] | None] = asyncio.Queue(max_batches)
        self.overflowed = False

    def __aiter__(self) -> AsyncIterator[list[AnyEvent]]:
        return self._events()

    async def _events(self) -> AsyncIterator[list[AnyEvent]]:
        while True:
            batch = await self.queue.get()
            if batch is None:
                return
            yield batch

    def close(self) -> None:
        """Stop receiving events."""
        self._core.unsubscribe(self)


class Core:
    """Runs an exchange as the single writer over a store."""

    def __init__(
        self,
        spec: Spec,
        store: Store,
        clock: Clock | None = None,
        *,
        batch_max: int = 4096,
        queue_max: int = 100_000,
        snapshot_every: int = 100_000,
        tick_interval_s: float = TICK_INTERVAL_S,
    ) -> None:
        self.spec = spec
        self.store = store
        self.clock = clock or SystemClock()
        self.exchange = Exchange(spec)
        self.seq = 0
        self._batch_max = batch_max
        self._queue_max = queue_max
        self._snapshot_every = snapshot_every
        self._tick_interval_s = tick_interval_s
        self._since_snapshot = 0
        self._last_ts_ns = 0
        self._queue: asyncio.Queue[tuple[Command, asyncio.Future[Outcome]] | None] | None = None
        self._subscribers: set[Subscription] = set()
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tokenpit-journal")
        self._tasks: list[asyncio.Task[None]] = []
        self.failed: BaseException | None = None

    def recover(self) -> int:
        """Load the newest snapshot, replay the journal after it; return how many replayed."""
        self.store.migrate()
        snapshot = self.store.last_snapshot()
        if snapshot is not None:
            self.exchange = Exchange.restore(self.spec, snapshot.state)
            self.seq = snapshot.seq
        replayed = 0
        for entry in self.store.journal_after(self.seq):
            command = decode_command(entry.command)
            self.exchange.apply(entry.seq, command)
            self.seq = entry.seq
            self._last_ts_ns = max(self._last_ts_ns, entry.ts_ns)
            replayed += 1
        self._last_ts_ns = max(self._last_ts_ns, self.exchange.state.now_ns)
        log.info("core_recovered", seq=self.seq, replayed=replayed, snapshot=snapshot is not None)
        return replayed

    async def start(self) -> None:
        """Recover, then start taking commands."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._writer, self.recover)
        self._queue = asyncio.Queue()
        self._tasks = [
            asyncio.create_task(self._run(), name="tokenpit-core"),
            asyncio.create_task(self._tick(), name="tokenpit-tick"),
        ]

    async def stop(self) -> None:
        """Finish queued commands, snapshot, and stop."""
        if self._queue is None:
            return
        self._queue.put_nowait(None)
        for task in self._tasks:
            if task.get_name() == "tokenpit-tick":
                task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.failed is None and self._since_snapshot:
            await self._snapshot()
        for subscription in list(self._subscribers):
            self.unsubscribe(subscription)
        self._queue = None
        self._writer.shutdown(wait=True)

    async def submit(self, command: Command) -> Outcome:
        """Sequence `command` and return its outcome once it is durable."""
        if self._queue is None or self.failed is not None:
            raise CoreStoppedError("the exchange core is not running") from self.failed
        if self._queue.qsize() >= self._queue_max:
            raise OverloadedError(f"{self._queue.qsize()} commands are waiting; retry shortly")
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((command, future))
        return await future

    def subscribe(self, max_batches: int = 1_000) -> Subscription:
        """Receive every committed batch of events from now on."""
        subscription = Subscription(self, max_batches)
        self._subscribers.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        """Stop sending events to `subscription` and end its iteration."""
        if subscription in self._subscribers:
            self._subscribers.discard(subscription)
            with contextlib.suppress(asyncio.QueueFull):
                subscription.queue.put_nowait(None)

    async def _run(self) -> None:
        assert self._queue is not None
        queue = self._queue
        stopping = False
        while not stopping:
            item = await queue.get()
            batch = []
            while item is not None:
                batch.append(item)
                if len(batch) >= self._batch_max or queue.empty():
                    break
                item = queue.get_nowait()
            stopping = item is None
            if batch:
                await self._process(batch)

    async def _process(self, batch: list[tuple[Command, asyncio.Future[Outcome]]]) -> None:
        entries: list[JournalEntry] = []
        events: list[AnyEvent] = []
        outcomes: list[Outcome] = []
        for command, _ in batch:
            self.seq += 1
            self._last_ts_ns = max(self._last_ts_ns, self.clock.now_ns())
            command.ts_ns = self._last_ts_ns
            outcome = self.exchange.apply(self.seq, command)
            entries.append(JournalEntry(self.seq, command.ts_ns, encode_command(command)))
            events.extend(outcome.events)
            outcomes.append(outcome)

        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._writer, self.store.commit, entries, events)
        except Exception as error:
            # The state has run ahead of the journal: nothing more may be acknowledged.
            log.exception("journal_commit_failed", seq=self.seq, commands=len(batch))
            self.failed = error
            for _, future in batch:
                if not future.done():
                    future.set_exception(CoreStoppedError("the journal could not be written"))
            raise

        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if not future.done():
                future.set_result(outcome)
        self._publish(events)
        self._since_snapshot += len(batch)
        if self._since_snapshot >= self._snapshot_every:
            await self._snapshot()

    def _publish(self, events: list[AnyEvent]) -> None:
        if not events:
            return
        for subscription in list(self._subscribers):
            try:
                subscription.queue.put_nowait(events)
            except asyncio.QueueFull:
                # A subscriber that cannot keep up is dropped rather than slowing the core.
                subscription.overflowed = True
                self._subscribers.discard(subscription)

    async def _snapshot(self) -> None:
        snapshot = Snapshot(self.seq, self.exchange.snapshot())
        await asyncio.get_running_loop().run_in_executor(
            self._writer, self.store.save_snapshot, snapshot
        )
        self._since_snapshot = 0
        log.info("snapshot_saved", seq=snapshot.seq, size_bytes=len(snapshot.state))

    async def tick_once(self) -> Outcome | None:
        """Submit a Tick if the lifecycle has something due now; return its outcome."""
        if self.exchange.next_due_ns() > self.clock.now_ns():
            return None
        return await self.submit(Tick())

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self._tick_interval_s)
            with contextlib.suppress(CoreStoppedError, OverloadedError):
                await self.tick_once()
