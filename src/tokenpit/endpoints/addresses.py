"""Where a seller's endpoint may be: the form of its URL, and the addresses its host reaches.

The exchange calls sellers' URLs from inside its own network. A URL that leads to a
loopback, private, link-local or cloud-metadata address would let a seller make the
exchange call services that no outsider should reach (server-side request forgery). The
default `AddressPolicy` admits public unicast addresses only; an operator who runs sellers
on its own network admits loopback, private and link-local ones with `allow_private`.
Cloud metadata services, unspecified, multicast, reserved, carrier-grade NAT and the other
special-purpose ranges are refused under both policies, in IPv6 forms that embed such an
IPv4 address too (IPv4-mapped, 6to4, NAT64).

Documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32,
3fff::/20) are refused under both policies: no host on the internet has such an address,
so a URL holding one is a copied example, and a network that routes them is somebody's
private lab, which `allow_private` does not open.

`check_host` applies the policy when an endpoint is registered; the gateway applies it
again at connection time with `tokenpit.endpoints.resolver`.
"""

from __future__ import annotations

import asyncio
import re
import socket
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import Final
from urllib.parse import SplitResult, urlsplit

MAX_URL_CHARS: Final = 2_048
MAX_HOST_CHARS: Final = 253
DEFAULT_PORTS: Final = {"http": 80, "https": 443}

IPAddress = IPv4Address | IPv6Address

_PATH = re.compile(r"(?:[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})*")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
# A last label that the C resolver reads as a number (decimal, octal or hex), as in
# 2130706433 or 0x7f.1: such a host is an IPv4 address in disguise, never a DNS name.
_NUMERIC_LABEL = re.compile(r"0x[0-9a-f]*|[0-9]+")
_PORT = re.compile(r"[0-9]{1,5}")

_PRIVATE_USE_ONLY: Final = (
    "which this exchange calls only when its operator allows private endpoints"
)
_NEVER: Final = "which an endpoint may never use"


def _networks(*pairs: tuple[str, str]) -> tuple[tuple[IPv4Network | IPv6Network, str], ...]:
    return tuple((ip_network(network), description) for network, description in pairs)


# Admitted only by a policy that allows private addresses.
_PRIVATE: Final = _networks(
    ("127.0.0.0/8", "a loopback address (127.0.0.0/8)"),
    ("::1/128", "the IPv6 loopback address (::1)"),
    ("10.0.0.0/8", "a private address (10.0.0.0/8, RFC 1918)"),
    ("172.16.0.0/12", "a private address (172.16.0.0/12, RFC 1918)"),
    ("192.168.0.0/16", "a private address (192.168.0.0/16, RFC 1918)"),
    ("fc00::/7", "a unique local IPv6 address (fc00::/7, RFC 4193)"),
    ("169.254.0.0/16", "a link-local address (169.254.0.0/16)"),
    ("fe80::/10", "a link-local IPv6 address (fe80::/10)"),
)

# Refused by every policy. The stdlib's `is_global` calls some of these global (the 6to4
# relay, site-local, 3fff::/20), so each is named here rather than left to it.
_REFUSED: Final = _networks(
    ("0.0.0.0/8", "a 'this network' address (0.0.0.0/8), which reaches the caller's own host"),
    ("100.64.0.0/10", "a carrier-grade NAT address (100.64.0.0/10, RFC 6598)"),
    ("192.0.0.0/24", "an IETF protocol address (192.0.0.0/24)"),
    ("192.0.2.0/24", "a documentation address (192.0.2.0/24, RFC 5737)"),
    ("198.51.100.0/24", "a documentation address (198.51.100.0/24, RFC 5737)"),
    ("203.0.113.0/24", "a documentation address (203.0.113.0/24, RFC 5737)"),
    ("198.18.0.0/15", "a benchmarking address (198.18.0.0/15, RFC 2544)"),
    ("192.88.99.0/24", "a retired 6to4 relay address (192.88.99.0/24, RFC 7526)"),
    ("240.0.0.0/4", "a reserved address (240.0.0.0/4, with the broadcast address)"),
    ("::/96", "a deprecated IPv4-compatible IPv6 address (::/96)"),
    ("100::/64", "a discard-only IPv6 address (100::/64, RFC 6666)"),
    ("2001::/32", "a Teredo tunnel address (2001::/32)"),
    ("2001:db8::/32", "a documentation address (2001:db8::/32, RFC 3849)"),
    ("3fff::/20", "a documentation address (3fff::/20, RFC 9637)"),
    ("64:ff9b:1::/48", "a local-use NAT64 address (64:ff9b:1::/48, RFC 8215)"),
    ("fec0::/10", "a deprecated site-local IPv6 address (fec0::/10)"),
)

