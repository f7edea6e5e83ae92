"""Sellers' endpoints over the API: where a URL may lead, and a credential never shown."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import structlog
from cryptography.fernet import Fernet

from tokenpit.api import ApiConfig
from tokenpit.endpoints import AddressPolicy
from tokenpit.settings import Secret
from tokenpit.testing.api import PUBLIC_ENDPOINT_URL, ApiHarness, Trader, api_harness

pytestmark = pytest.mark.anyio

SECRET = "sk-canary-7Qz1xP9d"  # noqa: S105 - a made-up key that must never come back
KEY = Secret(Fernet.generate_key().decode())


def endpoint(url: str = PUBLIC_ENDPOINT_URL, **fields: Any) -> dict[str, Any]:
    return {"url": url, "model": "m", "capacity_units": 1_000_000, **fields}


def error_of(response: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


def stored_bytes(directory: Path) -> bytes:
    """Return the database's bytes: the main file, its write-ahead log and any other."""
    return b"".join(path.read_bytes() for path in directory.glob("exchange.db*"))


@pytest.fixture
async def sealing(tmp_path: Path) -> AsyncIterator[ApiHarness]:
    """An exchange with a credential key and the default address policy."""
    async with api_harness(tmp_path / "exchange.db", ApiConfig(credential_keys=(KEY,))) as api:
        yield api


@pytest.fixture
async def private(tmp_path: Path) -> AsyncIterator[ApiHarness]:
    """An exchange whose operator allows private endpoints."""
    config = ApiConfig(address_policy=AddressPolicy(allow_private=True))
    async with api_harness(tmp_path / "exchange.db", config) as api:
        yield api


async def register(api: ApiHarness, seller: Trader, body: dict[str, Any]) -> httpx.Response:
    return await api.client.post("/api/endpoints", json=body, headers=seller.headers)


async def listed(api: ApiHarness, seller: Trader) -> list[dict[str, Any]]:
    response = await api.client.get("/api/endpoints", headers=seller.headers)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


async def test_an_endpoint_registers_without_a_credential_and_its_url_is_normalised(
    api: ApiHarness,
) -> None:
    seller = await api.open_account("seller", ["seller"])

    response = await register(api, seller, endpoint("HTTPS://8.8.8.8:443/v1/"))

    assert response.status_code == 201, response.text
    assert response.json() == {
        "id": 1,
        "account_id": seller.account_id,
        "url": "https://8.8.8.8/v1",
        "model": "m",
        "capacity_units": 1_000_000,
        "grade": None,
        "certificate_id": None,
        "certificate_status": None,
        "has_credential": False,
    }
    assert await listed(api, seller) == [response.json()]
    assert api.core.exchange.state.endpoints[1].credential_token is None


async def test_a_credential_is_sealed_and_never_shown_stored_or_journaled_in_clear(
    sealing: ApiHarness, tmp_path: Path
) -> None:
    seller = await sealing.open_account("seller", ["seller"])

    response = await register(sealing, seller, endpoint(credential=SECRET))
    endpoint_id = response.json()["id"]
    graded = await sealing.client.put(
        f"/api/endpoints/{endpoint_id}/grade",
        json={"grade": "B"},
        headers=sealing.operator.headers,
    )
    own = await sealing.client.get("/api/endpoints", headers=seller.headers)
    every = await sealing.client.get("/api/endpoints", headers=sealing.operator.headers)

    token = sealing.core.exchange.state.endpoints[endpoint_id].credential_token
    assert token is not None
    state = sealing.app.state.tokenpit
    assert state.credentials.open(token).reveal() == SECRET
    assert response.status_code == 201, response.text
    assert response.json()["has_credential"] is True
    assert graded.json()["has_credential"] is True
    assert [row["has_credential"] for row in own.json()["data"]] == [True]
    for answer in (response, graded, own, every):
        assert SECRET not in answer.text
        assert token not in answer.text
        assert "credential_token" not in answer.text
    rows = sealing.core.store.endpoints()
    assert set(rows[0]) == {
        "endpoint_id", "account_id", "url", "model", "capacity_units", "grade", "registered_ns",
        "certificate_id", "certificate_status", "certificate_expires_at_ns",
    }  # fmt: skip
    stored = stored_bytes(tmp_path)
    assert stored
    assert SECRET.encode() not in stored


async def test_a_credential_without_a_key_is_refused_naming_the_setting(api: ApiHarness) -> None:
    seller = await api.open_account("seller", ["seller"])

    refused = await register(api, seller, endpoint(credential=SECRET))

    assert refused.status_code == 400
    assert error_of(refused)["param"] == "credential"
    assert error_of(refused)["code"] == "credential_key_missing"
    assert "TOKENPIT_CREDENTIAL_KEY" in error_of(refused)["message"]
    assert SECRET not in refused.text
    assert await listed(api, seller) == []


