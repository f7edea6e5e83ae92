"""Order commands against a live exchange: place, cancel, replace, list, and the book."""

from __future__ import annotations

from tests.cli.exchange import open_account, run, run_json
from tokenpit.testing.api import INSTRUMENT, PUBLIC_ENDPOINT_URL, LiveServer


def open_seller(live: LiveServer) -> tuple[str, int]:
    key = open_account(live, "seller", "seller", deposit="100")
    endpoint = run_json(
        live,
        key,
        "endpoints",
        "register",
        "--url",
        PUBLIC_ENDPOINT_URL,
        "--model",
        "m",
        "--capacity-units",
        "1000000",
    )[0]
    graded = run_json(live, live.operator_key, "endpoints", "grade", str(endpoint["id"]), "B")
    assert graded[0]["grade"] == "B"
    return key, endpoint["id"]


def test_an_ask_and_a_bid_trade(live: LiveServer) -> None:
    seller, endpoint_id = open_seller(live)
    buyer = open_account(live, "buyer", "buyer")

    ask = run_json(
        live,
        seller,
        "order",
        "place",
        INSTRUMENT,
        "sell",
        "2",
        "--price",
        "2.001",
        "--endpoint",
        str(endpoint_id),
    )
    code, output = run(live, buyer, "order", "place", INSTRUMENT, "buy", "1", "--price", "2.001")
    mine = run_json(live, buyer, "trades", "--mine")
    tape = run_json(live, None, "trades", "--instrument", INSTRUMENT)

    assert ask["price_micros"] == 2_001_000
    assert ask["status"] == "open"
    assert code == 0
    assert "traded 1 lots at 2.001" in output
    assert [(trade["side"], trade["price_micros"]) for trade in mine] == [("buy", 2_001_000)]
    assert len(tape) == 1


def test_cancel_and_replace_a_resting_order(live: LiveServer) -> None:
    buyer = open_account(live, "buyer", "buyer")
    placed = run_json(live, buyer, "order", "place", INSTRUMENT, "buy", "3", "--price", "1.5")

    replaced = run_json(
        live, buyer, "order", "replace", str(placed["id"]), "--price", "1.6", "--lots", "2"
    )
    cancelled = run_json(live, buyer, "order", "cancel", str(placed["id"]))
    listed = run_json(live, buyer, "orders", "--status", "cancelled")

    assert (replaced["price_micros"], replaced["remaining_lots"]) == (1_600_000, 2)
    assert cancelled["status"] == "cancelled"
    assert [order["id"] for order in listed] == [placed["id"]]


def test_the_book_shows_both_sides(live: LiveServer) -> None:
    seller, endpoint_id = open_seller(live)
    buyer = open_account(live, "buyer", "buyer")
    run_json(live, buyer, "order", "place", INSTRUMENT, "buy", "2", "--price", "1.9")
    run_json(
        live,
        seller,
        "order",
        "place",
        INSTRUMENT,
        "sell",
        "1",
        "--price",
        "2.1",
        "--endpoint",
        str(endpoint_id),
    )

    book = run_json(live, None, "book", INSTRUMENT)
    code, table = run(live, None, "book", INSTRUMENT)

    assert book["best_bid_micros"] == 1_900_000
    assert book["best_ask_micros"] == 2_100_000
    assert code == 0
    assert "1.90" in table
    assert "2.10" in table


def test_a_market_order_needs_no_price(live: LiveServer) -> None:
    buyer = open_account(live, "buyer", "buyer")

    code, output = run(live, buyer, "order", "place", INSTRUMENT, "buy", "1", "--type", "market")

    assert code == 1
    assert output.startswith("error: ")  # an empty book: nothing to buy


def test_an_unlisted_instrument_is_refused_with_the_reason(live: LiveServer) -> None:
    code, output = run(live, None, "book", "CHAT-B.2026-12-09T14")

    assert code == 1
    assert "is not listed yet" in output
