"""A simulated seller of known quality: grading items right with the odds it is given."""

from __future__ import annotations

import dataclasses

import openai
import pytest

from tokenpit.grading.items import CATEGORIES, Answer, Category, ToolCall, check
from tokenpit.grading.suite import Suite
from tokenpit.sim.seller.config import SimSellerConfig
from tokenpit.testing.sellers import FAST, running_sim_seller

SUITE = Suite(b"g" * 32)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def passed_share(config: SimSellerConfig, category: Category, items: int) -> float:
    """Send `items` fresh items of `category` to a sim seller; return the share passed."""
    passed = 0
    async with (
        running_sim_seller(config) as seller,
        openai.AsyncOpenAI(base_url=f"{seller.url}/v1", api_key="x", max_retries=0) as client,
    ):
        for index in range(items):
            item = SUITE.item(category, index)
            completion = await client.chat.completions.create(**item.request_body(config.model))
            message = completion.choices[0].message
            calls = tuple(
                ToolCall(c.function.name, c.function.arguments)  # type: ignore[union-attr]
                for c in message.tool_calls or ()
            )
            passed += check(item, Answer(message.content, calls)).passed
    return passed / items


@pytest.mark.anyio
@pytest.mark.parametrize("category", CATEGORIES)
async def test_a_perfect_seller_answers_every_category_right(category: Category) -> None:
    share = await passed_share(dataclasses.replace(FAST, quality=1.0), category, 6)

    assert share == 1.0


@pytest.mark.anyio
async def test_a_seller_without_quality_answers_items_with_pseudo_text() -> None:
    share = await passed_share(FAST, Category.ARITHMETIC, 6)

    assert share == 0.0


@pytest.mark.anyio
async def test_a_category_setting_overrides_the_general_quality() -> None:
    config = dataclasses.replace(FAST, quality=1.0, category_quality=(("logic", 0.0),))

    assert await passed_share(config, Category.LOGIC, 6) == 0.0
    assert await passed_share(config, Category.ARITHMETIC, 6) == 1.0


@pytest.mark.anyio
async def test_the_right_answers_come_at_about_the_set_rate() -> None:
    share = await passed_share(dataclasses.replace(FAST, quality=0.5, seed=3), Category.LOGIC, 80)

    assert 0.3 <= share <= 0.7


@pytest.mark.anyio
async def test_a_prompt_over_the_context_window_is_refused_as_a_model_would() -> None:
    config = dataclasses.replace(FAST, quality=1.0, context_tokens=1_000)
    item = SUITE.context_item(8_000)
    async with (
        running_sim_seller(config) as seller,
        openai.AsyncOpenAI(base_url=f"{seller.url}/v1", api_key="x", max_retries=0) as client,
    ):
        with pytest.raises(openai.BadRequestError) as refused:
            await client.chat.completions.create(**item.request_body(config.model))

    assert "context window is 1,000 tokens" in str(refused.value)
    assert refused.value.code == "context_length_exceeded"
