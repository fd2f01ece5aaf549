"""Errors of the hosted pages, each an HTML page in one place: never JSON, never a stack trace.

A step posted out of turn (the back button, a second tab) is no error: the user is sent to where
the flow is. Everything else gets `error.html` with a status from one table, in the tenant's
colours when the page knows the tenant.
"""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from sandbox.clock import ClockError
from sandbox.domain.fakebank import BankRefusal
from sandbox.domain.flow import WrongStep
from sandbox.domain.platform import Platform
from sandbox.domain.sessions import SessionGone, gone_session
from sandbox.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    SandboxError,
    TooLarge,
    Unavailable,
)
from sandbox.faces.web.csrf import CsrfRefused
from sandbox.faces.web.views import SANDBOX_BRAND, brand, connect_url, page, see_other

log = logging.getLogger("sandbox.web")

# (error class, status, page title); the first class that matches wins.
ERROR_PAGES: list[tuple[type[Exception], int, str]] = [
    (SessionGone, 410, "This link is no longer valid"),
    (CsrfRefused, 403, "This form has expired"),
    (NotFound, 404, "Page not found"),
    (TooLarge, 413, "That was too much data"),
    (Unavailable, 503, "The sandbox is busy"),
    (Conflict, 409, "That cannot be done now"),
    (ClockError, 409, "That cannot be done now"),
    (InvalidInput, 400, "That did not work"),
    (BankRefusal, 400, "The bank said no"),
]
HTTP_TITLES = {404: "Page not found", 405: "Not allowed here"}


def session_id_of(request: Request) -> str | None:
    """The session a hosted-UI or bank URL is about: in the path, or `?session=`."""
    return request.path_params.get("session_id") or request.query_params.get("session") or None


def error_page(
    request: Request, status: int, title: str, message: str, code: str, back_url: str | None
) -> Response:
    tenant = getattr(request.state, "tenant", None)
    return page(
        "error.html",
        status_code=status,
        brand=brand(tenant) if tenant is not None else SANDBOX_BRAND,
        title=title,
        message=message,
        code=code,
        back_url=back_url,
    )


def sandbox_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, SandboxError)
    session_id = session_id_of(request)
    if isinstance(error, WrongStep) and session_id is not None:
        return see_other(connect_url(session_id))
    status, title = next(
        ((status, title) for kind, status, title in ERROR_PAGES if isinstance(error, kind)),
        (400, "That did not work"),
    )
    back_url = None
    if isinstance(error, SessionGone):
        platform: Platform = request.app.state.platform
        gone = gone_session(platform.db, session_id or "")
        if not gone.known:  # never was a link: not found, rather than gone
            status, title = 404, "This link is not valid"
        back_url = gone.exit_url
    elif session_id is not None and getattr(request.state, "tenant", None) is not None:
        back_url = connect_url(session_id)
    return error_page(request, status, title, error.message, error.code, back_url)


def http_error(request: Request, error: Exception) -> Response:
    """Starlette's own 404 (no such page) and 405 (wrong method), as pages."""
    assert isinstance(error, HTTPException)
    status = error.status_code
    title = HTTP_TITLES.get(status, "That did not work")
    message = {
        404: "There is no page at this address.",
        405: f"{request.method} is not allowed on this page.",
    }.get(status, str(error.detail))
    response = error_page(request, status, title, message, "http_error", None)
    for name, value in (error.headers or {}).items():
        response.headers[name] = value
    return response


def server_error(request: Request, error: Exception) -> Response:
    """A bug: logged for us, a plain apology for the user."""
    log.exception("error on %s %s", request.method, request.url.path, exc_info=error)
    return error_page(
        request,
        500,
        "Something went wrong",
        "The sandbox hit an unexpected problem. Go back and try again.",
        "server_error",
        None,
    )


EXCEPTION_HANDLERS = {
    SandboxError: sandbox_error,
    HTTPException: http_error,
    Exception: server_error,
}
