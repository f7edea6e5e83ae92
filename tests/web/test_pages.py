"""Serving the dashboard: its pages, static files and plotly.js, beside an intact API."""

from __future__ import annotations

import re
import tomllib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tokenpit.testing.api import INSTRUMENT, ApiHarness, api_harness
from tokenpit.web import PAGE_PATHS
from tokenpit.web.pages import PLOTLY_PATH, plotly_js_path

pytestmark = pytest.mark.anyio

PAGES = ["/", f"/instrument/{INSTRUMENT}", "/sellers", "/account"]
IMPORT = re.compile(r'^import .* from "(\./[^"]+|\.\./[^"]+)";$', re.MULTILINE)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[ApiHarness]:
    async with api_harness(tmp_path / "exchange.db") as harness:
        yield harness


@pytest.mark.parametrize("path", PAGES)
async def test_every_page_path_answers_the_dashboard(api: ApiHarness, path: str) -> None:
    response = await api.client.get(path)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<main id="view"' in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_the_pages_scripts_and_styles_are_served_from_the_package(api: ApiHarness) -> None:
    shell = (await api.client.get("/")).text
    assets = re.findall(r'(?:src|href)="(/(?:static|vendor)/[^"]+)"', shell)

    answers = {asset: await api.client.get(asset) for asset in assets}

    assert set(assets) >= {"/static/js/main.js", "/static/base.css", PLOTLY_PATH}
    assert {asset: answer.status_code for asset, answer in answers.items()} == dict.fromkeys(
        assets, 200
    )
    assert answers["/static/js/main.js"].headers["content-type"].startswith("text/javascript")
    assert answers["/static/base.css"].headers["content-type"].startswith("text/css")


async def test_every_module_the_dashboard_imports_is_served(api: ApiHarness) -> None:
    waiting, seen = ["/static/js/main.js"], set()
    while waiting:
        module = waiting.pop()
        seen.add(module)
        response = await api.client.get(module)
        assert response.status_code == 200, module
        for target in IMPORT.findall(response.text):
            resolved = str(Path(module).parent.joinpath(target).resolve())
            if resolved not in seen:
                waiting.append(resolved)

    assert len(seen) >= 8  # the router, the API client, formats, charts and four views


async def test_plotly_js_is_the_installed_packages_bundle_gzipped(api: ApiHarness) -> None:
    bundle = plotly_js_path()
    assert bundle is not None, "the plotly package ships no package_data/plotly.min.js"

    response = await api.client.get(PLOTLY_PATH, headers={"Accept-Encoding": "gzip"})

    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert int(response.headers["content-length"]) < bundle.stat().st_size // 2
    assert response.content == bundle.read_bytes()  # httpx undoes the gzip
    assert "max-age" in response.headers["cache-control"]


async def test_plotly_js_is_plain_for_a_client_without_gzip(api: ApiHarness) -> None:
    response = await api.client.get(PLOTLY_PATH, headers={"Accept-Encoding": "identity"})

    assert "content-encoding" not in response.headers
    assert response.content.startswith(b"/**\n* plotly.js v")


@pytest.mark.parametrize("path", ["/nowhere", "/static/nowhere.js", "/instrument/a/b"])
async def test_an_unknown_path_is_a_404_in_the_error_shape(api: ApiHarness, path: str) -> None:
    response = await api.client.get(path)

    assert response.status_code == 404
    assert response.json()["error"]["type"] == "invalid_request_error"


async def test_the_api_docs_health_and_gateway_still_answer_beside_it(api: ApiHarness) -> None:
    specs = await api.client.get("/api/specs")
    docs = await api.client.get("/docs")
    health = await api.client.get("/healthz")
    models = await api.client.get("/v1/models")

    assert specs.json()["family"] == "chat"
    assert docs.status_code == 200
    assert health.json()["status"] == "ok"
    assert models.status_code == 401  # the gateway's own answer: it wants a buyer's key
    assert "error" in models.json()


async def test_no_dashboard_path_is_in_the_openapi_document(api: ApiHarness) -> None:
    paths = (await api.client.get("/openapi.json")).json()["paths"]

    assert not set(PAGE_PATHS) & set(paths)
    assert not [path for path in paths if path.startswith(("/static", "/vendor"))]


def test_every_static_file_is_package_data_so_the_wheel_ships_it() -> None:
    root = Path(__file__).parents[2]
    with (root / "pyproject.toml").open("rb") as file:
        patterns = tomllib.load(file)["tool"]["setuptools"]["package-data"]["tokenpit"]
    package = root / "src" / "tokenpit"
    static = [path for path in (package / "web" / "static").rglob("*") if path.is_file()]

    shipped = {path for pattern in patterns for path in package.glob(pattern)}

    assert static
    assert set(static) <= shipped
