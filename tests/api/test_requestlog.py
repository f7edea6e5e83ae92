"""One canonical log line per request, request ids, and no key in any log or answer."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import httpx
import pytest
import structlog
from websockets.sync.client import connect

from tokenpit.testing.api import INSTRUMENT, ApiHarness, LiveServer

CLIENT_LOGGERS = ("websockets.client", "httpx", "httpcore")  # this test's own clients


@pytest.mark.anyio
async def test_each_request_logs_one_canonical_line(api: ApiHarness) -> None:
    buyer = await api.open_account("buyer", ["buyer"])

    with structlog.testing.capture_logs() as logs:
        response = await api.client.get("/api/orders/12", headers=buyer.headers)

    completed = [entry for entry in logs if entry["event"] == "request_completed"]
    assert len(completed) == 1
    line = completed[0]
    assert line["log_level"] == "info"
    assert {key: line[key] for key in ("method", "route", "status", "account_id")} == {
        "method": "GET",
        "route": "/api/orders/{order_id}",
        "status": 404,
        "account_id": buyer.account_id,
    }
    assert line["duration_ms"] >= 0
    assert line["request_id"] == response.headers["X-Request-Id"]


@pytest.mark.anyio
async def test_a_sane_request_id_is_kept_and_any_other_replaced(api: ApiHarness) -> None:
    kept = await api.client.get("/api/specs", headers={"X-Request-Id": "trace-7.a_b"})
    replaced = await api.client.get("/api/specs", headers={"X-Request-Id": "bad id\t!"})
    fresh = await api.client.get("/api/specs")

    assert kept.headers["X-Request-Id"] == "trace-7.a_b"
    new_ids = [replaced.headers["X-Request-Id"], fresh.headers["X-Request-Id"]]
    assert all(re.fullmatch(r"[0-9a-f]{12}-[0-9a-f]+", new_id) for new_id in new_ids)
    assert new_ids[0] != new_ids[1]


def test_no_key_reaches_a_log_or_an_answer_but_its_creation(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    answers: list[httpx.Response] = []
    with (
        structlog.testing.capture_logs() as logs,
        LiveServer(tmp_path / "exchange.db") as live,
        httpx.Client(base_url=live.url, event_hooks={"response": [answers.append]}) as http,
    ):
        operator = {"Authorization": f"Bearer {live.operator_key}"}
        created = http.post(
            "/api/accounts", json={"name": "c", "roles": ["buyer"]}, headers=operator
        )
        key = created.json()["api_key"]
        mine = {"Authorization": f"Bearer {key}"}
        http.post(f"/api/accounts/{created.json()['id']}/deposits", json={"amount_micros": 10**6})
        http.get("/api/account", headers=mine)
        http.post("/api/orders", json={"instrument": INSTRUMENT, "side": "buy"}, headers=mine)
        http.post("/api/orders", content=b"{", headers=mine | {"Content-Type": "application/json"})
        http.get("/api/trades?mine=true", headers={"Authorization": f"Bearer {key}x"})
        http.get("/api/account", headers={"Authorization": key})
        url = live.url.replace("http://", "ws://") + "/api/stream"
        with connect(f"{url}?key={key}", proxy=None) as socket:
            socket.send(json.dumps({"op": "subscribe", "channels": ["orders"]}))
            socket.recv(timeout=10)
        with connect(f"{url}?key={key}x", proxy=None) as socket:
            refused = socket.recv(timeout=10)
        with connect(url, additional_headers=mine, proxy=None) as socket:
            socket.send(json.dumps({"op": "subscribe", "channels": ["account"]}))
            socket.recv(timeout=10)
        monkeypatch.setattr(live.core.store, "lots", _broken)
        failed = http.get("/api/lots", headers=mine)
        operator_key = live.operator_key

    output = capfd.readouterr()
    server_records = [
        f"{record.name}: {record.getMessage()}"
        for record in caplog.records
        if not record.name.startswith(CLIENT_LOGGERS)
    ]
    logged = "\n".join([repr(logs), *server_records, output.out, output.err])
    assert failed.status_code == 500
    assert key not in str(refused)
    assert logs
    assert "/api/stream?key=" in caplog.text  # the server's own line, redacted
    for secret in (key, operator_key):
        assert secret not in logged
    assert "Bearer tp_" not in logged
    assert key in created.text
    for answer in answers:
        if answer is not created:
            assert key not in answer.text
            assert key not in str(answer.headers)


def _broken(*args: object, **kwargs: object) -> None:
    raise RuntimeError("the store is gone")
