"""A canary: a seller credential and buyer keys go through every gateway path and leak nowhere.

The paths: a plain and a streamed delivery after failover from a failing seller, a stream
cut midway, a seller that answers 401 quoting the key it was sent, a stream that breaks
off with an error quoting that key, an unknown model, a
buyer's bad key (401), a buyer without units (402), and auto-buy. Then the API's listings,
public and private, are read. Neither the credential nor any key may appear in a log line,
an answer or the database. (The grader's certification and audit paths have their own test.)
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any

import openai
import pytest
import structlog

from tokenpit.settings import Secret
from tokenpit.sim.seller.config import Fault
from tokenpit.testing.api import Trader
from tokenpit.testing.gateway import (
    CURRENT_INSTRUMENT,
    LOT_PRICE_MICROS,
    ExchangeServer,
    GatewayMarket,
    serving_exchange,
)
from tokenpit.testing.recording_seller import running_recording_seller
from tokenpit.testing.sellers import FAST, running_sim_seller

CREDENTIAL = "sk-canary-credential-7f3a9c"
MESSAGES = [{"role": "user", "content": "hi"}]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def client_for(exchange: ExchangeServer, key: str) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=f"{exchange.url}/v1", api_key=key, max_retries=0)


def dump(error: openai.APIError) -> str:
    """Return everything the SDK kept of an error answer."""
    response = getattr(error, "response", None)
    return f"{error.message} {error.body!r} {response.text if response is not None else ''}"


async def serve_with_failover(
    exchange: ExchangeServer, failing_url: str, good_url: str, bodies: list[str]
) -> GatewayMarket:
    """The failing seller's lot comes first, so each request fails over to the good one."""
    market = await exchange.market(failing_url, credential=CREDENTIAL)
    seller = await exchange.account("good seller", ["seller"], 100_000_000)
    endpoint = await exchange.endpoint(seller, f"{good_url}/v1", "sim-model", "B", CREDENTIAL)
    await exchange.trade(market.buyer, seller, endpoint, 1, CURRENT_INSTRUMENT)

    async with client_for(exchange, market.buyer.key) as client:
        plain = await client.chat.completions.create(model="CHAT-B", messages=MESSAGES)
        streamed = await client.chat.completions.create(
            model="CHAT-B", messages=MESSAGES, stream=True
        )
        bodies.extend([plain.model_dump_json()] + [c.model_dump_json() async for c in streamed])
        with pytest.raises(openai.NotFoundError) as unknown:
            await client.chat.completions.create(model="CHAT-Q", messages=MESSAGES)
        bodies.append(dump(unknown.value))
    return market


async def stream_until_broken(
    exchange: ExchangeServer, url: str, bodies: list[str]
) -> tuple[Trader, openai.APIError]:
    """A buyer's stream from a seller that breaks it off midway; return the buyer and error."""
    market = await exchange.market(url, credential=CREDENTIAL)
    async with client_for(exchange, market.buyer.key) as client:
        chunks = await client.chat.completions.create(
            model="CHAT-B", messages=MESSAGES, stream=True
        )
        with pytest.raises(openai.APIError) as broken:
            bodies.extend([chunk.model_dump_json() async for chunk in chunks])
    bodies.append(dump(broken.value))
    return market.buyer, broken.value


async def refused_by_seller(exchange: ExchangeServer, url: str, bodies: list[str]) -> Trader:
    """A seller answers 401 quoting the Authorization header: the buyer gets a 502."""
    market = await exchange.market(url, credential=CREDENTIAL)
    async with client_for(exchange, market.buyer.key) as client:
        with pytest.raises(openai.APIStatusError) as refused:
            await client.chat.completions.create(model="CHAT-B", messages=MESSAGES)
    assert refused.value.status_code == 502
    assert "seller answered 401" in refused.value.message
    assert "Bearer [credential]" in refused.value.message  # quoted back, and blanked out
    bodies.append(dump(refused.value))
    return market.buyer