# Link-local or private, yet never admitted: each hands out the cloud machine's own
# credentials to whoever asks (AWS, ECS, EKS, Alibaba Cloud).
_METADATA: Final = frozenset(
    ip_address(text)
    for text in (
        "169.254.169.254",
        "169.254.170.2",
        "169.254.170.23",
        "fd00:ec2::254",
        "fd00:ec2::23",
        "100.100.100.200",
    )
)
_NAT64: Final = ip_network("64:ff9b::/96")


class EndpointUrlError(ValueError):
    """An endpoint URL breaks a rule; the message names the part of the URL and the rule."""

    def __init__(self, part: str, message: str) -> None:
        super().__init__(message)
        self.part = part


class EndpointAddressError(ValueError):
    """An endpoint's host does not resolve, or leads to an address the policy refuses."""

    def __init__(self, host: str, address: str | None, rule: str) -> None:
        if address is None:
            message = f"host {host} {rule}"
        elif address == host:
            message = f"host {host} is {rule}"
        else:
            message = f"host {host} resolves to {address}, {rule}"
        super().__init__(message)
        self.host = host
        self.address = address
        self.rule = rule


def validate_endpoint_url(url: str) -> str:
    """Return `url` normalised if it may be an endpoint's base URL; raise `EndpointUrlError`.

    The rules: http or https; a host (a DNS name, a dotted-quad IPv4 address or a
    bracketed IPv6 one), without `user:password@`; a port from 1 to 65535 if any; a path
    such as `/v1`; no query and no fragment; printable ASCII (an international name in its
    `xn--` form); at most 2,048 characters. The scheme and host come back in lower case,
    a default port and a trailing slash dropped: `HTTPS://API.Example.com:443/v1/` reads
    `https://api.example.com/v1`.
    """
    if len(url) > MAX_URL_CHARS:
        raise EndpointUrlError("url", f"must be at most {MAX_URL_CHARS:,} characters")
    if not url.isascii() or not url.isprintable() or " " in url:
        raise EndpointUrlError(
            "url",
            "must be printable ASCII without spaces: percent-encode the path, "
            "and write an international host name in its xn-- form",
        )
    try:
        parts = urlsplit(url)
    except ValueError as error:  # an unbalanced [ or a bad bracketed host
        raise EndpointUrlError("url", f"is not a URL ({error})") from None

    scheme = _scheme(url, parts)
    _refuse_extras(url, parts)
    host = _host(parts)
    port = _port(parts)
    path = _path(parts)

    shown_port = "" if port in (None, DEFAULT_PORTS[scheme]) else f":{port}"
    return f"{scheme}://{host}{shown_port}{path}"


def _scheme(url: str, parts: SplitResult) -> str:
    if parts.scheme not in DEFAULT_PORTS:
        shown = parts.scheme or "(none)"
        raise EndpointUrlError("scheme", f"scheme {shown} is not allowed: use http or https")
    if not url[len(parts.scheme) :].startswith("://") or not parts.netloc:
        raise EndpointUrlError("host", "host missing: write the URL as scheme://host/path")
    return parts.scheme


def _refuse_extras(url: str, parts: SplitResult) -> None:
    if "@" in parts.netloc:
        raise EndpointUrlError(
            "userinfo",
            "user or password (user:password@) is not allowed in the URL: "
            "send the endpoint's key as the credential",
        )
    if "?" in url:
        raise EndpointUrlError("query", "query (?…) is not allowed: give the base URL only")
    if "#" in url:
        raise EndpointUrlError("fragment", "fragment (#…) is not allowed: give the base URL only")


def _host(parts: SplitResult) -> str:
    """Return the URL's host as the normalised URL writes it."""
    host = parts.hostname or ""
    if parts.netloc.startswith("["):
        if "%" in host:
            raise EndpointUrlError("host", f"host [{host}] holds a zone id, which is not allowed")
        try:
            return f"[{address_text(IPv6Address(host))}]"
        except ValueError:
            raise EndpointUrlError("host", f"host [{host}] is not an IPv6 address") from None
    if not host:
        raise EndpointUrlError("host", "host missing: write the URL as scheme://host/path")
    if len(host) > MAX_HOST_CHARS:
        raise EndpointUrlError("host", f"host must be at most {MAX_HOST_CHARS} characters")

    labels = host.split(".")
    if _NUMERIC_LABEL.fullmatch(labels[-1]):
        try:
            return str(IPv4Address(host))
        except ValueError:
            raise EndpointUrlError(
                "host",
                f"host {host} is not a canonical IPv4 address: write four decimal numbers "
                "from 0 to 255 without leading zeros, such as 8.8.8.8",
            ) from None
    for label in labels:
        if not _LABEL.fullmatch(label):
            raise EndpointUrlError(
                "host",
                f"host {host} is not a DNS name: each dot-separated label must be 1 to 63 "
                "letters, digits or inner hyphens",
            )
    return host


