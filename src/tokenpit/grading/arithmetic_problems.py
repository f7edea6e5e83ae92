"""Arithmetic problem shapes about counting: shopping, rates and sharing.

A shape holds its wordings, how to draw its numbers and how to compute its answer. Draws
redraw until every intermediate result is a whole number, so an answer never depends on how
a model rounds.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tokenpit.grading.vocabulary import NAMES, PLURAL_GOODS
from tokenpit.grading.wording import NAME, NUMBER, WORDS, Wording, wordings

Values = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Problem:
    """Hold one arithmetic problem shape at one difficulty."""

    template: str
    difficulty: int
    wordings: tuple[Wording, ...]
    draw: Callable[[random.Random], Values]
    answer: Callable[[Mapping[str, Any]], int]


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def _goods(rng: random.Random, count: int) -> Values:
    values: Values = {"name": rng.choice(NAMES)}
    for number, item in enumerate(rng.sample(PLURAL_GOODS, count), start=1):
        suffix = "" if number == 1 else str(number)
        values[f"item{suffix}"] = item
        values[f"count{suffix}"] = rng.randint(2, 9)
        values[f"price{suffix}"] = rng.randint(2, 25)
    return values


def _bill(values: Mapping[str, Any], count: int) -> int:
    suffixes = ["", *map(str, range(2, count + 1))]
    return sum(values[f"count{suffix}"] * values[f"price{suffix}"] for suffix in suffixes)


def _draw_purchase(rng: random.Random) -> Values:
    return _goods(rng, 1)


def _draw_change(rng: random.Random) -> Values:
    values = _goods(rng, 2)
    values["paid"] = next(note for note in (50, 100, 200, 500) if note > _bill(values, 2))
    return values


def _draw_discounted_change(rng: random.Random) -> Values:
    while True:
        values = _goods(rng, 3)
        values["percent"] = rng.choice((10, 15, 20, 25))
        if _bill(values, 3) * values["percent"] % 100 == 0:
            break
    values["note"] = rng.choice((20, 50))
    due = _discounted(values)
    values["notes"] = _ceil_div(due, values["note"]) + rng.randint(0, 1)
    return values


def _discounted(values: Mapping[str, Any]) -> int:
    return _bill(values, 3) * (100 - int(values["percent"])) // 100


_ONE_GOOD = {"name": NAME, "count": NUMBER, "item": WORDS, "price": NUMBER}
_TWO_GOODS = {**_ONE_GOOD, "count2": NUMBER, "item2": WORDS, "price2": NUMBER}
_THREE_GOODS = {**_TWO_GOODS, "count3": NUMBER, "item3": WORDS, "price3": NUMBER}

SHOPPING = (
    Problem(
        "arithmetic.shopping",
        1,
        wordings(
            _ONE_GOOD,
            "{name} buys {count} {item} at {price} dollars each. How many dollars does {name} "
            "spend?",
            "{name} picks up {count} {item} that cost {price} dollars apiece. What does {name} "
            "pay in total, in dollars?",
            "At a market stall, {item} sell for {price} dollars each. {name} buys {count} of "
            "them. How many dollars is the bill?",
        ),
        _draw_purchase,
        lambda v: _bill(v, 1),
    ),
    Problem(
        "arithmetic.shopping",
        2,
        wordings(
            {**_TWO_GOODS, "paid": NUMBER},
            "{name} buys {count} {item} at {price} dollars each and {count2} {item2} at "
            "{price2} dollars each, and pays with a {paid}-dollar note. How many dollars of "
            "change does {name} get back?",
            "{name} has one {paid}-dollar note and spends it on {count} {item} costing {price} "
            "dollars each and {count2} {item2} costing {price2} dollars each. How much change, "
            "in dollars, is left?",
        ),
        _draw_change,
        lambda v: v["paid"] - _bill(v, 2),
    ),
    Problem(
        "arithmetic.shopping",
        3,
        wordings(
            {**_THREE_GOODS, "percent": NUMBER, "notes": NUMBER, "note": NUMBER},
            "{name} buys {count} {item} at {price} dollars each, {count2} {item2} at {price2} "
            "dollars each and {count3} {item3} at {price3} dollars each. The shop takes "
            "{percent} percent off the whole bill. {name} pays with {notes} notes of {note} "
            "dollars each. How many dollars of change does {name} receive?",
            "A bill lists {count} {item} at {price} dollars each, {count2} {item2} at {price2} "
            "dollars each and {count3} {item3} at {price3} dollars each. A coupon takes "
            "{percent} percent off the total, and {name} hands over {notes} notes of {note} "
            "dollars. What change does {name} get, in dollars?",
        ),
        _draw_discounted_change,
        lambda v: v["notes"] * v["note"] - _discounted(v),
    ),
)


def _draw_rate(rng: random.Random) -> Values:
    return {"rate": rng.randint(3, 40), "minutes": rng.randint(5, 60)}


def _draw_long_rate(rng: random.Random) -> Values:
    return {"rate": rng.randint(12, 95), "hours": rng.randint(2, 6), "minutes": rng.randint(5, 55)}


def _draw_tank(rng: random.Random) -> Values:
    first, second = rng.randint(5, 40), rng.randint(5, 40)
    start = rng.randrange(50, 2_000, 10)
    capacity = start + (first + second) * rng.randint(10, 120)
    return {"first": first, "second": second, "capacity": capacity, "start": start}


RATES = (
    Problem(
        "arithmetic.rates",
        1,
        wordings(
            {"rate": NUMBER, "minutes": NUMBER},
            "A machine fills {rate} bottles every minute. How many bottles does it fill in "
            "{minutes} minutes?",
            "A printer prints {rate} pages per minute. How many pages does it print in "
            "{minutes} minutes?",
            "A baker shapes {rate} rolls each minute. How many rolls are shaped in {minutes} "
            "minutes?",
        ),
        _draw_rate,
        lambda v: v["rate"] * v["minutes"],
    ),
    Problem(
        "arithmetic.rates",
        2,
        wordings(
            {"rate": NUMBER, "hours": NUMBER, "minutes": NUMBER},
            "A machine fills {rate} bottles every minute. It runs for {hours} hours and "
            "{minutes} minutes without stopping. How many bottles does it fill?",
            "A printer prints {rate} pages per minute and runs for {hours} hours and {minutes} "
            "minutes. How many pages does it print in all?",
        ),
        _draw_long_rate,
        lambda v: v["rate"] * (60 * v["hours"] + v["minutes"]),
    ),
    Problem(
        "arithmetic.rates",
        3,
        wordings(
            {"first": NUMBER, "second": NUMBER, "capacity": NUMBER, "start": NUMBER},
            "Two pumps fill a tank together. The first pumps {first} litres per minute and the "
            "second pumps {second} litres per minute. The tank holds {capacity} litres and "
            "already contains {start} litres. How many minutes does it take to fill the tank?",
            "A tank that holds {capacity} litres already has {start} litres in it. Two hoses "
            "run into it at the same time, one at {first} litres per minute and one at "
            "{second} litres per minute. After how many minutes is the tank full?",
        ),
        _draw_tank,
        lambda v: (v["capacity"] - v["start"]) // (v["first"] + v["second"]),
    ),
)


def _draw_share(rng: random.Random) -> Values:
    friends = rng.randint(3, 9)
    total = friends * rng.randint(3, 15) + rng.randint(1, friends - 1)
    return {"name": rng.choice(NAMES), "total": total, "friends": friends}


def _draw_packs(rng: random.Random) -> Values:
    return {
        "packs": rng.randint(3, 12),
        "per_pack": rng.randint(6, 30),
        "pupils": rng.randint(7, 31),
    }


def _draw_buses(rng: random.Random) -> Values:
    return {
        "students": rng.randint(60, 480),
        "teachers": rng.randint(4, 30),
        "seats": rng.choice((29, 33, 40, 45, 52)),
        "cost": rng.randrange(150, 900, 25),
    }


SHARING = (
    Problem(
        "arithmetic.sharing",
        1,
        wordings(
            {"name": NAME, "total": NUMBER, "friends": NUMBER},
            "{name} shares {total} marbles equally among {friends} friends and keeps whatever "
            "is left over. How many marbles does {name} keep?",
            "{name} deals {total} cards to {friends} players, the same number to each and as "
            "many as possible. How many cards are left in {name}'s hand?",
        ),
        _draw_share,
        lambda v: v["total"] % v["friends"],
    ),
    Problem(
        "arithmetic.sharing",
        1,
        wordings(
            {"name": NAME, "total": NUMBER, "friends": NUMBER},
            "{name} splits {total} stickers between {friends} children, giving each child the "
            "same number and as many as possible. How many stickers does each child get?",
        ),
        _draw_share,
        lambda v: v["total"] // v["friends"],
    ),
    Problem(
        "arithmetic.sharing",
        2,
        wordings(
            {"packs": NUMBER, "per_pack": NUMBER, "pupils": NUMBER},
            "A teacher has {packs} packs of {per_pack} stickers. She gives each of her {pupils} "
            "pupils the same number of stickers, as many as possible. How many stickers are "
            "left over?",
            "A club buys {packs} boxes of {per_pack} tennis balls and shares them equally "
            "among {pupils} coaches, as many as possible each. How many balls are left over?",
        ),
        _draw_packs,
        lambda v: v["packs"] * v["per_pack"] % v["pupils"],
    ),
    Problem(
        "arithmetic.sharing",
        3,
        wordings(
            {"students": NUMBER, "teachers": NUMBER, "seats": NUMBER, "cost": NUMBER},
            "A school takes {students} students and {teachers} teachers on a trip. Each bus "
            "seats {seats} people and costs {cost} dollars to hire. The school hires as few "
            "buses as it can. How many dollars does it spend on buses?",
            "For a trip, {students} students and {teachers} teachers need buses. A bus has "
            "{seats} seats and costs {cost} dollars to hire. What is the smallest total hiring "
            "cost in dollars?",
        ),
        _draw_buses,
        lambda v: _ceil_div(v["students"] + v["teachers"], v["seats"]) * v["cost"],
    ),
)
