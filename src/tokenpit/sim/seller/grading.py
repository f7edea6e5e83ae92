"""A simulated seller of known quality: grading items answered right with set odds.

`GradingResponder` recognises a grading item with the suite's reference solver and
answers it right with the probability its config sets for the item's category, and
wrong otherwise; every other request gets pseudo-text like `PseudoResponder`. Only
simulation code may use the solver: it is how tests and benchmarks make sellers whose
true quality is known.
"""

from __future__ import annotations

import random

from tokenpit.grading.items import Answer
from tokenpit.grading.solvers import solve
from tokenpit.sim.seller.config import SimSellerConfig
from tokenpit.sim.seller.requests import ChatRequest
from tokenpit.sim.seller.text import PseudoResponder, Reply, content_reply, tool_call_reply
from tokenpit.sim.seller.tokens import Tokenizer

WRONG_ANSWER = "I am not sure."


class GradingResponder:
    """Answer grading items right with the configured probability per category."""

    def __init__(self, config: SimSellerConfig, tokenizer: Tokenizer, rng: random.Random) -> None:
        self._config = config
        self._tokenizer = tokenizer
        self._rng = rng
        self._fallback = PseudoResponder(config, tokenizer, rng)

    def reply(self, request: ChatRequest) -> Reply:
        """Return the reply to `request`, within its `max_tokens`."""
        knows = self._config.quality is not None or bool(self._config.category_quality)
        solution = solve(request.body) if knows else None
        if solution is None:
            return self._fallback.reply(request)
        if self._rng.random() < self._config.quality_of(str(solution.category)):
            return self._say(solution.answer, request.max_tokens)
        return self._say(Answer(content=WRONG_ANSWER), request.max_tokens)

    def _say(self, answer: Answer, limit: int | None) -> Reply:
        if answer.tool_calls:
            call = answer.tool_calls[0]
            return tool_call_reply(self._tokenizer, call.name, call.arguments, limit)
        return content_reply(self._tokenizer, answer.content or "", limit)
