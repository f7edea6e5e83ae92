"""Grading: measure what an endpoint delivers, so that a grade means measured quality.

The reference suite (`suite`) generates fresh items for every certification run from a
secret seed, in six categories: arithmetic word problems, logic puzzles, verifiable
instructions, extraction to a JSON schema, tool calls and long-context retrieval. Scoring
(`items.check`) checks answers automatically, with no model as judge and no fixed bank of items
a seller could learn. Reference solvers (`solvers`) answer any item from its request alone;
simulated sellers use them to be of known true quality.

May import `tokenpit.specs` and third-party libraries only. The pure parts (items, scoring,
solvers, statistics) do no I/O and do not log.
"""

from tokenpit.grading.items import (
    CATEGORIES,
    Answer,
    Category,
    Item,
    ToolCall,
    Verdict,
    check,
)
from tokenpit.grading.scoring import ExpectedCall
from tokenpit.grading.solvers import Solution, solve
from tokenpit.grading.suite import SUITE_VERSION, Suite, new_suite

__all__ = [
    "CATEGORIES",
    "SUITE_VERSION",
    "Answer",
    "Category",
    "ExpectedCall",
    "Item",
    "Solution",
    "Suite",
    "ToolCall",
    "Verdict",
    "check",
    "new_suite",
    "solve",
]
