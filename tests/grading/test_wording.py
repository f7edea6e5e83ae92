"""Wordings: one text that both writes a sentence and reads its values back."""

from __future__ import annotations

import pytest

from tokenpit.grading.wording import (
    CLOCK,
    COUNT,
    DATE,
    MONEY,
    NAME,
    NAMES,
    NUMBER,
    ORDINAL,
    QUOTED,
    WORDS,
    Slot,
    Wording,
)


def test_a_wording_reads_back_what_it_wrote() -> None:
    wording = Wording("{name} buys {count} {item}.", {"name": NAME, "count": NUMBER, "item": WORDS})
    values = {"name": "Greta", "count": 12_500, "item": "paper cups"}

    assert wording.parse(wording.render(values)) == values


def test_numbers_are_written_with_thousands_separators() -> None:
    wording = Wording("It costs {price} dollars.", {"price": NUMBER})

    assert wording.render({"price": 1_250}) == "It costs 1,250 dollars."
    assert wording.parse("It costs 1250 dollars.") == {"price": 1_250}


def test_a_repeated_slot_must_hold_the_same_value() -> None:
    wording = Wording("{name} waves. {name} leaves.", {"name": NAME})

    assert wording.parse("Hugo waves. Hugo leaves.") == {"name": "Hugo"}
    assert wording.parse("Hugo waves. Olga leaves.") is None


def test_other_text_does_not_parse() -> None:
    wording = Wording("{name} waves.", {"name": NAME})

    assert wording.parse("Hugo waves twice.") is None


def test_a_slot_without_a_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="has no kind"):
        Wording("{name} waves at {friend}.", {"name": NAME})


def test_a_kind_without_a_slot_is_refused() -> None:
    with pytest.raises(ValueError, match="no place for slots"):
        Wording("{name} waves.", {"name": NAME, "friend": NAME})


@pytest.mark.parametrize(
    ("slot", "value", "written"),
    [
        (DATE, "2026-03-04", "4 March 2026"),
        (CLOCK, "19:05", "7:05 pm"),
        (CLOCK, "00:30", "12:30 am"),
        (MONEY, 1_234.5, "$1,234.50"),
        (ORDINAL, 3, "third"),
        (COUNT, 5, "five"),
        (NAMES, ("Alice", "Bruno", "Carla"), "Alice, Bruno and Carla"),
        (QUOTED, ("lantern", "orbit"), '"lantern" and "orbit"'),
    ],
)
def test_a_slot_kind_writes_as_people_do_and_reads_back_the_value(
    slot: Slot, value: object, written: str
) -> None:
    wording = Wording("Value: {value}", {"value": slot})

    assert wording.render({"value": value}) == f"Value: {written}"
    assert wording.parse(f"Value: {written}") == {"value": value}


def test_find_all_reads_every_occurrence_in_a_longer_text() -> None:
    wording = Wording("Room {room} is {name}'s.", {"room": NUMBER, "name": NAME})

    found = list(wording.find_all("Hello. Room 12 is Olga's. Then Room 14 is Hugo's. Bye."))

    assert found == [{"room": 12, "name": "Olga"}, {"room": 14, "name": "Hugo"}]
