"""Simulated sellers: real OpenAI-compatible HTTP servers with set speed, faults and honesty.

`create_app(config)` builds the aiohttp application of one seller, which serves
`POST /v1/chat/completions` (streaming, tools and JSON mode included), `GET /v1/models`
and `GET /healthz`; `serving_sim_seller` runs one on a port. What it says comes from a
`Responder` (default: pseudo-text of a known token count); how it says it (latency,
throughput, failures, dishonest usage) from `SimSellerConfig`.

Imports `tokenpit.settings` and grading's items and reference solver (`GradingResponder`,
the default responder, answers grading items with a set probability per category);
front ends (cli), tests and benchmarks import it.
"""

from tokenpit.sim.seller.app import create_app
from tokenpit.sim.seller.config import Fault, SimSellerConfig
from tokenpit.sim.seller.grading import GradingResponder
from tokenpit.sim.seller.requests import ChatRequest, RequestError, Tool
from tokenpit.sim.seller.runner import RunningSimSeller, serve_until_signalled, serving_sim_seller
from tokenpit.sim.seller.text import PseudoResponder, Reply, Responder, ResponderFactory
from tokenpit.sim.seller.tokens import Tokenizer, TokenText

__all__ = [
    "ChatRequest",
    "Fault",
    "GradingResponder",
    "PseudoResponder",
    "Reply",
    "RequestError",
    "Responder",
    "ResponderFactory",
    "RunningSimSeller",
    "SimSellerConfig",
    "TokenText",
    "Tokenizer",
    "Tool",
    "create_app",
    "serve_until_signalled",
    "serving_sim_seller",
]
