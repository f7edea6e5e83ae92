"""The demo market: a whole exchange on one machine, with sellers, traders and buyers' apps.

`DemoMarket` starts the exchange (core on SQLite, API, gateway, grader, dashboard) on a
loopback port with the demo spec (one-minute periods), runs a fleet of simulated sellers
of different quality, speed and cost, certifies them through the grader, then keeps
trading agents (market makers and zero-intelligence traders) and buyers' apps (the
official `openai` SDK against the gateway) busy until it is stopped.

Unlike the rest of `sim`, this is a front end: it imports api, core, gateway and the
simulated sellers, and nothing imports it but the `tokenpit demo` command and its tests.
"""

from tokenpit.sim.demo.fleet import FLEET, SellerProfile
from tokenpit.sim.demo.market import DemoMarket, DemoSummary

__all__ = ["FLEET", "DemoMarket", "DemoSummary", "SellerProfile"]
