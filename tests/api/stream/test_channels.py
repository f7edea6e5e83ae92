"""Channel names, and which events each channel selects for a connection."""

from __future__ import annotations

import pytest

from tokenpit.api.stream.channels import ChannelError, Feed, parse_channel
from tokenpit.specs import default_spec
from tokenpit.testing.events import (
    audit_recorded,
    balance_changed,
    book_changed,
    order_updated,
    trade_executed,
    transfer_posted,
)

INSTRUMENT = "CHAT-B.2026-12-03T14"


def test_channels_parse_with_their_instrument_and_interval() -> None:
    spec = default_spec()

    candles = parse_channel(spec, f"candles:{INSTRUMENT}:300", signed_in=False)
    book = parse_channel(spec, f"book:{INSTRUMENT}", signed_in=False)

    assert (candles.kind, candles.instrument, candles.interval_s) == ("candles", INSTRUMENT, 300)
    assert (book.kind, book.instrument) == ("book", INSTRUMENT)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("orders", "api_key_required"),
        ("account", "api_key_required"),
        ("book", "unknown_instrument"),
        ("book:CHAT-B.2026-12-03T14:30", "unknown_instrument"),
        ("trades:nonsense", "unknown_instrument"),
        (f"candles:{INSTRUMENT}:61", "bad_interval"),
        (f"candles:{INSTRUMENT}", "bad_interval"),
        ("orders:7", "unknown_channel"),
        ("", "unknown_channel"),
    ],
)
def test_bad_channel_names_are_refused_with_a_code(name: str, code: str) -> None:
    with pytest.raises(ChannelError) as refused:
        parse_channel(default_spec(), name, signed_in=False)

    assert refused.value.code == code


def test_private_channels_select_only_the_connections_own_events() -> None:
    spec = default_spec()
    feed = Feed(account_id=7)
    for name in ("orders", "account"):
        feed.add(parse_channel(spec, name, signed_in=True))

    messages, books = feed.messages(
        [
            order_updated(1, account_id=7),
            order_updated(2, account_id=8),
            balance_changed(8, 1_000),
            balance_changed(7, 2_000),
            transfer_posted(5, 8, 0, 1_000),
            trade_executed(6, buyer_account_id=7),
            book_changed(),
        ]
    )

    assert [(channel, data.get("account_id")) for channel, data in messages] == [
        ("orders", 7),
        ("account", 7),
    ]
    assert books == []


def test_a_seller_never_sees_its_own_audits() -> None:
    feed = Feed(account_id=7)
    for name in ("orders", "account", "trades"):
        feed.add(parse_channel(default_spec(), name, signed_in=True))

    messages, _ = feed.messages([audit_recorded(1, True), audit_recorded(1, False)])

    assert messages == []  # an audit's time would point it out in the seller's logs


def test_public_channels_get_trades_without_traders_and_changed_books() -> None:
    spec = default_spec()
    feed = Feed(account_id=None)
    for name in (
        "trades",
        f"trades:{INSTRUMENT}",
        f"book:{INSTRUMENT}",
        f"candles:{INSTRUMENT}:60",
    ):
        feed.add(parse_channel(spec, name, signed_in=False), seed=[])

    messages, books = feed.messages([trade_executed(1), book_changed(INSTRUMENT)])

    assert [channel for channel, _ in messages] == [
        "trades",
        f"trades:{INSTRUMENT}",
        f"candles:{INSTRUMENT}:60",
    ]
    assert "buyer_account_id" not in messages[0][1]
    assert messages[2][1]["volume_lots"] == messages[0][1]["lots"]
    assert books == [INSTRUMENT]
