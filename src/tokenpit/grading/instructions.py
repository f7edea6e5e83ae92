"""Instruction items: a short writing task on a generated topic, under verifiable rules.

One rule at difficulty 1, two at 2, three at 3, never two that contradict, and always one
that the reply must act on (a length, a word, bullets, an opening or a closing): a reply
that ignores the task keeps the other rules for free. Forbidden words
are the ones the topic tempts a writer to use (no "honey" in a note about keeping bees), so
following the rules takes attention rather than luck. The reference solver reads the rules
back and writes a reply that follows every one.
"""

from __future__ import annotations

import random

from tokenpit.grading.constraints import WORDINGS, Constraint, Rule, words_of
from tokenpit.grading.items import Answer, Category, Item, user_messages
from tokenpit.grading.wording import WORDS, parse_any, wordings

TASKS = (
    (
        "instructions.note",
        wordings({"topic": WORDS}, "Write a short note to a neighbour about {topic}."),
    ),
    (
        "instructions.explain",
        wordings({"topic": WORDS}, "Explain {topic} to a curious twelve-year-old."),
    ),
    (
        "instructions.advice",
        wordings({"topic": WORDS}, "Give some friendly advice to someone who is new to {topic}."),
    ),
)
# A topic, and the words it tempts a writer to use.
TOPICS = (
    ("keeping bees", ("honey", "hive", "sting", "flowers")),
    ("learning to swim", ("water", "pool", "float", "splash")),
    ("growing tomatoes", ("garden", "soil", "water", "sun")),
    ("baking bread", ("flour", "oven", "dough", "yeast")),
    ("cycling to work", ("bike", "helmet", "traffic", "road")),
    ("camping in the mountains", ("tent", "fire", "hike", "stars")),
    ("caring for a cat", ("pet", "fur", "food", "purr")),
    ("moving to a new city", ("home", "boxes", "friends", "streets")),
    ("learning the guitar", ("music", "strings", "chords", "practice")),
    ("painting with watercolours", ("brush", "paper", "colour", "water")),
)
REQUIRED_WORDS = (
    "lantern", "velvet", "orbit", "pepper", "canyon", "whistle", "marble", "ribbon", "compass",
    "thunder", "pebble", "anchor",
)  # fmt: skip
OPENINGS = ("Here is my answer", "Dear reader", "Good day to you", "Let me explain", "In short")
CLOSINGS = ("That is all", "Thank you for reading", "Until next time", "Stay curious")
HEADER = "Follow every one of these rules:"

_KEPT_BY_DOING_NOTHING = (Rule.EXCLUDE, Rule.LOWERCASE, Rule.UPPERCASE)
# Families of rules an item draws from, one rule from each: the case rules exclude each other.
_FAMILIES = (
    (Rule.WORD_RANGE,),
    (Rule.LOWERCASE, Rule.UPPERCASE),
    (Rule.INCLUDE,),
    (Rule.EXCLUDE,),
    (Rule.BULLETS,),
    (Rule.STARTS_WITH,),
    (Rule.ENDS_WITH,),
)
# The families a reply must act on to follow. A non-answer ("I am not sure.") uses no
# forbidden word and may be all one case, so an item of only those rules would pass it.
_ACTING = tuple(family for family in _FAMILIES if family[0] not in _KEPT_BY_DOING_NOTHING)
# The solver's sentences, five or six words each, with no word any topic tempts.
_FILLERS = (
    "Small steps add up over time.",
    "It helps to begin quite slowly.",
    "Patience matters more than talent here.",
    "Ask questions whenever something seems unclear.",
    "Each week brings a little progress.",
    "Mistakes are part of the journey.",
    "A calm mind makes everything easier.",
    "Keep notes of what you learn.",
    "Share the joy with other people.",
    "Rest well and try once more.",
    "Good habits grow from simple routines.",
    "Curiosity will carry you a long way.",
)
_DEFAULT_WORDS = 30


def generate(rng: random.Random, difficulty: int) -> Item:
    """Return a fresh instruction item with `difficulty` rules."""
    template, task = rng.choice(TASKS)
    topic, tempting = rng.choice(TOPICS)
    acting = rng.choice(_ACTING)
    families = [acting, *rng.sample([f for f in _FAMILIES if f is not acting], difficulty - 1)]
    rng.shuffle(families)
    rules = [rng.choice(family) for family in families]
    constraints = [_draw(rng, rule, rules, tempting, difficulty) for rule in rules]

    lines = [f"- {rng.choice(WORDINGS[c.rule]).render(_values(c))}" for c in constraints]
    text = rng.choice(task).render({"topic": topic}) + f"\n\n{HEADER}\n" + "\n".join(lines)
    return Item(
        category=Category.INSTRUCTIONS,
        template=template,
        difficulty=difficulty,
        messages=user_messages(text),
        expected=tuple(constraints),
    )