@pytest.mark.parametrize(
    ("credential", "rule"),
    [
        ("   ", "credential: must not be blank"),
        ("", "credential: must be 1 to 4,096 characters, got 0"),
        (SECRET * 300, "credential: must be 1 to 4,096 characters, got 5,400"),
        (SECRET + "\n", "credential: text must not hold control characters"),
        (12345, "credential: must be a string"),
    ],
)
async def test_a_bad_credential_is_refused_without_being_quoted(
    sealing: ApiHarness, credential: object, rule: str
) -> None:
    seller = await sealing.open_account("seller", ["seller"])

    refused = await register(sealing, seller, endpoint(credential=credential))

    assert refused.status_code == 400
    assert error_of(refused)["param"] == "credential"
    assert error_of(refused)["message"].startswith(rule)
    assert SECRET not in refused.text
    assert await listed(sealing, seller) == []


@pytest.mark.parametrize(
    ("url", "address", "words"),
    [
        ("http://127.0.0.1:8000/v1", "host 127.0.0.1 is", "a loopback address"),
        ("http://localhost:8000/v1", "host localhost resolves to 127.0.0.1", "loopback"),
        ("http://10.0.0.5/v1", "host 10.0.0.5 is", "a private address (10.0.0.0/8"),
        ("http://169.254.169.254/latest", "host 169.254.169.254", "cloud instance metadata"),
        ("http://[::ffff:127.0.0.1]/v1", "host ::ffff:127.0.0.1", "IPv4-mapped"),
        ("http://0.0.0.0:8000/v1", "host 0.0.0.0", "the unspecified address"),
        ("https://203.0.113.10/v1", "host 203.0.113.10", "documentation address"),
    ],
)
async def test_the_default_policy_refuses_a_url_that_leads_inside_naming_the_address(
    api: ApiHarness, url: str, address: str, words: str
) -> None:
    seller = await api.open_account("seller", ["seller"])

    refused = await register(api, seller, endpoint(url))

    assert refused.status_code == 400
    error = error_of(refused)
    assert (error["param"], error["code"]) == ("url", "endpoint_address_refused")
    assert error["message"].startswith(f"url: {address}")
    assert words in error["message"]
    assert await listed(api, seller) == []


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("http://2130706433/v1", "is not a canonical IPv4 address"),
        ("http://127.1/v1", "is not a canonical IPv4 address"),
        ("https://user:pass@8.8.8.8/v1", "user or password (user:password@) is not allowed"),
        ("https://8.8.8.8/v1?key=1", "query (?…) is not allowed"),
        ("ftp://8.8.8.8/v1", "scheme ftp is not allowed"),
    ],
)
async def test_a_url_of_the_wrong_form_is_refused_naming_the_rule(
    api: ApiHarness, url: str, rule: str
) -> None:
    seller = await api.open_account("seller", ["seller"])

    refused = await register(api, seller, endpoint(url))

    assert refused.status_code == 400
    assert error_of(refused)["param"] == "url"
    assert rule in error_of(refused)["message"]


async def test_a_host_that_does_not_resolve_is_refused(api: ApiHarness) -> None:
    seller = await api.open_account("seller", ["seller"])

    refused = await register(api, seller, endpoint("https://no-such-seller.invalid/v1"))

    assert refused.status_code == 400
    assert error_of(refused)["message"].startswith(
        "url: host no-such-seller.invalid does not resolve"
    )


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/v1", "http://localhost:8000/v1"])
async def test_the_private_policy_admits_loopback(private: ApiHarness, url: str) -> None:
    seller = await private.open_account("seller", ["seller"])

    response = await register(private, seller, endpoint(url))

    assert response.status_code == 201, response.text
    assert response.json()["url"] == url


async def test_the_private_policy_still_refuses_cloud_metadata(private: ApiHarness) -> None:
    seller = await private.open_account("seller", ["seller"])

    refused = await register(private, seller, endpoint("http://169.254.169.254/latest"))

    assert refused.status_code == 400
    assert "cloud instance metadata" in error_of(refused)["message"]


async def test_a_caller_without_the_seller_role_is_refused_before_any_lookup(
    api: ApiHarness,
) -> None:
    buyer = await api.open_account("buyer", ["buyer"])

    refused = await register(api, buyer, endpoint("http://localhost:8000/v1"))

    assert refused.status_code == 403
    assert error_of(refused)["code"] == "role_required"


async def test_the_credential_never_reaches_a_log(
    sealing: ApiHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    seller = await sealing.open_account("seller", ["seller"])

    with structlog.testing.capture_logs() as logs:
        admitted = await register(sealing, seller, endpoint(credential=SECRET))
        refused = await register(sealing, seller, endpoint("http://10.0.0.5/v1", credential=SECRET))
        blank = await register(sealing, seller, endpoint(credential=SECRET + "\u0000"))

    assert [admitted.status_code, refused.status_code, blank.status_code] == [201, 400, 400]
    assert [entry["event"] for entry in logs].count("request_completed") == 3
    assert SECRET not in repr(logs)
    assert SECRET not in caplog.text
