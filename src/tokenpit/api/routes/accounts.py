"""Accounts: open one (operator), move money in and out (operator), read one's own."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from tokenpit.api.auth import Caller, Operator
from tokenpit.api.dispatch import submit
from tokenpit.api.keys import hash_api_key, new_api_key
from tokenpit.api.requests import MAX_ID, AmountRequest, AutoBuyRequest, CreateAccountRequest
from tokenpit.api.responses import Account, AccountCreated, AutoBuy, Balances
from tokenpit.api.routes import error_responses
from tokenpit.api.state import State
from tokenpit.core.commands import CreateAccount, Deposit, SetAutoBuy, Withdraw

AccountId = Annotated[int, Path(ge=1, le=MAX_ID, description="the account's id")]


async def create_account(
    body: CreateAccountRequest, operator: Operator, state: State
) -> dict[str, Any]:
    """Open an account and return its API key: the key is shown this once, never again."""
    api_key = new_api_key()
    command = CreateAccount(name=body.name, roles=list(body.roles), key_hash=hash_api_key(api_key))
    result = await submit(state, command)
    return {**result, "api_key": api_key}


async def deposit(
    account_id: AccountId, body: AmountRequest, operator: Operator, state: State
) -> dict[str, Any]:
    """Credit an account's cash; return its balances."""
    return await submit(state, Deposit(account_id=account_id, amount_micros=body.amount_micros))


async def withdraw(
    account_id: AccountId, body: AmountRequest, operator: Operator, state: State
) -> dict[str, Any]:
    """Debit an account's available cash; return its balances."""
    return await submit(state, Withdraw(account_id=account_id, amount_micros=body.amount_micros))


async def own_account(caller: Caller, state: State) -> dict[str, Any]:
    """Return the calling account and its balances: cash, held, bond, available."""
    balances = state.core.exchange.balances(caller.account_id)
    return {**balances, "id": caller.account_id, "name": caller.name, "roles": caller.roles}


async def set_auto_buy(body: AutoBuyRequest, caller: Caller, state: State) -> dict[str, Any]:
    """Set the price up to which the gateway buys lots for you at market (null: never)."""
    command = SetAutoBuy(account_id=caller.account_id, max_price_micros=body.max_price_micros)
    return await submit(state, command)


def routes() -> APIRouter:
    """Build the accounts router."""
    router = APIRouter(tags=["accounts"], responses=error_responses())
    router.add_api_route(
        "/api/accounts",
        create_account,
        methods=["POST"],
        status_code=201,
        response_model=AccountCreated,
        summary="Open an account (operator)",
    )
    router.add_api_route(
        "/api/accounts/{account_id}/deposits",
        deposit,
        methods=["POST"],
        status_code=201,
        response_model=Balances,
        summary="Deposit cash into an account (operator)",
    )
    router.add_api_route(
        "/api/accounts/{account_id}/withdrawals",
        withdraw,
        methods=["POST"],
        status_code=201,
        response_model=Balances,
        summary="Withdraw available cash from an account (operator)",
    )
    router.add_api_route(
        "/api/account",
        own_account,
        methods=["GET"],
        response_model=Account,
        summary="Your account and balances",
    )
    router.add_api_route(
        "/api/account/auto-buy",
        set_auto_buy,
        methods=["PUT"],
        response_model=AutoBuy,
        summary="Set your gateway auto-buy limit",
    )
    return router
