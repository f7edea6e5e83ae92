"""Simulation: simulated sellers, trading agents and the demo market.

`sim.seller` runs simulated OpenAI-compatible sellers (it imports grading's reference
solvers to answer items with a set quality); `sim.traders` holds seeded agents that take
no clock, so a simulation replays exactly; `sim.demo` runs the whole demo market and is a
front end (it imports api, core and gateway). Nothing imports sim except front ends (cli),
benchmarks and tests.
"""

from tokenpit.sim.traders import OrderIntent, ZeroIntelligenceTrader

__all__ = ["OrderIntent", "ZeroIntelligenceTrader"]
