"""The documents extraction items are drawn from: invoice, shipping notice, profile, event."""

from __future__ import annotations

import random
from typing import Any

from tokenpit.grading.extraction_fields import (
    DATE_SCHEMA,
    Document,
    ListField,
    draw_cents,
    draw_code,
    draw_date,
    draw_person,
    field,
    number_schema,
    text_schema,
)
from tokenpit.grading.vocabulary import CITIES, LANGUAGES, PLURAL_GOODS
from tokenpit.grading.wording import (
    CLOCK,
    CODE,
    DATE,
    DECIMAL,
    DIGITS,
    EMAIL,
    FULL_NAME,
    HH_MM,
    ISO_DATE,
    MONEY,
    NAME,
    NUMBER,
    TITLE,
    WORDS,
    Slot,
    Wording,
)

_STATUS = Slot(
    "paid|unpaid", lambda text: text == "paid", lambda paid: "paid" if paid else "unpaid"
)
_STATUS_PROSE = Slot(
    "has already been paid|has not been paid yet",
    lambda text: text == "has already been paid",
    lambda paid: "has already been paid" if paid else "has not been paid yet",
)
_JOBS = ("data analyst", "nurse", "software engineer", "teacher", "accountant", "chef", "pilot")
_EVENT_SEASONS = ("Autumn", "Spring", "Midsummer", "Winter", "Harbour", "Riverside")
_EVENT_KINDS = ("Jazz Night", "Book Fair", "Food Festival", "Film Evening", "Science Day")
_VENUES = ("Blue Harbour Hall", "Old Mill Theatre", "Riverside Pavilion", "Grand Library")


def _city(rng: random.Random) -> str:
    return rng.choice(CITIES)


def _line_items(rng: random.Random) -> list[dict[str, Any]]:
    return [
        {"description": good, "quantity": rng.randint(1, 12), "unit_price": draw_cents(2, 90)(rng)}
        for good in rng.sample(PLURAL_GOODS, rng.randint(2, 4))
    ]


def _invoice_total(values: dict[str, Any]) -> dict[str, Any]:
    # Whole cents, so the total is exactly the sum a careful reader computes.
    cents = sum(row["quantity"] * round(row["unit_price"] * 100) for row in values["line_items"])
    return {**values, "total": cents / 100}


def _date_and_code(rng: random.Random) -> dict[str, Any]:
    return {"date": draw_date(rng), "code": draw_code("INV", 5)(rng)}


INVOICE = Document(
    "extraction.invoice",
    "invoice",
    "INVOICE",
    (
        field(
            "invoice_number",
            text_schema("the invoice number, such as INV-12345"),
            draw_code("INV", 5),
            (("Invoice number: {value}", CODE), ("Invoice no.: {value}", CODE)),
            (CODE, ("This is invoice {value}.", "Please quote invoice {value} with your payment.")),
        ),
        field(
            "customer",
            text_schema("the full name of the customer billed"),
            draw_person,
            (("Customer: {value}", FULL_NAME), ("Bill to: {value}", FULL_NAME)),
            (FULL_NAME, ("It is addressed to {value}.",)),
        ),
        field(
            "issue_date",
            DATE_SCHEMA,
            draw_date,
            (("Issue date: {value}", ISO_DATE), ("Issued: {value}", DATE)),
            (DATE, ("The invoice was issued on {value}.",)),
        ),
        field(
            "due_date",
            DATE_SCHEMA,
            draw_date,
            (("Due date: {value}", ISO_DATE), ("Payment due: {value}", DATE)),
            (DATE, ("Payment is due by {value}.",)),
        ),
        field(
            "total",
            number_schema("the total amount due, in dollars"),
            draw_cents(10, 500),
            (("Total: {value}", DECIMAL), ("Total due: {value}", MONEY)),
            (MONEY, ("The amount due comes to {value}.",)),
        ),
        field(
            "paid",
            {"type": "boolean", "description": "whether the invoice has been paid"},
            lambda rng: rng.random() < 0.5,
            (("Status: {value}", _STATUS), ("Payment status: {value}", _STATUS)),
            (_STATUS_PROSE, ("This invoice {value}.",)),
        ),
    ),
    (
        ListField(
            "line_items",
            {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "description": text_schema("what was sold, as written"),
                        "quantity": number_schema("how many", integer=True),
                        "unit_price": number_schema("the price of one, in dollars"),
                    },
                    "required": ["description", "quantity", "unit_price"],
                    "additionalProperties": False,
                },
            },
            _line_items,
            "Items:",
            (
                Wording(
                    "- {quantity} x {description} at {unit_price} each",
                    {"quantity": NUMBER, "description": WORDS, "unit_price": MONEY},
                ),
            ),
        ),
    ),
    (
        (Wording("A payment reminder was sent on {date}.", {"date": DATE}), _date_and_code),
        (
            Wording("Invoice {code} from last month was settled in full.", {"code": CODE}),
            _date_and_code,
        ),
    ),
    _invoice_total,
)

