"""Loading spec files: the packaged default, files on disk, TOML text and its errors."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from tokenpit.specs import (
    Feature,
    SpecError,
    Unused,
    default_spec,
    default_spec_text,
    load_spec,
    load_spec_data,
    load_spec_text,
)
from tokenpit.testing.specs import chat_spec_data


def test_default_spec_loads_with_the_documented_fields() -> None:
    spec = default_spec()

    assert (spec.family, spec.version, spec.unit_tokenizer) == ("chat", "2026.12", "cl100k_base")
    assert spec.input_weight == Fraction(1, 4)
    assert (spec.lot_units, spec.tick_micros) == (100_000, 1_000)
    assert (spec.period_s, spec.listing_lead_s) == (3_600, 86_400)
    assert spec.unused is Unused.TAKE_OR_PAY
    assert (spec.seller_bond_pct, spec.offgrade_discount_pct) == (20, 50)
    assert (spec.fee_bps, spec.default_penalty_pct) == (0, 10)


def test_default_spec_has_grades_a_b_c_best_first() -> None:
    spec = default_spec()

    assert spec.grade_names == ("A", "B", "C")
    assert spec.grade("A").features == frozenset(Feature)
    assert spec.grade("B").ttft_p95_ms == 2_500
    assert spec.grade("C").context_tokens_min == 8_000


def test_load_spec_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(default_spec_text().replace('period = "1h"', 'period = "15m"'), "utf-8")

    assert load_spec(path).period_s == 900


def test_load_spec_refuses_a_missing_file_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"

    with pytest.raises(SpecError, match=r"absent\.toml: cannot read the file"):
        load_spec(path)


def test_load_spec_refuses_text_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'[spec]\nversion = "caf\xe9"\n')

    with pytest.raises(SpecError, match=r"latin1\.toml: is not UTF-8 text"):
        load_spec(path)


def test_a_toml_syntax_error_is_reported_with_line_and_column() -> None:
    text = '[spec]\nfamily = "chat"\nversion 2026\n'

    with pytest.raises(SpecError) as caught:
        load_spec_text(text, "broken.toml")

    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.column) == ("broken.toml", 3, 9)
    assert str(caught.value).startswith("broken.toml: line 3, column 9: is not valid TOML: ")


def test_an_unknown_key_is_refused_by_name() -> None:
    text = default_spec_text().replace("[spec]\n", "[spec]\ntick_size = 5\n")

    with pytest.raises(SpecError) as caught:
        load_spec_text(text, "chat.toml")

    (problem,) = caught.value.problems
    assert (problem.field, problem.value) == ("spec.tick_size", 5)
    assert "is not a known key" in problem.rule
    assert "tick_micros" in problem.rule


def test_an_unknown_table_is_refused_by_name() -> None:
    data = chat_spec_data()
    data["fees"] = {"maker_bps": 1}

    with pytest.raises(SpecError, match=r"chat\.toml: fees = .*is not a known table"):
        load_spec_data(data, "chat.toml")


@pytest.mark.parametrize("table", ["spec", "grades"])
def test_a_missing_table_is_refused(table: str) -> None:
    data = chat_spec_data()
    del data[table]

    with pytest.raises(SpecError) as caught:
        load_spec_data(data, "chat.toml")

    assert f"chat.toml: {table} = (missing): " in str(caught.value)


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    data = chat_spec_data()
    data["spec"]["period"] = "7m"
    data["spec"]["fee_bps"] = 5_000
    data["grades"]["B"]["ttft_p95_ms"] = 0
    data["grades"]["C"]["features"] = ["teleport"]

    with pytest.raises(SpecError) as caught:
        load_spec_data(data, "chat.toml")

    fields = {problem.field for problem in caught.value.problems}
    assert fields == {
        "spec.period",
        "spec.fee_bps",
        "grades.B.ttft_p95_ms",
        "grades.C.features[0]",
    }
    assert len(str(caught.value).splitlines()) == 4


def test_a_rule_between_valid_fields_is_reported_beside_a_bad_field() -> None:
    data = chat_spec_data()
    data["spec"]["unused"] = "keep"
    data["spec"]["tick_micros"] = 1_500
    data["spec"]["lot_units"] = 1_000
    data["grades"]["C"]["ttft_p95_ms"] = -5
    data["grades"]["C"]["category_floor"] = 0.9

    with pytest.raises(SpecError) as caught:
        load_spec_data(data, "chat.toml")

    fields = [problem.field for problem in caught.value.problems]
    assert sorted(fields) == [
        "grades.C.category_floor",
        "grades.C.ttft_p95_ms",
        "spec.tick_micros",
        "spec.unused",
    ]


def test_a_rule_between_fields_stays_silent_when_one_of_them_is_refused() -> None:
    data = chat_spec_data()
    data["spec"]["period"] = "7m"
    data["spec"]["listing_lead"] = "90m"

    with pytest.raises(SpecError) as caught:
        load_spec_data(data, "chat.toml")

    assert [problem.field for problem in caught.value.problems] == ["spec.period"]


def test_fee_and_default_penalty_have_defaults() -> None:
    data = chat_spec_data()
    del data["spec"]["fee_bps"], data["spec"]["default_penalty_pct"]

    spec = load_spec_data(data, "chat.toml")

    assert (spec.fee_bps, spec.default_penalty_pct) == (0, 10)
