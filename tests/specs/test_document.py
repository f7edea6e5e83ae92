"""Field rules of a spec file: each bad value is refused, naming field, value and rule."""

from __future__ import annotations

import math

import pytest

from tokenpit.specs import Absent, SpecError, SpecProblem, load_spec_data
from tokenpit.testing.specs import chat_spec_data


def refusal(table: tuple[str, ...], key: str, value: object) -> SpecProblem:
    """Return the one problem found after setting `key` of `table` to `value`."""
    data = chat_spec_data()
    section = data
    for name in table:
        section = section[name]
    section[key] = value

    with pytest.raises(SpecError) as caught:
        load_spec_data(data, "chat.toml")
    (problem,) = caught.value.problems
    return problem


@pytest.mark.parametrize(
    ("key", "value", "rule"),
    [
        ("family", "Chat", "lowercase identifier"),
        ("family", "1chat", "lowercase identifier"),
        ("family", "chat-x", "lowercase identifier"),
        ("family", "", "lowercase identifier"),
        ("family", 7, "must be a string"),
        ("version", "", "must not be empty"),
        ("version", "  ", "must not be empty"),
        ("version", 2026.12, "must be a string"),
        ("unit_tokenizer", "o200k_base", "supported: 'cl100k_base'"),
        ("input_weight", 0, "must be > 0 and <= 1"),
        ("input_weight", -0.25, "must be > 0 and <= 1"),
        ("input_weight", 1.5, "must be > 0 and <= 1"),
        ("input_weight", "0.25", "must be a number"),
        ("input_weight", True, "must be a number"),
        ("input_weight", math.inf, "must be a finite number"),
        ("lot_units", 0, "must be > 0"),
        ("lot_units", -100_000, "must be > 0"),
        ("lot_units", 1.5, "must be an integer"),
        ("lot_units", True, "must be an integer"),
        ("tick_micros", 0, "must be > 0"),
        ("tick_micros", True, "must be an integer"),
        ("tick_micros", "1000", "must be an integer"),
        ("period", "90s", "whole number of minutes"),
        ("period", "30s", "whole number of minutes"),
        ("period", "0m", "at least 1m"),
        ("period", "25h", "at most 24h"),
        ("period", "2d", "at most 24h"),
        ("period", "7m", "must divide 24h exactly"),
        ("period", "5h", "must divide 24h exactly"),
        ("period", "1h30m", "whole number and a unit"),
        ("period", "1 h", "whole number and a unit"),
        ("period", "-1h", "whole number and a unit"),
        ("period", "1w", "whole number and a unit"),
        ("period", 3600, "must be duration text"),
        ("listing_lead", "31d", "at most 30d"),
        ("listing_lead", "soon", "whole number and a unit"),
        ("listing_lead", 24, "must be duration text"),
        ("unused", "keep", "must be 'take_or_pay' or 'refund'"),
        ("seller_bond_pct", -1, "must be >= 0"),
        ("seller_bond_pct", 101, "must be <= 100"),
        ("seller_bond_pct", 20.5, "must be an integer"),
        ("seller_bond_pct", False, "must be an integer"),
        ("offgrade_discount_pct", -1, "must be >= 0"),
        ("offgrade_discount_pct", 101, "must be <= 100"),
        ("fee_bps", -1, "must be >= 0"),
        ("fee_bps", 1_001, "must be <= 1000"),
        ("default_penalty_pct", -1, "must be >= 0"),
        ("default_penalty_pct", 101, "must be <= 100"),
    ],
)
def test_a_bad_spec_field_is_refused(key: str, value: object, rule: str) -> None:
    problem = refusal(("spec",), key, value)

    assert (problem.file, problem.field, problem.value) == ("chat.toml", f"spec.{key}", value)
    assert rule in problem.rule
    assert str(problem).startswith(f"chat.toml: spec.{key} = {value!r}: ")