def _port(parts: SplitResult) -> int | None:
    after_host = parts.netloc.rpartition("]")[2] if parts.netloc.startswith("[") else parts.netloc
    _, colon, text = after_host.partition(":")
    if not colon or not text:
        return None
    port = int(text) if _PORT.fullmatch(text) else 0
    if not 1 <= port <= 65_535:
        raise EndpointUrlError("port", f"port {text} is not a number from 1 to 65535")
    return port


def _path(parts: SplitResult) -> str:
    if not _PATH.fullmatch(parts.path):
        raise EndpointUrlError(
            "path",
            f"path {parts.path} holds a character a URL path may not: use letters, digits, "
            "- . _ ~ / and percent-encoding (%XX)",
        )
    return parts.path.rstrip("/")


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which addresses the exchange may call sellers' endpoints at.

    By default public unicast addresses only; with `allow_private`, loopback, private
    (RFC 1918, fc00::/7) and link-local addresses as well. `resolve_timeout_s` bounds the
    DNS lookup of `check_host`.
    """

    allow_private: bool = False
    resolve_timeout_s: float = 5.0

    def __post_init__(self) -> None:
        if not self.resolve_timeout_s > 0:
            raise ValueError(
                f"AddressPolicy.resolve_timeout_s must be above 0, got {self.resolve_timeout_s}"
            )

    def refusal(self, address: IPAddress) -> str | None:
        """Return why this policy refuses `address` (a phrase), or None if it admits it."""
        description, private = _classify(address)
        if description is None or (private and self.allow_private):
            return None
        return f"{description}, {_PRIVATE_USE_ONLY if private else _NEVER}"


def _classify(address: IPAddress) -> tuple[str | None, bool]:
    """Return what kind of special address `address` is (None: public) and if it is private."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        form, inner = embedded
        description, private = _classify(inner)
        if description is None:
            return None, False
        return f"{form} of {inner}, {description}", private

    if address in _METADATA:
        return "a cloud instance metadata service address", False
    if address.is_unspecified:
        return "the unspecified address", False
    if address.is_multicast:
        return "a multicast address", False
    for network, description in _PRIVATE:
        if address in network:
            return description, True
    for network, description in _REFUSED:
        if address in network:
            return description, False
    if address.is_reserved or not address.is_global:
        return "a special-purpose address that is not publicly routable", False
    return None, False


def _embedded_ipv4(address: IPAddress) -> tuple[str, IPv4Address] | None:
    """Return the IPv4 address an IPv6 address reaches through a translation, if any."""
    if isinstance(address, IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return "an IPv4-mapped address", address.ipv4_mapped
    if address in _NAT64:
        return "a NAT64 address", IPv4Address(int(address) & 0xFFFF_FFFF)
    if address.sixtofour is not None:
        return "a 6to4 address", address.sixtofour
    return None


async def check_host(url: str, policy: AddressPolicy) -> tuple[IPAddress, ...]:
    """Return the addresses `url`'s host leads to if the policy admits every one of them.

    Raises `EndpointUrlError` for a URL that `validate_endpoint_url` refuses, and
    `EndpointAddressError` naming the host, the address and the rule when any address
    is refused, or when the host does not resolve within the policy's timeout. The
    lookup runs off the event loop (the loop's `getaddrinfo`).
    """
    parts = urlsplit(validate_endpoint_url(url))
    host = parts.hostname or ""
    try:
        addresses: tuple[IPAddress, ...] = (ip_address(host),)
    except ValueError:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
        addresses = await _resolve(host, port, policy.resolve_timeout_s)

    for address in addresses:
        rule = policy.refusal(address)
        if rule is not None:
            raise EndpointAddressError(host, address_text(address), rule)
    return addresses


def address_text(address: IPAddress) -> str:
    """Return an address as people read it: an IPv4-mapped one as `::ffff:127.0.0.1`."""
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return f"::ffff:{address.ipv4_mapped}"
    return address.compressed


async def _resolve(host: str, port: int, timeout_s: float) -> tuple[IPAddress, ...]:
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(timeout_s):
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except TimeoutError:
        raise EndpointAddressError(host, None, f"did not resolve within {timeout_s:g} s") from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise EndpointAddressError(host, None, f"does not resolve ({reason})") from None

    addresses = tuple(dict.fromkeys(ip_address(info[4][0]) for info in infos))
    if not addresses:
        raise EndpointAddressError(host, None, "resolves to no address")
    return addresses
