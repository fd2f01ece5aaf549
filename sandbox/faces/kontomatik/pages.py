"""The Kontomatik face's pages and files, beside its API: the SignIn Widget's script and the
scripts of its pages (`/kontomatik/assets/…`), the sign-in entry and done page
(`signin.py`), and the demo page an integrator would write (`/kontomatik/demo`). They are
hosted pages: HTML errors and the security headers (`web/headers.py`)."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.types import ASGIApp

from sandbox.domain.errors import NotFound
from sandbox.domain.face_keys import kontomatik_keys
from sandbox.domain.platform import Platform
from sandbox.faces.kontomatik import signin
from sandbox.faces.kontomatik.embed import ASSETS_DIR, ASSETS_URL, asset_url
from sandbox.faces.routing import resource
from sandbox.faces.web.routes import pages_app
from sandbox.faces.web.views import SANDBOX_BRAND, page

PREFIX = "/kontomatik"
PAGES = ("/kontomatik/signin", "/kontomatik/demo", f"{ASSETS_URL}/")
ASSETS = ("signin-widget.js", "signin-events.js", "signin-done.js", "demo.js")
DEMO_TENANT = "demo"
# The widget script's URL is pasted into integrations without a fingerprint: a browser asks
# again each time (and gets a 304 while it is the same).
ASSET_HEADERS = {"Cache-Control": "no-cache"}


def is_page(path: str) -> bool:
    """A page or file of the face (HTML or JS answers), rather than its XML API."""
    return path.startswith(PAGES)


async def asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in ASSETS:
        raise NotFound("There is no such file.")
    body = (ASSETS_DIR / name).read_bytes()
    return Response(body, media_type="text/javascript; charset=utf-8", headers=ASSET_HEADERS)


async def demo(request: Request) -> Response:
    """The demo tenant's widget, and what each callback received."""
    platform: Platform = request.app.state.platform
    tenant = platform.tenants.get(DEMO_TENANT)
    request.state.tenant = tenant
    keys = kontomatik_keys(tenant)
    countries = ["all", *sorted({bank.country.lower() for bank in platform.banks.all(tenant)})]
    return page(
        "kontomatik/demo.html",
        brand=SANDBOX_BRAND,
        client=keys.client,
        api_key=keys.api_keys[0],
        base_url=str(request.base_url).rstrip("/"),
        countries=countries,
        widget_url=asset_url("signin-widget.js"),
        demo_url=asset_url("demo.js"),
    )


ROUTES = [
    resource("/signin", get=signin.entry),
    resource("/signin/done", get=signin.done),
    resource("/demo", get=demo),
    resource("/assets/{name}", get=asset),
]


class Pages(Mount):
    """The face's pages and files, and only those: any other path under `/kontomatik` (one the
    API's mount does not take either, such as a path with a line break in it) falls through to
    the app's handler, which answers Kontomatik's XML 404."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(PREFIX, app=app)
        self.path_regex = re.compile(
            rf"^{PREFIX}/(?P<path>signin|signin/done|demo|assets/[^/]+)\Z", re.DOTALL
        )


def kontomatik_pages(platform: Platform) -> list[BaseRoute]:
    """Mounted after the API (`/kontomatik/v1`), which keeps its own XML answers."""
    return [Pages(pages_app(platform, list(ROUTES)))]