@pytest.mark.parametrize(
    ("key", "value", "rule"),
    [
        ("quality_min", 0, "must be > 0"),
        ("quality_min", 1.01, "must be <= 1"),
        ("quality_min", "0.9", "must be a number"),
        ("quality_min", True, "must be a number"),
        ("category_floor", 0.0, "must be > 0"),
        ("category_floor", 1.5, "must be <= 1"),
        ("ttft_p95_ms", 0, "must be > 0"),
        ("ttft_p95_ms", 1500.0, "must be an integer"),
        ("ttft_p95_ms", True, "must be an integer"),
        ("output_tps_min", 0, "must be > 0"),
        ("output_tps_min", -60, "must be > 0"),
        ("output_tps_min", math.inf, "must be a finite number"),
        ("output_tps_min", "fast", "must be a number"),
        ("context_tokens_min", 0, "must be > 0"),
        ("context_tokens_min", 8e3, "must be an integer"),
        ("features", "streaming", "must be a list"),
        ("features", ["streaming", "streaming"], "repeats 'streaming'"),
    ],
)
def test_a_bad_grade_field_is_refused(key: str, value: object, rule: str) -> None:
    problem = refusal(("grades", "C"), key, value)

    assert (problem.field, problem.value) == (f"grades.C.{key}", value)
    assert rule in problem.rule
    assert str(problem).startswith(f"chat.toml: grades.C.{key} = {value!r}: ")


def test_quality_must_not_be_nan() -> None:
    problem = refusal(("grades", "C"), "quality_min", math.nan)

    assert problem.field == "grades.C.quality_min"
    assert "must be a finite number" in problem.rule


def test_an_unknown_feature_is_refused_naming_the_known_ones() -> None:
    problem = refusal(("grades", "C"), "features", ["streaming", "voice"])

    assert (problem.field, problem.value) == ("grades.C.features[1]", "voice")
    assert problem.rule == "must be 'streaming', 'tools' or 'json_schema'"


@pytest.mark.parametrize("key", ["family", "period", "tick_micros"])
def test_a_missing_spec_field_is_refused(key: str) -> None:
    data = chat_spec_data()
    del data["spec"][key]

    with pytest.raises(SpecError) as caught:
        load_spec_data(data, "chat.toml")

    (problem,) = caught.value.problems
    assert (problem.field, problem.value, problem.rule) == (
        f"spec.{key}",
        Absent.MISSING,
        "is required",
    )
    assert str(problem) == f"chat.toml: spec.{key} = (missing): is required"


def test_a_missing_grade_field_is_refused() -> None:
    data = chat_spec_data()
    del data["grades"]["B"]["features"]

    with pytest.raises(SpecError, match=r"grades\.B\.features = \(missing\): is required"):
        load_spec_data(data, "chat.toml")


def test_an_unknown_grade_key_is_refused_by_name() -> None:
    problem = refusal(("grades", "A"), "latency_ms", 5)

    assert (problem.field, problem.value) == ("grades.A.latency_ms", 5)
    assert problem.rule.startswith("is not a known key; the known keys are quality_min")


@pytest.mark.parametrize("name", ["a", "1A", "A-1", "Ab"])
def test_a_bad_grade_name_is_refused(name: str) -> None:
    data = chat_spec_data()
    data["grades"][name] = data["grades"].pop("C")

    with pytest.raises(SpecError) as caught:
        load_spec_data(data, "chat.toml")

    (problem,) = caught.value.problems
    assert (problem.field, problem.value) == (f"grades.{name}", name)
    assert "upper-case letter" in problem.rule


@pytest.mark.parametrize("grades", [{}, "A", ["A"]])
def test_grades_must_be_a_table_of_at_least_one_grade(grades: object) -> None:
    data = chat_spec_data()
    data["grades"] = grades

    with pytest.raises(SpecError) as caught:
        load_spec_data(data, "chat.toml")

    (problem,) = caught.value.problems
    assert (problem.field, problem.value) == ("grades", grades)
    assert "at least one grade" in problem.rule


@pytest.mark.parametrize(("table", "field"), [(("spec",), "spec"), (("grades", "B"), "grades.B")])
def test_a_table_written_as_a_value_is_refused(table: tuple[str, ...], field: str) -> None:
    problem = refusal(table[:-1], table[-1], 5)

    assert (problem.field, problem.value, problem.rule) == (field, 5, "must be a table")
