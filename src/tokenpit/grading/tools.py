"""Tools items: offer 3 to 6 functions and a request that one of them answers.

The model must call the right function with the right arguments. Easy items offer three
functions and require a call (`tool_choice="required"`); harder ones offer up to six,
including a look-alike (the forecast beside the current weather), leave the choice to the
model (`"auto"`), state arguments as people do and mention values that must not be sent.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from typing import Any

from tokenpit.grading.items import Answer, Category, Item, ToolCall
from tokenpit.grading.scoring import ExpectedCall
from tokenpit.grading.tools_catalogue import EVERYDAY_TOOLS, FORECAST, WEATHER, Tool
from tokenpit.grading.tools_office import OFFICE_TOOLS

TOOLS: tuple[Tool, ...] = EVERYDAY_TOOLS + OFFICE_TOOLS
SYSTEM = "You are a helpful assistant. Use the functions provided when they help."
_OFFERED = {1: (3, 3), 2: (4, 5), 3: (5, 6)}
# Look-alikes are offered together from difficulty 2, so the request must be read closely.
_LOOK_ALIKES = {WEATHER.name: FORECAST, FORECAST.name: WEATHER}


def generate(rng: random.Random, difficulty: int) -> Item:
    """Return a fresh tools item of `difficulty`."""
    wanted = rng.choice(TOOLS)
    values = wanted.draw(rng)
    request = rng.choice(wanted.requests[difficulty])
    arguments = {name: values[name] for name in request.slots if not name.startswith("other_")}

    offered = [wanted]
    if difficulty > 1 and wanted.name in _LOOK_ALIKES:
        offered.append(_LOOK_ALIKES[wanted.name])
    others = [candidate for candidate in TOOLS if candidate not in offered]
    offered += rng.sample(others, rng.randint(*_OFFERED[difficulty]) - len(offered))
    rng.shuffle(offered)
    return Item(
        category=Category.TOOLS,
        template=f"tools.{wanted.name}",
        difficulty=difficulty,
        messages=(
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": request.render(values)},
        ),
        expected=ExpectedCall(wanted.name, arguments),
        tools=tuple(tool.definition for tool in offered),
        tool_choice="required" if difficulty == 1 else "auto",
    )


def solve(prompt: str, tools: Sequence[Mapping[str, Any]]) -> Answer | None:
    """Return the tool call a tools prompt asks for, among the functions offered, or None."""
    offered = {tool.get("function", {}).get("name") for tool in tools}
    for candidate in TOOLS:
        if candidate.name not in offered:
            continue
        for request in (wording for choices in candidate.requests.values() for wording in choices):
            values = request.parse(prompt)
            if values is None:
                continue
            arguments = {
                name: value for name, value in values.items() if not name.startswith("other_")
            }
            return Answer(
                content=None, tool_calls=(ToolCall(candidate.name, json.dumps(arguments)),)
            )
    return None
