"""Sellers' endpoints made safe to call: where they may point, and their credentials.

A seller registers a URL the exchange will later call, so every URL is untrusted twice
over: `addresses` checks its form (`validate_endpoint_url`) and where its host leads
(`AddressPolicy`, `check_host`) when it is registered, and `resolver` repeats the address
check at connection time for the gateway's aiohttp client, so that a DNS answer changed
after registration cannot lead anywhere the policy refuses. `credentials` seals a seller's
API key (Fernet) before it is journaled and opens it for the gateway alone.

Imports `tokenpit.settings` and libraries only; the api and the gateway import it.
"""

from tokenpit.endpoints.addresses import (
    MAX_URL_CHARS,
    AddressPolicy,
    EndpointAddressError,
    EndpointUrlError,
    check_host,
    validate_endpoint_url,
)
from tokenpit.endpoints.credentials import (
    CredentialBox,
    CredentialError,
    CredentialKeyError,
    CredentialTokenError,
)

__all__ = [
    "MAX_URL_CHARS",
    "AddressPolicy",
    "CredentialBox",
    "CredentialError",
    "CredentialKeyError",
    "CredentialTokenError",
    "EndpointAddressError",
    "EndpointUrlError",
    "check_host",
    "validate_endpoint_url",
]
