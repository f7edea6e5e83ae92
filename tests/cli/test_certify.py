"""`tokenpit certify` as a real command against a simulated seller on loopback."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tokenpit.cli import main
from tokenpit.settings import Secret
from tokenpit.testing.sellers import FAST, running_sim_seller

TOKENPIT = str(Path(sys.executable).with_name("tokenpit"))
GOOD = dataclasses.replace(FAST, model="good", ttft_ms=5, output_tps=2_000, quality=1.0)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def run_certify(*flags: str) -> tuple[int, str, str]:
    """Run `tokenpit certify` with `flags`; return its exit code, stdout and stderr."""
    process = await asyncio.create_subprocess_exec(
        TOKENPIT,
        "certify",
        *flags,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(120):
        out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


@pytest.mark.anyio
async def test_json_report_of_a_perfect_seller() -> None:
    async with running_sim_seller(GOOD) as seller:
        code, out, _ = await run_certify("--url", f"{seller.url}/v1", "--model", "good", "--json")

    report = json.loads(out)
    assert code == 0
    assert report["grade"] == "A"
    assert {score["category"] for score in report["categories"]} == {
        "arithmetic",
        "logic",
        "instructions",
        "extraction",
        "tools",
        "retrieval",
    }
    assert report["overall"]["lower"] >= 0.85
    assert report["ttft_p95_ms"] is not None
    assert report["suite_version"]


@pytest.mark.anyio
async def test_the_readable_report_names_grade_scores_and_speed() -> None:
    weak = dataclasses.replace(GOOD, quality=0.1, api_key=Secret("sk-seller"))
    async with running_sim_seller(weak) as seller:
        code, out, _ = await run_certify(
            "--url",
            f"{seller.url}/v1",
            "--model",
            "good",
            "--api-key",
            "sk-seller",
            "--no-context-check",
        )

    assert code == 0
    assert "grade none" in out
    assert "below every grade" in out
    assert "arithmetic" in out
    assert "ttft p95" in out


@pytest.mark.anyio
async def test_an_endpoint_that_cannot_be_reached_earns_no_grade() -> None:
    code, out, _ = await run_certify(
        "--url", "http://127.0.0.1:9/v1", "--model", "m", "--json", "--timeout-s", "2"
    )

    report = json.loads(out)
    assert code == 0
    assert report["grade"] is None
    assert report["failed_requests"] == report["items_used"]
    assert "cannot reach the seller" in report["feature_problems"]["streaming"]


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--url", "ftp://x/v1", "--model", "m"], "--url"),
        (["--url", "http://h/v1"], "--model"),
        (["--url", "http://h/v1", "--model", "m", "--max-items", "2"], "--max-items"),
        (["--url", "http://h/v1", "--model", "m", "--concurrency", "0"], "--concurrency"),
    ],
)
def test_a_bad_flag_is_refused_with_its_name(flags: list[str], named: str) -> None:
    result = CliRunner().invoke(main, ["certify", *flags])

    assert result.exit_code == 2, result.output
    assert named in result.output
