"""The address policy: which addresses each policy admits, and `check_host` over DNS."""

from __future__ import annotations

import asyncio
import socket
from ipaddress import ip_address
from typing import Any

import pytest

from tokenpit.endpoints import (
    AddressPolicy,
    EndpointAddressError,
    EndpointUrlError,
    check_host,
)

DEFAULT = AddressPolicy()
PRIVATE = AddressPolicy(allow_private=True)

# address, admitted by default, admitted with allow_private, words the refusal must hold
CASES = [
    ("8.8.8.8", True, True, ""),
    ("172.32.0.1", True, True, ""),  # just past 172.16.0.0/12
    ("2001:4860:4860::8888", True, True, ""),
    ("::ffff:8.8.8.8", True, True, ""),
    ("127.0.0.1", False, True, "a loopback address (127.0.0.0/8)"),
    ("127.255.255.254", False, True, "loopback"),
    ("::1", False, True, "the IPv6 loopback address"),
    ("10.1.2.3", False, True, "a private address (10.0.0.0/8, RFC 1918)"),
    ("172.16.0.1", False, True, "172.16.0.0/12"),
    ("172.31.255.255", False, True, "172.16.0.0/12"),
    ("192.168.1.1", False, True, "192.168.0.0/16"),
    ("fd12:3456::1", False, True, "unique local"),
    ("169.254.1.1", False, True, "a link-local address (169.254.0.0/16)"),
    ("fe80::1", False, True, "link-local IPv6"),
    ("::ffff:127.0.0.1", False, True, "an IPv4-mapped address of 127.0.0.1, a loopback"),
    ("::ffff:10.0.0.1", False, True, "IPv4-mapped address of 10.0.0.1, a private"),
    ("64:ff9b::7f00:1", False, True, "a NAT64 address of 127.0.0.1"),
    ("2002:7f00:1::1", False, True, "a 6to4 address of 127.0.0.1"),
    ("169.254.169.254", False, False, "cloud instance metadata"),
    ("169.254.170.2", False, False, "cloud instance metadata"),
    ("fd00:ec2::254", False, False, "cloud instance metadata"),
    ("100.100.100.200", False, False, "cloud instance metadata"),
    ("::ffff:169.254.169.254", False, False, "IPv4-mapped address of 169.254.169.254"),
    ("0.0.0.0", False, False, "the unspecified address"),  # noqa: S104 - refused, not bound
    ("::", False, False, "the unspecified address"),
    ("0.1.2.3", False, False, "'this network'"),
    ("100.64.0.1", False, False, "carrier-grade NAT"),
    ("100.127.255.254", False, False, "carrier-grade NAT"),
    ("224.0.0.1", False, False, "a multicast address"),
    ("ff02::1", False, False, "a multicast address"),
    ("::ffff:224.0.0.1", False, False, "multicast"),
    ("255.255.255.255", False, False, "reserved"),
    ("240.0.0.1", False, False, "reserved"),
    ("192.0.0.8", False, False, "IETF protocol"),
    ("192.0.2.10", False, False, "documentation address (192.0.2.0/24, RFC 5737)"),
    ("198.51.100.10", False, False, "documentation"),
    ("203.0.113.10", False, False, "documentation"),
    ("2001:db8::1", False, False, "documentation"),
    ("3fff::1", False, False, "documentation"),
    ("198.18.0.1", False, False, "benchmarking"),
    ("192.88.99.1", False, False, "6to4 relay"),
    ("::127.0.0.1", False, False, "IPv4-compatible"),
    ("2001::1", False, False, "Teredo"),
    ("fec0::1", False, False, "site-local"),
    ("100::1", False, False, "discard-only"),
    ("2001:2::1", False, False, "not publicly routable"),  # benchmarking, RFC 5180
]


@pytest.mark.parametrize(("address", "by_default", "when_private", "words"), CASES)
def test_each_address_class_is_admitted_or_refused_as_each_policy_says(
    address: str, by_default: bool, when_private: bool, words: str
) -> None:
    default_refusal = DEFAULT.refusal(ip_address(address))
    private_refusal = PRIVATE.refusal(ip_address(address))

    assert (default_refusal is None) is by_default
    assert (private_refusal is None) is when_private
    if not by_default:
        assert default_refusal is not None
        assert words in default_refusal
        expected = "only when its operator allows private" if when_private else "may never use"
        assert expected in default_refusal


