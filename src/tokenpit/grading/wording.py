"""Wordings: sentences with named slots that write an item's text and read it back.

Every template is written once, as data. The generator fills a wording's slots to write a
prompt; the reference solver compiles the same wording into a regular expression and reads
the values back out of the prompt, so the two cannot drift apart. A slot's kind says how its
value is written, matched and read: `{count}` may write `1,250` and read back `1250`.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_ORDINALS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
)  # fmt: skip
_COUNTS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


@dataclass(frozen=True, slots=True)
class Slot:
    """Say how one kind of slot value is matched (`pattern`), read back and written."""

    pattern: str
    read: Callable[[str], Any]
    write: Callable[[Any], str] = str


@dataclass(frozen=True, slots=True)
class Wording:
    """Hold one way to word a sentence, with `{slot}` fields whose kinds `slots` names.

    A slot that appears twice must hold the same value both times.
    """

    text: str
    slots: Mapping[str, Slot]
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Frozen: the read-only view and the compiled pattern go around __setattr__.
        object.__setattr__(self, "slots", MappingProxyType(dict(self.slots)))
        object.__setattr__(self, "_pattern", re.compile(_pattern_text(self.text, self.slots)))

    def render(self, values: Mapping[str, Any]) -> str:
        """Return the sentence with each slot written from `values`."""
        written = {name: self.slots[name].write(values[name]) for name in self.slots}
        return self.text.format(**written)

    def parse(self, text: str) -> dict[str, Any] | None:
        """Return the slot values if `text` is exactly this wording, else None."""
        match = self._pattern.fullmatch(text)
        return None if match is None else self._values(match)

    def find_all(self, text: str) -> Iterator[dict[str, Any]]:
        """Yield the slot values of every place in `text` that reads as this wording."""
        for match in self._pattern.finditer(text):
            yield self._values(match)

    def _values(self, match: re.Match[str]) -> dict[str, Any]:
        return {name: slot.read(match[name]) for name, slot in self.slots.items()}


def wordings(slots: Mapping[str, Slot], *texts: str) -> tuple[Wording, ...]:
    """Return one wording per text, all with the same slot kinds."""
    return tuple(Wording(text, slots) for text in texts)


def parse_any(choices: tuple[Wording, ...], text: str) -> dict[str, Any] | None:
    """Return the slot values of the first of `choices` that `text` reads as, or None."""
    for wording in choices:
        values = wording.parse(text)
        if values is not None:
            return values
    return None


def _pattern_text(text: str, slots: Mapping[str, Slot]) -> str:
    parts: list[str] = []
    seen: set[str] = set()
    for literal, name, _spec, _conversion in string.Formatter().parse(text):
        parts.append(re.escape(literal))
        if name is None:
            continue
        if name not in slots:
            raise ValueError(f"wording {text!r}: slot {{{name}}} has no kind")
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>{slots[name].pattern})")
        seen.add(name)
    if missing := set(slots) - seen:
        raise ValueError(f"wording {text!r}: no place for slots {sorted(missing)}")
    return "".join(parts)


def _read_number(text: str) -> int:
    return int(text.replace(",", ""))


def _write_number(value: int) -> str:
    return f"{value:,}"


def _read_names(text: str) -> tuple[str, ...]:
    return tuple(re.split(r", | and ", text))


def _write_names(names: tuple[str, ...]) -> str:
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def _read_quoted(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r'"([^"]+)"', text))


def _write_quoted(words: tuple[str, ...]) -> str:
    return _write_names(tuple(f'"{word}"' for word in words))


def _read_date(text: str) -> str:
    day, month, year = text.split()
    return f"{int(year):04d}-{_MONTHS.index(month) + 1:02d}-{int(day):02d}"


def _write_date(iso: str) -> str:
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{day} {_MONTHS[month - 1]} {year}"


def _read_money(text: str) -> float:
    return int(text.replace("$", "").replace(",", "").replace(".", "")) / 100


def _write_money(amount: float) -> str:
    return f"${amount:,.2f}"


def _read_clock(text: str) -> str:
    clock, half = text.split()
    hour, minute = (int(part) for part in clock.split(":"))
    return f"{hour % 12 + (12 if half == 'pm' else 0):02d}:{minute:02d}"


def _write_clock(hh_mm: str) -> str:
    hour, minute = (int(part) for part in hh_mm.split(":"))
    return f"{(hour - 1) % 12 + 1}:{minute:02d} {'pm' if hour >= 12 else 'am'}"


_MONTH_PATTERN = "|".join(_MONTHS)

# An integer, written with thousands separators: `1,250`.
NUMBER = Slot(r"\d{1,3}(?:,\d{3})+|\d+", _read_number, _write_number)
# Digits as written, without separators: an access code, a room number.
DIGITS = Slot(r"\d+", int)
NAME = Slot(r"[A-Z][a-z]+", str)
# A run of words within one sentence; the literal text around it must end it.
WORDS = Slot(r"[^.?!:;\n\"]+?", str)
CODE = Slot(r"[A-Z]{2,4}-\d{3,6}", str)
NAMES = Slot(r"[A-Z][a-z]+(?:, [A-Z][a-z]+)* and [A-Z][a-z]+", _read_names, _write_names)
QUOTED = Slot(r'"[^"]+"(?:, "[^"]+")*(?: and "[^"]+")?', _read_quoted, _write_quoted)
ORDINAL = Slot(
    "|".join(_ORDINALS), lambda text: _ORDINALS.index(text) + 1, lambda n: _ORDINALS[n - 1]
)
COUNT = Slot("|".join(_COUNTS), lambda text: _COUNTS.index(text) + 1, lambda n: _COUNTS[n - 1])
# A date written `14 March 2026`, read back as ISO `2026-03-14`.
DATE = Slot(rf"\d{{1,2}} (?:{_MONTH_PATTERN}) \d{{4}}", _read_date, _write_date)
ISO_DATE = Slot(r"\d{4}-\d{2}-\d{2}", str)
# Dollars and cents, `$1,234.50`, read back as a number of dollars.
MONEY = Slot(r"\$\d{1,3}(?:,\d{3})*\.\d{2}", _read_money, _write_money)
# A 12-hour clock time, `7:30 pm`, read back as 24-hour `19:30`.
CLOCK = Slot(r"\d{1,2}:\d{2} [ap]m", _read_clock, _write_clock)
HH_MM = Slot(r"\d{2}:\d{2}", str)
EMAIL = Slot(r"[a-z0-9.]+@[a-z0-9.]+\.[a-z]+", str)
FULL_NAME = Slot(r"[A-Z][a-z]+ [A-Z][a-z]+", str)
# A name of several capitalised words: `Blue Harbour Hall`.
TITLE = Slot(r"[A-Z][A-Za-z']*(?: [A-Z][A-Za-z']*)*", str)
DECIMAL = Slot(r"\d+\.\d{2}", float, lambda amount: f"{amount:.2f}")
