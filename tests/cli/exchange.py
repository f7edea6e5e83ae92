"""Run exchange commands through click's runner against a live server."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner

from tokenpit.cli import main
from tokenpit.testing.api import LiveServer


def run(live: LiveServer, key: str | None, *args: str) -> tuple[int, str]:
    """Run `tokenpit ARGS` with TOKENPIT_URL and TOKENPIT_KEY set; return code and output."""
    env = {"TOKENPIT_URL": live.url, "TOKENPIT_KEY": key}
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.output


def run_json(live: LiveServer, key: str | None, *args: str) -> Any:
    """Run a command with --json and return what it printed, decoded."""
    code, output = run(live, key, *args, "--json")
    assert code == 0, output
    return json.loads(output)


def open_account(live: LiveServer, name: str, *roles: str, deposit: str = "100") -> str:
    """Open an account with the CLI, deposit dollars into it, and return its key."""
    role_options = [option for role in roles for option in ("--role", role)]
    created = run_json(live, live.operator_key, "accounts", "create", name, *role_options)
    if deposit != "0":
        run_json(live, live.operator_key, "deposit", str(created["id"]), deposit)
    key: str = created["api_key"]
    return key
