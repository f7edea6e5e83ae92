"""Processes of bench/gateway.py: start one, wait until it answers, stop it for sure.

Each process is started in a session of its own, so stopping it stops whatever it
started too (a proxy's workers), and nothing else.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

from tokenpit.testing.server import free_port

BENCH_DIR = Path(__file__).resolve().parent
UPSTREAM = BENCH_DIR / "_gateway_upstream.py"
UPSTREAM_MODEL = "bench-upstream"
UPSTREAM_READY_S = 30.0
STOP_WAIT_S = 10.0
POLL_INTERVAL_S = 0.1


class PeerUnavailableError(Exception):
    """A leg's proxy could not be installed, started or set up; the message says why."""


@dataclass(frozen=True)
class Target:
    """Where a leg sends its load: the chat completions URL, the model, the API key."""

    chat_url: str
    model: str
    api_key: str = ""


def start_process(
    command: list[str], log_path: Path, env: Mapping[str, str], cwd: Path
) -> subprocess.Popen[bytes]:
    """Start `command` in its own session, its output going to `log_path`."""
    with log_path.open("ab") as log:
        return subprocess.Popen(
            command, stdout=log, stderr=log, env=dict(env), cwd=cwd, start_new_session=True
        )


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Stop the process and its session: SIGTERM, then SIGKILL if it lingers.

    The signals go to the process group only while its leader is unreaped, so its id
    cannot have been handed to some other process.
    """
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_WAIT_S)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_WAIT_S)


def last_log_line(log_path: Path) -> str:
    """Return the last non-blank line of a log, to say why a process failed."""
    with contextlib.suppress(OSError):
        lines = log_path.read_text(errors="replace").splitlines()
        for line in reversed(lines):
            if line.strip():
                return line.strip()[:300]
    return "(empty log)"


def wait_until_ready(
    url: str, process: subprocess.Popen[bytes], timeout_s: float, log_path: Path
) -> None:
    """Poll `url` until it answers 200; raise PeerUnavailableError if it never does."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise PeerUnavailableError(
                f"exited with status {process.returncode} before answering; its log ends: "
                f"{last_log_line(log_path)}"
            )
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(POLL_INTERVAL_S)
    raise PeerUnavailableError(
        f"no answer at {url} within {timeout_s:g} s; its log ends: {last_log_line(log_path)}"
    )


@contextlib.contextmanager
def running_upstream(directory: Path) -> Iterator[str]:
    """Run the fake upstream in its own process; yield its base URL (no /v1)."""
    port = free_port()
    log_path = directory / "upstream.log"
    command = [sys.executable, str(UPSTREAM), "--port", str(port), "--model", UPSTREAM_MODEL]
    process = start_process(command, log_path, os.environ, directory)
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_until_ready(f"{base_url}/v1/models", process, UPSTREAM_READY_S, log_path)
        yield base_url
    finally:
        stop_process(process)


def probe(target: Target, log_path: Path) -> None:
    """Send one chat completion; raise PeerUnavailableError unless it answers 200."""
    body = {"model": target.model, "messages": [{"role": "user", "content": "Hello"}]}
    headers = {"Authorization": f"Bearer {target.api_key}"}
    try:
        answer = httpx.post(target.chat_url, json=body, headers=headers, timeout=30)
    except httpx.HTTPError as error:
        raise PeerUnavailableError(f"probe request failed: {error!r}") from None
    if answer.status_code != 200:
        raise PeerUnavailableError(
            f"probe answered {answer.status_code}: {answer.text[:200]} "
            f"(last log line: {last_log_line(log_path)})"
        )
