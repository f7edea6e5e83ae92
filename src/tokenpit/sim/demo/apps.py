"""The demo's buyers' apps: programs that use what their owners bought, through the gateway.

Each app is what a buyer would write: the official `openai` SDK pointed at the exchange,
its tokenpit key, a grade as the model. Its account has an auto-buy limit, so when its
units run out the gateway buys more at market, up to that price, and goes on.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import dataclass, field

import openai
from openai.types.chat import ChatCompletionMessageParam

PROMPTS = (
    "Summarise why perishable goods trade per delivery period.",
    "Write a haiku about graded commodities.",
    "List three uses of a forward curve.",
    "Explain price-time priority in one paragraph.",
    "Suggest a name for a tea shop by a river.",
)


@dataclass(slots=True)
class BuyerApp:
    """One buyer's app calling one grade, and what happened to its requests."""

    name: str
    grade_symbol: str  # e.g. CHAT-B
    api_key: str
    outcomes: Counter[str] = field(default_factory=Counter)
    started: bool = False

    async def run(self, base_url: str, rng: random.Random, pause_s: float) -> None:
        """Send requests one after another, until cancelled."""
        async with openai.AsyncOpenAI(
            base_url=base_url, api_key=self.api_key, max_retries=0, timeout=30
        ) as client:
            while True:
                await self._request(client, rng)
                await asyncio.sleep(rng.expovariate(1 / pause_s))

    async def _request(self, client: openai.AsyncOpenAI, rng: random.Random) -> None:
        messages: list[ChatCompletionMessageParam] = [
            {"role": "user", "content": rng.choice(PROMPTS)}
        ]
        try:
            if rng.random() < 0.5:
                chunks = await client.chat.completions.create(
                    model=self.grade_symbol,
                    messages=messages,
                    max_tokens=48,
                    stream=True,
                )
                async for _ in chunks:
                    pass
            else:
                await client.chat.completions.create(
                    model=self.grade_symbol,
                    messages=messages,
                    max_tokens=48,
                )
        except openai.APIStatusError as error:
            self.outcomes[f"http_{error.status_code}"] += 1
        except openai.APIError:
            self.outcomes["failed"] += 1
        else:
            self.outcomes["ok"] += 1
