"""Simulation: trading agents and the demo market.

Imports engine and specs; nothing imports sim except front ends (cli) and tests.
Agents are seeded and take no clock, so a simulation replays exactly.
"""

from tokenpit.sim.engine_demo import EngineDemo, InstrumentSummary
from tokenpit.sim.traders import OrderIntent, ZeroIntelligenceTrader

__all__ = ["EngineDemo", "InstrumentSummary", "OrderIntent", "ZeroIntelligenceTrader"]
