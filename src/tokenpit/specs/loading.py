"""Load a spec from a TOML file, from TOML text or from parsed data, checking every rule.

A refused spec raises `SpecError` listing every problem of the file at once.
"""

from __future__ import annotations

import importlib.resources
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from tokenpit.specs.document import RULE_ERROR, GradeSection, SpecSection
from tokenpit.specs.errors import Absent, SpecError, SpecProblem
from tokenpit.specs.model import Grade, Spec
from tokenpit.specs.rules import grade_problems, order_problems, spec_problems

DEFAULT_SPEC_FILE = "chat.toml"
DEMO_SPEC_FILE = "chat-demo.toml"

_TABLES = ("spec", "grades")
_GRADE_NAME = re.compile(r"[A-Z][A-Z0-9]*")
_SYNTAX_AT = re.compile(r" \(at line (\d+), column (\d+)\)$")

# Pydantic error types, as the rule they break reads in a problem.
_TYPE_RULES = {
    "missing": "is required",
    "int_type": "must be an integer",
    "float_type": "must be a number",
    "finite_number": "must be a finite number",
    "string_type": "must be a string",
    "list_type": "must be a list",
    "model_type": "must be a table",
    "dict_type": "must be a table",
}
_BOUND_RULES = {
    "greater_than": (">", "gt"),
    "greater_than_equal": (">=", "ge"),
    "less_than": ("<", "lt"),
    "less_than_equal": ("<=", "le"),
}

_Table = TypeVar("_Table", bound=BaseModel)


def default_spec() -> Spec:
    """Return the `chat` spec that ships inside the package (read afresh on every call)."""
    return load_spec_text(default_spec_text(), DEFAULT_SPEC_FILE)


def demo_spec() -> Spec:
    """Return the demo market's spec: the `chat` spec with one-minute periods, small lots."""
    resource = importlib.resources.files("tokenpit.specs") / "data" / DEMO_SPEC_FILE
    return load_spec_text(resource.read_text(encoding="utf-8"), DEMO_SPEC_FILE)


def default_spec_text() -> str:
    """Return the TOML text of the `chat` spec that ships inside the package."""
    resource = importlib.resources.files("tokenpit.specs") / "data" / DEFAULT_SPEC_FILE
    return resource.read_text(encoding="utf-8")


def load_spec(path: str | os.PathLike[str]) -> Spec:
    """Return the spec in the TOML file at `path`; problems name the file as given."""
    file = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        rule = f"cannot read the file: {error.strerror or error}"
        raise SpecError([SpecProblem(file, "", Absent.MISSING, rule)]) from error
    except UnicodeDecodeError as error:
        rule = f"is not UTF-8 text: {error.reason} at byte {error.start}"
        raise SpecError([SpecProblem(file, "", Absent.MISSING, rule)]) from error
    return load_spec_text(text, file)


