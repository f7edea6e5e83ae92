"""Choose which of a buyer's lots serves a request.

Policy, in order:

1. Only lots of the current delivery period with units left after what requests in
   flight have set aside; lots of the requested grade first, then of better grades (a
   better grade may always stand in, at the buyer's price for that lot).
2. Stickiness: a request that carries `user` or `prompt_cache_key` goes to the same
   endpoint as the requests before it with that key, as long as it has a lot (rendezvous
   hashing: the choice moves only when that endpoint runs out), so sellers' prompt
   caches keep working for a conversation.
3. Otherwise spread the load and prefer faster sellers: the endpoint with the least
   `(requests in flight + 1) × recent time to first token` wins. An endpoint not yet
   measured costs nothing, so each is tried early (optimism breaks the cold start), and
   a failed request counts as a very slow one.

Endpoints that already failed this request are skipped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from tokenpit.clearing import Lot
from tokenpit.core.exchange import Exchange
from tokenpit.specs import Spec, instrument_at

NS_PER_S = 1_000_000_000
TTFT_SMOOTHING = 0.2  # weight of the newest measurement in the running average
FAILURE_TTFT_MS = 30_000.0  # a failed request weighs like one this slow


@dataclass(slots=True)
class EndpointLoad:
    """What the gateway knows of one endpoint's current speed and load."""

    in_flight: int = 0
    ttft_ms: float | None = None  # running average; None until measured

    def observe_ttft(self, ttft_ms: float) -> None:
        """Fold a new time to first token into the running average."""
        if self.ttft_ms is None:
            self.ttft_ms = ttft_ms
        else:
            self.ttft_ms += TTFT_SMOOTHING * (ttft_ms - self.ttft_ms)


@dataclass(slots=True)
class Router:
    """Pick lots for requests and keep account of what requests in flight set aside."""

    spec: Spec
    reserved_units: dict[int, int] = field(default_factory=dict)  # by lot id
    loads: dict[int, EndpointLoad] = field(default_factory=dict)  # by endpoint id

    def instruments(self, grade: str, now_ns: int) -> list[str]:
        """Return the current period's instruments that may serve `grade`, it first."""
        now = dt.datetime.fromtimestamp(now_ns / NS_PER_S, dt.UTC)
        rank = self.spec.rank(grade)
        names = [grade, *reversed(self.spec.grade_names[:rank])]
        return [instrument_at(self.spec, name, now).symbol for name in names]

    def candidates(
        self, exchange: Exchange, buyer_id: int, grade: str, now_ns: int, need_units: int
    ) -> list[Lot]:
        """Return the buyer's lots that can serve a request now, best grade match first."""
        lots = exchange.clearing.state.lots
        by_instrument = exchange.clearing.state.lots_by_instrument
        found = []
        for symbol in self.instruments(grade, now_ns):
            for lot_id in by_instrument.get(symbol, ()):
                lot = lots.get(lot_id)
                if (
                    lot is not None
                    and lot.buyer_account_id == buyer_id
                    and lot.period_start_ns <= now_ns < lot.period_end_ns
                    and lot.units_left - self.reserved_units.get(lot_id, 0) >= need_units
                ):
                    found.append(lot)
        return found

    def choose(self, lots: Iterable[Lot], affinity: str | None, skip: set[int]) -> Lot | None:
        """Pick one lot by the module's policy; None when none is left.

        `lots` come as `candidates` orders them: the best-matching grade first. Only when
        no lot of one grade is usable does the choice move to the next.
        """
        usable = [
            lot for lot in lots if lot.endpoint_id is not None and lot.endpoint_id not in skip
        ]
        if not usable:
            return None
        usable = [lot for lot in usable if lot.instrument == usable[0].instrument]
        if affinity is not None:
            return max(
                usable, key=lambda lot: (_rendezvous(affinity, lot.endpoint_id), -lot.lot_id)
            )
        return min(usable, key=lambda lot: (self._cost(lot.endpoint_id), lot.lot_id))

    def reserve(self, lot: Lot, units: int) -> None:
        """Set units aside on a lot, and count a request in flight at its endpoint."""
        self.reserved_units[lot.lot_id] = self.reserved_units.get(lot.lot_id, 0) + units
        self._load(lot.endpoint_id).in_flight += 1

    def release(self, lot: Lot, units: int) -> None:
        """Give back what `reserve` set aside."""
        left = self.reserved_units.get(lot.lot_id, 0) - units
        if left > 0:
            self.reserved_units[lot.lot_id] = left
        else:
            self.reserved_units.pop(lot.lot_id, None)
        self._load(lot.endpoint_id).in_flight -= 1

    def observe(self, endpoint_id: int | None, ttft_ms: float) -> None:
        """Record how fast an endpoint answered."""
        self._load(endpoint_id).observe_ttft(ttft_ms)

    def observe_failure(self, endpoint_id: int | None) -> None:
        """Record that an endpoint failed a request."""
        self._load(endpoint_id).observe_ttft(FAILURE_TTFT_MS)

    def _cost(self, endpoint_id: int | None) -> float:
        load = self._load(endpoint_id)
        return (load.in_flight + 1) * (load.ttft_ms or 0.0)

    def _load(self, endpoint_id: int | None) -> EndpointLoad:
        key = endpoint_id or 0
        load = self.loads.get(key)
        if load is None:
            load = self.loads[key] = EndpointLoad()
        return load


def _rendezvous(affinity: str, endpoint_id: int | None) -> bytes:
    return hashlib.blake2b(f"{affinity}\x00{endpoint_id}".encode(), digest_size=8).digest()
