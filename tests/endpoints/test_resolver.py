"""The policy at connection time: a real aiohttp client against a server on loopback."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

from tokenpit.endpoints import AddressPolicy, check_host
from tokenpit.endpoints.resolver import AddressRefusedError, PolicyResolver, policy_socket_factory

pytestmark = pytest.mark.anyio

TIMEOUT = aiohttp.ClientTimeout(total=5)


@dataclass
class Seller:
    """A loopback HTTP server that counts the requests that reach it."""

    port: int
    requests: int = 0


@pytest.fixture
async def seller() -> AsyncIterator[Seller]:
    server = Seller(port=0)

    async def answer(_: web.Request) -> web.Response:
        server.requests += 1
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/v1/models", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.port = runner.addresses[0][1]
    try:
        yield server
    finally:
        await runner.cleanup()


class FakeDns(AbstractResolver):
    """A resolver whose answers a test sets and changes, as a rebinding DNS server does."""

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        address = self.answers[host]
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
        ]

    async def getaddrinfo(self, host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
        """Answer like the event loop's getaddrinfo, for `check_host`."""
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (self.answers[host], port))]

    async def close(self) -> None:
        """Nothing to release."""


async def fetch(connector: aiohttp.TCPConnector, url: str) -> str:
    async with (
        aiohttp.ClientSession(connector=connector, timeout=TIMEOUT) as session,
        session.get(url, allow_redirects=False) as response,
    ):
        return await response.text()


async def test_localhost_is_refused_at_connection_time_by_default(seller: Seller) -> None:
    connector = aiohttp.TCPConnector(resolver=PolicyResolver(AddressPolicy()))

    with pytest.raises(aiohttp.ClientConnectorDNSError) as raised:
        await fetch(connector, f"http://localhost:{seller.port}/v1/models")

    refusal = raised.value.os_error
    assert isinstance(refusal, AddressRefusedError)
    assert refusal.address == "127.0.0.1"
    assert "loopback" in str(refusal)
    assert seller.requests == 0


async def test_localhost_is_reached_when_private_addresses_are_allowed(seller: Seller) -> None:
    connector = aiohttp.TCPConnector(resolver=PolicyResolver(AddressPolicy(allow_private=True)))

    body = await fetch(connector, f"http://localhost:{seller.port}/v1/models")

    assert body == "ok"
    assert seller.requests == 1


async def test_a_name_rebound_to_loopback_after_registration_is_refused(
    seller: Seller, monkeypatch: pytest.MonkeyPatch
) -> None:
    dns = FakeDns({"seller.example": "8.8.8.8"})
    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", dns.getaddrinfo)
    policy = AddressPolicy()
    registered = await check_host(f"http://seller.example:{seller.port}/v1", policy)

    dns.answers["seller.example"] = "127.0.0.1"
    connector = aiohttp.TCPConnector(resolver=PolicyResolver(policy, inner=dns))
    with pytest.raises(aiohttp.ClientConnectorDNSError) as raised:
        await fetch(connector, f"http://seller.example:{seller.port}/v1/models")

    assert [str(address) for address in registered] == ["8.8.8.8"]
    assert isinstance(raised.value.os_error, AddressRefusedError)
    assert str(raised.value.os_error).startswith("host seller.example resolves to 127.0.0.1")
    assert seller.requests == 0


async def test_the_resolver_refuses_an_answer_with_any_refused_address() -> None:
    class TwoAnswers(FakeDns):
        async def resolve(
            self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
        ) -> list[ResolveResult]:
            public = await super().resolve("public", port, family)
            private = await super().resolve("private", port, family)
            return public + private

    inner = TwoAnswers({"public": "8.8.8.8", "private": "10.0.0.7"})

    with pytest.raises(AddressRefusedError, match=r"resolves to 10\.0\.0\.7, a private address"):
        await PolicyResolver(AddressPolicy(), inner=inner).resolve("seller.example", 443)
    answer = await PolicyResolver(AddressPolicy(allow_private=True), inner=inner).resolve(
        "seller.example", 443
    )

    assert [result["host"] for result in answer] == ["8.8.8.8", "10.0.0.7"]


async def test_the_socket_factory_checks_a_literal_address_that_skips_resolvers(
    seller: Seller,
) -> None:
    url = f"http://127.0.0.1:{seller.port}/v1/models"
    refusing = aiohttp.TCPConnector(socket_factory=policy_socket_factory(AddressPolicy()))
    admitting = aiohttp.TCPConnector(
        socket_factory=policy_socket_factory(AddressPolicy(allow_private=True))
    )

    with pytest.raises(aiohttp.ClientConnectorError) as raised:
        await fetch(refusing, url)
    refused_requests = seller.requests
    body = await fetch(admitting, url)

    assert isinstance(raised.value.os_error, AddressRefusedError)
    assert "host 127.0.0.1 is a loopback address" in str(raised.value.os_error)
    assert refused_requests == 0
    assert body == "ok"
    assert seller.requests == 1