async def bad_key_then_no_units_then_auto_buy(
    exchange: ExchangeServer, good_url: str, bad_key: str, bodies: list[str]
) -> Trader:
    """401 for a bad key; 402 without units; served after auto-buy takes a resting ask."""
    async with client_for(exchange, bad_key) as client:
        with pytest.raises(openai.AuthenticationError) as unauthenticated:
            await client.chat.completions.create(model="CHAT-B", messages=MESSAGES)
    bodies.append(dump(unauthenticated.value))

    buyer = await exchange.account("auto buyer", ["buyer"], 100_000_000)
    async with client_for(exchange, buyer.key) as client:
        with pytest.raises(openai.APIStatusError) as unpaid:
            await client.chat.completions.create(model="CHAT-B", messages=MESSAGES)
        assert unpaid.value.status_code == 402
        bodies.append(dump(unpaid.value))

        seller = await exchange.account("asking seller", ["seller"], 100_000_000)
        endpoint = await exchange.endpoint(seller, f"{good_url}/v1", "sim-model", "B", CREDENTIAL)
        ask = {"instrument": CURRENT_INSTRUMENT, "side": "sell", "lots": 1}
        ask |= {"price_micros": LOT_PRICE_MICROS, "endpoint_id": endpoint}
        response = await exchange.client.post("/api/orders", json=ask, headers=seller.headers)
        assert response.status_code == 201, response.text
        limit = {"max_price_micros": LOT_PRICE_MICROS}
        response = await exchange.client.put(
            "/api/account/auto-buy", json=limit, headers=buyer.headers
        )
        assert response.status_code == 200, response.text
        bought = await client.chat.completions.create(model="CHAT-B", messages=MESSAGES)
        bodies.append(bought.model_dump_json())
    return buyer


async def read_listings(
    exchange: ExchangeServer, buyers: list[Trader], seller: Trader, bodies: list[str]
) -> list[dict[str, Any]]:
    """Read every listing a buyer, seller, operator or anyone sees; return all deliveries."""
    own = ["/api/deliveries", "/api/lots", "/api/ledger", "/api/account"]
    reads = [(path, buyer.headers) for buyer in buyers for path in [*own, "/v1/models"]]
    reads += [(path, seller.headers) for path in [*own, "/api/endpoints"]]
    reads += [(path, exchange.operator.headers) for path in ("/api/endpoints", "/api/deliveries")]
    reads += [(path, {}) for path in ("/api/sellers", "/api/certificates", "/metrics")]
    for path, headers in reads:
        response = await exchange.client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.text)
        bodies.append(response.text)
    return [row for buyer in buyers for row in await exchange.rows("/api/deliveries", buyer)]


@pytest.mark.anyio
async def test_neither_credential_nor_keys_appear_in_logs_responses_or_the_database(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    guarded = dataclasses.replace(FAST, api_key=Secret(CREDENTIAL))
    bodies: list[str] = []
    with structlog.testing.capture_logs() as logs:
        async with (
            running_sim_seller(dataclasses.replace(guarded, fault=Fault.HTTP_500)) as failing,
            running_sim_seller(dataclasses.replace(guarded, fault=Fault.CLOSE_MIDSTREAM)) as cut,
            running_sim_seller(guarded) as good,
            running_recording_seller(refuse_with_echo=True) as echoing,
            running_recording_seller(echo_in_stream=True) as breaking,
            serving_exchange(tmp_path / "x.db") as exchange,
        ):
            market = await serve_with_failover(exchange, failing.url, good.url, bodies)
            bad_key = market.buyer.key + "-revoked"  # a logged bad key would show the real one
            cut_buyer, _ = await stream_until_broken(exchange, cut.url, bodies)
            refused_buyer = await refused_by_seller(exchange, echoing.url, bodies)
            broken_buyer, broken = await stream_until_broken(exchange, breaking.url, bodies)
            # The seller's error quoted the Authorization header: blanked out here too.
            assert "Bearer [credential]" in broken.message
            auto_buyer = await bad_key_then_no_units_then_auto_buy(
                exchange, good.url, bad_key, bodies
            )
            await exchange.settled()
            buyers = [market.buyer, cut_buyer, refused_buyer, broken_buyer, auto_buyer]
            deliveries = await read_listings(exchange, buyers, market.seller, bodies)

    # Every path was taken with the credential: the guarded sellers refuse requests without
    # it, and the echoing seller was sent it. The failing seller is tried once; after that
    # the router ranks it behind the good one.
    outcomes = sorted(d["outcome"] for d in deliveries)
    assert outcomes == ["failed", "failed", *["on_grade"] * 5]
    for seller in (echoing, breaking):
        sent = [request.headers["Authorization"] for request in seller.requests]
        assert sent == [f"Bearer {CREDENTIAL}"]
    output = capfd.readouterr()
    logged = [output.out, output.err, *(record.getMessage() for record in caplog.records)]
    logged += [repr(entry) for entry in logs]
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("x.db*"))
    for secret in (CREDENTIAL, bad_key, *(buyer.key for buyer in buyers)):
        assert not [text for text in logged + bodies if secret in text], secret
        assert secret.encode() not in stored
