"""Run `tokenpit serve` as a real process on loopback, for end-to-end tests."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx

READY_TIMEOUT_S = 30.0


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ServerProcess:
    """A `tokenpit serve` child process and how to reach it.

    `extra_args` are more `tokenpit serve` options, passed after the ones it always sets.
    With `admin_key` None the server starts without TOKENPIT_ADMIN_KEY, as an operator
    who set none would start it; `admin_key` may change between starts.
    """

    def __init__(
        self,
        db_path: Path,
        admin_key: str | None,
        log_path: Path,
        extra_args: Sequence[str] = (),
    ) -> None:
        self.db_path = db_path
        self.admin_key = admin_key
        self.log_path = log_path
        self.extra_args = tuple(extra_args)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the server and wait until /healthz answers."""
        env = {**os.environ, "TOKENPIT_LOG_FORMAT": "json"}
        env.pop("TOKENPIT_ADMIN_KEY", None)
        if self.admin_key is not None:
            env["TOKENPIT_ADMIN_KEY"] = self.admin_key
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own entry point, fixed arguments
                [
                    sys.executable,
                    "-m",
                    "tokenpit",
                    "serve",
                    "--db",
                    str(self.db_path),
                    "--port",
                    str(self.port),
                    "--rate-limit",
                    "100000",
                    *self.extra_args,
                ],
                stdout=log,
                stderr=log,
                env=env,
            )
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"tokenpit serve exited early; see {self.log_path}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            time.sleep(0.05)
        raise RuntimeError(f"tokenpit serve did not answer within {READY_TIMEOUT_S}s")

    def kill(self) -> None:
        """Kill the server without warning (SIGKILL), as a crash would."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
            self.process = None

    def stop(self) -> None:
        """Stop the server gracefully (SIGTERM)."""
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
            self.process = None

    def client(self, key: str | None = None) -> httpx.Client:
        """Return an HTTP client for the server, authenticated with `key` when given."""
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=10)


@contextlib.contextmanager
def running_server(directory: Path, admin_key: str = "tp_test_operator") -> Iterator[ServerProcess]:
    """Start a server on a fresh database in `directory`; stop it afterwards."""
    server = ServerProcess(directory / "exchange.db", admin_key, directory / "server.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()
