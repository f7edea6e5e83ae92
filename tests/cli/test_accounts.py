"""Account commands against a live exchange: create, deposit, withdraw, balance."""

from __future__ import annotations

from tests.cli.exchange import open_account, run, run_json
from tokenpit.testing.api import LiveServer


def test_accounts_create_prints_the_key_once(live: LiveServer) -> None:
    code, output = run(live, live.operator_key, "accounts", "create", "acme", "--role", "buyer")

    assert code == 0
    assert "API key: tp_" in output
    assert "shown only this once" in output


def test_deposit_takes_exact_dollars_and_balance_shows_them(live: LiveServer) -> None:
    key = open_account(live, "buyer", "buyer", deposit="12.50")

    balances = run_json(live, key, "balance")
    code, table = run(live, key, "balance")

    assert balances["cash_micros"] == 12_500_000
    assert balances["available_micros"] == 12_500_000
    assert code == 0
    assert "12.50" in table


def test_withdraw_moves_available_cash_out(live: LiveServer) -> None:
    key = open_account(live, "buyer", "buyer", deposit="10")
    account_id = run_json(live, key, "balance")["account_id"]

    after = run_json(live, live.operator_key, "withdraw", str(account_id), "2.000001")

    assert after["cash_micros"] == 7_999_999


def test_a_refusal_prints_the_servers_message_and_exits_1(live: LiveServer) -> None:
    key = open_account(live, "buyer", "buyer", deposit="1")

    code, output = run(live, key, "deposit", "2", "5")

    assert code == 1
    assert output.strip() == "error: this needs the operator role"


def test_a_bad_amount_is_refused_before_any_request(live: LiveServer) -> None:
    code, output = run(live, live.operator_key, "deposit", "2", "1.0000001")

    assert code == 2
    assert "at most 6 decimals" in output


def test_an_unreachable_exchange_is_named_clearly() -> None:
    from click.testing import CliRunner  # noqa: PLC0415

    from tokenpit.cli import main  # noqa: PLC0415

    result = CliRunner().invoke(main, ["balance", "--url", "http://127.0.0.1:9", "--key", "k"])

    assert result.exit_code == 1
    assert result.output.startswith("error: cannot reach the exchange at http://127.0.0.1:9")
