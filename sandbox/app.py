"""Builds the Starlette app: one mount per face, the middleware, the health check, and the
lifespan that runs the webhook delivery worker with the faces' webhook renderers."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount
from starlette.types import Scope

from sandbox.domain import snapshots
from sandbox.domain.platform import Platform
from sandbox.domain.webhook_endpoints import Renderers
from sandbox.errors import SandboxError
from sandbox.faces.control.routes import control_app
from sandbox.faces.json import EXCEPTION_HANDLERS, JSONResponse, refusal, status_of
from sandbox.faces.kontomatik import errors as kontomatik_errors
from sandbox.faces.kontomatik import json_errors as kontomatik_json_errors
from sandbox.faces.kontomatik.pages import is_page as is_kontomatik_page
from sandbox.faces.kontomatik.pages import kontomatik_pages
from sandbox.faces.kontomatik.routes import kontomatik_app
from sandbox.faces.native import webhooks as native_webhooks
from sandbox.faces.native.routes import native_app
from sandbox.faces.powens import errors as powens_errors
from sandbox.faces.powens import webhooks as powens_webhooks
from sandbox.faces.powens.routes import powens_app
from sandbox.faces.powens.webview import is_page as is_powens_page
from sandbox.faces.routing import resource
from sandbox.faces.web.routes import PageMount, web_routes
from sandbox.middleware.body_limit import BodyLimit, Wider
from sandbox.middleware.hosts import AllowedHosts, HostCheck
from sandbox.middleware.json_bodies import JsonBodies
from sandbox.middleware.origins import OriginCheck
from sandbox.middleware.request_log import RequestLog
from sandbox.subscriptions import FORMATS
from sandbox.webhooks.worker import WebhookWorker

SPEC = Path(__file__).resolve().parents[1] / "openapi.yaml"
# Where the faces that speak JSON (`sandbox/faces/json.py`) live.
JSON_PATHS = ("/api/", "/_sandbox/")
# Powens' API takes JSON and forms, and answers errors in its own format.
POWENS_PATHS = ("/powens/",)
KONTOMATIK_PATHS = ("/kontomatik/",)
CONTROL_PATHS = ("/_sandbox/",)
# Statement files: any media type, up to their own limit (Kontomatik's Owner Upload and PDF
# statements too, which check their media types themselves).
UPLOAD_PATHS = re.compile(
    r"/api/v1/users/[^/]+/uploads|/kontomatik/v1/(?:owner|pdf/statement(?:-trusted)?)"
)
UPLOAD_SETTING = "SANDBOX_MAX_UPLOAD_BYTES"

# Each webhook format (`sandbox/subscriptions.py`), written and signed by the face that owns it.
WEBHOOK_RENDERERS: Renderers = {
    "native": native_webhooks.RENDERER,
    "powens": powens_webhooks.RENDERER,
}


def _every_format_rendered(renderers: Renderers) -> None:
    """An endpoint may only name a format some face renders: a format named but not registered
    (or the other way round) is a mistake in this file, found before any event is sent."""
    if set(renderers) != set(FORMATS):
        raise RuntimeError(
            f"webhook formats {sorted(FORMATS)} but renderers for {sorted(renderers)}"
        )


async def healthz(request: Request) -> Response:
    platform: Platform = request.app.state.platform
    return JSONResponse({"status": "ok", "scenario": platform.scenario_name})


async def openapi_spec(request: Request) -> Response:
    return Response(SPEC.read_bytes(), media_type="application/yaml")


def edge_refusal(scope: Scope, error: SandboxError) -> Response:
    """A request refused before any route runs: in the native JSON format for the JSON faces,
    a line of text for the rest (the hosted pages, Powens' webview among them, need a tenant's
    colours for their own)."""
    if scope["path"].startswith(JSON_PATHS):
        return refusal(scope, error)
    if scope["path"].startswith(POWENS_PATHS) and not is_powens_page(scope["path"]):
        return powens_errors.answer(scope, error)
    if kontomatik_json_errors.PATHS.fullmatch(scope["path"]):
        return kontomatik_json_errors.answer(error)
    if scope["path"].startswith(KONTOMATIK_PATHS) and not is_kontomatik_page(scope["path"]):
        return kontomatik_errors.reply(error)
    return PlainTextResponse(f"{error.message}\n", status_code=status_of(error))


def http_error(request: Request, error: Exception) -> Response:
    """A path no route takes: in Powens' format under `/powens/` (a path with a line break
    escapes every mount), in Kontomatik's under `/kontomatik/`, in the native one elsewhere."""
    if request.url.path.startswith(POWENS_PATHS):
        return powens_errors.http_error(request, error)
    if request.url.path.startswith(KONTOMATIK_PATHS):
        return kontomatik_errors.http_error(request, error)
    return EXCEPTION_HANDLERS[HTTPException](request, error)


def create_app(platform: Platform, renderers: Renderers = WEBHOOK_RENDERERS) -> Starlette:
    _every_format_rendered(renderers)
    # The formats whose body is written when the event is emitted (the domain imports no face).
    snapshots.register(renderers)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        worker = WebhookWorker(platform.db, platform.settings, renderers)
        await worker.start()
        try:
            yield
        finally:
            await worker.stop()

    hosts = AllowedHosts.of(platform.settings)
    app = Starlette(
        routes=[
            # First the data APIs, the busiest: no other route shares their prefixes, and each
            # route tried before the one that matches costs every request a few µs.
            Mount("/api/v1", app=native_app(platform)),
            # A page mount, so a path with a line break reaches the webview's HTML 404 too.
            PageMount("/powens", app=powens_app(platform)),
            Mount("/kontomatik/v1", app=kontomatik_app(platform)),
            # The widget's pages and files; any other path under /kontomatik gets an HTML 404.
            *kontomatik_pages(platform),
            resource("/healthz", get=healthz),
            resource("/openapi.yaml", get=openapi_spec),
            Mount("/_sandbox", app=control_app(platform, renderers)),
            *web_routes(platform),
        ],
        middleware=[
            Middleware(RequestLog),
            # The edge checks, cheapest and widest first (sandbox/middleware, README "Security").
            Middleware(HostCheck, hosts=hosts, answer=edge_refusal),
            Middleware(OriginCheck, paths=CONTROL_PATHS, hosts=hosts, answer=edge_refusal),
            Middleware(JsonBodies, paths=JSON_PATHS, answer=edge_refusal, files=UPLOAD_PATHS),
            Middleware(
                BodyLimit,
                max_bytes=platform.settings.max_body_bytes,
                wider=Wider(UPLOAD_PATHS, platform.settings.max_upload_bytes, UPLOAD_SETTING),
            ),
        ],
        exception_handlers={**EXCEPTION_HANDLERS, HTTPException: http_error},
        lifespan=lifespan,
    )
    app.state.platform = platform
    return app
