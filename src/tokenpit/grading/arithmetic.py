"""Arithmetic items: multi-step word problems whose answer is one integer.

Each problem shape is data (`arithmetic_problems`, `arithmetic_measures`): its wordings,
how to draw its numbers so that the answer is a whole number, and how to compute the answer
from the numbers. The generator draws and writes; the reference solver reads the numbers
back from the prompt and computes the same way. Harder problems take more steps and larger
numbers.
"""

from __future__ import annotations

import random

from tokenpit.grading.arithmetic_measures import PERCENTAGES, UNITS
from tokenpit.grading.arithmetic_problems import RATES, SHARING, SHOPPING
from tokenpit.grading.items import Answer, Category, Item, user_messages
from tokenpit.grading.wording import parse_any

PROBLEMS = SHOPPING + RATES + SHARING + PERCENTAGES + UNITS
FORMATS = (
    "Reply with the number only.",
    "Give only the final number, with no other text.",
    "Answer with a single integer and nothing else.",
)


def generate(rng: random.Random, difficulty: int) -> Item:
    """Return a fresh arithmetic item of `difficulty`."""
    problem = rng.choice([shape for shape in PROBLEMS if shape.difficulty == difficulty])
    values = problem.draw(rng)
    text = rng.choice(problem.wordings).render(values)
    return Item(
        category=Category.ARITHMETIC,
        template=problem.template,
        difficulty=difficulty,
        messages=user_messages(f"{text}\n\n{rng.choice(FORMATS)}"),
        expected=problem.answer(values),
    )


def solve(prompt: str) -> Answer | None:
    """Return the correct reply to an arithmetic prompt, or None if it is not one."""
    text, _, instruction = prompt.rpartition("\n\n")
    if instruction not in FORMATS:
        return None
    for problem in PROBLEMS:
        values = parse_any(problem.wordings, text)
        if values is not None:
            return Answer(content=str(problem.answer(values)))
    return None
