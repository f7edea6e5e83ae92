"""Logic items: ordering puzzles with exactly one solution, answered with a name."""

from __future__ import annotations

import pytest

from tokenpit.grading import Answer, Category, Item, Suite, check
from tokenpit.grading.items import user_messages
from tokenpit.grading.logic import FORMATS, read_puzzle, solutions
from tokenpit.grading.logic_settings import SETTINGS, Relation

from .samples import OTHER_SEED, items, solved

ANSWERED = Item(Category.LOGIC, "logic.test", 1, user_messages("Who?"), "Carla")


def test_every_setting_is_drawn_at_every_difficulty_and_solved() -> None:
    drawn = items(Category.LOGIC, 120)

    assert len(SETTINGS) >= 3
    assert {(it.template, it.difficulty) for it in drawn} == {
        (setting.template, level) for setting in SETTINGS for level in (1, 2, 3)
    }
    assert all(check(it, solved(it)).passed for it in drawn)


@pytest.mark.parametrize(("difficulty", "people"), [(1, {3, 4}), (2, {4, 5}), (3, {5, 6})])
def test_harder_puzzles_have_more_people(difficulty: int, people: set[int]) -> None:
    for it in items(Category.LOGIC, 20, difficulty):
        puzzle = read_puzzle(it.prompt)

        assert puzzle is not None
        assert len(puzzle.names) in people


def test_a_puzzle_states_its_answer_format_last() -> None:
    for it in items(Category.LOGIC, 20):
        assert it.prompt.rsplit("\n", 1)[1] in FORMATS


@pytest.mark.parametrize("difficulty", [2, 3])
def test_harder_puzzles_never_place_a_person_outright(difficulty: int) -> None:
    for it in items(Category.LOGIC, 20, difficulty):
        puzzle = read_puzzle(it.prompt)

        assert puzzle is not None
        assert Relation.AT not in {clue.relation for clue in puzzle.clues}


def test_a_puzzle_has_exactly_one_solution_and_it_answers_the_question() -> None:
    for it in items(Category.LOGIC, 30):
        puzzle = read_puzzle(it.prompt)

        assert puzzle is not None
        assert len(solutions(puzzle.names, puzzle.clues)) == 1


def test_the_answer_is_one_of_the_puzzles_people() -> None:
    for it in items(Category.LOGIC, 30):
        assert it.expected in it.prompt.split("\n\n")[0]


def test_different_indices_and_seeds_give_different_puzzles() -> None:
    prompts = [it.prompt for it in items(Category.LOGIC, 30)]

    assert len(set(prompts)) == len(prompts)
    assert Suite(OTHER_SEED).item(Category.LOGIC, 0).prompt != prompts[0]


@pytest.mark.parametrize("reply", ["Carla", "carla", "**Carla**.", "Answer: Carla", " CARLA \n"])
def test_the_right_name_passes_in_any_harmless_form(reply: str) -> None:
    assert check(ANSWERED, Answer(content=reply)).passed


def test_a_wrong_name_fails_naming_both() -> None:
    verdict = check(ANSWERED, Answer(content="Bruno"))

    assert (verdict.passed, verdict.reason) == (False, "expected Carla, got 'Bruno'")


@pytest.mark.parametrize("reply", ["Carla or Bruno", "Carla and Bruno", "It is Carla, I think"])
def test_more_than_the_name_fails(reply: str) -> None:
    assert not check(ANSWERED, Answer(content=reply)).passed


def test_every_clue_is_needed_for_the_solution_to_be_unique() -> None:
    for it in items(Category.LOGIC, 12):
        puzzle = read_puzzle(it.prompt)
        assert puzzle is not None

        for left_out in puzzle.clues:
            rest = tuple(clue for clue in puzzle.clues if clue is not left_out)

            assert len(solutions(puzzle.names, rest)) > 1
