"""`tokenpit sim-seller` as a real child process, and its flag checks."""

from __future__ import annotations

import signal
from dataclasses import replace

import openai
import pytest
from click.testing import CliRunner

from tokenpit.cli import main
from tokenpit.settings import Secret
from tokenpit.testing.sellers import FAST, running_sim_seller_process

HELLO = [{"role": "user", "content": "Say something."}]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT])
async def test_the_command_serves_until_a_signal_and_exits_cleanly(signal_number: int) -> None:
    config = replace(FAST, model="child-model", api_key=Secret("sk-child"), usage_factor=2.0)
    async with running_sim_seller_process(config) as seller:
        assert seller.url.startswith("http://127.0.0.1:")
        async with openai.AsyncOpenAI(
            base_url=f"{seller.url}/v1", api_key="sk-child", max_retries=0, timeout=10
        ) as client:
            completion = await client.chat.completions.create(
                model="child-model",
                messages=HELLO,  # type: ignore[arg-type]
            )
        exit_code = await seller.stop(signal_number)

    assert completion.usage is not None
    assert completion.usage.completion_tokens == 2 * FAST.reply_tokens
    assert exit_code == 0


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--port", "70000", "--model", "m"], "--port"),
        (["--port", "0"], "--model"),
        (["--port", "0", "--model", "m", "--failure-rate", "1.5"], "--failure-rate"),
        (["--port", "0", "--model", "m", "--output-tps", "0"], "--output-tps"),
        (["--port", "0", "--model", "m", "--ttft-ms", "-1"], "--ttft-ms"),
        (["--port", "0", "--model", "m", "--reply-tokens", "0"], "--reply-tokens"),
        (["--port", "0", "--model", "m", "--fault", "explode"], "--fault"),
        (["--port", "0", "--model", "m", "--usage-factor", "nan"], "usage_factor"),
        (["--port", "0", "--model", " ", "--seed", "1"], "model"),
        (["--port", "0", "--model", "m", "--api-key", ""], "api_key"),
        (["--port", "0", "--model", "m", "--quality", "1.2"], "--quality"),
        (["--port", "0", "--model", "m", "--category-quality", "poetry=0.5"], "poetry"),
        (["--port", "0", "--model", "m", "--category-quality", "logic=2"], "logic=2"),
        (["--port", "0", "--model", "m", "--context-tokens", "0"], "--context-tokens"),
    ],
)
def test_a_bad_flag_is_refused_with_its_name(flags: list[str], named: str) -> None:
    result = CliRunner().invoke(main, ["sim-seller", *flags])

    assert result.exit_code == 2, result.output
    assert named in result.output


def test_the_help_lists_every_setting() -> None:
    result = CliRunner().invoke(main, ["sim-seller", "--help"])

    assert result.exit_code == 0
    for flag in ("--port", "--host", "--model", "--api-key", "--ttft-ms", "--output-tps"):
        assert flag in result.output
    for flag in ("--reply-tokens", "--failure-rate", "--fault", "--usage-factor", "--seed"):
        assert flag in result.output
