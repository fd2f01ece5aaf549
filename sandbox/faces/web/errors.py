"""Errors of the hosted pages, each an HTML page in one place: never JSON, never a stack trace.

A step posted out of turn (the back button, a second tab) is no error: the user is sent to where
the flow is. Everything else gets `error.html` with a status from one table, in the colours of
the tenant whose session the URL names, with a way back that works (`way_back.py`).
"""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from sandbox.domain.errors import (
    BankRefusal,
    ClockError,
    Conflict,
    InvalidInput,
    NotFound,
    SandboxError,
    SessionGone,
    TooLarge,
    Unavailable,
    WrongStep,
)
from sandbox.faces.json import retry_after
from sandbox.faces.web.csrf import CsrfRefused
from sandbox.faces.web.headers import EMBEDDED_IN, allow_framing
from sandbox.faces.web.views import connect_url, page, see_other
from sandbox.faces.web.way_back import session_id_of, trace, way_back

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


def error_page(
    request: Request, error: Exception, status: int, title: str, message: str, code: str
) -> Response:
    """The page, in the colours of the session's tenant when the URL names a known session,
    with its way back (`way_back.py`)."""
    found = trace(request, error)
    if isinstance(error, SessionGone) and not found.known:  # never was a link: not found
        status, title = 404, "This link is not valid"
    back = way_back(request, error, found)
    if found.session is not None:  # an error inside an embedded flow shows in its frame
        allow_framing(request, found.session.options.get(EMBEDDED_IN))
    return page(
        "error.html",
        status_code=status,
        brand=back.brand,
        title=title,
        message=message,
        code=code,
        back_url=back.url,
        back_label=back.label,
        leave_url=back.form_url,
        csrf_token=back.csrf_token,
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
    response = error_page(request, error, status, title, error.message, error.code)
    response.headers.update(retry_after(error) or {})  # a busy sandbox asks to be retried
    return response


def http_error(request: Request, error: Exception) -> Response:
    """Starlette's own 404 (no such page) and 405 (wrong method), as pages."""
    assert isinstance(error, HTTPException)
    status = error.status_code
    title = HTTP_TITLES.get(status, "That did not work")
    message = {
        404: "There is no page at this address.",
        405: f"{request.method} is not allowed on this page.",
    }.get(status, str(error.detail))
    response = error_page(request, error, status, title, message, "http_error")
    for name, value in (error.headers or {}).items():
        response.headers[name] = value
    return response


def server_error(request: Request, error: Exception) -> Response:
    """A bug: logged for us, a plain apology for the user."""
    log.exception("error on %s %s", request.method, request.url.path, exc_info=error)
    return error_page(
        request,
        error,
        500,
        "Something went wrong",
        "The sandbox hit an unexpected problem. Go back and try again.",
        "server_error",
    )


EXCEPTION_HANDLERS = {
    SandboxError: sandbox_error,
    HTTPException: http_error,
    Exception: server_error,
}
