"""Endpoint commands against a live exchange: register, grade, list."""

from __future__ import annotations

from tests.cli.exchange import open_account, run, run_json
from tokenpit.testing.api import PUBLIC_ENDPOINT_URL, LiveServer


def test_a_seller_registers_and_the_operator_grades_and_withdraws(live: LiveServer) -> None:
    seller = open_account(live, "seller", "seller")
    registered = run_json(
        live,
        seller,
        "endpoints",
        "register",
        "--url",
        PUBLIC_ENDPOINT_URL,
        "--model",
        "m",
        "--capacity-units",
        "200000",
    )[0]

    graded = run_json(live, live.operator_key, "endpoints", "grade", str(registered["id"]), "A")
    withdrawn = run_json(
        live, live.operator_key, "endpoints", "grade", str(registered["id"]), "none"
    )
    code, table = run(live, seller, "endpoints", "list")

    assert registered["grade"] is None
    assert graded[0]["grade"] == "A"
    assert withdrawn[0]["grade"] is None
    assert code == 0
    assert PUBLIC_ENDPOINT_URL in table


def test_a_capacity_off_the_lot_is_refused_with_the_rule(live: LiveServer) -> None:
    seller = open_account(live, "seller", "seller")

    code, output = run(
        live,
        seller,
        "endpoints",
        "register",
        "--url",
        PUBLIC_ENDPOINT_URL,
        "--model",
        "m",
        "--capacity-units",
        "150000",
    )

    assert code == 1
    assert "capacity_units must be a positive multiple of the lot" in output