def load_spec_text(text: str, file_name: str) -> Spec:
    """Return the spec that TOML `text` describes; `file_name` names it in problems."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SpecError([_syntax_problem(file_name, error)]) from error
    return load_spec_data(data, file_name)


def load_spec_data(data: Mapping[str, object], file_name: str) -> Spec:
    """Return the spec that already-parsed `data` (TOML's tables as dicts) describes."""
    problems: list[SpecProblem] = []
    for key, value in data.items():
        if key not in _TABLES:
            rule = "is not a known table; a spec file has [spec] and [grades.<name>]"
            problems.append(SpecProblem(file_name, key, value, rule))

    table = data.get("spec", Absent.MISSING)
    section, refused = _check_table(SpecSection, file_name, "spec", table, problems)
    if isinstance(table, Mapping):
        problems.extend(spec_problems(file_name, table, refused))
    grades = _check_grades(file_name, data.get("grades", Absent.MISSING), problems)

    if problems or section is None:
        raise SpecError(problems)
    return Spec(
        family=section.family,
        version=section.version,
        unit_tokenizer=section.unit_tokenizer,
        input_weight=section.input_weight,
        lot_units=section.lot_units,
        tick_micros=section.tick_micros,
        period_s=section.period_s,
        listing_lead_s=section.listing_lead_s,
        unused=section.unused,
        seller_bond_pct=section.seller_bond_pct,
        offgrade_discount_pct=section.offgrade_discount_pct,
        fee_bps=section.fee_bps,
        default_penalty_pct=section.default_penalty_pct,
        grades=tuple(grades),
    )


def _check_grades(file: str, table: object, problems: list[SpecProblem]) -> list[Grade]:
    """Return the valid grades of the `[grades]` table best first, adding its problems."""
    if table is Absent.MISSING or not isinstance(table, Mapping) or not table:
        rule = "must be a table of at least one grade, such as [grades.A]"
        problems.append(SpecProblem(file, "grades", table, rule))
        return []

    grades = []
    for name in sorted(table):
        field = f"grades.{name}"
        if not isinstance(name, str) or _GRADE_NAME.fullmatch(name) is None:
            rule = "a grade name must be an upper-case letter, then upper-case letters or digits"
            problems.append(SpecProblem(file, field, name, rule))
            continue

        section, refused = _check_table(GradeSection, file, field, table[name], problems)
        if isinstance(table[name], Mapping):
            problems.extend(grade_problems(file, name, table[name], refused))
        if section is not None:
            grades.append(_grade(name, section))

    problems.extend(order_problems(file, grades))
    return grades


def _grade(name: str, section: GradeSection) -> Grade:
    return Grade(
        name=name,
        quality_min=section.quality_min,
        category_floor=section.category_floor,
        ttft_p95_ms=section.ttft_p95_ms,
        output_tps_min=section.output_tps_min,
        context_tokens_min=section.context_tokens_min,
        features=frozenset(section.features),
    )


def _check_table(
    model: type[_Table], file: str, field: str, table: object, problems: list[SpecProblem]
) -> tuple[_Table | None, set[str]]:
    """Return `table` checked against `model` and the keys it refused, adding its problems.

    The checked table is None when any key was refused.
    """
    if table is Absent.MISSING:
        problems.append(SpecProblem(file, field, table, "is required"))
        return None, set()
    try:
        return model.model_validate(table), set()
    except ValidationError as error:
        details = error.errors()
        problems.extend(_problem(file, field, detail, model) for detail in details)
        return None, {str(detail["loc"][0]) for detail in details if detail["loc"]}


def _problem(file: str, prefix: str, detail: ErrorDetails, model: type[BaseModel]) -> SpecProblem:
    """Translate one pydantic error inside table `prefix` into our problem."""
    field = prefix
    for part in detail["loc"]:
        field += f"[{part}]" if isinstance(part, int) else f".{part}"

    value = Absent.MISSING if detail["type"] == "missing" else detail["input"]
    return SpecProblem(file, field, value, _rule(detail, model))


def _rule(detail: ErrorDetails, model: type[BaseModel]) -> str:
    kind = detail["type"]
    context = detail.get("ctx", {})
    if kind == RULE_ERROR:
        return str(context["rule"])
    if kind in _TYPE_RULES:
        return _TYPE_RULES[kind]
    if kind in _BOUND_RULES:
        relation, bound = _BOUND_RULES[kind]
        return f"must be {relation} {context[bound]}"
    if kind in {"literal_error", "enum"}:
        return f"must be {context['expected']}"
    if kind == "extra_forbidden":
        known = ", ".join(field.alias or name for name, field in model.model_fields.items())
        return f"is not a known key; the known keys are {known}"
    return detail["msg"]


def _syntax_problem(file: str, error: tomllib.TOMLDecodeError) -> SpecProblem:
    message = str(error)
    at = _SYNTAX_AT.search(message)
    if at is None:
        return SpecProblem(file, "", Absent.MISSING, f"is not valid TOML: {message}")

    rule = f"is not valid TOML: {message[: at.start()]}"
    line, column = int(at.group(1)), int(at.group(2))
    return SpecProblem(file, "", Absent.MISSING, rule, line=line, column=column)
