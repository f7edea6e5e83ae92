"""How a refused spec reads: one problem per line, each naming file, field, value and rule."""

from __future__ import annotations

import pytest

from tokenpit.specs import Absent, SpecError, SpecProblem, SymbolError


def test_a_problem_reads_file_field_value_rule() -> None:
    problem = SpecProblem("chat.toml", "spec.period", "7m", "must divide 24h exactly")

    assert str(problem) == "chat.toml: spec.period = '7m': must divide 24h exactly"


def test_a_problem_of_the_whole_file_reads_without_a_field() -> None:
    problem = SpecProblem("chat.toml", "", Absent.MISSING, "cannot read the file: denied")

    assert str(problem) == "chat.toml: cannot read the file: denied"


def test_a_long_value_is_cut_to_keep_one_line() -> None:
    problem = SpecProblem("chat.toml", "spec.version", "v" * 500, "too long")

    assert len(str(problem)) < 120
    assert "…" in str(problem)


def test_a_spec_error_lists_every_problem_one_per_line() -> None:
    problems = [
        SpecProblem("chat.toml", "spec.fee_bps", -1, "must be >= 0"),
        SpecProblem("chat.toml", "grades.A", 5, "must be a table"),
    ]

    error = SpecError(problems)

    assert error.problems == tuple(problems)
    assert str(error).splitlines() == [
        "chat.toml: spec.fee_bps = -1: must be >= 0",
        "chat.toml: grades.A = 5: must be a table",
    ]


def test_a_spec_error_needs_a_problem() -> None:
    with pytest.raises(ValueError, match="at least one problem"):
        SpecError([])


def test_a_symbol_error_is_a_value_error_naming_symbol_and_rule() -> None:
    error = SymbolError("CHAT-Z", "unknown grade Z")

    assert isinstance(error, ValueError)
    assert str(error) == "symbol 'CHAT-Z': unknown grade Z"
