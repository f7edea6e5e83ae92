"""Calls to sellers' endpoints: one shared aiohttp session, timeouts, failures by name.

aiohttp rather than httpx: a proxy on httpx tops out at a few hundred requests a
second here, aiohttp at thousands. The connector takes the address policy's resolver,
so a seller's host is checked again at every connection, not only at registration.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping

import aiohttp

from tokenpit.endpoints import AddressPolicy
from tokenpit.endpoints.resolver import PolicyResolver, policy_socket_factory
from tokenpit.gateway.config import GatewayConfig
from tokenpit.gateway.errors import SellerError

CHAT_PATH = "/chat/completions"
ERROR_TEXT_MAX = 300  # of a seller's error body, quoted in the failure reason
CREDENTIAL_SHOWN = "[credential]"
CREDENTIAL_PREFIX_MIN = 4  # a cut-off quote shorter than this gives nothing away
_CUT_MARKS = ("...", "…")  # where reprlib and our own limits shorten a quoted text


class Upstream:
    """The gateway's client for sellers' endpoints."""

    def __init__(self, config: GatewayConfig, policy: AddressPolicy) -> None:
        self._config = config
        self._policy = policy
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        # Created on first use, inside the running loop, as aiohttp requires.
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=self._config.upstream_connections_max,
                resolver=PolicyResolver(self._policy),
                socket_factory=policy_socket_factory(self._policy),
                ttl_dns_cache=10,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    connect=self._config.connect_timeout_s,
                    sock_read=self._config.idle_timeout_s,
                ),
                auto_decompress=True,
                skip_auto_headers=("User-Agent",),
            )
        return self._session

    async def close(self) -> None:
        """Close every connection."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def open(
        self, base_url: str, body: bytes, headers: Mapping[str, str]
    ) -> aiohttp.ClientResponse:
        """Send a chat completion request; return the response once its headers arrived.

        Raises `SellerError` when the seller cannot be reached, times out, or answers
        an error status (its response is read and closed first).
        """
        url = base_url.rstrip("/") + CHAT_PATH
        try:
            async with asyncio.timeout(self._config.first_byte_timeout_s):
                response = await self._client().post(
                    url, data=body, headers=headers, allow_redirects=False
                )
        except TimeoutError as error:
            raise SellerError(
                f"no answer within {self._config.first_byte_timeout_s:g} s"
            ) from error
        except aiohttp.ClientError as error:
            raise SellerError(f"cannot reach the seller: {_describe(error)}") from error
        except OSError as error:
            raise SellerError(f"cannot reach the seller: {error}") from error

        if response.status >= 300:
            text = without_credential(await _read_text(response), headers)
            response.release()
            raise SellerError(f"seller answered {response.status}: {text}", status=response.status)
        return response

    async def read_all(self, response: aiohttp.ClientResponse, max_bytes: int) -> bytes:
        """Read a whole non-streamed answer, bounded in size and time."""
        try:
            async with asyncio.timeout(self._config.total_timeout_s):
                chunks = []
                size = 0
                async for chunk in response.content.iter_any():
                    size += len(chunk)
                    if size > max_bytes:
                        raise SellerError(f"answer larger than {max_bytes:,} bytes")
                    chunks.append(chunk)
                return b"".join(chunks)
        except TimeoutError as error:
            raise SellerError("the answer did not finish in time") from error
        except (aiohttp.ClientError, OSError) as error:
            raise SellerError(f"connection lost: {_describe(error)}") from error
        finally:
            response.release()

    async def chunks(self, response: aiohttp.ClientResponse) -> AsyncIterator[bytes]:
        """Yield a streamed answer's bytes as they arrive; failures become `SellerError`."""
        try:
            async for chunk in response.content.iter_any():
                yield chunk
        except TimeoutError as error:
            raise SellerError(f"stream paused over {self._config.idle_timeout_s:g} s") from error
        except (aiohttp.ClientError, OSError) as error:
            raise SellerError(f"stream broke: {_describe(error)}") from error
        finally:
            response.release()


async def _read_text(response: aiohttp.ClientResponse) -> str:
    try:
        async with asyncio.timeout(5):
            data = await response.content.read(ERROR_TEXT_MAX)
    except (TimeoutError, aiohttp.ClientError, OSError):
        return "(no readable body)"
    return data.decode("utf-8", "replace").strip() or "(empty body)"


def without_credential(text: str, headers: Mapping[str, str]) -> str:
    """Blank out the credential sent in `headers` wherever a seller's error text quotes it.

    Some servers quote a refused key back in their error; that text becomes the failure
    reason that buyers, logs and the database see. A quote shortened to fit leaves pieces
    of the credential: its start before a cut mark or at the end of the text, its end after
    a cut mark. Those go too.
    """
    _, _, credential = headers.get("Authorization", "").partition(" ")
    if not credential:
        return text
    text = text.replace(credential, CREDENTIAL_SHOWN)
    for length in range(len(credential) - 1, CREDENTIAL_PREFIX_MIN - 1, -1):
        head, tail = credential[:length], credential[-length:]
        for mark in _CUT_MARKS:
            text = text.replace(head + mark, CREDENTIAL_SHOWN + mark)
            text = text.replace(mark + tail, mark + CREDENTIAL_SHOWN)
        if text.endswith(head):
            text = text[:-length] + CREDENTIAL_SHOWN
    return text


def _describe(error: BaseException) -> str:
    return str(error) or type(error).__name__
