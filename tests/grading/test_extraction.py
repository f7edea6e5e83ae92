"""Extraction items: values from a generated document, as JSON that fits a strict schema."""

from __future__ import annotations

import json

import jsonschema
import pytest

from tokenpit.grading import Answer, Category, Item, Suite, check
from tokenpit.grading.extraction_documents import DOCUMENTS

from .samples import OTHER_SEED, item, items, solved


def _json(it: Item) -> dict[str, object]:
    content = solved(it).content
    assert content is not None
    data: dict[str, object] = json.loads(content)
    return data


def test_every_document_is_drawn_at_every_difficulty_and_solved() -> None:
    drawn = items(Category.EXTRACTION, 120)

    assert len(DOCUMENTS) >= 3
    assert {(it.template, it.difficulty) for it in drawn} == {
        (document.template, level) for document in DOCUMENTS for level in (1, 2, 3)
    }
    assert all(check(it, solved(it)).passed for it in drawn)


def test_every_schema_is_a_valid_strict_json_schema() -> None:
    for it in items(Category.EXTRACTION, 60):
        assert it.response_format is not None
        schema = it.response_format["json_schema"]["schema"]

        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["additionalProperties"] is False
        assert schema["required"] == list(schema["properties"])


def test_hard_items_ask_for_the_documents_lists() -> None:
    for it in items(Category.EXTRACTION, 20, 3):
        assert any(isinstance(value, list) for value in it.expected.values())


def test_different_indices_and_seeds_give_different_documents() -> None:
    prompts = [it.prompt for it in items(Category.EXTRACTION, 30)]

    assert len(set(prompts)) == len(prompts)
    assert Suite(OTHER_SEED).item(Category.EXTRACTION, 0).prompt != prompts[0]


def test_json_in_a_code_fence_passes() -> None:
    asked = item(Category.EXTRACTION, 0)

    fenced = f"```json\n{json.dumps(_json(asked), indent=2)}\n```"

    assert check(asked, Answer(content=fenced)).passed


def test_strings_compare_trimmed_and_without_case() -> None:
    asked = item(Category.EXTRACTION, 0, 1)
    data = {k: f" {v.upper()} " if isinstance(v, str) else v for k, v in _json(asked).items()}

    assert check(asked, Answer(content=json.dumps(data))).passed


def test_a_wrong_value_fails_naming_the_field() -> None:
    asked = item(Category.EXTRACTION, 0, 1)
    data = _json(asked)
    name = next(k for k, v in data.items() if isinstance(v, str))
    data[name] = "something else"

    verdict = check(asked, Answer(content=json.dumps(data)))

    assert not verdict.passed
    assert verdict.reason.startswith(f"{name}: expected")


def test_invalid_json_fails() -> None:
    verdict = check(item(Category.EXTRACTION, 0), Answer(content='{"total": 12,'))

    assert not verdict.passed
    assert verdict.reason.startswith("invalid JSON")


@pytest.mark.parametrize("change", ["drop", "extra", "retype"])
def test_a_schema_violation_fails(change: str) -> None:
    asked = item(Category.EXTRACTION, 0, 1)
    data = _json(asked)
    name = next(iter(data))
    if change == "drop":
        del data[name]
    elif change == "extra":
        data["note"] = "extra"
    else:
        data[name] = [data[name]]

    verdict = check(asked, Answer(content=json.dumps(data)))

    assert not verdict.passed
    assert verdict.reason.startswith("schema violation")
