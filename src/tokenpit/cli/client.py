"""Talk to a running exchange's HTTP API: JSON in, JSON out, errors as one message.

`ExchangeClient` wraps an `httpx.Client`. An answer in the API's error shape becomes an
`ExchangeError` carrying the server's message; a server that cannot be reached becomes
one that says where it looked. Commands print `error: <message>` and exit 1.
"""

from __future__ import annotations

from types import TracebackType
from typing import IO, Any

import click
import httpx

DEFAULT_URL = "http://127.0.0.1:8000"
TIMEOUT_S = 30.0


class ExchangeError(click.ClickException):
    """A request that failed; the command exits 1 printing `error: <message>`."""

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the message the way every command reports an error."""
        click.echo(f"error: {self.format_message()}", file=file, err=file is None)


class ExchangeClient:
    """Call an exchange's API with an optional API key."""

    def __init__(
        self, url: str, key: str | None, transport: httpx.BaseTransport | None = None
    ) -> None:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.url = url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.url, headers=headers, timeout=TIMEOUT_S, transport=transport
        )

    def __enter__(self) -> ExchangeClient:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._http.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        """Send a request and return the decoded JSON answer; raise `ExchangeError` if refused."""
        query = {name: value for name, value in (params or {}).items() if value is not None}
        try:
            response = self._http.request(method, path, json=body, params=query)
        except httpx.ConnectError as error:
            raise ExchangeError(
                f"cannot reach the exchange at {self.url}: connection refused "
                "(is `tokenpit serve` running? set --url or TOKENPIT_URL)"
            ) from error
        except httpx.HTTPError as error:
            raise ExchangeError(f"request to {self.url}{path} failed: {error}") from error
        if response.is_success:
            return response.json()
        raise ExchangeError(_message_of(response))


def _message_of(response: httpx.Response) -> str:
    """Return the server's error message, or the status when it sent none."""
    try:
        error = response.json()["error"]
        return str(error["message"])
    except (ValueError, KeyError, TypeError):
        return f"the exchange answered {response.status_code} {response.reason_phrase}"
