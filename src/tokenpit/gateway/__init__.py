"""The gateway: OpenAI-compatible `/v1/chat/completions` and `/v1/models` for buyers.

A buyer points the official `openai` client at the exchange with its tokenpit key and a
grade as the model (`CHAT-B`). The gateway picks one of the buyer's lots of the current
period (`routing`), proxies the request to that lot's seller (`proxying`, `upstream`),
meters the answer with the reference tokenizer (`metering`), judges its latency against
the grade (`measure`) and settles it through the core (`service`); a seller that fails
before the first byte is skipped for the next lot. `drift` watches sellers' own usage
figures against the reference count, and `drift_watch` flags, logs and counts a seller
whose figures stray.

Imports core, clearing, specs, endpoints and `api.keys` (the one key rule for every
front end); nothing imports the gateway but the application (its factory, and the sellers
listing for usage drift) and tests.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from tokenpit.core.sequencer import Core
from tokenpit.endpoints import AddressPolicy
from tokenpit.gateway.config import GatewayConfig
from tokenpit.gateway.metering import Meter
from tokenpit.gateway.metrics import GatewayMetrics
from tokenpit.gateway.proxying import ProxyIO
from tokenpit.gateway.service import CredentialOpener, Gateway
from tokenpit.gateway.upstream import Upstream


def build_gateway(
    core: Core,
    config: GatewayConfig,
    registry: CollectorRegistry,
    policy: AddressPolicy,
    credentials: CredentialOpener | None,
) -> Gateway:
    """Return the gateway of an exchange; the caller closes it (`Gateway.close`) at shutdown."""
    meter = Meter(core.spec)
    io = ProxyIO(Upstream(config, policy), meter, config)
    return Gateway(core, config, meter, GatewayMetrics(registry), io, credentials)


__all__ = ["Gateway", "GatewayConfig", "build_gateway"]
