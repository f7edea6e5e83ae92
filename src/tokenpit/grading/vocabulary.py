"""The words generated items are made of: names, places, things.

Plain tuples of constants. Every name is one capitalised word with no other capitals, and no
name is also an ordinary English word at the start of a sentence, so a prompt's names can be
told apart from its other words.
"""

from __future__ import annotations

NAMES = (
    "Alice", "Bruno", "Carla", "Dmitri", "Elena", "Farid", "Greta", "Hugo", "Ingrid", "Jonas",
    "Keiko", "Lars", "Maya", "Nikolai", "Olga", "Pablo", "Quinn", "Rosa", "Samir", "Tomas",
    "Ulla", "Viktor", "Wanda", "Xavier", "Yara", "Zoltan", "Amara", "Boris", "Chiara", "Diego",
)  # fmt: skip

SURNAMES = (
    "Lopez", "Novak", "Okafor", "Lindqvist", "Tanaka", "Moreau", "Kowalski", "Haddad", "Brennan",
    "Varga", "Castillo", "Sorensen", "Petrov", "Achebe", "Ferreira", "Nakamura", "Weber", "Rossi",
)  # fmt: skip

CITIES = (
    "Lisbon", "Oslo", "Nairobi", "Toronto", "Osaka", "Lima", "Krakow", "Dublin", "Seville",
    "Hanoi", "Adelaide", "Montreal", "Porto", "Tallinn", "Valencia", "Bergen", "Cusco", "Lyon",
)  # fmt: skip

COLOURS = (
    "red", "blue", "green", "yellow", "orange", "purple", "grey", "white", "black", "silver",
    "brown", "pink", "teal", "golden",
)  # fmt: skip

PLURAL_GOODS = (
    "apples", "notebooks", "pencils", "candles", "mugs", "towels", "batteries", "oranges",
    "folders", "plates", "lamps", "scarves", "envelopes", "sponges", "buckets", "umbrellas",
)  # fmt: skip

SINGULAR_GOODS = (
    "jacket", "lamp", "bicycle", "kettle", "backpack", "chair", "camera", "guitar", "clock",
    "mirror", "sofa", "printer",
)  # fmt: skip

RESTAURANTS = (
    "Blue Harbour", "Golden Fork", "Casa Verde", "Little Lantern", "Olive Tree", "Red Kite",
    "Silver Spoon", "Green Table",
)  # fmt: skip


LANGUAGES = ("Spanish", "French", "German", "Italian", "Portuguese", "Japanese", "Dutch")

STOCKS = ("ACME", "GLOBX", "INITECH", "UMBRA", "HOOLI", "VANDL", "STARK")

# ISO code, and how people name the currency.
CURRENCY_NAMES = (
    ("USD", "US dollars"), ("EUR", "euros"), ("GBP", "British pounds"), ("JPY", "Japanese yen"),
    ("CHF", "Swiss francs"), ("CAD", "Canadian dollars"), ("AUD", "Australian dollars"),
    ("SEK", "Swedish kronor"),
)  # fmt: skip

EMAIL_SUBJECTS = (
    "Meeting moved to Friday", "Invoice attached", "Dinner plans", "Holiday photos",
    "Project update", "New phone number", "Thank you",
)  # fmt: skip

PHRASES = (
    "good morning", "where is the station", "thank you very much", "see you tomorrow",
    "how much does this cost", "I am lost",
)  # fmt: skip
