"""One route per path, whatever its methods, so a 405 names every allowed method in `Allow`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

Handler = Callable[[Request], Awaitable[Response]]


def resource(path: str, **handlers: Handler) -> Route:
    """`resource("/tenants", get=list_tenants, post=create_tenant)`."""
    by_method = {method.upper(): handler for method, handler in handlers.items()}
    if "GET" in by_method:
        by_method.setdefault("HEAD", by_method["GET"])

    async def endpoint(request: Request) -> Response:
        return await by_method[request.method](request)

    return Route(path, endpoint, methods=list(by_method))


def polls(request: Request) -> bool:
    """Whether a read of something that unfolds as it is polled (an import job, a command)
    moves it on: a GET does; a HEAD, served by the same handler, only looks."""
    return request.method != "HEAD"
