"""LiteLLM's proxy as a leg of bench/gateway.py: installed into its own venv, run offline.

The venv is bench/.peers/litellm (git-ignored), made on the first run and reused after.
The proxy runs one worker process, as tokenpit serve does, from a generated config
that maps the upstream's model to `openai/<model>` at the upstream, with a generated
master key (LiteLLM refuses its documented sample key, `sk-1234`), and with the settings
that keep it from calling out: a local model cost map, no telemetry, production mode,
no admin UI.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from _gateway_processes import (
    BENCH_DIR,
    UPSTREAM_MODEL,
    PeerUnavailableError,
    Target,
    probe,
    start_process,
    stop_process,
    wait_until_ready,
)
from tokenpit.testing.server import free_port

LITELLM_VENV = BENCH_DIR / ".peers" / "litellm"
# Written and run against 1.108.7; a 2.x release may change the config or the flags.
LITELLM_REQUIREMENT = "litellm[proxy]>=1.77,<2"
INSTALL_TIMEOUT_S = 900.0
READY_TIMEOUT_S = 180.0  # the proxy imports a great deal before it listens
OFFLINE_SETTINGS = {
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    "LITELLM_TELEMETRY_DISABLED": "true",
    "LITELLM_MODE": "PRODUCTION",
    "DISABLE_ADMIN_UI": "True",
    "LITELLM_LOG": "ERROR",
}


def prepare_litellm() -> Path:
    """Make or reuse the LiteLLM venv; return its `litellm` command or raise why not."""
    python = LITELLM_VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {LITELLM_VENV} and installing {LITELLM_REQUIREMENT} ...", flush=True)
        _run_step([sys.executable, "-m", "venv", str(LITELLM_VENV)], "python -m venv")

    # pip does nothing, quickly and offline, when the requirement is already satisfied.
    command = [str(python), "-m", "pip", "install", "--quiet", LITELLM_REQUIREMENT]
    _run_step(command, f"pip install {LITELLM_REQUIREMENT}")
    executable = LITELLM_VENV / "bin" / "litellm"
    if not executable.exists():
        raise PeerUnavailableError(f"{executable} is missing after pip install")
    return executable


def _run_step(command: list[str], what: str) -> None:
    """Run one install step; raise PeerUnavailableError with pip's own error if it fails."""
    try:
        completed = subprocess.run(
            command, check=False, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S
        )
    except subprocess.TimeoutExpired:
        raise PeerUnavailableError(f"{what}: no result within {INSTALL_TIMEOUT_S:g} s") from None
    except OSError as error:
        raise PeerUnavailableError(f"{what}: {error}") from None
    if completed.returncode != 0:
        raise PeerUnavailableError(f"{what} failed: {_error_line(completed.stderr)}")


def _error_line(stderr: str) -> str:
    """Return pip's error line, not one of its warnings; else the last line."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR")]
    return (errors or lines or ["no output"])[-1][:300]


def litellm_version() -> str:
    """Return the installed LiteLLM's version, or "unknown"."""
    metadata = LITELLM_VENV.glob("lib/python*/site-packages/litellm-*.dist-info")
    for path in metadata:
        return path.name.removeprefix("litellm-").removesuffix(".dist-info")
    return "unknown"


@contextlib.contextmanager
def litellm_proxy(executable: Path, directory: Path, upstream_url: str) -> Iterator[Target]:
    """Run LiteLLM's proxy against the upstream; yield where to send the load."""
    master_key = f"sk-bench-{secrets.token_hex(16)}"
    config = {
        "model_list": [
            {
                "model_name": UPSTREAM_MODEL,
                "litellm_params": {
                    "model": f"openai/{UPSTREAM_MODEL}",
                    "api_base": f"{upstream_url}/v1",
                    "api_key": "bench-upstream-takes-no-key",
                },
            }
        ],
        "general_settings": {"master_key": master_key},
    }
    # JSON is YAML, so the config needs no YAML writer.
    config_path = directory / "litellm.yaml"
    config_path.write_text(json.dumps(config, indent=2))

    port = free_port()
    log_path = directory / "litellm.log"
    command = [str(executable), "--config", str(config_path), "--host", "127.0.0.1"]
    command += ["--port", str(port), "--num_workers", "1"]
    process = start_process(command, log_path, {**os.environ, **OFFLINE_SETTINGS}, directory)
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_until_ready(f"{base_url}/health/liveliness", process, READY_TIMEOUT_S, log_path)
        target = Target(f"{base_url}/v1/chat/completions", UPSTREAM_MODEL, master_key)
        probe(target, log_path)
        yield target
    finally:
        stop_process(process)
