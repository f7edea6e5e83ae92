"""Accounts: keys shown once and kept hashed, deposits, withdrawals, own balances."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tokenpit.testing.api import ApiHarness

pytestmark = pytest.mark.anyio


async def test_account_creation_shows_the_key_once_and_keeps_only_its_hash(
    api: ApiHarness, tmp_path: Path
) -> None:
    response = await api.client.post(
        "/api/accounts",
        json={"name": "acme", "roles": ["buyer", "seller"]},
        headers=api.operator.headers,
    )

    assert response.status_code == 201
    body = response.json()
    key = body["api_key"]
    assert key.startswith("tp_")
    assert len(key) > 40
    assert body | {"api_key": "-"} == {
        "id": 2,
        "name": "acme",
        "roles": ["buyer", "seller"],
        "api_key": "-",
    }
    record = api.core.exchange.state.accounts[2]
    assert record.key_hash == hashlib.sha256(key.encode()).hexdigest()

    own = await api.client.get("/api/account", headers={"Authorization": f"Bearer {key}"})
    assert own.status_code == 200
    assert key not in own.text
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("exchange.db*"))
    assert stored
    assert key.encode() not in stored


async def test_each_account_gets_a_different_key(api: ApiHarness) -> None:
    first = await api.open_account("one", ["buyer"])
    second = await api.open_account("two", ["buyer"])

    assert first.key != second.key


async def test_deposit_and_withdrawal_change_the_balances(api: ApiHarness) -> None:
    buyer = await api.open_account("buyer", ["buyer"], deposit_micros=12_500_000)

    withdrawn = await api.client.post(
        f"/api/accounts/{buyer.account_id}/withdrawals",
        json={"amount_micros": 2_500_000},
        headers=api.operator.headers,
    )
    account = await api.client.get("/api/account", headers=buyer.headers)

    assert withdrawn.status_code == 201
    assert withdrawn.json()["cash_micros"] == 10_000_000
    assert account.json() == {
        "id": buyer.account_id,
        "account_id": buyer.account_id,
        "name": "buyer",
        "roles": ["buyer"],
        "cash_micros": 10_000_000,
        "held_micros": 0,
        "bond_micros": 0,
        "available_micros": 10_000_000,
    }


async def test_withdrawing_more_than_available_is_402(api: ApiHarness) -> None:
    buyer = await api.open_account("buyer", ["buyer"], deposit_micros=1_000_000)

    response = await api.client.post(
        f"/api/accounts/{buyer.account_id}/withdrawals",
        json={"amount_micros": 1_000_001},
        headers=api.operator.headers,
    )

    assert response.status_code == 402
    assert response.json()["error"]["type"] == "insufficient_funds"
    assert "available 1000000" in response.json()["error"]["message"]


async def test_deposit_to_an_unknown_account_is_404(api: ApiHarness) -> None:
    response = await api.client.post(
        "/api/accounts/99/deposits", json={"amount_micros": 1}, headers=api.operator.headers
    )

    assert response.status_code == 404
    assert response.json()["error"] == {
        "message": "no account 99",
        "type": "invalid_request_error",
        "param": "account_id",
        "code": "unknown_account",
    }


async def test_roles_must_be_known(api: ApiHarness) -> None:
    response = await api.client.post(
        "/api/accounts", json={"name": "x", "roles": ["admin"]}, headers=api.operator.headers
    )

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "roles.0"
    assert "'buyer', 'seller' or 'operator'" in response.json()["error"]["message"]
