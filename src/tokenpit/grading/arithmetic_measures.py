"""Arithmetic problem shapes about measures: percentages and unit conversions.

As in `arithmetic_problems`, draws redraw until every intermediate result is a whole
number.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from tokenpit.grading.arithmetic_problems import Problem, Values
from tokenpit.grading.vocabulary import NAMES, SINGULAR_GOODS
from tokenpit.grading.wording import NAME, NUMBER, WORDS, wordings


def _draw_sale(rng: random.Random) -> Values:
    return {
        "thing": rng.choice(SINGULAR_GOODS),
        "price": rng.randrange(40, 1_000, 20),
        "percent": rng.randrange(5, 55, 5),
    }


def _draw_share_of_people(rng: random.Random) -> Values:
    percent = rng.choice((4, 5, 8, 10, 12, 15, 20, 24, 25, 30, 35, 40, 45, 60, 75))
    step = 100 // _gcd(100, percent)
    return {"people": step * rng.randint(max(1, 200 // step), 5_000 // step), "percent": percent}


def _draw_profit(rng: random.Random) -> Values:
    while True:
        values = {
            "thing": rng.choice(SINGULAR_GOODS),
            "cost": rng.randrange(100, 2_100, 100),
            "markup": rng.choice((20, 25, 30, 40, 50)),
            "discount": rng.choice((5, 10, 15, 20)),
        }
        if _sale_price_hundredths(values) % 10_000 == 0 and _profit(values) > 0:
            return values


def _sale_price_hundredths(values: Mapping[str, Any]) -> int:
    return int(values["cost"] * (100 + values["markup"]) * (100 - values["discount"]))


def _profit(values: Mapping[str, Any]) -> int:
    return _sale_price_hundredths(values) // 10_000 - int(values["cost"])


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


PERCENTAGES = (
    Problem(
        "arithmetic.percentages",
        1,
        wordings(
            {"thing": WORDS, "price": NUMBER, "percent": NUMBER},
            "A {thing} costs {price} dollars. It is on sale at {percent} percent off. What is "
            "the sale price in dollars?",
            "The price of a {thing} is {price} dollars, and the shop cuts it by {percent} "
            "percent. What does the {thing} cost now, in dollars?",
        ),
        _draw_sale,
        lambda v: v["price"] * (100 - v["percent"]) // 100,
    ),
    Problem(
        "arithmetic.percentages",
        2,
        wordings(
            {"people": NUMBER, "percent": NUMBER},
            "A school has {people} students, and {percent} percent of them walk to school. How "
            "many students do not walk to school?",
            "Of the {people} people at a concert, {percent} percent arrived by train. How many "
            "of them did not arrive by train?",
        ),
        _draw_share_of_people,
        lambda v: v["people"] - v["people"] * v["percent"] // 100,
    ),
    Problem(
        "arithmetic.percentages",
        3,
        wordings(
            {"thing": WORDS, "cost": NUMBER, "markup": NUMBER, "discount": NUMBER},
            "A shop buys a {thing} for {cost} dollars and marks the price up by {markup} "
            "percent. Later it sells the {thing} at {discount} percent off the marked price. "
            "How many dollars of profit does the shop make?",
            "A trader pays {cost} dollars for a {thing}, raises the price by {markup} percent, "
            "and then sells it in a sale at {discount} percent off that raised price. What is "
            "the trader's profit in dollars?",
        ),
        _draw_profit,
        _profit,
    ),
)


def _draw_length(rng: random.Random) -> Values:
    return {"metres": rng.randint(2, 40), "centimetres": rng.randint(1, 99)}


def _draw_remaining(rng: random.Random) -> Values:
    hours, minutes = rng.randint(2, 4), rng.randint(5, 55)
    watched = rng.randint(10, 60 * hours + minutes - 5)
    return {"name": rng.choice(NAMES), "hours": hours, "minutes": minutes, "watched": watched}


def _draw_distance(rng: random.Random) -> Values:
    while True:
        speed, minutes = rng.randint(12, 130), rng.randint(7, 95)
        if speed * minutes % 3 == 0:
            return {"speed": speed, "minutes": minutes}


UNITS = (
    Problem(
        "arithmetic.units",
        1,
        wordings(
            {"metres": NUMBER, "centimetres": NUMBER},
            "A rope is {metres} metres and {centimetres} centimetres long. How long is it in "
            "centimetres?",
            "A shelf measures {metres} metres and {centimetres} centimetres. What is its length "
            "in centimetres?",
        ),
        _draw_length,
        lambda v: 100 * v["metres"] + v["centimetres"],
    ),
    Problem(
        "arithmetic.units",
        2,
        wordings(
            {"name": NAME, "hours": NUMBER, "minutes": NUMBER, "watched": NUMBER},
            "A film lasts {hours} hours and {minutes} minutes. {name} has already watched "
            "{watched} minutes of it. How many minutes of the film are left?",
            "A train journey takes {hours} hours and {minutes} minutes, and {name} has been on "
            "the train for {watched} minutes. How many minutes of the journey remain?",
        ),
        _draw_remaining,
        lambda v: 60 * v["hours"] + v["minutes"] - v["watched"],
    ),
    Problem(
        "arithmetic.units",
        3,
        wordings(
            {"speed": NUMBER, "minutes": NUMBER},
            "A car travels at a steady {speed} kilometres per hour. How many metres does it "
            "travel in {minutes} minutes?",
            "A cyclist keeps a constant speed of {speed} kilometres per hour for {minutes} "
            "minutes. How far does the cyclist go, in metres?",
        ),
        _draw_distance,
        lambda v: v["speed"] * 1_000 * v["minutes"] // 60,
    ),
)
