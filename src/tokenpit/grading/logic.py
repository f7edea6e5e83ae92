"""Logic items: ordering puzzles with exactly one solution, answered with a name.

The generator hides a random order of N people (3 to 6, more when harder), then adds
clues that hold in it, drawn at random, until exactly one order satisfies them all; it
then drops every clue the others make redundant. Easy puzzles may place a person outright;
hard ones only relate people to each other. Orders are checked as bit masks over all N!
permutations, so a six-person puzzle costs a few thousand clue tests.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

from tokenpit.grading.items import Answer, Category, Item, user_messages
from tokenpit.grading.logic_settings import SETTINGS, Question, Relation, Setting
from tokenpit.grading.vocabulary import NAMES
from tokenpit.grading.wording import parse_any

FORMATS = (
    "Answer with the name only.",
    "Reply with just the person's name.",
    "Give only the name, nothing else.",
)
_PEOPLE = {1: (3, 4), 2: (4, 5), 3: (5, 6)}
_RELATIONS = {
    1: tuple(Relation),
    2: tuple(relation for relation in Relation if relation is not Relation.AT),
    3: (Relation.BEFORE, Relation.NEXT_TO, Relation.NOT_NEXT_TO, Relation.NOT_AT),
}
# Hard puzzles fall back on the stronger relations only when the weak ones cannot finish.
_FALLBACK = (Relation.DIRECTLY_BEFORE, Relation.AT_END)
_DRAWS_MAX = 400

Order = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Clue:
    """State one relation about positions; `position` counts from 1."""

    relation: Relation
    first: str
    second: str = ""
    position: int = 0

    def holds(self, order: Order) -> bool:
        """Say whether the clue is true of `order`, which lists people from position 1."""
        first = order.index(self.first) + 1
        second = order.index(self.second) + 1 if self.second else 0
        match self.relation:
            case Relation.DIRECTLY_BEFORE:
                return first + 1 == second
            case Relation.BEFORE:
                return first < second
            case Relation.AT:
                return first == self.position
            case Relation.NOT_AT:
                return first != self.position
            case Relation.NEXT_TO:
                return abs(first - second) == 1
            case Relation.NOT_NEXT_TO:
                return abs(first - second) != 1
            case Relation.AT_END:
                return first in (1, len(order))


def generate(rng: random.Random, difficulty: int) -> Item:
    """Return a fresh logic puzzle of `difficulty`."""
    setting = rng.choice(SETTINGS)
    names = tuple(rng.sample(NAMES, rng.choice(_PEOPLE[difficulty])))
    order = tuple(rng.sample(names, len(names)))
    clues = _clues(rng, order, names, _RELATIONS[difficulty])

    question = rng.choice(tuple(Question))
    position = rng.randint(1, len(order) - (question is Question.WHO_AFTER))
    values = {"position": position, "first": order[position - 1]}
    answer = order[position - 1] if question is Question.WHO_AT else order[position]

    intro = rng.choice(setting.intros).render({"names": names, "count": len(names)})
    lines = [rng.choice(setting.clues[clue.relation]).render(_values(clue)) for clue in clues]
    asked = rng.choice(setting.questions[question]).render(values)
    text = f"{intro}\n\n" + "\n".join(lines) + f"\n\n{asked}\n{rng.choice(FORMATS)}"
    return Item(
        category=Category.LOGIC,
        template=setting.template,
        difficulty=difficulty,
        messages=user_messages(text),
        expected=answer,
    )


def solve(prompt: str) -> Answer | None:
    """Return the correct reply to a logic puzzle, or None if the prompt is not one."""
    puzzle = read_puzzle(prompt)
    if puzzle is None:
        return None
    orders = solutions(puzzle.names, puzzle.clues)
    if len(orders) != 1:
        return None
    (order,) = orders
    if puzzle.question is Question.WHO_AT:
        return Answer(content=order[puzzle.position - 1])
    return Answer(content=order[order.index(puzzle.subject) + 1])


@dataclass(frozen=True, slots=True)
class Puzzle:
    """Hold a puzzle as read back from its prompt; the question names a position or a subject."""

    setting: Setting
    names: Order
    clues: tuple[Clue, ...]
    question: Question
    position: int = 0
    subject: str = ""


def read_puzzle(prompt: str) -> Puzzle | None:
    """Return the puzzle a logic prompt states, or None if the prompt is not one."""
    paragraphs = prompt.split("\n\n")
    if len(paragraphs) != 3:
        return None
    intro, clue_text, ask = paragraphs
    asked, _, instruction = ask.partition("\n")
    if instruction not in FORMATS:
        return None
    for setting in SETTINGS:
        people = parse_any(setting.intros, intro)
        clues = [_parse_clue(setting, line) for line in clue_text.split("\n")]
        if people is None or None in clues:
            continue
        for question, choices in setting.questions.items():
            values = parse_any(choices, asked)
            if values is not None:
                found = tuple(clue for clue in clues if clue is not None)
                position, subject = values.get("position", 0), values.get("first", "")
                return Puzzle(setting, people["names"], found, question, position, subject)
    return None


def solutions(names: Order, clues: tuple[Clue, ...]) -> list[Order]:
    """Return every order of `names` that satisfies all of `clues`."""
    return [order for order in itertools.permutations(names) if all(c.holds(order) for c in clues)]


def _parse_clue(setting: Setting, line: str) -> Clue | None:
    for relation, choices in setting.clues.items():
        values = parse_any(choices, line)
        if values is not None:
            return Clue(
                relation, values["first"], values.get("second", ""), values.get("position", 0)
            )
    return None


def _values(clue: Clue) -> dict[str, object]:
    return {"first": clue.first, "second": clue.second, "position": clue.position}


def _clues(
    rng: random.Random, order: Order, names: Order, relations: tuple[Relation, ...]
) -> list[Clue]:
    """Return clues true of `order` that no other order of `names` satisfies, none redundant."""
    orders = list(itertools.permutations(names))
    alive = (1 << len(orders)) - 1
    chosen: list[tuple[Clue, int]] = []
    for draw in itertools.count():
        if _single(alive):
            break
        pool = relations if draw < _DRAWS_MAX else relations + _FALLBACK
        clue = _true_clue(rng, order, pool)
        mask = _mask(clue, orders)
        if alive & mask not in (0, alive):
            chosen.append((clue, mask))
            alive &= mask

    # Drop clues the others imply, in random order, so puzzles stay short and need thought.
    rng.shuffle(chosen)
    for candidate in list(chosen):
        rest = [entry for entry in chosen if entry is not candidate]
        together = (1 << len(orders)) - 1
        for _clue, mask in rest:
            together &= mask
        if _single(together):
            chosen = rest
    return [clue for clue, _mask_bits in chosen]


def _true_clue(rng: random.Random, order: Order, relations: tuple[Relation, ...]) -> Clue:
    relation = rng.choice(relations)
    size = len(order)
    first_at = rng.randrange(size)
    first = order[first_at]
    match relation:
        case Relation.DIRECTLY_BEFORE:
            first_at = rng.randrange(size - 1)
            return Clue(relation, order[first_at], order[first_at + 1])
        case Relation.BEFORE:
            earlier, later = sorted(rng.sample(range(size), 2))
            return Clue(relation, order[earlier], order[later])
        case Relation.AT:
            return Clue(relation, first, position=first_at + 1)
        case Relation.NOT_AT:
            elsewhere = rng.choice([at for at in range(size) if at != first_at])
            return Clue(relation, first, position=elsewhere + 1)
        case Relation.NEXT_TO:
            first_at = rng.randrange(size - 1)
            pair = [order[first_at], order[first_at + 1]]
            rng.shuffle(pair)
            return Clue(relation, pair[0], pair[1])
        case Relation.NOT_NEXT_TO:
            apart = [at for at in range(size) if abs(at - first_at) > 1]
            # In a row of three the middle person is next to everyone: say something else.
            if not apart:
                return Clue(Relation.AT_END, order[rng.choice((0, size - 1))])
            return Clue(relation, first, order[rng.choice(apart)])
        case Relation.AT_END:
            return Clue(relation, order[rng.choice((0, size - 1))])


def _single(bits: int) -> bool:
    """Say whether exactly one order is left in the bit set `bits`."""
    return bits.bit_count() == 1


def _mask(clue: Clue, orders: list[Order]) -> int:
    """Return the bit set of the orders (by index) that `clue` holds in."""
    bits = 0
    for index, order in enumerate(orders):
        if clue.holds(order):
            bits |= 1 << index
    return bits
