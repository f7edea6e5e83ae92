"""Build specs for tests: the packaged `chat` spec, changed field by field."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from typing import Any

from tokenpit.specs import Spec, default_spec_text, load_spec_data

TEST_SPEC_FILE = "test.toml"


def chat_spec_data() -> dict[str, Any]:
    """Return the packaged `chat` spec as freshly parsed TOML tables, free to change."""
    return tomllib.loads(default_spec_text())


def build_spec(
    *, grades: Mapping[str, Mapping[str, object]] | None = None, **spec_fields: object
) -> Spec:
    """Return the `chat` spec with `[spec]` fields replaced (TOML names) and maybe new grades.

    `build_spec(period="15m", listing_lead="1h")` gives a spec of 15-minute periods.
    """
    data = chat_spec_data()
    data["spec"].update(spec_fields)
    if grades is not None:
        data["grades"] = {name: dict(fields) for name, fields in grades.items()}
    return load_spec_data(data, TEST_SPEC_FILE)


def one_grade(**fields: object) -> dict[str, object]:
    """Return the fields of a valid grade, as a spec file writes them, with `fields` replaced."""
    grade: dict[str, object] = {
        "quality_min": 0.7,
        "category_floor": 0.5,
        "ttft_p95_ms": 2_000,
        "output_tps_min": 30,
        "context_tokens_min": 16_000,
        "features": ["streaming"],
    }
    grade.update(fields)
    return grade
