"""Errors in Powens' format, `{"code", "description", "message", "request_id"}`, with Powens'
codes and statuses: one table from the domain's errors (and the face's own) to both."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope

from sandbox.domain.errors import (
    BadCredentials,
    BadFilter,
    BankRefusal,
    ClockError,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
    SandboxError,
    TooLarge,
    Unauthorized,
    Unavailable,
)
from sandbox.errors import UnsupportedMediaType
from sandbox.faces.json import retry_after
from sandbox.faces.queries import BadQuery


class PowensFaceError(SandboxError):
    """A request this face refuses by Powens' own rules; `code` is Powens' word for it."""


class MissingParameter(PowensFaceError):
    code = "missingParameter"

    def __init__(self, name: str) -> None:
        super().__init__(f"Missing parameter: {name}", details={"parameter": name})


class InvalidValue(PowensFaceError):
    code = "invalidValue"

    def __init__(self, name: str, why: str) -> None:
        super().__init__(f"Invalid value for {name}: {why}", details={"parameter": name})


class NoAccount(PowensFaceError):
    """Transactions asked of a user who has no enabled account."""

    code = "noAccount"


# (class, status, Powens code): first match wins, so the narrow classes come first.
TABLE: list[tuple[type[Exception], int, str]] = [
    (MissingParameter, 400, "missingParameter"),
    (InvalidValue, 400, "invalidValue"),
    # Powens' documentation answers 409 (its spec says 400): the documented one is emitted.
    (NoAccount, 409, "noAccount"),
    # The one refusal a call answers with: a wrong password when a connection is made. Every
    # later refusal is the connection's state, as Powens shows it.
    (BankRefusal, 400, "wrongpass"),
    (BadQuery, 400, "invalidValue"),
    (BadFilter, 400, "invalidValue"),
    (BadCredentials, 401, "unauthorized"),
    (Unauthorized, 401, "unauthorized"),
    (Forbidden, 403, "forbidden"),
    (NotFound, 404, "notFound"),
    (ClockError, 409, "invalidValue"),
    (Conflict, 409, "invalidValue"),
    (InvalidInput, 400, "invalidValue"),
    (TooLarge, 413, "invalidValue"),
    (UnsupportedMediaType, 415, "invalidValue"),
    (RateLimited, 429, "tooManySync"),
    (Unavailable, 503, "websiteUnavailable"),
]


class PowensJSON(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


def error_body(
    code: str, description: str, request_id: str | None, message: str | None = None
) -> dict[str, Any]:
    return {"code": code, "description": description, "message": message, "request_id": request_id}


def _request_id(scope: Scope) -> str | None:
    return scope.get("state", {}).get("request_id")


def status_and_code(error: Exception) -> tuple[int, str]:
    for kind, status, code in TABLE:
        if isinstance(error, kind):
            return status, code
    return 400, "invalidValue"


def answer(scope: Scope, error: SandboxError) -> PowensJSON:
    status, code = status_and_code(error)
    headers = {"WWW-Authenticate": 'Bearer realm="powens"'} if status == 401 else None
    body = error_body(code, error.message, _request_id(scope))
    return PowensJSON(body, status_code=status, headers=headers or retry_after(error))


def powens_error(request: Request, error: Exception) -> PowensJSON:
    assert isinstance(error, SandboxError)
    return answer(request.scope, error)


def http_error(request: Request, error: Exception) -> PowensJSON:
    """Starlette's own 404 and 405 in Powens' words."""
    assert isinstance(error, HTTPException)
    code, description = {
        404: ("notFound", f"Resource was not found: {request.url.path}"),
        405: ("methodNotAllowed", f"{request.method} is not allowed on {request.url.path}"),
    }.get(error.status_code, ("invalidValue", str(error.detail)))
    body = error_body(code, description, _request_id(request.scope))
    return PowensJSON(body, status_code=error.status_code, headers=error.headers)


EXCEPTION_HANDLERS = {SandboxError: powens_error, HTTPException: http_error}