def test_a_policy_needs_a_positive_timeout() -> None:
    with pytest.raises(ValueError, match="resolve_timeout_s must be above 0"):
        AddressPolicy(resolve_timeout_s=0)


class FakeDns:
    """Answers the event loop's getaddrinfo from a table, as a DNS server would."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.asked: list[tuple[str, int]] = []

    async def getaddrinfo(self, host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
        self.asked.append((host, port))
        if host not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (address, port),
            )
            for address in self.answers[host]
        ]


@pytest.fixture
async def dns(monkeypatch: pytest.MonkeyPatch) -> FakeDns:
    fake = FakeDns({})
    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", fake.getaddrinfo)
    return fake


@pytest.mark.anyio
async def test_a_literal_address_is_checked_without_a_lookup(dns: FakeDns) -> None:
    with pytest.raises(EndpointAddressError) as raised:
        await check_host("http://127.0.0.1:8000/v1", DEFAULT)
    admitted = await check_host("http://[::1]:8000/v1", PRIVATE)

    assert str(raised.value) == (
        "host 127.0.0.1 is a loopback address (127.0.0.0/8), which this exchange calls "
        "only when its operator allows private endpoints"
    )
    assert (raised.value.host, raised.value.address) == ("127.0.0.1", "127.0.0.1")
    assert admitted == (ip_address("::1"),)
    assert dns.asked == []


@pytest.mark.anyio
async def test_a_name_is_refused_if_any_address_it_resolves_to_is(dns: FakeDns) -> None:
    dns.answers["seller.example"] = ["8.8.8.8", "10.0.0.7"]
    dns.answers["public.example"] = ["8.8.8.8", "2001:4860:4860::8888"]

    with pytest.raises(EndpointAddressError) as raised:
        await check_host("https://seller.example/v1", DEFAULT)
    admitted = await check_host("https://public.example:8443/v1", DEFAULT)

    assert str(raised.value).startswith(
        "host seller.example resolves to 10.0.0.7, a private address (10.0.0.0/8, RFC 1918)"
    )
    assert admitted == (ip_address("8.8.8.8"), ip_address("2001:4860:4860::8888"))
    assert dns.asked == [("seller.example", 443), ("public.example", 8443)]


@pytest.mark.anyio
async def test_a_name_that_does_not_resolve_is_refused(dns: FakeDns) -> None:
    with pytest.raises(EndpointAddressError, match=r"host gone\.example does not resolve"):
        await check_host("https://gone.example/v1", DEFAULT)


@pytest.mark.anyio
async def test_a_lookup_that_hangs_is_refused_after_the_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    never = asyncio.Event()

    async def hanging(*_: Any, **__: Any) -> list[Any]:
        await never.wait()
        return []

    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", hanging)

    with pytest.raises(EndpointAddressError, match=r"did not resolve within 0\.05 s"):
        await check_host("https://slow.example/v1", AddressPolicy(resolve_timeout_s=0.05))


@pytest.mark.anyio
async def test_localhost_resolves_to_loopback_and_only_the_private_policy_admits_it() -> None:
    with pytest.raises(EndpointAddressError, match=r"host localhost resolves to .*loopback"):
        await check_host("http://localhost:8000/v1", DEFAULT)
    admitted = await check_host("http://localhost:8000/v1", PRIVATE)

    assert admitted
    assert all(address.is_loopback for address in admitted)


@pytest.mark.anyio
@pytest.mark.parametrize("url", ["http://2130706433/v1", "http://127.1/v1", "http://0x7f000001/v1"])
async def test_a_disguised_ipv4_host_never_reaches_the_resolver(url: str, dns: FakeDns) -> None:
    with pytest.raises(EndpointUrlError, match="not a canonical IPv4 address"):
        await check_host(url, PRIVATE)

    assert dns.asked == []


@pytest.mark.anyio
async def test_a_name_with_an_ipv4_mapped_answer_is_judged_by_its_ipv4(dns: FakeDns) -> None:
    dns.answers["mapped.example"] = ["::ffff:169.254.169.254"]

    with pytest.raises(EndpointAddressError, match="cloud instance metadata"):
        await check_host("https://mapped.example/v1", PRIVATE)
