"""Run the whole demo market: exchange, sellers, certification, traders and buyers' apps."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import uvicorn

from tokenpit.api import ApiConfig, create_app
from tokenpit.api.keys import hash_api_key, new_api_key
from tokenpit.core import commands as cmd
from tokenpit.core import events as ev
from tokenpit.core.sequencer import Core
from tokenpit.endpoints import AddressPolicy
from tokenpit.gateway.grader import CertificationRun, Grader, GraderConfig
from tokenpit.sim.demo.agents import Agent, TradingAgents
from tokenpit.sim.demo.apps import BuyerApp
from tokenpit.sim.demo.fleet import FLEET, SellerProfile, serving_fleet
from tokenpit.specs import Spec, demo_spec, parse_symbol
from tokenpit.storage import open_store

DEPOSIT_MICROS = 100_000 * 1_000_000  # $100,000 an account: money never limits the demo
CAPACITY_UNITS = 10_000_000  # per endpoint and period
# What buyers are willing to pay per million units, by grade: above every seller's cost.
VALUES_MICROS = {"A": 3_300_000, "B": 2_200_000, "C": 1_300_000}
ORDERS_PER_S = 25.0
APP_PAUSE_S = 0.5
AUDIT_INTERVAL_S = 20.0


@dataclass(slots=True)
class DemoSummary:
    """What the market has done so far, for the live line."""

    spec: Spec
    trades: int = 0
    volume_lots: int = 0
    deliveries: int = 0
    last_micros: dict[str, int] = field(default_factory=dict)  # by grade
    outcomes: Counter[str] = field(default_factory=Counter)  # the apps' request outcomes

    def take(self, events: list[Any]) -> None:
        """Count one batch of the core's events."""
        for event in events:
            if isinstance(event, ev.TradeExecuted):
                self.trades += 1
                self.volume_lots += event.lots
                grade = parse_symbol(self.spec, event.instrument).grade
                self.last_micros[grade] = event.price_micros
            elif isinstance(event, ev.DeliveryRecorded):
                self.deliveries += 1