SHIPPING = Document(
    "extraction.shipping",
    "shipping_notice",
    "SHIPPING NOTICE",
    (
        field(
            "tracking_number",
            text_schema("the tracking number, such as TRK-123456"),
            draw_code("TRK", 6),
            (("Tracking number: {value}", CODE), ("Tracking: {value}", CODE)),
            (CODE, ("Track it online with the number {value}.",)),
        ),
        field(
            "sender",
            text_schema("the full name of the sender"),
            draw_person,
            (("Sender: {value}", FULL_NAME), ("Sent by: {value}", FULL_NAME)),
            (FULL_NAME, ("The parcels were sent by {value}.",)),
        ),
        field(
            "origin_city",
            text_schema("the city the shipment left from"),
            _city,
            (("From: {value}", NAME), ("Origin: {value}", NAME)),
            (NAME, ("They left our depot in {value}.",)),
        ),
        field(
            "destination_city",
            text_schema("the city the shipment goes to"),
            _city,
            (("To: {value}", NAME), ("Destination: {value}", NAME)),
            (NAME, ("They are on their way to {value}.",)),
        ),
        field(
            "ship_date",
            DATE_SCHEMA,
            draw_date,
            (("Ship date: {value}", ISO_DATE), ("Shipped: {value}", DATE)),
            (DATE, ("The shipment was dispatched on {value}.",)),
        ),
        field(
            "weight_kg",
            number_schema("the total weight in kilograms", integer=True),
            lambda rng: rng.randint(1, 400),
            (("Weight (kg): {value}", DIGITS), ("Weight: {value} kg", DIGITS)),
            (DIGITS, ("Together they weigh {value} kilograms.",)),
        ),
        field(
            "parcel_count",
            number_schema("how many parcels the shipment has", integer=True),
            lambda rng: rng.randint(1, 30),
            (("Parcels: {value}", DIGITS), ("Number of parcels: {value}", DIGITS)),
            (DIGITS, ("The shipment consists of {value} parcels.",)),
        ),
    ),
    (
        ListField(
            "contents",
            {"type": "array", "items": text_schema("what the shipment holds, as written")},
            lambda rng: rng.sample(PLURAL_GOODS, rng.randint(1, 4)),
            "Contents:",
            (Wording("- {value}", {"value": WORDS}),),
        ),
    ),
    (
        (
            Wording(
                "An earlier delivery for {city} was completed on {date}.",
                {"city": NAME, "date": DATE},
            ),
            lambda rng: {"city": _city(rng), "date": draw_date(rng)},
        ),
        (
            Wording("Our depot in {city} weighs every parcel twice.", {"city": NAME}),
            lambda rng: {"city": _city(rng)},
        ),
    ),
)

