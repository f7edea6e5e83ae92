"""Make plausible values that satisfy simple JSON schemas: tool arguments and JSON replies.

Understood: `type` (object, string, number, integer, boolean, array, null, or a list of
them), `properties`, `required`, `items`, `enum`, `const`, `anyOf`/`oneOf`/`allOf` (the
first branch), local `$ref`s (`#/$defs/…`, `#/definitions/…`), `minimum`/`maximum` (and
their exclusive forms), `minItems`/`maxItems`, `minLength`/`maxLength`, and the string
formats date, date-time, email and uri. Ignored: `pattern` and every other keyword; a
schema that leans on them may not be met.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from typing import Any, Final

from tokenpit.sim.seller.requests import RequestError

DEPTH_MAX: Final = 16  # a deeper schema (or a $ref cycle) is refused, not followed forever
ITEMS_MAX: Final = 64
LENGTH_MAX: Final = 4_096
FORMATS: Final = {
    "date": "2026-12-03",
    "date-time": "2026-12-03T14:00:00Z",
    "time": "14:00:00Z",
    "email": "seller@example.com",
    "uri": "https://example.com/",
}


class ExampleMaker:
    """Draw values for a schema from pseudo-words and a seeded generator."""

    def __init__(self, words: Sequence[str], rng: random.Random) -> None:
        self._words = words
        self._rng = rng

    def value(self, schema: Mapping[str, Any], param: str) -> Any:
        """Return a value that meets `schema`; refuse it, naming `param`, when it cannot."""
        return _Walk(self._words, self._rng, schema, param).value(schema, 0)


class _Walk:
    """One walk over a schema, which may refer back to its root."""

    def __init__(
        self, words: Sequence[str], rng: random.Random, root: Mapping[str, Any], param: str
    ) -> None:
        self.words = words
        self.rng = rng
        self.root = root
        self.param = param

    def value(self, schema: object, depth: int) -> Any:
        if depth > DEPTH_MAX:
            raise self.refuse(f"nests deeper than {DEPTH_MAX} levels (or its $refs loop)")
        if schema is True or schema == {}:
            return self.phrase()
        if not isinstance(schema, dict):
            raise self.refuse(f"holds {schema!r} where a schema object belongs")
        if "$ref" in schema:
            return self.value(self.resolve(schema["$ref"]), depth + 1)
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return self.rng.choice(schema["enum"])
        for keyword in ("anyOf", "oneOf", "allOf"):
            branches = schema.get(keyword)
            if isinstance(branches, list) and branches:
                return self.value(branches[0], depth + 1)
        return self.typed(schema, _type_of(schema), depth)

    def typed(self, schema: Mapping[str, Any], kind: str, depth: int) -> Any:
        if kind == "object":
            return self.make_object(schema, depth)
        if kind == "array":
            count = _count(schema, self)
            return [self.value(schema.get("items", {}), depth + 1) for _ in range(count)]
        if kind == "integer":
            low, high = _bounds(schema, integer=True)
            return self.rng.randint(low, high) if low <= high else low
        if kind == "number":
            low, high = _bounds(schema, integer=False)
            drawn = round(self.rng.uniform(low, high), 2)
            return drawn if low <= drawn <= high else low
        if kind == "boolean":
            return self.rng.random() < 0.5
        if kind == "null":
            return None
        if kind == "string":
            return self.string(schema)
        raise self.refuse(f"has type {kind!r}, which is not a JSON schema type")

    def make_object(self, schema: Mapping[str, Any], depth: int) -> dict[str, Any]:
        properties = schema.get("properties", {})
        required = schema.get("required", [])
        if not isinstance(properties, dict) or not isinstance(required, list):
            raise self.refuse("has properties that are not an object or required not a list")
        made = {str(name): self.value(sub, depth + 1) for name, sub in properties.items()}
        for name in required:
            if isinstance(name, str) and name not in made:
                made[name] = self.phrase()
        return made

    def string(self, schema: Mapping[str, Any]) -> str:
        text = FORMATS.get(str(schema.get("format")), None) or self.phrase()
        min_length = _integer(schema.get("minLength"), 0)
        max_length = _integer(schema.get("maxLength"), LENGTH_MAX)
        if min_length > LENGTH_MAX:
            raise self.refuse(f"asks for minLength {min_length}; at most {LENGTH_MAX} is made")
        while len(text) < min_length:
            text = f"{text} {self.phrase()}"
        return text[:max_length]

    def phrase(self) -> str:
        return " ".join(self.rng.choice(self.words) for _ in range(self.rng.randint(1, 3)))

    def resolve(self, reference: object) -> object:
        prefixes = ("#/$defs/", "#/definitions/")
        if not isinstance(reference, str) or not reference.startswith(prefixes):
            raise self.refuse(f"has $ref {reference!r}; only #/$defs/… and #/definitions/… work")
        section, name = reference[2:].split("/", 1)
        definitions = self.root.get(section)
        if not isinstance(definitions, dict) or name not in definitions:
            raise self.refuse(f"has $ref {reference!r}, which names no definition")
        return definitions[name]

    def refuse(self, problem: str) -> RequestError:
        return RequestError(f"{self.param} {problem}", param=self.param, code="invalid_schema")


def _type_of(schema: Mapping[str, Any]) -> str:
    declared = schema.get("type")
    if isinstance(declared, list):
        named = [kind for kind in declared if kind != "null"] or ["null"]
        declared = named[0]
    if isinstance(declared, str):
        return declared
    if "properties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return "string"


def _count(schema: Mapping[str, Any], walk: _Walk) -> int:
    low = _integer(schema.get("minItems"), 1)
    high = _integer(schema.get("maxItems"), max(low, 2))
    if low > ITEMS_MAX:
        raise walk.refuse(f"asks for minItems {low}; at most {ITEMS_MAX} are made")
    return min(max(low, 1), high)


def _bounds(schema: Mapping[str, Any], *, integer: bool) -> tuple[Any, Any]:
    low = _number(schema.get("minimum"), -math.inf)
    high = _number(schema.get("maximum"), math.inf)
    step = 1 if integer else 0.01
    if _number(schema.get("exclusiveMinimum"), None) is not None:
        low = max(low, schema["exclusiveMinimum"] + step)
    if _number(schema.get("exclusiveMaximum"), None) is not None:
        high = min(high, schema["exclusiveMaximum"] - step)
    # A plausible value: small and positive unless the bounds say otherwise.
    low = low if math.isfinite(low) else min(1, high)
    high = high if math.isfinite(high) else max(100, low + 99)
    if integer:
        return math.ceil(low), math.floor(high)
    return float(low), float(high)


def _integer(value: object, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _number(value: object, default: Any) -> Any:
    valid = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    return value if valid else default
