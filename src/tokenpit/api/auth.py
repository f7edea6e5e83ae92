"""Who is calling: API keys in `Authorization: Bearer <key>`, looked up by their hash.

A missing or unknown key is a 401; a key whose account lacks the role a route needs is a
403. The key itself is never stored, logged or echoed; only its account id is logged.
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from tokenpit.api.errors import ApiError
from tokenpit.api.keys import account_for_key
from tokenpit.api.state import State
from tokenpit.core.state import AccountRecord

BEARER: Final = HTTPBearer(
    auto_error=False,
    description="An API key: `Authorization: Bearer tp_…`. The operator creates accounts "
    "and their keys with POST /api/accounts.",
)
OPERATOR: Final = "operator"


async def optional_account(
    request: Request,
    state: State,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)],
) -> AccountRecord | None:
    """Return the calling account, None without a key; 401 for a bad or unknown key."""
    if credentials is None:
        if "authorization" in request.headers:
            raise ApiError(
                401,
                "the Authorization header must read 'Bearer <API key>'",
                code="malformed_authorization",
            )
        return None
    account = account_for_key(state.core, credentials.credentials)
    if account is None:
        raise ApiError(401, "unknown API key", code="unknown_api_key")
    request.state.account_id = account.account_id
    return account


async def required_account(
    account: Annotated[AccountRecord | None, Depends(optional_account)],
) -> AccountRecord:
    """Return the calling account; 401 without a key."""
    if account is None:
        raise ApiError(
            401,
            "an API key is required: send Authorization: Bearer <key>",
            code="missing_api_key",
        )
    return account


async def operator_account(
    account: Annotated[AccountRecord, Depends(required_account)],
) -> AccountRecord:
    """Return the calling account if it is an operator; 403 otherwise."""
    if OPERATOR not in account.roles:
        raise ApiError(403, "this needs the operator role", code="operator_required")
    return account


MaybeCaller = Annotated[AccountRecord | None, Depends(optional_account)]
Caller = Annotated[AccountRecord, Depends(required_account)]
Operator = Annotated[AccountRecord, Depends(operator_account)]
