"""Read replies the way a fair grader does: lenient about form, strict about content.

What a person would call the same answer passes: surrounding whitespace, a reasoning block
before the answer, a code fence, a leading `Answer:` label, markdown emphasis, quotes, a
final period, thousands separators, letter case in names, and one short sentence that
ends by stating the answer ("The code for the blue locker is 4821.", "12 × 49 = 588
bottles."). Anything that changes the content does not: another value, a second number
or name after the answer, a hedge ("Carla, I think"), a long reply.
"""

from __future__ import annotations

import json
import re
from typing import Any

_THINKING = re.compile(r"^\s*<think>.*?</think>", re.DOTALL)
_FENCE = re.compile(r"^```[a-zA-Z0-9_-]*[ \t]*\n?(.*?)\n?```$", re.DOTALL)
_LABEL = re.compile(r"^(?:the\s+)?(?:final\s+)?answer(?:\s+is)?\s*[:=-]?\s*", re.IGNORECASE)
_WRAPPERS = (
    ("**", "**"),
    ("__", "__"),
    ("*", "*"),
    ("_", "_"),
    ("`", "`"),
    ('"', '"'),
    ("'", "'"),
    ("\u201c", "\u201d"),
)
# A thin or no-break space also separates thousands in some locales; U+2212 is a minus sign.
_INTEGER = re.compile(
    r"(?P<sign>[-\u2212])?[$\u20ac\u00a3]?\s?"
    r"(?P<digits>\d{1,3}(?:[, \u00a0\u202f]\d{3})+|\d+)(?:\.0+)?"
)
_DIGIT_RUN = re.compile(r"\d[\d,]*")
# One sentence that ends by stating its answer: "... is Lars.", "... = 588 bottles.". A
# number may be followed by a unit word or two; a name must be the last word.
_STATED = re.compile(
    r"^[^.!?\n]*(?:\bis|\bwas|\bequals|=|:)\s+"
    r"(?P<value>(?:[$\u20ac\u00a3]?\d[\d,]*(?:\.\d+)?|[^\s.!?,;]+)(?:\s[^\s.!?,;]+){0,2})$"
)
_EMPHASIS = re.compile(r"\*\*|__|`")
_STATED_WORDS_MAX = 30
_SHOWN_CHARS_MAX = 60


def without_thinking(text: str) -> str:
    """Return `text` without a leading `<think>…</think>` reasoning block."""
    return _THINKING.sub("", text, count=1)


def unfenced(text: str) -> str:
    """Return `text` stripped, and without a code fence around all of it."""
    text = text.strip()
    match = _FENCE.match(text)
    return match[1].strip() if match else text


def short_answer(text: str) -> str:
    """Return the bare answer of a short reply: no fence, label, emphasis or final period."""
    text = unfenced(without_thinking(text))
    previous = None
    while text != previous:
        previous = text
        text = _LABEL.sub("", text.strip()).rstrip(".").strip()
        for opening, closing in _WRAPPERS:
            wrapped = text.startswith(opening) and text.endswith(closing)
            if wrapped and len(text) > len(opening) + len(closing):
                text = text[len(opening) : -len(closing)]
    return text


def read_integer(text: str) -> int | None:
    """Return the integer a bare answer is, with separators or a currency sign, or None."""
    match = _INTEGER.fullmatch(text)
    if match is None:
        return None
    value = int(re.sub(r"\D", "", match["digits"]))
    return -value if match["sign"] else value


def stated_answer(text: str) -> tuple[str, str] | None:
    """Return (value, words after it) of a short sentence that ends stating one value.

    For "The access code is 4821." that is ("4821", ""); for "12 * 49 = 588 bottles."
    ("588", "bottles"); None when the reply is not one sentence of at most 30 words
    ending in `is`/`was`/`equals`/`=`/`:` and its answer.
    """
    sentence = _EMPHASIS.sub("", short_answer(text))
    if len(sentence.split()) > _STATED_WORDS_MAX:
        return None
    match = _STATED.match(sentence)
    if match is None:
        return None
    value, _, rest = match["value"].partition(" ")
    return value.strip("'\""), rest


def digit_runs(text: str) -> list[str]:
    """Return the runs of digits in `text`, to say which numbers a wrong answer held."""
    return _DIGIT_RUN.findall(text)


def read_json(text: str) -> Any:
    """Return the JSON value a reply holds, inside a code fence or not.

    Raises `ValueError` when the reply is not one JSON value.
    """
    return json.loads(unfenced(without_thinking(text)))


def same_value(expected: Any, got: Any) -> bool:
    """Say whether `got` holds the expected value, after harmless normalisation.

    Strings compare trimmed and without regard to case; numbers compare exactly, and a
    boolean is no number; lists compare in order, objects key by key.
    """
    if isinstance(expected, str):
        return isinstance(got, str) and got.strip().casefold() == expected.strip().casefold()
    if isinstance(expected, bool) or isinstance(got, bool):
        return expected is got
    if isinstance(expected, int | float):
        return isinstance(got, int | float) and got == expected
    if isinstance(expected, list):
        return (
            isinstance(got, list)
            and len(got) == len(expected)
            and all(same_value(want, have) for want, have in zip(expected, got, strict=True))
        )
    if isinstance(expected, dict):
        return (
            isinstance(got, dict)
            and got.keys() == expected.keys()
            and all(same_value(want, got[key]) for key, want in expected.items())
        )
    return bool(expected == got)


def shown(value: Any) -> str:
    """Return a short text of a value for a verdict's reason: a reply never floods a log."""
    text = repr(value)
    return text if len(text) <= _SHOWN_CHARS_MAX else text[: _SHOWN_CHARS_MAX - 1] + "…"
