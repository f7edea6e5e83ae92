"""Verifiable instructions: rules a reply's text must follow, each checked by code.

A rule is about form, never taste: how many words, which case, which words must or must not
appear, how many bullet points, how the reply starts and ends. Words are runs of letters and
digits (with inner apostrophes and hyphens); a bullet point is a line that starts with `-`,
`*` or `•` and a space. Words and phrases match without regard to case.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from types import MappingProxyType

from tokenpit.grading.replies import shown, without_thinking
from tokenpit.grading.wording import NUMBER, QUOTED, WORDS, wordings

_WORD = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")
_BULLET = re.compile(r"^[ \t]*[-*\u2022][ \t]+\S", re.MULTILINE)
_NUMBERED = re.compile(r"^[ \t]*\d+[.)][ \t]+\S", re.MULTILINE)
_EDGE_MARKS = "*_#\"'`\u201c\u201d "


class Rule(enum.StrEnum):
    """Name a kind of verifiable instruction."""

    WORD_RANGE = "word_range"
    LOWERCASE = "lowercase"
    UPPERCASE = "uppercase"
    INCLUDE = "include"
    EXCLUDE = "exclude"
    BULLETS = "bullets"
    STARTS_WITH = "starts_with"
    ENDS_WITH = "ends_with"


@dataclass(frozen=True, slots=True)
class Constraint:
    """Hold one instruction; only the fields its rule names are set."""

    rule: Rule
    low: int = 0
    high: int = 0
    count: int = 0
    words: tuple[str, ...] = ()
    phrase: str = ""

    def problem(self, reply: str) -> str:
        """Return what in `reply` breaks this instruction, or "" when it is followed."""
        match self.rule:
            case Rule.WORD_RANGE:
                return _word_range_problem(reply, self.low, self.high)
            case Rule.LOWERCASE | Rule.UPPERCASE:
                return _case_problem(reply, upper=self.rule is Rule.UPPERCASE)
            case Rule.INCLUDE | Rule.EXCLUDE:
                return _words_problem(reply, self.words, wanted=self.rule is Rule.INCLUDE)
            case Rule.BULLETS:
                return _bullet_problem(reply, self.count)
            case Rule.STARTS_WITH | Rule.ENDS_WITH:
                return _edge_problem(reply, self.phrase, start=self.rule is Rule.STARTS_WITH)


def check_constraints(constraints: tuple[Constraint, ...], content: str) -> str:
    """Return what breaks the first instruction a reply does not follow, or ""."""
    reply = without_thinking(content).strip()
    if not reply:
        return "empty reply"
    for constraint in constraints:
        if problem := constraint.problem(reply):
            return problem
    return ""


def words_of(text: str) -> list[str]:
    """Return the words of `text`, as the word-count rule counts them."""
    return [word for word in _WORD.findall(text) if any(char.isalpha() for char in word)]


def bullet_count(text: str) -> int:
    """Return how many bullet-point lines `text` has."""
    return len(_BULLET.findall(text))


def _has_word(text: str, word: str) -> bool:
    return re.search(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", text, re.IGNORECASE) is not None


def _word_range_problem(reply: str, low: int, high: int) -> str:
    count = len(words_of(reply))
    return "" if low <= count <= high else f"{count} words, asked for {low} to {high}"


def _case_problem(reply: str, *, upper: bool) -> str:
    for word in words_of(reply):
        if upper and not word.isupper():
            return f"asked for capitals only, got {shown(word)}"
        if not upper and not word.islower():
            return f"asked for lowercase only, got {shown(word)}"
    return ""


def _words_problem(reply: str, words: tuple[str, ...], *, wanted: bool) -> str:
    if wanted:
        missing = [word for word in words if not _has_word(reply, word)]
        return f"missing required words {missing}" if missing else ""
    used = [word for word in words if _has_word(reply, word)]
    return f"used forbidden words {used}" if used else ""


def _bullet_problem(reply: str, count: int) -> str:
    bullets, numbered = bullet_count(reply), len(_NUMBERED.findall(reply))
    if bullets != count or numbered:
        return f"expected {count} bullet points, got {bullets} (and {numbered} numbered items)"
    return ""


def _edge_problem(reply: str, phrase: str, *, start: bool) -> str:
    # Markdown, quotes and a final stop around the reply are form, not content.
    if start:
        found = reply.lstrip(_EDGE_MARKS).casefold().startswith(phrase.casefold())
        return "" if found else f"does not start with {shown(phrase)}"
    found = reply.rstrip(_EDGE_MARKS + ".!\n\t").casefold().endswith(phrase.casefold())
    return "" if found else f"does not end with {shown(phrase)}"


_RANGE = {"low": NUMBER, "high": NUMBER}
_LIST = {"words": QUOTED}
_PHRASE = {"phrase": WORDS}

WORDINGS = MappingProxyType(
    {
        Rule.WORD_RANGE: wordings(
            _RANGE,
            "Use between {low} and {high} words.",
            "Your reply must be at least {low} and at most {high} words long.",
            "Keep the reply between {low} and {high} words in length.",
        ),
        Rule.LOWERCASE: wordings(
            {},
            "Write the whole reply in lowercase letters, with no capital letters at all.",
            "Use no capital letters anywhere in your reply.",
        ),
        Rule.UPPERCASE: wordings(
            {},
            "Write the whole reply in capital letters.",
            "Every letter of your reply must be upper case.",
        ),
        Rule.INCLUDE: wordings(
            _LIST,
            "Include each of these words: {words}.",
            "Make sure your reply uses these words: {words}.",
        ),
        Rule.EXCLUDE: wordings(
            _LIST,
            "Do not use any of these words: {words}.",
            "Avoid these words entirely: {words}.",
        ),
        Rule.BULLETS: wordings(
            {"count": NUMBER},
            "Format the reply as exactly {count} bullet points, each on its own line starting "
            'with "- ".',
            'Give exactly {count} bullet points (lines starting with "- ") and no other list '
            "items.",
        ),
        Rule.STARTS_WITH: wordings(
            _PHRASE,
            'Begin your reply with the exact words "{phrase}".',
            'Start the reply with the phrase "{phrase}".',
        ),
        Rule.ENDS_WITH: wordings(
            _PHRASE,
            'End your reply with the exact words "{phrase}".',
            'Finish the reply with the phrase "{phrase}".',
        ),
    }
)