def solve(prompt: str) -> Answer | None:
    """Return a reply that follows every rule of an instruction prompt, or None."""
    task, _, rules_text = prompt.partition(f"\n\n{HEADER}\n")
    if not rules_text or all(parse_any(choices, task) is None for _, choices in TASKS):
        return None
    constraints = []
    for line in rules_text.split("\n"):
        constraint = _parse(line.removeprefix("- "))
        if constraint is None:
            return None
        constraints.append(constraint)
    return Answer(content=compose(constraints))


def compose(constraints: list[Constraint]) -> str:
    """Return a reply that follows every one of `constraints`."""
    given = {constraint.rule: constraint for constraint in constraints}

    # An absent rule reads as its empty form: no words, no phrase, no bullet points.
    def rule(kind: Rule) -> Constraint:
        return given.get(kind, Constraint(kind))

    start, end = rule(Rule.STARTS_WITH).phrase, rule(Rule.ENDS_WITH).phrase
    bullets = rule(Rule.BULLETS).count
    span = given.get(Rule.WORD_RANGE)
    target = (span.low + span.high) // 2 if span else _DEFAULT_WORDS

    body = _body(rule(Rule.INCLUDE).words, rule(Rule.EXCLUDE).words, [start, end], bullets, target)
    if bullets:
        groups = [" ".join(body[index::bullets]) for index in range(bullets)]
        lines = [f"{start}:"] * bool(start) + [f"- {group}" for group in groups]
        text = "\n".join(lines + [f"{end}."] * bool(end))
    else:
        text = " ".join([f"{start}."] * bool(start) + body + [f"{end}."] * bool(end))

    if Rule.LOWERCASE in given:
        return text.lower()
    return text.upper() if Rule.UPPERCASE in given else text


def _body(
    included: tuple[str, ...],
    forbidden: tuple[str, ...],
    phrases: list[str],
    bullets: int,
    target: int,
) -> list[str]:
    """Return sentences, enough for `bullets` points and about `target` words with `phrases`."""
    banned = {word.casefold() for word in forbidden}
    fillers = [s for s in _FILLERS if not banned & {w.casefold() for w in words_of(s)}]
    body = [f"Remember {', '.join(included)}."] if included else []
    for filler in fillers * 4:
        if len(body) >= bullets and len(words_of(" ".join([*phrases, *body]))) >= target:
            break
        body.append(filler)
    return body


def _draw(
    rng: random.Random, rule: Rule, rules: list[Rule], tempting: tuple[str, ...], difficulty: int
) -> Constraint:
    def cased(phrase: str) -> str:
        if Rule.LOWERCASE in rules:
            return phrase.lower()
        return phrase.upper() if Rule.UPPERCASE in rules else phrase

    match rule:
        case Rule.WORD_RANGE:
            # Leave room for the bullet points and phrases the other rules may ask for.
            low = rng.randrange(30 if Rule.BULLETS in rules else 15, 65, 5)
            return Constraint(rule, low=low, high=low + rng.randrange(20, 45, 5))
        case Rule.INCLUDE:
            words = rng.sample(REQUIRED_WORDS, rng.randint(1, difficulty))
            return Constraint(rule, words=tuple(cased(word) for word in words))
        case Rule.EXCLUDE:
            words = rng.sample(tempting, rng.randint(1, 1 + difficulty // 2))
            return Constraint(rule, words=tuple(cased(word) for word in words))
        case Rule.BULLETS:
            return Constraint(rule, count=rng.randint(2, 5))
        case Rule.STARTS_WITH:
            return Constraint(rule, phrase=cased(rng.choice(OPENINGS)))
        case Rule.ENDS_WITH:
            return Constraint(rule, phrase=cased(rng.choice(CLOSINGS)))
        case Rule.LOWERCASE | Rule.UPPERCASE:
            return Constraint(rule)


def _values(constraint: Constraint) -> dict[str, object]:
    return {
        "low": constraint.low,
        "high": constraint.high,
        "count": constraint.count,
        "words": constraint.words,
        "phrase": constraint.phrase,
    }


def _parse(line: str) -> Constraint | None:
    for rule, choices in WORDINGS.items():
        values = parse_any(choices, line)
        if values is not None:
            return Constraint(rule, **values)
    return None
