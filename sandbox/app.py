"""Builds the Starlette app: one mount per face, the middleware, the health check, and the
lifespan that runs the webhook delivery worker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount

from sandbox.domain.platform import Platform
from sandbox.faces.control.routes import control_app
from sandbox.faces.json import EXCEPTION_HANDLERS, JSONResponse
from sandbox.faces.native.routes import native_app
from sandbox.faces.routing import resource
from sandbox.faces.web.routes import web_routes
from sandbox.middleware.body_limit import BodyLimit
from sandbox.middleware.request_log import RequestLog
from sandbox.webhooks.worker import WebhookWorker

SPEC = Path(__file__).resolve().parents[1] / "openapi.yaml"


async def healthz(request: Request) -> Response:
    platform: Platform = request.app.state.platform
    return JSONResponse({"status": "ok", "scenario": platform.scenario_name})


async def openapi_spec(request: Request) -> Response:
    return Response(SPEC.read_bytes(), media_type="application/yaml")


def create_app(platform: Platform) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        worker = WebhookWorker(platform.db, platform.settings)
        await worker.start()
        try:
            yield
        finally:
            await worker.stop()

    app = Starlette(
        routes=[
            # First: the data API is the busiest, and no other route shares its prefix.
            Mount("/api/v1", app=native_app(platform)),
            resource("/healthz", get=healthz),
            resource("/openapi.yaml", get=openapi_spec),
            Mount("/_sandbox", app=control_app(platform)),
            *web_routes(platform),
        ],
        middleware=[
            Middleware(RequestLog),
            Middleware(BodyLimit, max_bytes=platform.settings.max_body_bytes),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    app.state.platform = platform
    return app
