"""More functions for tools items: email, share prices, translation and flights.

Written like `tools_catalogue`: slots named after parameters are arguments, `other_…`
slots are distractors.
"""

from __future__ import annotations

import random
from typing import Any

from tokenpit.grading.extraction_fields import draw_date
from tokenpit.grading.tools_catalogue import SYMBOL, Tool, text, tool
from tokenpit.grading.vocabulary import CITIES, EMAIL_SUBJECTS, LANGUAGES, PHRASES, STOCKS
from tokenpit.grading.wording import DATE, EMAIL, ISO_DATE, NAME, WORDS, Slot
from tokenpit.grading.wording import wordings as ask

LANGUAGE = Slot("|".join(LANGUAGES), str)


def _address(rng: random.Random) -> str:
    return f"{rng.choice(('anna', 'team', 'office', 'sam'))}{rng.randint(1, 99)}@example.com"


def _draw_email(rng: random.Random) -> dict[str, Any]:
    return {"to": _address(rng), "other_to": _address(rng), "subject": rng.choice(EMAIL_SUBJECTS)}


_MAIL = {"to": EMAIL, "subject": WORDS}

EMAIL_SENDING = tool(
    (
        "send_email",
        "Send an email.",
        {
            "to": text("the recipient's email address"),
            "subject": text("the subject line"),
            "body": text("the message text"),
        },
        ("to", "subject"),
    ),
    _draw_email,
    {
        1: ask(_MAIL, 'Send an email to {to} with the subject "{subject}".'),
        2: ask(_MAIL, 'Please email {to} and put "{subject}" in the subject line.'),
        3: ask(
            {**_MAIL, "other_to": EMAIL},
            "My old address {other_to} no longer works. Send an email to {to} with the "
            'subject "{subject}" so they know.',
        ),
    },
)


def _draw_stock(rng: random.Random) -> dict[str, Any]:
    symbol, other = rng.sample(STOCKS, 2)
    return {"symbol": symbol, "other_symbol": other}


STOCK_PRICE = tool(
    (
        "get_stock_price",
        "Get the latest share price of a listed company by its ticker symbol.",
        {"symbol": text("the ticker symbol, such as ACME")},
        ("symbol",),
    ),
    _draw_stock,
    {
        1: ask({"symbol": SYMBOL}, "What is the current share price of {symbol}?"),
        2: ask({"symbol": SYMBOL}, "How is {symbol} stock trading right now?"),
        3: ask(
            {"symbol": SYMBOL, "other_symbol": SYMBOL},
            "I sold my {other_symbol} shares last month. What is {symbol} trading at today?",
        ),
    },
)


def _draw_translation(rng: random.Random) -> dict[str, Any]:
    language, other = rng.sample(LANGUAGES, 2)
    return {"text": rng.choice(PHRASES), "target_language": language, "other_language": other}


_PHRASE = {"text": WORDS, "target_language": LANGUAGE}

TRANSLATION = tool(
    (
        "translate_text",
        "Translate a text into another language.",
        {
            "text": text("the text to translate, exactly as given"),
            "target_language": text("the language to translate into, in English, such as French"),
        },
        ("text", "target_language"),
    ),
    _draw_translation,
    {
        1: ask(_PHRASE, 'Translate "{text}" into {target_language}.'),
        2: ask(_PHRASE, 'How do you say "{text}" in {target_language}?'),
        3: ask(
            {**_PHRASE, "other_language": LANGUAGE},
            "I already know how to say it in {other_language}, but how would I say "
            '"{text}" in {target_language}?',
        ),
    },
)


def _draw_flight(rng: random.Random) -> dict[str, Any]:
    origin, destination, other = rng.sample(CITIES, 3)
    date = draw_date(rng)
    return {"origin": origin, "destination": destination, "other_city": other, "date": date}


_ROUTE = {"origin": NAME, "destination": NAME}

FLIGHTS = tool(
    (
        "search_flights",
        "Search for flights between two cities on a date.",
        {
            "origin": text("the city to fly from"),
            "destination": text("the city to fly to"),
            "date": text("the day of the flight, YYYY-MM-DD"),
        },
        ("origin", "destination", "date"),
    ),
    _draw_flight,
    {
        1: ask(
            {**_ROUTE, "date": ISO_DATE}, "Find flights from {origin} to {destination} on {date}."
        ),
        2: ask(
            {**_ROUTE, "date": DATE},
            "I need to fly from {origin} to {destination} on {date}. What flights are there?",
        ),
        3: ask(
            {**_ROUTE, "date": DATE, "other_city": NAME},
            "I came to {origin} from {other_city} last week. Now I need a flight on to "
            "{destination} on {date}; what is available?",
        ),
    },
)

OFFICE_TOOLS: tuple[Tool, ...] = (EMAIL_SENDING, STOCK_PRICE, TRANSLATION, FLIGHTS)
