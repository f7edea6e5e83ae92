"""`tokenpit serve`: the exchange (API, gateway, dashboard) in one process."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import click
import structlog
import uvicorn
import uvloop

from tokenpit.api.app import create_app
from tokenpit.api.config import ApiConfig
from tokenpit.api.keys import hash_api_key, new_api_key
from tokenpit.api.redaction import install_redaction
from tokenpit.core import commands as c
from tokenpit.core.sequencer import Core
from tokenpit.endpoints import AddressPolicy
from tokenpit.gateway.grader import GraderConfig
from tokenpit.logs import configure_logging
from tokenpit.runtime import tune_garbage_collector
from tokenpit.settings import Secret, ServerSettings
from tokenpit.specs import Spec, SpecError, default_spec, load_spec
from tokenpit.storage import open_store

log = structlog.get_logger(__name__)


@click.command()
@click.option(
    "--db",
    default="sqlite:///tokenpit.db",
    show_default=True,
    help="Database URL: a SQLite file (sqlite:///path or a plain path).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65_535), default=8000, show_default=True)
@click.option(
    "--specs",
    "specs_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Spec file (default: the packaged chat spec).",
)
@click.option(
    "--rate-limit",
    type=click.FloatRange(min=1),
    default=1_000.0,
    show_default=True,
    help="Requests per second each API key may make.",
)
@click.option(
    "--allow-private-endpoints",
    is_flag=True,
    help="Let sellers register endpoints whose host resolves to a loopback (127.0.0.0/8, "
    "::1), private (10/8, 172.16/12, 192.168/16, fc00::/7) or link-local (169.254/16, "
    "fe80::/10) address, e.g. sellers on this machine or its network. Off by default: only "
    "public addresses. Cloud metadata, unspecified, multicast, carrier-grade NAT, "
    "documentation and reserved addresses stay refused either way.",
)
@click.option(
    "--audit-interval-s",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="Each certified endpoint gets one audit item, at a random moment, this often (0: off).",
)
@click.option(
    "--certificate-days",
    type=click.IntRange(1, 365),
    default=7,
    show_default=True,
    help="How long a certificate from a certification run stays valid.",
)
def serve(
    db: str,
    host: str,
    port: int,
    specs_path: Path | None,
    rate_limit: float,
    allow_private_endpoints: bool,
    audit_interval_s: float,
    certificate_days: int,
) -> None:
    """Run the exchange: trading API, gateway, grader, market data and WebSocket stream.

    The operator key comes from TOKENPIT_ADMIN_KEY, or is generated on the first
    start and printed once. Sellers' endpoint credentials are sealed with
    TOKENPIT_CREDENTIAL_KEY; without it endpoints register without a credential.
    """
    try:
        settings = ServerSettings.from_env()
        spec = load_spec(specs_path) if specs_path else default_spec()
    except (ValueError, SpecError) as error:
        raise click.ClickException(str(error)) from error
    configure_logging(settings.log_format, settings.log_level)
    install_redaction()  # uvicorn logs WebSocket URLs (?key=) and, at debug, headers
    config = api_config(
        settings,
        rate_limit,
        allow_private_endpoints=allow_private_endpoints,
        grader=GraderConfig(
            audit_interval_s=audit_interval_s, certificate_validity_s=certificate_days * 86_400
        ),
    )
    try:
        # uvloop (installed with uvicorn[standard]) runs the event loop in C.
        uvloop.run(_serve(spec, db, host, port, settings, config))
    except ValueError as error:  # a bad --db URL
        raise click.ClickException(str(error)) from error


def api_config(
    settings: ServerSettings,
    rate_limit: float,
    *,
    allow_private_endpoints: bool,
    grader: GraderConfig | None = None,
) -> ApiConfig:
    """Return the API's settings for `tokenpit serve`'s options and environment."""
    return ApiConfig(
        rate_limit_per_s=rate_limit,
        rate_limit_burst=int(rate_limit * 2),
        address_policy=AddressPolicy(allow_private=allow_private_endpoints),
        credential_keys=settings.credential_keys,
        grader=grader or GraderConfig(),
    )


async def _serve(
    spec: Spec, db: str, host: str, port: int, settings: ServerSettings, config: ApiConfig
) -> None:
    store = open_store(db)
    core = Core(spec, store)
    await core.start()
    try:
        await _ensure_operator(core, settings.admin_key)
        app = create_app(core, config)
        tune_garbage_collector()  # after recovery: the recovered state is never scanned again
        server = _GracefulServer(
            uvicorn.Config(
                app,
                host=host,
                port=port,
                access_log=False,
                log_level="warning",
                lifespan="on",  # starts the grader's audits, closes seller connections
                server_header=False,
            )
        )
        click.echo(f"tokenpit serving on http://{host}:{port} (database {db})", err=True)
        await server.serve()
    finally:
        await core.stop()
        store.close()


class _GracefulServer(uvicorn.Server):
    """uvicorn's server, but a stop signal ends `serve()` and nothing more.

    uvicorn shuts down on SIGINT or SIGTERM and then raises the signal again, which would kill
    the process before the core stops: no snapshot, the store left open. Here the signal
    only asks for the shutdown, so `_serve` stops the core and the process exits cleanly.
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Ask the server to exit on SIGINT or SIGTERM while it runs."""
        if threading.current_thread() is not threading.main_thread():
            yield  # only the main thread may set signal handlers
            return
        handled = (signal.SIGINT, signal.SIGTERM)
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in handled}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """Shut down gracefully; a second signal stops waiting for open connections."""
        if self.should_exit:
            self.force_exit = True
        self.should_exit = True


async def _ensure_operator(core: Core, admin_key: Secret | None) -> None:
    """Make sure an operator can log in: with TOKENPIT_ADMIN_KEY, or a key printed once.

    A TOKENPIT_ADMIN_KEY no account holds opens another operator account for it; the
    earlier operators' keys keep working, since tokenpit cannot revoke a key yet.
    """
    operators = [a for a in core.exchange.state.accounts.values() if "operator" in a.roles]
    if admin_key is not None:
        key_hash = hash_api_key(admin_key.reveal())
        if core.exchange.account_for_key_hash(key_hash) is not None:
            return
        account_id = await _create_operator(core, key_hash)
        if operators:
            click.echo(
                f"TOKENPIT_ADMIN_KEY is a new operator key: operator account {account_id} "
                f"opened for it; the {len(operators)} earlier operator key(s) still work "
                "(keys cannot be revoked yet)",
                err=True,
            )
        return
    if operators:
        return
    key = new_api_key()
    await _create_operator(core, hash_api_key(key))
    click.echo(f"operator API key (shown once, keep it safe): {key}", err=True)


async def _create_operator(core: Core, key_hash: str) -> int:
    outcome = await core.submit(
        c.CreateAccount(name="operator", roles=["operator"], key_hash=key_hash)
    )
    if outcome.failure is not None or outcome.result is None:
        message = outcome.failure.message if outcome.failure else "no answer"
        raise click.ClickException(f"cannot create the operator: {message}")
    account_id = int(outcome.result["id"])
    log.info("operator_created", account_id=account_id)
    return account_id
