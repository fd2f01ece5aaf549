"""Control API: tenants (isolated platform clients, one per test run) and their virtual
clocks, modelled on moto's `/moto-api` resets and Stripe's test clocks."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from sandbox.domain.errors import InvalidInput
from sandbox.domain.face_keys import POWENS, kontomatik_keys
from sandbox.domain.tenants import Tenant, TenantOptions
from sandbox.faces.control import render
from sandbox.faces.control.bodies import AnalyticsModules, ClockMove, NewTenant
from sandbox.faces.control.context import platform_of, tenant_of
from sandbox.faces.json import JSONResponse, read_model
from sandbox.urls import registration_context


async def create_tenant(request: Request) -> Response:
    platform = platform_of(request)
    context = registration_context(platform.settings.webhook_allow_link_local)
    body = await read_model(request, NewTenant, context)
    options = TenantOptions(
        tenant_id=body.tenant_id,
        name=body.name,
        redirect_uris=body.redirect_uris,
        webhook_url=body.webhook_url,
        webhook_secret=body.webhook_secret,
    )
    # Reading a scenario is CPU work up to the scenario limits: a thread does it, so the
    # server keeps answering other requests meanwhile.
    tenant = await run_in_threadpool(
        platform_of(request).tenants.create,
        options,
        scenario=body.scenario,
        scenario_yaml=body.scenario_yaml,
    )
    return _tenant(request, tenant, status_code=201)


async def list_tenants(request: Request) -> Response:
    platform = platform_of(request)
    found = platform.tenants.list()
    urls = platform.webhook_endpoints.oldest_urls()
    return JSONResponse(
        {"tenants": [_tenant_json(request, tenant, urls.get(tenant.id)) for tenant in found]}
    )


async def get_tenant(request: Request) -> Response:
    return _tenant(request, tenant_of(request))


def _tenant(request: Request, tenant: Tenant, status_code: int = 200) -> Response:
    urls = platform_of(request).webhook_endpoints.oldest_urls([tenant])
    return JSONResponse(_tenant_json(request, tenant, urls.get(tenant.id)), status_code=status_code)


def _tenant_json(request: Request, tenant: Tenant, webhook_url: str | None) -> dict:
    """The tenant with its keys on each provider face, at this server's address."""
    base = str(request.base_url).rstrip("/")
    keys = platform_of(request).callers.face_keys(tenant, POWENS)
    return {
        **render.tenant_json(tenant, webhook_url),
        "powens": render.powens_json(base, tenant, keys),
        "kontomatik": render.kontomatik_json(base, kontomatik_keys(tenant)),
    }


async def delete_tenant(request: Request) -> Response:
    platform_of(request).tenants.delete(request.path_params["tenant_id"])
    return Response(status_code=204)


async def reset_tenant(request: Request) -> Response:
    tenant = platform_of(request).tenants.reset(request.path_params["tenant_id"])
    return _tenant(request, tenant)


async def get_clock(request: Request) -> Response:
    tenant = tenant_of(request)
    return JSONResponse(render.clock_json(tenant))


async def move_clock(request: Request) -> Response:
    body = await read_model(request, ClockMove)
    if body.set is not None and body.set.tzinfo is None:
        raise InvalidInput("`set` needs a time zone, for example 2027-06-01T09:00:00Z")
    tenant = platform_of(request).clock.move(
        request.path_params["tenant_id"], advance=body.advance, to=body.set, freeze=body.freeze
    )
    return JSONResponse(render.clock_json(tenant))


async def get_analytics(request: Request) -> Response:
    return JSONResponse(render.analytics_json(tenant_of(request)))


async def set_analytics(request: Request) -> Response:
    """Turn on the modules named, off the others."""
    body = await read_model(request, AnalyticsModules)
    tenant = platform_of(request).analytics.set_modules(tenant_of(request), body.modules)
    return JSONResponse(render.analytics_json(tenant))
