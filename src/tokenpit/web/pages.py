"""Serve the dashboard: one HTML shell for every page, its static files, and plotly.js."""

from __future__ import annotations

import gzip
import importlib.resources
import importlib.util
from pathlib import Path
from typing import Final

from anyio import to_thread
from fastapi import APIRouter, HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

PAGE_PATHS: Final = ("/", "/instrument/{symbol}", "/sellers", "/account")
STATIC_PREFIX: Final = "/static"
PLOTLY_PATH: Final = "/vendor/plotly.min.js"
PLOTLY_FILE: Final = ("package_data", "plotly.min.js")
# Scripts only from here, so that nothing injected into a page can read the key in session
# storage. plotly.js writes <style> elements of its own, hence inline styles.
CONTENT_SECURITY_POLICY: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)
PAGE_HEADERS: Final = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
VENDOR_MAX_AGE_S: Final = 86_400


class Shell:
    """The one HTML page: the browser's router picks the view from the path."""

    def __init__(self) -> None:
        self._html = (
            importlib.resources.files(__package__).joinpath("static/index.html").read_bytes()
        )

    async def page(self) -> Response:
        """Answer the page, with the headers that keep scripts to this origin."""
        return Response(self._html, media_type="text/html", headers=PAGE_HEADERS)


class PlotlyScript:
    """plotly.js as the installed `plotly` package ships it, gzipped once on first request."""

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._plain: bytes | None = None
        self._gzipped: bytes | None = None

    async def script(self, request: Request) -> Response:
        """Answer the script, compressed when the browser accepts gzip."""
        if self._path is None:
            raise HTTPException(404)
        if self._plain is None or self._gzipped is None:
            self._plain, self._gzipped = await to_thread.run_sync(self._load, self._path)
        headers = {
            "Cache-Control": f"public, max-age={VENDOR_MAX_AGE_S}",
            "X-Content-Type-Options": "nosniff",
            "Vary": "Accept-Encoding",
        }
        body = self._plain
        if "gzip" in request.headers.get("accept-encoding", ""):
            body = self._gzipped
            headers["Content-Encoding"] = "gzip"
        return Response(body, media_type="text/javascript", headers=headers)

    @staticmethod
    def _load(path: Path) -> tuple[bytes, bytes]:
        plain = path.read_bytes()
        return plain, gzip.compress(plain, compresslevel=6, mtime=0)


def plotly_js_path() -> Path | None:
    """Return where the installed `plotly` package keeps plotly.min.js, without importing it."""
    found = importlib.util.find_spec("plotly")
    if found is None or not found.submodule_search_locations:
        return None
    path = Path(next(iter(found.submodule_search_locations))).joinpath(*PLOTLY_FILE)
    return path if path.is_file() else None


def routes() -> APIRouter:
    """Build the dashboard's router: its pages, static files and plotly.js (not in OpenAPI)."""
    router = APIRouter(include_in_schema=False)
    shell = Shell()
    for path in PAGE_PATHS:
        router.add_api_route(path, shell.page, methods=["GET"], include_in_schema=False)
    router.add_route(PLOTLY_PATH, PlotlyScript(plotly_js_path()).script, methods=["GET"])
    static = StaticFiles(packages=[(__package__ or "tokenpit.web", "static")])
    router.routes.append(Mount(STATIC_PREFIX, app=static, name="static"))
    return router
