"""Determinism: replaying commands, and restoring snapshots, reproduce the same events."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tokenpit.engine import Engine

SYMBOLS = ("CHAT-A.2026-12-03T14", "CHAT-B.2026-12-03T14")
TICK = 10

Command = tuple[Any, ...]

place = st.tuples(
    st.just("place"),
    st.integers(1, 4),  # account
    st.sampled_from(SYMBOLS),
    st.sampled_from(["buy", "sell"]),
    st.integers(95, 105).map(lambda ticks: ticks * TICK),
    st.integers(1, 5),
    st.sampled_from(["gtc", "gtc", "ioc", "fok", "gtd"]),
    st.booleans(),
)
cancel = st.tuples(st.just("cancel"), st.integers(1, 40))
replace = st.tuples(
    st.just("replace"), st.integers(1, 40), st.integers(95, 105).map(lambda t: t * TICK),
    st.integers(1, 6),
)  # fmt: skip
expire = st.tuples(st.just("expire"), st.integers(0, 10))
commands = st.lists(st.one_of(place, place, cancel, replace, expire), max_size=60)


def new_engine() -> Engine:
    engine = Engine()
    for symbol in SYMBOLS:
        engine.add_book(symbol, TICK)
    return engine


def run(engine: Engine, script: list[Command], first_id: int) -> list[dict[str, Any]]:
    """Apply `script`, numbering placed orders from `first_id`; return every event as data."""
    events: list[dict[str, Any]] = []
    next_id = first_id
    for command in script:
        if command[0] == "place":
            _, account, symbol, side, price, lots, tif, post_only = command
            expire_at = engine.now_ns + 5 if tif == "gtd" else 0
            result = engine.place(
                next_id, account, symbol, side, price, lots, "limit", tif, post_only and tif in
                ("gtc", "gtd"), expire_at,
            )  # fmt: skip
            next_id += 1
        elif command[0] == "cancel":
            result = engine.cancel(command[1])
        elif command[0] == "replace":
            result = engine.replace(command[1], command[2], command[3])
        else:
            result = engine.expire(engine.now_ns + command[1])
        events.extend(e.to_dict() for e in result)
    return events


@given(commands)
@settings(max_examples=200, deadline=None)
def test_same_commands_give_the_same_events(script: list[Command]) -> None:
    assert run(new_engine(), script, 1) == run(new_engine(), script, 1)


@given(commands, commands)
@settings(max_examples=200, deadline=None)
def test_restored_snapshot_continues_exactly_like_the_original(
    before: list[Command], after: list[Command]
) -> None:
    original = new_engine()
    run(original, before, 1)
    # Through JSON, as a snapshot is stored.
    restored = Engine.restore(json.loads(json.dumps(original.snapshot())))

    assert restored.snapshot() == original.snapshot()
    assert run(restored, after, 1_000) == run(original, after, 1_000)
    assert restored.snapshot() == original.snapshot()
