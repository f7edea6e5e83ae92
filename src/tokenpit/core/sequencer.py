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
import threading
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple, Protocol

import structlog

from tokenpit.core.commands import Command, Tick, decode_command, encode_command
from tokenpit.core.events import AnyEvent
from tokenpit.core.exchange import Exchange
from tokenpit.core.outcome import Outcome
from tokenpit.specs import Spec
from tokenpit.storage.base import JournalEntry, Snapshot, Store

log = structlog.get_logger(__name__)

TICK_INTERVAL_S = 0.25
PIPELINE_DEPTH = 2  # batches applied ahead of the last acknowledged commit


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


class InvalidCommandError(ValueError):
    """A command that cannot be journaled (the API refuses such input before it gets here)."""


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
        self._writer_failed = threading.Event()
        self.batches = 0  # batches applied since start, for metrics
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

    @property
    def queue_depth(self) -> int:
        """Return how many commands wait to be sequenced."""
        return self._queue.qsize() if self._queue is not None else 0

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
        """Apply batches while earlier ones commit; acknowledge each after its own commit."""
        assert self._queue is not None
        queue = self._queue
        committing: asyncio.Queue[_Batch | None] = asyncio.Queue(maxsize=PIPELINE_DEPTH)
        acker = asyncio.create_task(self._acknowledge(committing), name="tokenpit-ack")
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
            if self.failed is not None:
                self._fail(batch)
                stopping = True
            elif batch:
                await committing.put(self._apply(batch))
        while not queue.empty():  # after a failure: refuse whatever is still waiting
            waiting = queue.get_nowait()
            if waiting is not None:
                self._fail([waiting])
        await committing.put(None)
        await acker

    def _apply(self, batch: list[tuple[Command, asyncio.Future[Outcome]]]) -> _Batch:
        """Sequence and apply a batch in memory, and start its commit on the writer thread."""
        entries: list[JournalEntry] = []
        events: list[AnyEvent] = []
        outcomes: list[Outcome] = []
        applied: list[tuple[Command, asyncio.Future[Outcome]]] = []
        for command, future in batch:
            self._last_ts_ns = max(self._last_ts_ns, self.clock.now_ns())
            command.ts_ns = self._last_ts_ns
            try:
                # Encoded before it is applied: a command that cannot be journaled
                # must not change the state either.
                journal_form = encode_command(command)
            except (TypeError, ValueError, UnicodeError) as error:
                future.set_exception(InvalidCommandError(f"command cannot be journaled: {error}"))
                continue
            self.seq += 1
            outcome = self.exchange.apply(self.seq, command)
            entries.append(JournalEntry(self.seq, command.ts_ns, journal_form))
            events.extend(outcome.events)
            outcomes.append(outcome)
            applied.append((command, future))
        self.batches += 1
        self._since_snapshot += len(batch)
        snapshot = None
        if self._since_snapshot >= self._snapshot_every:
            # Taken now, while the state matches self.seq; saved only if the commit succeeds.
            snapshot = Snapshot(self.seq, self.exchange.snapshot())
            self._since_snapshot = 0
        commit = asyncio.get_running_loop().run_in_executor(
            self._writer, self._commit, entries, events, snapshot
        )
        return _Batch(commit, applied, outcomes, events)

    def _commit(
        self, entries: list[JournalEntry], events: list[AnyEvent], snapshot: Snapshot | None
    ) -> None:
        """On the writer thread: journal a batch, then save a snapshot taken with it."""
        if self._writer_failed.is_set():
            # A later batch must never commit after an earlier one failed: that would
            # leave a hole in the journal.
            raise CoreStoppedError("an earlier journal commit failed")
        try:
            self.store.commit(entries, events)
        except BaseException:
            self._writer_failed.set()
            raise
        if snapshot is not None:
            self.store.save_snapshot(snapshot)
            log.info("snapshot_saved", seq=snapshot.seq, size_bytes=len(snapshot.state))

    async def _acknowledge(self, committing: asyncio.Queue[_Batch | None]) -> None:
        while (item := await committing.get()) is not None:
            try:
                await item.commit
            except Exception as error:
                if self.failed is None:
                    # The state has run ahead of the journal: nothing more may be acknowledged.
                    log.exception("journal_commit_failed", seq=self.seq, commands=len(item.batch))
                    self.failed = error
                self._fail(item.batch)
                continue
            for (_, future), outcome in zip(item.batch, item.outcomes, strict=True):
                if not future.done():
                    future.set_result(outcome)
            self._publish(item.events)
        if self.failed is not None:
            raise self.failed

    @staticmethod
    def _fail(batch: list[tuple[Command, asyncio.Future[Outcome]]]) -> None:
        for _, future in batch:
            if not future.done():
                future.set_exception(CoreStoppedError("the journal could not be written"))

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


class _Batch(NamedTuple):
    """A batch applied in memory whose commit is under way."""

    commit: asyncio.Future[None]
    batch: list[tuple[Command, asyncio.Future[Outcome]]]
    outcomes: list[Outcome]
    events: list[AnyEvent]
