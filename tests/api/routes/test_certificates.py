"""Certificates over the API: public lists and details, audits by hour, what asks need."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tokenpit.core.commands import Command
from tokenpit.testing.api import INSTRUMENT, ApiHarness, Trader
from tokenpit.testing.certificates import audit_command, certificate_command

pytestmark = pytest.mark.anyio

HOUR_S = 3_600


async def ok(api: ApiHarness, command: Command) -> dict[str, Any]:
    """Submit a command to the core, as grading does, and return its result."""
    outcome = await api.core.submit(command)
    assert outcome.result is not None, outcome.failure
    return outcome.result


async def certify(api: ApiHarness, endpoint_id: int, grade: str | None = "B", **fields: Any) -> int:
    """Issue the endpoint a measured certificate at the harness's time; return its id."""
    command = certificate_command(endpoint_id, grade, issued_ns=api.clock.now, **fields)
    certificate_id: int = (await ok(api, command))["id"]
    return certificate_id


async def get(api: ApiHarness, path: str, **params: Any) -> httpx.Response:
    return await api.client.get(path, params=params)


async def data(api: ApiHarness, path: str, **params: Any) -> list[dict[str, Any]]:
    response = await get(api, path, **params)
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()["data"]
    return rows


async def unlisted_seller(api: ApiHarness, name: str = "seller") -> tuple[Trader, int]:
    """Open a seller whose endpoint holds no certificate."""
    seller = await api.open_account(name, ["seller"], deposit_micros=1_000_000_000)
    endpoint = await api.client.post(
        "/api/endpoints",
        json={"url": "https://8.8.8.8/v1", "model": "m", "capacity_units": 1_000_000},
        headers=seller.headers,
    )
    return seller, int(endpoint.json()["id"])


async def test_a_measured_certificate_is_listed_and_shown_to_anyone(api: ApiHarness) -> None:
    _, endpoint_id = await unlisted_seller(api)
    certificate_id = await certify(api, endpoint_id, "A")

    listed = await data(api, "/api/certificates")
    shown = await get(api, f"/api/certificates/{certificate_id}")

    assert [row["id"] for row in listed] == [certificate_id]
    body = shown.json()
    assert shown.status_code == 200
    assert {key: body[key] for key in ("endpoint_id", "grade", "method", "status")} == {
        "endpoint_id": endpoint_id,
        "grade": "A",
        "method": "measured",
        "status": "valid",
    }
    assert body["overall"]["items"] == 240
    assert [score["category"] for score in body["scores"]][:2] == ["arithmetic", "logic"]
    assert body["features"] == ["json_schema", "streaming", "tools"]
    assert (body["audits"], body["audit_history"]) == (0, [])
    assert listed[0] == {key: value for key, value in body.items() if key != "audit_history"}


async def test_the_operator_grade_shows_as_an_operator_certificate(api: ApiHarness) -> None:
    _, endpoint_id = await api.open_seller(grade="C")

    [certificate] = await data(api, "/api/certificates", endpoint_id=endpoint_id)

    assert (certificate["method"], certificate["grade"], certificate["items_used"]) == (
        "operator",
        "C",
        0,
    )
    assert certificate["expires_at_ns"] == api.clock.now + 7 * 24 * HOUR_S * 1_000_000_000


async def test_the_list_filters_by_endpoint_grade_and_status(api: ApiHarness) -> None:
    _, first = await unlisted_seller(api, "first")
    _, second = await unlisted_seller(api, "second")
    old = await certify(api, first, "C")
    current = await certify(api, first, "B")
    short = await certify(api, second, "B", valid_s=60)
    api.clock.advance(60)

    assert [r["id"] for r in await data(api, "/api/certificates", endpoint_id=first)] == [
        current,
        old,
    ]
    assert [r["id"] for r in await data(api, "/api/certificates", grade="B")] == [short, current]
    assert [r["id"] for r in await data(api, "/api/certificates", grade="CHAT-C")] == [old]
    assert [r["id"] for r in await data(api, "/api/certificates", status="valid")] == [current]
    expired = await data(api, "/api/certificates", status="expired")
    assert [(r["id"], r["status"]) for r in expired] == [(short, "expired")]
    superseded = await data(api, "/api/certificates", status="superseded")
    assert [(r["id"], r["status"]) for r in superseded] == [(old, "superseded")]


async def test_the_list_pages_newest_first(api: ApiHarness) -> None:
    _, endpoint_id = await unlisted_seller(api)
    ids = [await certify(api, endpoint_id, "B") for _ in range(3)]

    first = (await get(api, "/api/certificates", limit=2)).json()
    rest = (await get(api, "/api/certificates", limit=2, before_id=first["next_before_id"])).json()

    assert [row["id"] for row in first["data"]] == ids[:0:-1]
    assert [row["id"] for row in rest["data"]] == ids[:1]
    assert rest["next_before_id"] is None


