"""Errors of the Kontomatik face's JSON endpoints (Owner Upload, the PDF statement API, Income
Confirmation, SignIn Redirection): `{"exception": {"name", "message"}}`, with the status and
exception name the XML endpoints give the same domain error (`errors.TABLE`), so an
integration reads one vocabulary. Problems with a body's parts are listed too:
`"errors": [{"where", "message"}]`, `where` being a JSON path (`$.accounts[0].iban`) or a
page of a PDF. Kontomatik does not publish these bodies; the shape is the sandbox's (README,
"Kontomatik face")."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from sandbox.domain.errors import UnreadableStatement
from sandbox.errors import InvalidInput, SandboxError
from sandbox.faces.json import JSONResponse, retry_after
from sandbox.faces.kontomatik.errors import TABLE, NotKnown, masked
from sandbox.faces.kontomatik.errors import http_error as xml_http_error

# The JSON endpoints: what the app's edge refusals (a Host it does not serve, a body over the
# limit) answer in JSON rather than Kontomatik's XML.
PATHS = re.compile(
    r"/kontomatik/v1/(?:owner|owner-income-confirmation|pdf/statement(?:-trusted)?"
    r"|signin/redirection(?:-status)?)"
)


class VerificationFailed(InvalidInput):
    """The PDF API's standard mode: the file failed a verification that says it was changed."""

    code = "verification_failed"


# Before TABLE: a statement that cannot be read is the request's content, not a parameter.
OWN: list[tuple[type[SandboxError], int, str]] = [
    (UnreadableStatement, 422, "InvalidStatement"),
    (VerificationFailed, 422, "StatementVerificationFailed"),
]
MAX_LISTED = 100

Handler = Callable[[Request], Awaitable[Response]]


def status_and_name(error: SandboxError) -> tuple[int, str]:
    return next(
        ((code, name) for kind, code, name in (*OWN, *TABLE) if isinstance(error, kind)),
        (400, "InvalidParameter"),
    )


def body(name: str, message: str, problems: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    exception: dict[str, Any] = {"name": name, "message": message}
    if problems:
        exception["errors"] = problems[:MAX_LISTED]
    return {"exception": exception}


def _problems(error: SandboxError) -> list[dict[str, Any]]:
    """Where and what, from the error's details (`problems` as the statement readers list
    them; `field` as the face's own checks name one)."""
    details = error.details if isinstance(error.details, dict) else {}
    listed = details.get("problems")
    if isinstance(listed, list):
        return [
            {"where": str(one.get("where")), "message": str(one.get("message"))}
            for one in listed
            if isinstance(one, dict)
        ]
    if "field" in details:
        return [{"where": str(details["field"]), "message": error.message}]
    return []


def answer(error: SandboxError) -> Response:
    """The error as the JSON endpoints answer it; an unknown caller gets 401 with the masked key
    and address, as the XML endpoints' `<comment>` says them."""
    if isinstance(error, NotKnown):
        message = (
            "We don't know who you are. We see your request as originating from IP "
            f'{masked(error.address)} with API key "{masked(error.key)}". Send your tenant\'s '
            "Kontomatik API key in the X-Api-Key header from one of its allowed_ips."
        )
        return JSONResponse(body("Unauthorized", message), 401)
    status, name = status_and_name(error)
    return JSONResponse(body(name, error.message, _problems(error)), status, retry_after(error))


def http_error(request: Request, error: Exception) -> Response:
    """No such method on a JSON endpoint (405, with `Allow`) in JSON; any other path as the
    XML endpoints answer it."""
    assert isinstance(error, HTTPException)
    if not PATHS.fullmatch(request.url.path):
        return xml_http_error(request, error)
    name, message = "InvalidParameter", f"no such Kontomatik API path: {request.url.path}"
    if error.status_code == 405:
        message = "this method is not allowed here"
    return JSONResponse(body(name, message), error.status_code, headers=error.headers)


def json_errors(handler: Handler) -> Handler:
    """Runs the handler with its errors answered in JSON (the face's app answers in XML)."""

    @wraps(handler)
    async def run(request: Request) -> Response:
        try:
            return await handler(request)
        except SandboxError as error:
            return answer(error)

    return run
