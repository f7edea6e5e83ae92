"""A canary: a seller credential and a buyer key go through every gateway path and leak nowhere."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import openai
import pytest

from tokenpit.settings import Secret
from tokenpit.sim.seller.config import Fault
from tokenpit.testing.gateway import CURRENT_INSTRUMENT, serving_exchange
from tokenpit.testing.sellers import FAST, running_sim_seller

CREDENTIAL = "sk-canary-credential-7f3a9c"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_neither_credential_nor_key_appears_in_logs_responses_or_the_database(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    guarded = dataclasses.replace(FAST, api_key=Secret(CREDENTIAL))
    failing = dataclasses.replace(guarded, fault=Fault.HTTP_500)
    bodies: list[str] = []
    async with (
        running_sim_seller(failing) as bad,
        running_sim_seller(guarded) as good,
        serving_exchange(tmp_path / "x.db") as exchange,
    ):
        # The failing seller's lot comes first, so a request fails over to the good one.
        market = await exchange.market(bad.url, credential=CREDENTIAL)
        seller = await exchange.account("good seller", ["seller"], 100_000_000)
        endpoint = await exchange.endpoint(seller, f"{good.url}/v1", "sim-model", "B", CREDENTIAL)
        await exchange.trade(market.buyer, seller, endpoint, 1, CURRENT_INSTRUMENT)

        async with openai.AsyncOpenAI(
            base_url=f"{exchange.url}/v1", api_key=market.buyer.key, max_retries=0
        ) as client:
            messages = [{"role": "user", "content": "hi"}]
            plain = await client.chat.completions.create(model="CHAT-B", messages=messages)
            streamed = await client.chat.completions.create(
                model="CHAT-B", messages=messages, stream=True
            )
            bodies.extend([plain.model_dump_json()] + [c.model_dump_json() async for c in streamed])
            with pytest.raises(openai.NotFoundError):
                await client.chat.completions.create(model="CHAT-Q", messages=messages)
        await exchange.settled()

        for path, headers in (
            ("/api/endpoints", market.seller.headers),
            ("/api/endpoints", exchange.operator.headers),
            ("/api/deliveries", market.buyer.headers),
            ("/api/deliveries", market.seller.headers),
            ("/api/lots", market.buyer.headers),
            ("/api/ledger", market.buyer.headers),
            ("/v1/models", market.buyer.headers),
            ("/metrics", {}),
        ):
            response = await exchange.client.get(path, headers=headers)
            assert response.status_code == 200, (path, response.text)
            bodies.append(response.text)
        deliveries = (
            await exchange.client.get("/api/deliveries", headers=market.buyer.headers)
        ).json()["data"]

    # The credential was really used: the guarded sellers refuse requests without it. The
    # failing seller is tried once; after that the router ranks it behind the good one.
    assert sorted(d["outcome"] for d in deliveries) == ["failed", "on_grade", "on_grade"]
    output = capfd.readouterr()
    logged = [output.out, output.err, *(record.getMessage() for record in caplog.records)]
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("x.db*"))
    for secret in (CREDENTIAL, market.buyer.key):
        assert not [text for text in logged + bodies if secret in text]
        assert secret.encode() not in stored