async def test_audits_show_by_completed_hour_only(api: ApiHarness) -> None:
    _, endpoint_id = await unlisted_seller(api)
    certificate_id = await certify(api, endpoint_id, "B")
    await ok(api, audit_command(endpoint_id, passed=3, failed=1))  # 13:10
    path = f"/api/certificates/{certificate_id}"

    during = (await get(api, path)).json()
    api.clock.advance(HOUR_S)  # 14:10: the 13:00 hour is over
    await ok(api, audit_command(endpoint_id, passed=1))
    after = (await get(api, path)).json()

    assert (during["audits"], during["audit_history"]) == (0, [])
    assert (after["audits"], after["audit_passed"]) == (4, 3)
    assert after["audit_history"] == [
        {
            "hour": "2026-12-03T13:00:00Z",
            "hour_start_ns": 1_796_302_800_000_000_000,
            "items": 4,
            "passed": 3,
        }
    ]
    assert "last_audit_ns" not in after


async def test_failed_audits_suspend_and_the_endpoint_list_says_so(api: ApiHarness) -> None:
    seller, endpoint_id = await unlisted_seller(api)
    certificate_id = await certify(api, endpoint_id, "B")

    await ok(api, audit_command(endpoint_id, passed=0, failed=10))

    certificate = (await get(api, f"/api/certificates/{certificate_id}")).json()
    assert certificate["status"] == "suspended"
    assert certificate["suspended_reason"].startswith("audits: 0 of 10 arithmetic items passed")
    endpoints = (await api.client.get("/api/endpoints", headers=seller.headers)).json()["data"]
    assert [(e["grade"], e["certificate_id"], e["certificate_status"]) for e in endpoints] == [
        (None, certificate_id, "suspended")
    ]
    listed = await data(api, "/api/certificates", status="suspended")
    assert [row["id"] for row in listed] == [certificate_id]


async def test_the_endpoint_list_shows_a_certificate_expired(api: ApiHarness) -> None:
    seller, endpoint_id = await unlisted_seller(api)
    certificate_id = await certify(api, endpoint_id, "B", valid_s=60)
    api.clock.advance(60)

    endpoints = (await api.client.get("/api/endpoints", headers=seller.headers)).json()["data"]

    assert [(e["grade"], e["certificate_id"], e["certificate_status"]) for e in endpoints] == [
        ("B", certificate_id, "expired")
    ]


async def test_an_ask_needs_a_valid_certificate(api: ApiHarness) -> None:
    seller, endpoint_id = await unlisted_seller(api)

    refused = await api.place(
        seller, side="sell", price_micros=2_000_000, lots=1, endpoint_id=endpoint_id
    )
    await certify(api, endpoint_id, "B")
    accepted = await api.place(
        seller, side="sell", price_micros=2_000_000, lots=1, endpoint_id=endpoint_id
    )

    assert refused.status_code == 409
    assert refused.json()["error"] == {
        "message": f"endpoint {endpoint_id} holds no certificate; {INSTRUMENT} needs a valid "
        "certificate of grade B or better",
        "type": "invalid_request_error",
        "param": "endpoint_id",
        "code": "certificate_required",
    }
    assert accepted.status_code == 201, accepted.text


async def test_the_operator_sets_an_expiry_and_withdraws(api: ApiHarness) -> None:
    _, endpoint_id = await unlisted_seller(api)
    path = f"/api/endpoints/{endpoint_id}/grade"
    headers = api.operator.headers

    graded = await api.client.put(
        path, json={"grade": "B", "expires_at": "2026-12-04T13:10:00Z"}, headers=headers
    )
    late = await api.client.put(
        path, json={"grade": "B", "expires_at": "2026-12-03T13:00:00Z"}, headers=headers
    )
    withdrawn = await api.client.put(path, json={"grade": None}, headers=headers)

    assert graded.status_code == 200, graded.text
    assert (graded.json()["grade"], graded.json()["certificate_status"]) == ("B", "valid")
    [certificate] = await data(api, "/api/certificates")
    assert certificate["expires_at_ns"] == api.clock.now + 24 * HOUR_S * 1_000_000_000
    assert late.status_code == 400
    assert (late.json()["error"]["param"], late.json()["error"]["code"]) == (
        "expires_at",
        "bad_certificate",
    )
    assert (withdrawn.json()["grade"], withdrawn.json()["certificate_status"]) == (
        None,
        "withdrawn",
    )


async def test_an_unknown_certificate_is_404_in_the_error_shape(api: ApiHarness) -> None:
    response = await get(api, "/api/certificates/99")

    assert response.status_code == 404
    assert response.json()["error"] == {
        "message": "no certificate 99",
        "type": "invalid_request_error",
        "param": "certificate_id",
        "code": "unknown_certificate",
    }


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/api/certificates?grade=Z", "grade"),
        ("/api/certificates?grade=CHAT-Z", "grade"),
        ("/api/certificates?status=revoked", "status"),
        ("/api/certificates?limit=0", "limit"),
        ("/api/certificates?endpoint_id=0", "endpoint_id"),
        ("/api/certificates?before_id=abc", "before_id"),
        ("/api/certificates/0", "certificate_id"),
        ("/api/certificates/abc", "certificate_id"),
    ],
)
async def test_bad_parameters_are_400_naming_them(api: ApiHarness, path: str, param: str) -> None:
    response = await api.client.get(path)

    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert (error["type"], error["param"]) == ("invalid_request_error", param)
    assert param in error["message"]
