"""What the gateway answers before any seller is called: keys, bad requests, no units left."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from tokenpit.testing.gateway import (
    CURRENT_INSTRUMENT,
    LOT_PRICE_MICROS,
    ExchangeServer,
    gateway_test_config,
    serving_exchange,
)
from tokenpit.testing.sellers import FAST, running_sim_seller

MESSAGES = [{"role": "user", "content": "hello"}]
GOOD = {"model": "CHAT-B", "messages": MESSAGES}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def assert_openai_error(response: httpx.Response, status: int, param: str | None) -> str:
    """Check an error's status and OpenAI shape; return its message."""
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["param"] == param
    message: str = error["message"]
    return message


async def post(exchange: ExchangeServer, key: str, body: Any) -> httpx.Response:
    content = body if isinstance(body, bytes) else None
    return await exchange.client.post(
        "/v1/chat/completions",
        json=None if content is not None else body,
        content=content,
        headers={"Authorization": f"Bearer {key}"},
    )


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("body", "status", "param", "words"),
    [
        ({"messages": MESSAGES}, 400, "model", "model is required"),
        ({"model": "CHAT-Z", "messages": MESSAGES}, 404, "model", "CHAT-A, CHAT-B, CHAT-C"),
        ({"model": "gpt-4o", "messages": MESSAGES}, 404, "model", "does not exist"),
        ({"model": "CHAT-B", "messages": "hi"}, 400, "messages", "non-empty list"),
        ({"model": "CHAT-B", "messages": []}, 400, "messages", "non-empty list"),
        ({"model": "CHAT-B", "messages": [{"role": 1}]}, 400, "messages[0].role", "role"),
        ({**GOOD, "stream": "yes"}, 400, "stream", "must be a bool"),
        ({**GOOD, "max_tokens": 0}, 400, "max_tokens", "from 1"),
        ({**GOOD, "max_tokens": "10"}, 400, "max_tokens", "integer"),
        (b"{not json", 400, None, "not valid JSON"),
        (b"[1, 2]", 400, None, "JSON object"),
    ],
)
async def test_a_bad_request_gets_an_openai_shaped_4xx_naming_the_field(
    tmp_path: Path, body: Any, status: int, param: str | None, words: str
) -> None:
    async with serving_exchange(tmp_path / "x.db") as exchange:
        buyer = await exchange.account("buyer", ["buyer"], 1_000_000)

        response = await post(exchange, buyer.key, body)

        assert words in assert_openai_error(response, status, param)
        assert (await exchange.client.get("/api/deliveries", headers=buyer.headers)).json()[
            "data"
        ] == []


@pytest.mark.anyio
async def test_an_oversize_body_gets_413(tmp_path: Path) -> None:
    config = gateway_test_config(max_body_bytes=10_000)
    async with serving_exchange(tmp_path / "x.db", config) as exchange:
        buyer = await exchange.account("buyer", ["buyer"], 1_000_000)
        body = {"model": "CHAT-B", "messages": [{"role": "user", "content": "x" * 20_000}]}

        response = await post(exchange, buyer.key, body)

        assert "10,000 bytes" in assert_openai_error(response, 413, None)


@pytest.mark.anyio
async def test_keys_are_checked_in_openai_shape(tmp_path: Path) -> None:
    async with serving_exchange(tmp_path / "x.db") as exchange:
        seller = await exchange.account("seller", ["seller"], 1_000_000)

        missing = await exchange.client.post("/v1/chat/completions", json=GOOD)
        wrong = await post(exchange, "tp_not-a-key", GOOD)
        not_a_buyer = await post(exchange, seller.key, GOOD)

        assert_openai_error(missing, 401, None)
        assert_openai_error(wrong, 401, None)
        assert "buyer" in assert_openai_error(not_a_buyer, 403, None)


