"""What a seller receives: the buyer's request as sent, with only `model` replaced."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tokenpit.testing.gateway import serving_exchange
from tokenpit.testing.recording_seller import running_recording_seller

SELLER_MODEL = "recorded-model"
CREDENTIAL = "sk-seller-credential-5d1e"
EXTRAS: dict[str, Any] = {
    "seed": 7,
    "logit_bias": {"1734": -100, "50256": 5},
    "temperature": 0.25,
    "user": "buyer-user-3",
    "x_custom": {"nested": [1, "two", None, {"deep": True}], "empty": {}},
}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
@pytest.mark.parametrize("stream", [False, True])
async def test_unknown_fields_reach_the_seller_unchanged_with_its_own_model_name(
    tmp_path: Path, stream: bool
) -> None:
    body: dict[str, Any] = {
        "model": "CHAT-B",
        "messages": [{"role": "user", "content": "hi", "name": "ada"}],
        **EXTRAS,
    }
    if stream:
        body |= {"stream": True, "stream_options": {"x_option": "kept"}}
    async with (
        running_recording_seller() as seller,
        serving_exchange(tmp_path / "x.db") as exchange,
    ):
        market = await exchange.market(seller.url, model=SELLER_MODEL, credential=CREDENTIAL)

        response = await exchange.client.post(
            "/v1/chat/completions", json=body, headers=market.buyer.headers
        )
        await exchange.settled()

        assert response.status_code == 200, response.text
        [received] = seller.requests
        expected = {**body, "model": SELLER_MODEL}
        if stream:
            # A stream always asks the seller for its usage figures, to record them.
            expected["stream_options"] = {"x_option": "kept", "include_usage": True}
        assert received.body == expected
        assert received.headers["Authorization"] == f"Bearer {CREDENTIAL}"
        assert market.buyer.key not in str(received.headers)