PROFILE = Document(
    "extraction.profile",
    "person_profile",
    "STAFF PROFILE",
    (
        field(
            "full_name",
            text_schema("the person's full name"),
            draw_person,
            (("Name: {value}", FULL_NAME), ("Full name: {value}", FULL_NAME)),
            (FULL_NAME, ("Meet {value}, our newest colleague.",)),
        ),
        field(
            "email",
            text_schema("the person's email address"),
            lambda rng: (
                f"{rng.choice(('mail', 'contact', 'hello'))}{rng.randint(10, 999)}@example.org"
            ),
            (("Email: {value}", EMAIL), ("E-mail address: {value}", EMAIL)),
            (EMAIL, ("You can write to them at {value} any time.",)),
        ),
        field(
            "age",
            number_schema("the person's age in years", integer=True),
            lambda rng: rng.randint(19, 67),
            (("Age: {value}", DIGITS), ("Age (years): {value}", DIGITS)),
            (DIGITS, ("They are {value} years old.",)),
        ),
        field(
            "city",
            text_schema("the city the person lives in"),
            _city,
            (("City: {value}", NAME), ("Home city: {value}", NAME)),
            (NAME, ("They live in {value}.",)),
        ),
        field(
            "job_title",
            text_schema("the person's job title"),
            lambda rng: rng.choice(_JOBS),
            (("Job title: {value}", WORDS), ("Role: {value}", WORDS)),
            (WORDS, ("Their job title is {value}.",)),
        ),
        field(
            "start_date",
            DATE_SCHEMA,
            draw_date,
            (("Start date: {value}", ISO_DATE), ("Started: {value}", DATE)),
            (DATE, ("Their first day with us was {value}.",)),
        ),
    ),
    (
        ListField(
            "languages",
            {"type": "array", "items": text_schema("a language the person speaks")},
            lambda rng: rng.sample(LANGUAGES, rng.randint(1, 3)),
            "Languages spoken:",
            (Wording("- {value}", {"value": NAME}),),
        ),
    ),
    (
        (
            Wording(
                "Their manager, {name}, has been with us since {date}.",
                {"name": FULL_NAME, "date": DATE},
            ),
            lambda rng: {"name": draw_person(rng), "date": draw_date(rng)},
        ),
        (
            Wording("The team meets in {city} twice a year.", {"city": NAME}),
            lambda rng: {"city": _city(rng)},
        ),
    ),
)

EVENT = Document(
    "extraction.event",
    "event_announcement",
    "EVENT ANNOUNCEMENT",
    (
        field(
            "event_name",
            text_schema("the name of the event"),
            lambda rng: f"{rng.choice(_EVENT_SEASONS)} {rng.choice(_EVENT_KINDS)}",
            (("Event: {value}", TITLE), ("Event name: {value}", TITLE)),
            (TITLE, ("You are warmly invited to the {value}.",)),
        ),
        field(
            "date",
            DATE_SCHEMA,
            draw_date,
            (("Date: {value}", ISO_DATE), ("When: {value}", DATE)),
            (DATE, ("It takes place on {value}.",)),
        ),
        field(
            "start_time",
            text_schema("the starting time, 24-hour HH:MM"),
            lambda rng: f"{rng.randint(9, 21):02d}:{rng.choice((0, 15, 30, 45)):02d}",
            (("Starts: {value}", HH_MM), ("Start time: {value}", CLOCK)),
            (CLOCK, ("The programme begins at {value}.",)),
        ),
        field(
            "venue",
            text_schema("the name of the venue"),
            lambda rng: rng.choice(_VENUES),
            (("Venue: {value}", TITLE), ("Location: {value}", TITLE)),
            (TITLE, ("Everything happens at the {value}.",)),
        ),
        field(
            "city",
            text_schema("the city where the event is held"),
            _city,
            (("City: {value}", NAME), ("Town: {value}", NAME)),
            (NAME, ("The venue is in the centre of {value}.",)),
        ),
        field(
            "ticket_price",
            number_schema("the price of one ticket, in dollars"),
            draw_cents(5, 120),
            (("Ticket price: {value}", DECIMAL), ("Tickets: {value}", MONEY)),
            (MONEY, ("A ticket costs {value} at the door.",)),
        ),
    ),
    (
        ListField(
            "speakers",
            {"type": "array", "items": text_schema("a speaker's full name")},
            lambda rng: list(dict.fromkeys(draw_person(rng) for _ in range(rng.randint(2, 4)))),
            "Speakers:",
            (Wording("- {value}", {"value": FULL_NAME}),),
        ),
    ),
    (
        (
            Wording(
                "Last year the festival was held on {date} in {city}.", {"date": DATE, "city": NAME}
            ),
            lambda rng: {"date": draw_date(rng), "city": _city(rng)},
        ),
        (
            Wording("Early birds paid only {price} for a ticket.", {"price": MONEY}),
            lambda rng: {"price": draw_cents(5, 60)(rng)},
        ),
    ),
)

DOCUMENTS = (INVOICE, SHIPPING, PROFILE, EVENT)
