"""JSON in and out for the faces that speak the native format (`/api/v1`, `/_sandbox`).

Errors: `{"error": {"code", "message", "details"}}`. Bodies are parsed into pydantic models that
refuse unknown fields, and every problem is named in `details` as `{"field", "message"}`.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, TypeVar

import orjson
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, model_validator
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope

from sandbox.domain.errors import (
    BankRefusal,
    ClockError,
    ClockOutOfRange,
    Conflict,
    Forbidden,
    InvalidInput,
    LoginNotUsable,
    NotFound,
    RateLimited,
    SandboxError,
    SessionGone,
    TooLarge,
    Unauthorized,
    Unavailable,
    UnknownBank,
)
from sandbox.domain.imports import ImportJob, Problem
from sandbox.domain.records import BankLogin
from sandbox.errors import UnsupportedMediaType
from sandbox.iso import iso

Model = TypeVar("Model", bound=BaseModel)

STATUS = {
    NotFound: 404,
    Conflict: 409,
    InvalidInput: 422,
    ClockError: 409,
    ClockOutOfRange: 422,
    BankRefusal: 409,
    LoginNotUsable: 409,
    RateLimited: 429,
    Unauthorized: 401,
    Forbidden: 403,
    TooLarge: 413,
    Unavailable: 503,
    UnsupportedMediaType: 415,
    SessionGone: 410,  # a connect link unknown, expired or used (the hosted pages' 410 too)
}

# Domain codes this format spells its own way: every 404 of the JSON APIs says `not_found`.
CODE = {UnknownBank: "not_found"}


def wire_code(error: SandboxError) -> str:
    return next((code for kind, code in CODE.items() if isinstance(error, kind)), error.code)


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


def error_response(
    status: int, code: str, message: str, details: Any = None, headers: dict | None = None
) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "details": details}}
    return JSONResponse(body, status_code=status, headers=headers)


def status_of(error: SandboxError) -> int:
    return next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)


def sandbox_error(request: Request, error: Exception) -> JSONResponse:
    """Exception handler: a SandboxError in the native format with its mapped status."""
    assert isinstance(error, SandboxError)
    return error_json(error)


def refusal(scope: Scope, error: SandboxError) -> JSONResponse:
    """How the HTTP edge (`sandbox/middleware`) answers a request it refuses before any route
    runs, for the faces that speak this format."""
    return error_json(error)


def error_json(error: SandboxError) -> JSONResponse:
    status = status_of(error)
    headers = {"WWW-Authenticate": 'Bearer realm="bank-sandbox"'} if status == 401 else None
    return error_response(
        status, wire_code(error), error.message, error.details, headers or retry_after(error)
    )


def retry_after(error: SandboxError) -> dict[str, str] | None:
    """`Retry-After` in whole seconds (at least 1) for a limit that names its end, and 1 for a
    sandbox too busy to answer."""
    if isinstance(error, Unavailable):
        return {"Retry-After": "1"}
    if not isinstance(error, RateLimited) or error.retry_at is None:
        return None
    seconds = math.ceil((error.retry_at - error.now).total_seconds())
    return {"Retry-After": str(max(seconds, 1))}


def http_error(request: Request, error: Exception) -> JSONResponse:
    """Exception handler for Starlette's own 404/405 so they too speak the native format."""
    assert isinstance(error, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
    message = {
        404: f"no route {request.url.path}",
        405: f"{request.method} is not allowed on {request.url.path}",
    }.get(error.status_code, str(error.detail))
    return error_response(error.status_code, code, message, None, error.headers)


EXCEPTION_HANDLERS = {SandboxError: sandbox_error, HTTPException: http_error}


async def read_model(
    request: Request, model: type[Model], context: dict[str, Any] | None = None
) -> Model:
    """The request's JSON body as `model` (validated with `context`, for rules that depend on
    settings); InvalidInput names every wrong or unknown field. The HTTP edge has already
    refused bodies that are not labelled JSON (`sandbox/middleware/json_bodies.py`)."""
    raw = await request.body()
    try:
        data = orjson.loads(raw or b"{}")
    except orjson.JSONDecodeError as error:
        raise InvalidInput(f"the body is not valid JSON: {error}") from None
    try:
        return model.model_validate(data, context=context)
    except ValidationError as error:
        details = [
            {"field": ".".join(map(str, item["loc"])) or "(body)", "message": _message(item)}
            for item in error.errors(include_url=False)
        ]
        fields = ", ".join(detail["field"] for detail in details)
        raise InvalidInput(f"invalid body: {fields}", details=details) from None


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


# Text that can be stored in any database (PostgreSQL refuses NUL in strings).
Text = Annotated[str, AfterValidator(_no_nul)]


class Body(BaseModel):
    """A request body: unknown keys and explicit nulls are refused, so a typo never passes."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_nulls(cls, data: object) -> object:
        if isinstance(data, dict):
            nulls = [key for key, value in data.items() if value is None]
            if nulls:
                raise ValueError(
                    f"leave out keys you do not set instead of null: {', '.join(nulls)}"
                )
        return data


def _message(item: Any) -> str:
    if item["type"] == "extra_forbidden":
        return "unknown field"
    return item["msg"].removeprefix("Value error, ")


def bank_login_json(login: BankLogin) -> dict[str, Any]:
    """A bank login as the native and control APIs show it."""
    consent = login.consent
    return {
        "id": login.id,
        "user_id": login.external_user_id,
        "bank_id": login.bank_id,
        "account_type": login.account_type,
        "state": login.state.value,
        "state_detail": login.state_detail,
        "state_until": iso(login.state_until),
        "consent": None
        if consent is None
        else {
            "granted_at": consent.granted_at.isoformat(),
            "expires_at": consent.expires_at.isoformat(),
            "history_days": consent.history_days,
        },
        "sync_count": login.sync_count,
        "last_sync_at": iso(login.last_sync_at),
        "created_at": login.created_at.isoformat(),
        "sources": [
            {
                "kind": source.kind,
                "priority": source.priority,
                "disabled": source.disabled,
                "state": source.state,
                "last_update": iso(source.last_update),
            }
            for source in login.sources
        ],
    }


def import_job_json(job: ImportJob) -> dict[str, Any]:
    """An import job as the native and control APIs show it; what it imported and how it
    ended are null until it is finished."""
    return {
        "id": job.id,
        "bank_login_id": job.bank_login_id,
        "user_id": job.external_user_id,
        "kind": job.kind.value,
        "status": job.status.value,
        "progress": job.progress,
        "created_at": job.created_at.isoformat(),
        "finished_at": iso(job.finished_at),
        "new_accounts": job.new_accounts,
        "new_transactions": job.new_transactions,
        "deleted_accounts": job.deleted_accounts,
        "partial": job.partial,
        "warning": _problem_json(job.warning),
        "error": _problem_json(job.error),
    }


def _problem_json(problem: Problem | None) -> dict[str, Any] | None:
    if problem is None:
        return None
    return {"code": problem.code, "message": problem.message, "details": problem.details}