@pytest.mark.anyio
async def test_without_units_the_buyer_gets_402_naming_grade_and_period(tmp_path: Path) -> None:
    async with serving_exchange(tmp_path / "x.db") as exchange:
        buyer = await exchange.account("buyer", ["buyer"], 1_000_000)

        response = await post(exchange, buyer.key, GOOD)

        message = assert_openai_error(response, 402, "model")
        assert "CHAT-B" in message
        assert CURRENT_INSTRUMENT in message
        models = await exchange.client.get("/v1/models", headers=buyer.headers)
        assert models.json() == {"object": "list", "data": []}


@pytest.mark.anyio
async def test_auto_buy_takes_an_ask_up_to_the_limit_and_serves_the_request(
    tmp_path: Path,
) -> None:
    async with (
        running_sim_seller(FAST) as seller_server,
        serving_exchange(tmp_path / "x.db") as exchange,
    ):
        buyer = await exchange.account("buyer", ["buyer"], 10_000_000)
        seller = await exchange.account("seller", ["seller"], 10_000_000)
        endpoint_id = await exchange.endpoint(seller, f"{seller_server.url}/v1", "sim-model")
        ask = {"instrument": CURRENT_INSTRUMENT, "side": "sell", "lots": 2}
        response = await exchange.client.post(
            "/api/orders",
            json={**ask, "price_micros": LOT_PRICE_MICROS, "endpoint_id": endpoint_id},
            headers=seller.headers,
        )
        assert response.status_code == 201, response.text

        # A limit under the ask buys nothing; one at or above it buys a lot.
        for limit, status in ((LOT_PRICE_MICROS - 1_000, 402), (LOT_PRICE_MICROS, 200)):
            response = await exchange.client.put(
                "/api/account/auto-buy", json={"max_price_micros": limit}, headers=buyer.headers
            )
            assert response.status_code == 200, response.text
            assert (await post(exchange, buyer.key, GOOD)).status_code == status
        await exchange.settled()

        lots = (await exchange.client.get("/api/lots", headers=buyer.headers)).json()["data"]
        assert [(lot["units"], lot["price_micros"]) for lot in lots] == [
            (100_000, LOT_PRICE_MICROS)
        ]
        assert lots[0]["delivered_units"] > 0


@pytest.mark.anyio
async def test_models_lists_the_grades_the_keys_lots_can_serve(tmp_path: Path) -> None:
    async with running_sim_seller(FAST) as seller, serving_exchange(tmp_path / "x.db") as exchange:
        market = await exchange.market(seller.url, lots=2)

        async with openai.AsyncOpenAI(
            base_url=f"{exchange.url}/v1", api_key=market.buyer.key, max_retries=0
        ) as client:
            models = [model async for model in client.models.list()]

        # B lots serve CHAT-B, and CHAT-C too: a better grade may stand in for a lower one.
        assert [model.id for model in models] == ["CHAT-B", "CHAT-C"]
        assert [model.model_extra for model in models] == [{"units_left": 200_000}] * 2


@pytest.mark.anyio
async def test_a_conversation_stays_with_one_seller(tmp_path: Path) -> None:
    async with (
        running_sim_seller(FAST) as first,
        running_sim_seller(FAST) as second,
        serving_exchange(tmp_path / "x.db") as exchange,
    ):
        market = await exchange.market(first.url)
        other = await exchange.account("second seller", ["seller"], 100_000_000)
        other_endpoint = await exchange.endpoint(other, f"{second.url}/v1", "sim-model")
        await exchange.trade(market.buyer, other, other_endpoint, 1, CURRENT_INSTRUMENT)

        for user in ("alice", "bob"):
            for _ in range(3):
                response = await post(exchange, market.buyer.key, {**GOOD, "user": user})
                assert response.status_code == 200, response.text
        await exchange.settled()

        rows = (await exchange.client.get("/api/deliveries", headers=market.buyer.headers)).json()[
            "data"
        ]
        by_user = [row["endpoint_id"] for row in sorted(rows, key=lambda r: r["delivery_id"])]
        assert len(set(by_user[:3])) == 1
        assert len(set(by_user[3:])) == 1
