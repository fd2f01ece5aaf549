"""Errors of `/api/v1` in the native format: the shared status table, plus what only the data
API raises (a bad query, a bank login the user must act on, a bank that refused); a rate limit
is a 429 with `Retry-After`."""

from __future__ import annotations

from starlette.requests import Request

from sandbox.domain.errors import BadFilter, BankRefusal, LoginNotUsable, SandboxError
from sandbox.faces import json
from sandbox.faces.json import JSONResponse, error_response, retry_after, wire_code
from sandbox.faces.native.auth import CHALLENGE
from sandbox.faces.queries import BadQuery

# First match wins, so the data API's own errors come before the shared table.
STATUS = {BadQuery: 400, BadFilter: 400, LoginNotUsable: 409, BankRefusal: 409, **json.STATUS}


def native_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, SandboxError)
    status = next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)
    headers = {"WWW-Authenticate": CHALLENGE} if status == 401 else retry_after(error)
    return error_response(status, wire_code(error), error.message, error.details, headers)


EXCEPTION_HANDLERS = {**json.EXCEPTION_HANDLERS, SandboxError: native_error}
