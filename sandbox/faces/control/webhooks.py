"""Control API: the tenant's webhook endpoints (listed, added, deleted), its webhook events with
their deliveries and attempts, a page at a time, and any event fired on demand."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from sandbox.faces.control import render
from sandbox.faces.control.bodies import FireEvent, NewWebhookEndpoint
from sandbox.faces.control.context import limit_of, platform_of, renderers_of, tenant_of
from sandbox.faces.json import JSONResponse, read_model
from sandbox.faces.paths import path_id
from sandbox.faces.queries import decode_last_id, encode_last_id
from sandbox.urls import registration_context


async def list_webhooks(request: Request) -> Response:
    """The tenant's webhook events, newest first, each once per endpoint it was written for,
    a page at a time: `next_cursor` continues below the page's last event."""
    cursor = request.query_params.get("cursor")
    before = None if cursor is None else decode_last_id("webhooks", cursor)
    limit = limit_of(request, default=50)
    page = platform_of(request).events.deliveries(tenant_of(request), before, limit)
    last = page.next_before
    renderers = renderers_of(request)
    return JSONResponse(
        {
            "deliveries": [
                render.delivery_json(delivery, renderers) for delivery in page.deliveries
            ],
            "next_cursor": None if last is None else encode_last_id("webhooks", last),
        }
    )


async def fire_webhook(request: Request) -> Response:
    """Emit any event now, built from a bank login's (or user's) current data."""
    body = await read_model(request, FireEvent)
    delivery = platform_of(request).events.fire(
        tenant_of(request), body.event, bank_login_id=body.bank_login_id, user_id=body.user_id
    )
    return JSONResponse(render.delivery_json(delivery, renderers_of(request)), status_code=202)


async def list_endpoints(request: Request) -> Response:
    """Oldest first, with their secrets: a test verifies signatures with them."""
    found = platform_of(request).webhook_endpoints.list(tenant_of(request))
    return JSONResponse({"endpoints": [render.endpoint_json(endpoint) for endpoint in found]})


async def add_endpoint(request: Request) -> Response:
    """A new endpoint for the events emitted from now on; its secret is generated unless given."""
    platform = platform_of(request)
    context = registration_context(platform.settings.webhook_allow_link_local)
    body = await read_model(request, NewWebhookEndpoint, context)
    endpoint = platform.webhook_endpoints.add(
        tenant_of(request), body.url, secret=body.secret, format=body.format, events=body.events
    )
    return JSONResponse(render.endpoint_json(endpoint), status_code=201)


async def delete_endpoint(request: Request) -> Response:
    """Its pending deliveries are dropped; what was delivered or failed stays listed."""
    platform_of(request).webhook_endpoints.delete(
        tenant_of(request), path_id(request, "endpoint_id", "webhook endpoint")
    )
    return Response(status_code=204)
