"""Errors the specs package raises: a refused spec file, a refused symbol."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

# A value's repr longer than this is cut, so that one problem stays one line.
_VALUE_TEXT_MAX = 80


class Absent(enum.Enum):
    """Mark a field that a spec file leaves out, as the value of its problem."""

    MISSING = "missing"

    def __repr__(self) -> str:
        return "(missing)"


@dataclass(frozen=True, slots=True)
class SpecProblem:
    """Name one refused field of a spec file: where it is, what it holds, which rule it breaks.

    `field` is a dotted path such as `spec.period` or `grades.B.ttft_p95_ms`; it is empty
    when the problem concerns the whole file (unreadable, not valid TOML), and then `line`
    and `column` locate a syntax error when the parser names them.
    """

    file: str
    field: str
    value: object
    rule: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.field:
            return f"{self.file}: {self.field} = {_value_text(self.value)}: {self.rule}"
        if self.line is not None:
            return f"{self.file}: line {self.line}, column {self.column}: {self.rule}"
        return f"{self.file}: {self.rule}"


class SpecError(Exception):
    """Refuse a spec file, listing every problem found in it, one per line."""

    def __init__(self, problems: Iterable[SpecProblem]) -> None:
        self.problems: tuple[SpecProblem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("a SpecError needs at least one problem")
        super().__init__(self.problems)

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


class SymbolError(ValueError):
    """Refuse an instrument or grade symbol, naming the symbol and the rule it breaks."""

    def __init__(self, symbol: str, rule: str) -> None:
        self.symbol = symbol
        self.rule = rule
        super().__init__(symbol, rule)

    def __str__(self) -> str:
        return f"symbol {_value_text(self.symbol)}: {self.rule}"


class UnknownGradeError(ValueError):
    """Refuse a grade name that the spec does not define."""

    def __init__(self, grade: str, family: str, known: Iterable[str]) -> None:
        self.grade = grade
        self.family = family
        self.known = tuple(known)
        super().__init__(grade, family, self.known)

    def __str__(self) -> str:
        return f"unknown grade {self.grade!r}: spec {self.family} has {', '.join(self.known)}"


def _value_text(value: object) -> str:
    text = repr(value)
    if len(text) <= _VALUE_TEXT_MAX:
        return text
    return text[: _VALUE_TEXT_MAX - 1] + "…"
