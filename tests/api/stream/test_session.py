"""A stream session against a fake socket: a client that stops reading is closed with 1013."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from typing import Any, cast

import pytest
from starlette.websockets import WebSocket

from tokenpit.api.state import AppState
from tokenpit.api.stream.session import StreamSession
from tokenpit.testing.api import ApiHarness

pytestmark = pytest.mark.anyio


class StalledSocket:
    """A client that sends its requests, then never reads what it is sent."""

    def __init__(self, *requests: dict[str, Any]) -> None:
        self.requests: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        for request in requests:
            self.requests.put_nowait({"type": "websocket.receive", "text": json.dumps(request)})
        self.sent: list[str] = []
        self.closed: asyncio.Future[tuple[int, str]] = asyncio.Future()

    async def receive(self) -> dict[str, Any]:
        return await self.requests.get()

    async def send_text(self, text: str) -> None:
        self.sent.append(text)
        await asyncio.Event().wait()  # the socket's buffers are full, for ever

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        self.closed.set_result((code, reason or ""))


async def test_a_client_that_falls_behind_is_closed_with_1013(api: ApiHarness) -> None:
    state: AppState = api.app.state.tokenpit
    small = replace(state, config=replace(state.config, stream_queue_max=2))
    socket = StalledSocket({"op": "subscribe", "channels": ["account"]})
    buyer = await api.open_account("buyer", ["buyer"])
    session = StreamSession(cast(WebSocket, socket), small, api.core.exchange.state.accounts[2])

    serving = asyncio.create_task(session.run())
    while not socket.sent:  # the acknowledgement: subscribed
        await asyncio.sleep(0)
    for _ in range(4):
        await api.deposit(buyer, 1_000)
    code, reason = await asyncio.wait_for(socket.closed, timeout=10)
    await asyncio.wait_for(serving, timeout=10)

    assert code == 1013
    assert reason.startswith("too slow")
    assert len(socket.sent) == 1  # the first message got as far as the stalled socket
