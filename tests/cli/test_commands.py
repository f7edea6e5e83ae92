"""The command line, run in-process through click's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tokenpit.cli import main
from tokenpit.cli.formatting import format_micros
from tokenpit.specs import default_spec_text


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_spec_check_accepts_the_default_spec(tmp_path: Path) -> None:
    path = tmp_path / "chat.toml"
    path.write_text(default_spec_text(), encoding="utf-8")

    code, output = invoke("spec", "check", str(path))

    assert code == 0
    assert "ok: chat 2026.12, grades A, B, C" in output


def test_spec_check_lists_every_problem_and_fails(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(default_spec_text().replace("tick_micros = 1_000", "tick_micros = 1_001"))

    code, output = invoke("spec", "check", str(path))

    assert code == 1
    assert "spec.tick_micros = 1001" in output
    assert "multiple of 1,000,000" in output


def test_spec_show_json_has_grades_best_first() -> None:
    code, output = invoke("spec", "show", "--json")

    assert code == 0
    data = json.loads(output)
    assert list(data["grades"]) == ["A", "B", "C"]
    assert data["grades"]["A"]["symbol"] == "CHAT-A"
    assert data["input_weight"] == "1/4"


def test_instruments_lists_the_listing_window() -> None:
    code, output = invoke("instruments", "--at", "2026-12-03T14:30Z", "--json")

    assert code == 0
    rows = json.loads(output)
    assert rows[0] == {
        "symbol": "CHAT-A.2026-12-03T14",
        "grade": "A",
        "period_start": "2026-12-03T14:00:00+00:00",
        "period_end": "2026-12-03T15:00:00+00:00",
        "state": "delivering",
    }
    # 24 hours listed ahead: the running period plus the next 24, three grades each.
    assert len(rows) == 3 * 25


def test_instruments_refuses_a_time_without_a_zone() -> None:
    code, output = invoke("instruments", "--at", "2026-12-03T14:30")

    assert code == 2
    assert "give a time zone" in output


# The demo market itself runs in tests/sim/test_demo.py; here only its flags.
@pytest.mark.parametrize(
    ("flags", "named"), [(["--duration", "0"], "--duration"), (["--port", "0"], "--port")]
)
def test_demo_refuses_a_bad_flag_naming_it(flags: list[str], named: str) -> None:
    code, output = invoke("demo", *flags)

    assert code == 2
    assert named in output


def test_money_is_formatted_exactly() -> None:
    assert format_micros(3_132_000) == "3.132"
    assert format_micros(1) == "0.000001"
    assert format_micros(-2_500_000) == "-2.50"
    assert format_micros(None) == "-"
