"""The HTTP API: trading, accounts, endpoints and market data over REST and WebSocket.

`create_app(core, config)` builds a FastAPI application around a running `Core`; it
neither starts nor stops the core (`tokenpit serve` and the tests do). Every change goes
to the core as a command; reads come from the exchange's in-memory state (balances,
books, listed instruments) or from the store's read models (orders, trades, lots, ledger,
endpoints), which the core commits before it acknowledges a command.

Errors have one JSON shape, `{"error": {"message", "type", "param", "code"}}`; money is
integer µUSD in `*_micros` fields. State lives in objects that `create_app` builds and
hangs on `app.state`; nothing here is module-level and mutable.

Imports `tokenpit.core`, `tokenpit.storage` (its contract), `tokenpit.marketdata`,
`tokenpit.specs` and `tokenpit.web` (the dashboard's pages, which it serves at `/`); only
the command line and `tokenpit.testing` import the api.
"""

from tokenpit.api.app import create_app
from tokenpit.api.config import ApiConfig

__all__ = ["ApiConfig", "create_app"]
