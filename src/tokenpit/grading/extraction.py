"""Extraction items: pull values out of a generated document into JSON that fits a schema.

The item sends the schema as a strict `json_schema` response format. Harder items ask for
more fields, write values the way people do (`14 March 2026` for `2026-03-14`, `7:30 pm`
for `19:30`), state them in prose, shuffle them among distractors of the same shape, and
ask for the document's lists too. The reference solver reads the document line by line.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from typing import Any

from tokenpit.grading.extraction_documents import DOCUMENTS
from tokenpit.grading.extraction_fields import Document, ListField
from tokenpit.grading.items import Answer, Category, Item, user_messages

_FIELDS_ASKED = {1: 3, 2: 5}
_INSTRUCTIONS = (
    "Extract {fields} from the document below. Reply with a JSON object only, matching the schema.",
    (
        "Read the document below and return {fields} as JSON that fits the schema. Reply with "
        "the JSON object and nothing else."
    ),
)
_FENCE = "\n---\n"


def generate(rng: random.Random, difficulty: int) -> Item:
    """Return a fresh extraction item of `difficulty`."""
    document = rng.choice(DOCUMENTS)
    values = {field.name: field.draw(rng) for field in document.fields}
    values |= {listed.name: listed.draw(rng) for listed in document.lists}
    values = document.derive(values)

    asked = [field.name for field in document.fields]
    if difficulty in _FIELDS_ASKED:
        asked = rng.sample(asked, _FIELDS_ASKED[difficulty])
    else:
        asked += [listed.name for listed in document.lists]
    fields = ", ".join(asked[:-1]) + " and " + asked[-1]
    text = rng.choice(_INSTRUCTIONS).format(fields=fields)
    body = _document_text(rng, document, values, difficulty)
    return Item(
        category=Category.EXTRACTION,
        template=document.template,
        difficulty=difficulty,
        messages=user_messages(f"{text}\n{_FENCE}{body}{_FENCE}"),
        expected={name: values[name] for name in asked},
        response_format=response_format(document, asked),
        max_tokens=400 + 200 * (difficulty == 3),
    )


def response_format(document: Document, asked: list[str]) -> dict[str, Any]:
    """Return the strict JSON-schema response format that asks for the fields `asked`."""
    schemas = {field.name: field.schema for field in document.fields}
    schemas |= {listed.name: listed.schema for listed in document.lists}
    schema = {
        "type": "object",
        "properties": {name: _plain(schemas[name]) for name in asked},
        "required": list(asked),
        "additionalProperties": False,
    }
    return {
        "type": "json_schema",
        "json_schema": {"name": document.name, "schema": schema, "strict": True},
    }


def solve(prompt: str, response_format: Mapping[str, Any]) -> Answer | None:
    """Return the JSON an extraction prompt asks for, read from its document, or None."""
    spec = response_format.get("json_schema")
    if response_format.get("type") != "json_schema" or not isinstance(spec, Mapping):
        return None
    document = next((doc for doc in DOCUMENTS if doc.name == spec.get("name")), None)
    parts = prompt.split(_FENCE)
    if document is None or len(parts) != 3:
        return None

    found = _read_document(document, parts[1])
    asked = spec.get("schema", {}).get("properties", {})
    if not all(name in found for name in asked):
        return None
    return Answer(content=json.dumps({name: found[name] for name in asked}))


def _document_text(
    rng: random.Random, document: Document, values: Mapping[str, Any], difficulty: int
) -> str:
    lines = [
        rng.choice(field.lines[difficulty]).render({"value": values[field.name]})
        for field in document.fields
    ]
    if difficulty == 3:
        for wording, draw in rng.sample(document.distractors, rng.randint(1, 2)):
            lines.append(wording.render(draw(rng)))
    if difficulty > 1:
        rng.shuffle(lines)

    blocks = [document.title, "\n".join(lines)]
    for listed in document.lists:
        rows = [_row(rng, listed, element) for element in values[listed.name]]
        blocks.append("\n".join([listed.heading, *rows]))
    return "\n\n".join(blocks)


def _row(rng: random.Random, listed: ListField, element: Any) -> str:
    return rng.choice(listed.rows).render(
        element if isinstance(element, dict) else {"value": element}
    )


def _read_document(document: Document, text: str) -> dict[str, Any]:
    found: dict[str, Any] = {listed.name: [] for listed in document.lists}
    for line in text.split("\n"):
        for field in document.fields:
            for wording in (wording for choices in field.lines.values() for wording in choices):
                values = wording.parse(line)
                if values is not None:
                    found[field.name] = values["value"]
        for listed in document.lists:
            for wording in listed.rows:
                values = wording.parse(line)
                if values is not None:
                    found[listed.name].append(values.get("value", values))
    return found


def _plain(value: Any) -> Any:
    """Return `value` as plain JSON data: read-only mappings become fresh dicts."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value
