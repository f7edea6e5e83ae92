"""Apply the address policy at connection time, in the gateway's aiohttp client.

An endpoint's host is checked when the endpoint is registered, but DNS answers change: a
name that led to a public address then may lead to 127.0.0.1 now (DNS rebinding). So the
gateway's connector resolves every name through `PolicyResolver`, which refuses the whole
answer when any address in it is refused, before a socket is opened::

    policy = state.address_policy
    connector = aiohttp.TCPConnector(
        resolver=PolicyResolver(policy),
        socket_factory=policy_socket_factory(policy),  # aiohttp 3.12 or later
    )
    async with aiohttp.ClientSession(connector=connector) as session:
        ...  # request with allow_redirects=False: a redirect is a new, unchecked URL

aiohttp never asks a resolver about a host that is an IP address already, so a URL
such as `http://10.0.0.5/v1` passes a resolver untouched; `policy_socket_factory` checks
the address of every socket the connector opens, literal or resolved. A refusal raises
`AddressRefusedError`, an `OSError` that aiohttp wraps as `ClientConnectorError`
(`ClientConnectorDNSError` from the resolver) with the refusal as its `os_error`.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from ipaddress import ip_address
from typing import Any

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from tokenpit.endpoints.addresses import AddressPolicy, address_text

# The address tuple aiohappyeyeballs hands a socket factory: family, type, proto,
# canonical name, socket address.
AddressInfo = tuple[int, int, int, str, tuple[Any, ...]]


class AddressRefusedError(OSError):
    """A connection to an address the policy refuses was stopped before it was made."""

    def __init__(self, host: str, address: str, rule: str) -> None:
        where = f"host {host} is" if host == address else f"host {host} resolves to {address},"
        super().__init__(f"{where} {rule}")
        self.host = host
        self.address = address
        self.rule = rule


class PolicyResolver(AbstractResolver):
    """Resolve names with another resolver, refusing any answer that the policy refuses.

    Build it inside the running event loop, as aiohttp's connectors are; `inner` defaults
    to aiohttp's default resolver.
    """

    def __init__(self, policy: AddressPolicy, inner: AbstractResolver | None = None) -> None:
        self._policy = policy
        self._inner = inner if inner is not None else DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Return the inner resolver's answer for `host` if the policy admits all of it."""
        results = await self._inner.resolve(host, port, family)
        for result in results:
            rule = self._policy.refusal(ip_address(result["host"]))
            if rule is not None:
                raise AddressRefusedError(host, result["host"], rule)
        return results

    async def close(self) -> None:
        """Release the inner resolver."""
        await self._inner.close()


def policy_socket_factory(policy: AddressPolicy) -> Callable[[AddressInfo], socket.socket]:
    """Return an aiohttp `socket_factory` that opens sockets only to admitted addresses."""

    def open_socket(address_info: AddressInfo) -> socket.socket:
        family, kind, proto, _, socket_address = address_info
        address = ip_address(socket_address[0])
        rule = policy.refusal(address)
        if rule is not None:
            raise AddressRefusedError(address_text(address), address_text(address), rule)
        return socket.socket(family=family, type=kind, proto=proto)

    return open_socket
