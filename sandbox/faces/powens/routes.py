"""The Powens face's app: Powens' API under `/{domain}/2.0`, mounted at `/powens`."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount
from starlette.types import ASGIApp

from sandbox.domain.platform import Platform
from sandbox.faces.kept import ReadCache, ServeKept
from sandbox.faces.powens import (
    accounts,
    connections,
    connectors,
    transactions,
    users,
    webauth,
    webhook_auth,
)
from sandbox.faces.powens.errors import EXCEPTION_HANDLERS
from sandbox.faces.powens.webview import webview_routes
from sandbox.faces.routing import resource

API: list[BaseRoute] = [
    resource("/auth/init", post=users.init),
    resource("/auth/token/code", get=users.code),
    resource("/auth/token/access", post=users.exchange),
    resource("/auth/renew", post=users.renew),
    resource("/auth/token", delete=users.revoke),
    resource("/users", get=users.list_users),
    resource("/users/{user_id}", get=users.get_user, delete=users.delete_user),
    resource(
        "/users/{user_id}/connections",
        get=connections.list_connections,
        post=connections.create,
    ),
    resource(
        "/users/{user_id}/connections/{connection_id}",
        get=connections.get_connection,
        post=connections.update,
        put=connections.sync,
        delete=connections.delete,
    ),
    resource("/users/{user_id}/connections/{connection_id}/sources", get=connections.list_sources),
    resource(
        "/users/{user_id}/connections/{connection_id}/sources/{source_id}",
        get=connections.source,
        post=connections.source,
    ),
    *connectors.ROUTES,
    resource("/webauth-url", get=webauth.webauth_url),
    resource("/webauth", get=webauth.webauth),
    *accounts.ROUTES,
    *transactions.ROUTES,
    *webhook_auth.ROUTES,
]


def powens_app(platform: Platform) -> ASGIApp:
    """The face's app, behind the read cache (`faces/kept.py`) when it is on."""
    app = Starlette(
        # The webview's pages first: its legacy URLs lie under a domain's API.
        routes=[*webview_routes(platform), Mount("/{domain}/2.0", routes=API)],
        exception_handlers=EXCEPTION_HANDLERS,
    )
    app.state.platform = platform
    cache_bytes = platform.settings.read_cache_mb * 1024 * 1024
    if not cache_bytes:
        return app
    return ServeKept(app, ReadCache(platform.data_version_this_turn, cache_bytes))