class DemoMarket:
    """The demo market on `host`:`port`; use it as an async context manager."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        db: str = "tokenpit-demo.db",
        seed: int = 1,
        fleet: tuple[SellerProfile, ...] = FLEET,
        spec: Spec | None = None,
    ) -> None:
        self.spec = spec or demo_spec()
        self.url = f"http://{host}:{port}"
        self.fleet = fleet
        self.summary = DemoSummary(self.spec)
        self.grades: dict[str, str | None] = {}  # seller name -> grade earned
        self.buyer_key = ""  # a key for the dashboard's account page
        self.operator_key = new_api_key()
        self._host, self._port, self._db, self._seed = host, port, db, seed
        self._rng = random.Random(seed)
        self._stack = contextlib.AsyncExitStack()
        self._tasks: list[asyncio.Task[None]] = []
        self._endpoints: dict[str, int] = {}
        self._accounts: dict[str, int] = {}
        self.apps: list[BuyerApp] = []
        self.agents: TradingAgents | None = None

    async def __aenter__(self) -> DemoMarket:
        """Start the exchange and the sellers' servers, and open every account."""
        store = open_store(self._db)
        self._stack.callback(store.close)
        self.core = Core(self.spec, store)
        await self.core.start()
        self._stack.push_async_callback(self.core.stop)
        self._app = create_app(self.core, _config())
        await self._serve()
        self.sellers = await self._stack.enter_async_context(serving_fleet(self.fleet, self._seed))
        await self._open_accounts()
        self._spawn(self._watch())
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop agents, apps, the server, the sellers and the core, in that order."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._stack.aclose()

    @property
    def grader(self) -> Grader:
        """Return the exchange's grader."""
        grader: Grader = self._app.state.grader
        return grader

    async def certify(self, progress: Callable[[str, CertificationRun], None]) -> None:
        """Certify every seller's endpoint at once, reporting each run's progress.

        A seller starts trading the grade it earned as soon as its own run ends.
        """
        runs = {}
        for profile in self.fleet:
            endpoint = self.core.exchange.state.endpoints[self._endpoints[profile.name]]
            runs[profile.name] = self.grader.start_certification(endpoint)
        waiting = dict(runs)
        while waiting:
            for name, run in runs.items():
                progress(name, run)
            for name, run in list(waiting.items()):
                if run.status != "running":
                    del waiting[name]
                    self._seller_certified(name, run.grade)
            await asyncio.sleep(0.2)
        for name, run in runs.items():
            progress(name, run)

    def start_trading(self) -> None:
        """Start the buyers' agents; sellers, and the apps of their grade, join when certified."""
        self.agents = TradingAgents(self.core, self._buyers(), random.Random(self._seed))
        self._spawn(self.agents.run(ORDERS_PER_S))

    def current_period(self) -> str:
        """Return the current period's start as HH:MM UTC."""
        now = self.core.clock.now_ns()
        start_s = now // 1_000_000_000 // self.spec.period_s * self.spec.period_s
        return f"{start_s // 3600 % 24:02d}:{start_s // 60 % 60:02d}"

    def app_outcomes(self) -> Counter[str]:
        """Return the buyers' apps' request outcomes, added up."""
        total: Counter[str] = Counter()
        for app in self.apps:
            total.update(app.outcomes)
        return total

    async def _serve(self) -> None:
        server = uvicorn.Server(
            uvicorn.Config(
                self._app,
                host=self._host,
                port=self._port,
                access_log=False,
                log_level="warning",
                lifespan="on",
            )
        )
        serving = asyncio.create_task(server.serve())

        async def stop() -> None:
            server.should_exit = True
            await serving

        self._stack.push_async_callback(stop)
        async with asyncio.timeout(30):
            while not server.started:
                if serving.done():
                    serving.result()  # raises why it could not start (the port is taken…)
                    raise RuntimeError(f"the exchange did not start on {self.url}")
                await asyncio.sleep(0.02)

    async def _open_accounts(self) -> None:
        await self._account("operator", ["operator"], self.operator_key, deposit=False)
        for profile in self.fleet:
            roles = ["seller", "buyer"] if profile.market_maker else ["seller"]
            account_id = await self._account(profile.name, roles, new_api_key())
            outcome = await self._submit(
                cmd.RegisterEndpoint(
                    account_id=account_id,
                    url=f"{self.sellers[profile.name].url}/v1",
                    model=profile.config(0).model,
                    capacity_units=CAPACITY_UNITS,
                )
            )
            self._endpoints[profile.name] = int(outcome["id"])
        for grade, value in VALUES_MICROS.items():
            for number in (1, 2):
                await self._account(f"buyer-{grade.lower()}{number}", ["buyer"], new_api_key())
            key = new_api_key()
            account_id = await self._account(f"app-{grade.lower()}", ["buyer"], key)
            # An app must keep working: its owner pays up to 30% over the traders' values.
            cap = value * 13 // 10
            cap -= cap % self.spec.tick_micros
            await self._submit(cmd.SetAutoBuy(account_id=account_id, max_price_micros=cap))
            self.apps.append(BuyerApp(f"app-{grade.lower()}", f"CHAT-{grade}", key))
        self.buyer_key = self.apps[0].api_key

    async def _account(self, name: str, roles: list[str], key: str, *, deposit: bool = True) -> int:
        outcome = await self._submit(
            cmd.CreateAccount(name=name, roles=roles, key_hash=hash_api_key(key))
        )
        account_id = int(outcome["id"])
        self._accounts[name] = account_id
        if deposit:
            await self._submit(cmd.Deposit(account_id=account_id, amount_micros=DEPOSIT_MICROS))
        return account_id

    async def _submit(self, command: cmd.Command) -> dict[str, Any]:
        outcome = await self.core.submit(command)
        if outcome.failure is not None or outcome.result is None:
            message = outcome.failure.message if outcome.failure else "no result"
            raise RuntimeError(f"the demo could not set up: {message}")
        return outcome.result

    def _seller_certified(self, name: str, grade: str | None) -> None:
        """Let a seller trade the grade it earned (with none, it sells nothing)."""
        self.grades[name] = grade
        if grade is None or self.agents is None:
            return
        # An app starts when its grade has a seller: before that it could only get 402s.
        for number, app in enumerate(self.apps):
            if app.grade_symbol == f"CHAT-{grade}" and not app.started:
                app.started = True
                rng = random.Random(f"{self._seed}:app:{number}")
                self._spawn(app.run(f"{self.url}/v1", rng, APP_PAUSE_S))
        profile = next(p for p in self.fleet if p.name == name)
        side = "both" if profile.market_maker else "sell"
        self.agents.agents.append(
            Agent(
                self._accounts[name],
                grade,
                side,
                profile.cost_micros,
                endpoint_id=self._endpoints[name],
            )
        )

    def _buyers(self) -> list[Agent]:
        agents = []
        for grade, value in VALUES_MICROS.items():
            for number in (1, 2):
                account_id = self._accounts[f"buyer-{grade.lower()}{number}"]
                limit = int(value * self._rng.uniform(0.92, 1.08))
                agents.append(Agent(account_id, grade, "buy", limit))
        return agents

    async def _watch(self) -> None:
        subscription = self.core.subscribe()
        async for batch in subscription:
            self.summary.take(batch)

    def _spawn(self, work: Any) -> None:
        self._tasks.append(asyncio.create_task(work))


def _config() -> ApiConfig:
    """Return the demo exchange's settings: loopback sellers allowed, audits every 20 s."""
    return ApiConfig(
        address_policy=AddressPolicy(allow_private=True),
        grader=GraderConfig(audit_interval_s=AUDIT_INTERVAL_S, runs_max=len(FLEET)),
    )
