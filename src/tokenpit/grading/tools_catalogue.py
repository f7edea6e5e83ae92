"""The functions tools items offer, and the requests that call for each of them.

A request's slots named after the function's parameters are the arguments the call must
carry; slots named `other_…` hold distractors of the same shape (another city, another
amount) that must not be sent. Easy requests state arguments as the schema wants them;
harder ones state them as people do (`7:30 pm`, `euros`, `three days`) beside distractors.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from tokenpit.grading.vocabulary import CITIES, CURRENCY_NAMES, RESTAURANTS, STOCKS
from tokenpit.grading.wording import CLOCK, COUNT, HH_MM, NAME, NUMBER, TITLE, Slot, Wording
from tokenpit.grading.wording import wordings as ask

_CODES = MappingProxyType(dict(CURRENCY_NAMES))
CURRENCY = Slot("|".join(_CODES), str)
CURRENCY_NAME = Slot(
    "|".join(_CODES.values()),
    lambda name: next(code for code, known in _CODES.items() if known == name),
    _CODES.__getitem__,
)
UNIT = Slot("celsius|fahrenheit", str)
SYMBOL = Slot("|".join(STOCKS), str)

Draw = Callable[[random.Random], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Tool:
    """Hold one function: its OpenAI tool definition, its requests by difficulty, a draw."""

    name: str
    definition_json: str
    requests: Mapping[int, tuple[Wording, ...]]
    draw: Draw

    @property
    def definition(self) -> dict[str, Any]:
        """Return a fresh copy of the function's OpenAI tool definition."""
        definition: dict[str, Any] = json.loads(self.definition_json)
        return definition


def tool(
    signature: tuple[str, str, Mapping[str, Mapping[str, Any]], tuple[str, ...]],
    draw: Draw,
    requests: Mapping[int, tuple[Wording, ...]],
) -> Tool:
    """Return a tool from its name, description, parameters and required parameters."""
    name, description, properties, required = signature
    parameters = {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }
    function = {"name": name, "description": description, "parameters": parameters}
    definition = json.dumps({"type": "function", "function": function})
    return Tool(name, definition, MappingProxyType(dict(requests)), draw)


def text(description: str) -> Mapping[str, Any]:
    """Return the schema of a string parameter."""
    return {"type": "string", "description": description}


def _draw_place(rng: random.Random) -> dict[str, Any]:
    city, other = rng.sample(CITIES, 2)
    unit = rng.choice(("celsius", "fahrenheit"))
    return {"city": city, "other_city": other, "unit": unit, "days": rng.randint(2, 7)}


_UNIT_SCHEMA = {"type": "string", "enum": ["celsius", "fahrenheit"]}
_CITY_UNIT = {"city": NAME, "unit": UNIT}

WEATHER = tool(
    (
        "get_weather",
        "Get the current weather in a city.",
        {"city": text("the city name"), "unit": _UNIT_SCHEMA},
        ("city",),
    ),
    _draw_place,
    {
        1: ask({"city": NAME}, "What is the weather like in {city} right now?")
        + ask(_CITY_UNIT, "Tell me the current weather in {city}, in {unit}."),
        2: ask(
            _CITY_UNIT, "I am about to head out in {city}. How warm is it there now, in {unit}?"
        ),
        3: ask(
            {**_CITY_UNIT, "other_city": NAME},
            "My sister lives in {other_city}, but I am in {city} today. What is the weather "
            "doing here right now? Give temperatures in {unit}.",
        ),
    },
)

_DAYS_SCHEMA = {"type": "integer", "minimum": 1, "maximum": 7}

FORECAST = tool(
    (
        "get_forecast",
        "Get the daily weather forecast for a city for the coming days.",
        {"city": text("the city name"), "days": _DAYS_SCHEMA},
        ("city", "days"),
    ),
    _draw_place,
    {
        1: ask(
            {"city": NAME, "days": NUMBER},
            "Give me the weather forecast for {city} for the next {days} days.",
        ),
        2: ask(
            {"city": NAME, "days": COUNT},
            "Will it rain in {city} this week? Show me the forecast for the coming {days} days.",
        ),
        3: ask(
            {"city": NAME, "other_city": NAME, "days": COUNT},
            "I fly from {other_city} to {city} tomorrow and stay for a while. What does the "
            "forecast there look like over the next {days} days?",
        ),
    },
)


def _draw_money(rng: random.Random) -> dict[str, Any]:
    source, target = rng.sample(tuple(_CODES), 2)
    amount, spent = rng.randrange(20, 5_000, 5), rng.randrange(5, 90)
    return {"amount": amount, "other_amount": spent, "from_currency": source, "to_currency": target}


_BY_CODE = {"amount": NUMBER, "from_currency": CURRENCY, "to_currency": CURRENCY}
_BY_NAME = {"amount": NUMBER, "from_currency": CURRENCY_NAME, "to_currency": CURRENCY_NAME}

CURRENCY_CONVERSION = tool(
    (
        "convert_currency",
        "Convert an amount of money from one currency to another.",
        {
            "amount": {"type": "number", "description": "the amount to convert"},
            "from_currency": text("ISO 4217 code of the currency converted from, such as USD"),
            "to_currency": text("ISO 4217 code of the currency converted to, such as EUR"),
        },
        ("amount", "from_currency", "to_currency"),
    ),
    _draw_money,
    {
        1: ask(_BY_CODE, "Convert {amount} {from_currency} to {to_currency}."),
        2: ask(_BY_NAME, "How many {to_currency} would I get for {amount} {from_currency}?"),
        3: ask(
            {**_BY_NAME, "other_amount": NUMBER},
            "I spent {other_amount} {to_currency} on lunch, and I still have {amount} "
            "{from_currency} in cash. What is that cash worth in {to_currency}?",
        ),
    },
)


def _draw_booking(rng: random.Random) -> dict[str, Any]:
    restaurant, other = rng.sample(RESTAURANTS, 2)
    people = rng.randint(2, 9)
    return {
        "restaurant": restaurant,
        "other_restaurant": other,
        "people": people,
        "other_people": people + rng.randint(2, 6),
        "time": f"{rng.randint(17, 22)}:{rng.choice((0, 15, 30, 45)):02d}",
    }


_TABLE = {"restaurant": TITLE, "people": NUMBER}

BOOKING = tool(
    (
        "book_table",
        "Reserve a table at a restaurant.",
        {
            "restaurant": text("the restaurant's name"),
            "people": {"type": "integer", "minimum": 1, "description": "how many people"},
            "time": text("the time, 24-hour HH:MM"),
        },
        ("restaurant", "people", "time"),
    ),
    _draw_booking,
    {
        1: ask(
            {**_TABLE, "time": HH_MM},
            "Book a table at {restaurant} for {people} people at {time}.",
        ),
        2: ask(
            {**_TABLE, "time": CLOCK},
            "Could you reserve a table for {people} at {restaurant}, at {time} tonight?",
        ),
        3: ask(
            {**_TABLE, "time": CLOCK, "other_restaurant": TITLE, "other_people": NUMBER},
            "Last week we were {other_people} at {other_restaurant}, but tonight it is just "
            "{people} of us. Please get us a table at {restaurant} for {time}.",
        ),
    },
)

EVERYDAY_TOOLS = (WEATHER, FORECAST, CURRENCY_CONVERSION, BOOKING)
