"""The dashboard: markets, one instrument, sellers and your account, in the browser.

The pages are static files of this package (HTML, CSS and plain ES modules, no build
step) and plotly.js from the installed `plotly` package; the browser reads the public
API and the WebSocket stream itself, so the server side only serves files. An API key
typed into the account page stays in the browser's session storage.

`routes()` builds the router that `tokenpit.api.create_app` includes. Imports Starlette,
FastAPI and the standard library, and nothing of ours.
"""

from tokenpit.web.pages import PAGE_PATHS, routes

__all__ = ["PAGE_PATHS", "routes"]
