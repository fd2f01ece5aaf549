"""Control API: the tenant's webhook events with their delivery attempts, a page at a time,
and any event fired on demand."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from sandbox.faces.control import render
from sandbox.faces.control.bodies import FireEvent
from sandbox.faces.control.context import limit_of, platform_of, tenant_of
from sandbox.faces.json import JSONResponse, read_model
from sandbox.faces.queries import decode_last_id, encode_last_id


async def list_webhooks(request: Request) -> Response:
    """The tenant's webhook events, newest first, each with its delivery attempts, a page at a
    time: `next_cursor` continues below the page's last event."""
    cursor = request.query_params.get("cursor")
    before = None if cursor is None else decode_last_id("webhooks", cursor)
    limit = limit_of(request, default=50)
    page = platform_of(request).events.deliveries(tenant_of(request), before, limit)
    last = page.next_before
    return JSONResponse(
        {
            "deliveries": [render.delivery_json(delivery) for delivery in page.deliveries],
            "next_cursor": None if last is None else encode_last_id("webhooks", last),
        }
    )


async def fire_webhook(request: Request) -> Response:
    """Emit any event now, built from a bank login's (or user's) current data."""
    body = await read_model(request, FireEvent)
    delivery = platform_of(request).events.fire(
        tenant_of(request), body.event, bank_login_id=body.bank_login_id, user_id=body.user_id
    )
    return JSONResponse(render.delivery_json(delivery), status_code=202)
