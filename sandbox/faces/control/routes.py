"""The control API, `/_sandbox`: what a test steers (tenants, the virtual clock) and sees
(webhook deliveries).

Modelled on moto's `/moto-api` and Stripe's test clocks: create an isolated tenant per test run,
reset it, and move its clock; list the webhooks sent and fire any event on demand.
"""

from __future__ import annotations

import hmac
import re
from datetime import datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, ConfigDict, Field, field_validator, model_validator
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.clock import parse_duration
from sandbox.domain.deliveries import Delivery
from sandbox.domain.errors import InvalidInput, NotFound, Unauthorized
from sandbox.domain.platform import Platform
from sandbox.domain.sca import ListedChallenge
from sandbox.domain.states import LoginState, ScaStatus
from sandbox.domain.tenants import Tenant, TenantOptions
from sandbox.faces.control import imports
from sandbox.faces.json import (
    EXCEPTION_HANDLERS,
    Body,
    JSONResponse,
    bank_login_json,
    error_response,
    read_model,
)
from sandbox.faces.queries import BadQuery
from sandbox.faces.routing import resource


class NewTenant(Body):
    scenario: str | None = Field(default=None, min_length=1, max_length=64)
    scenario_yaml: str | None = Field(default=None, min_length=1)
    tenant_id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,62}$")] | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)
    redirect_uris: list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9+.-]*://")]] | None = None
    webhook_url: Annotated[str, Field(pattern=r"^https?://")] | None = None
    webhook_secret: str | None = Field(default=None, min_length=8)

    @model_validator(mode="after")
    def _one_scenario(self) -> NewTenant:
        if self.scenario is not None and self.scenario_yaml is not None:
            raise ValueError("give `scenario` (a shipped name) or `scenario_yaml`, not both")
        return self


class ClockMove(Body):
    advance: timedelta | None = None
    set: datetime | None = None
    freeze: bool | None = None

    @field_validator("advance", mode="before")
    @classmethod
    def _duration(cls, value: object) -> object:
        if not isinstance(value, str):
            raise ValueError("give an ISO 8601 duration such as P181D or PT5M")
        return parse_duration(value)

    @model_validator(mode="after")
    def _exactly_one(self) -> ClockMove:
        given = [name for name in ("advance", "set", "freeze") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of `advance`, `set` or `freeze`")
        return self


class NewBankLogin(Body):
    user_id: str = Field(min_length=1, max_length=128)
    bank_id: str = Field(min_length=1, max_length=64)
    login: str = Field(min_length=1, max_length=64)
    account_type: str | None = Field(default=None, max_length=32)


class ForcedState(Body):
    state: LoginState
    detail: str | None = Field(default=None, min_length=1, max_length=200)
    until: datetime | None = None

    @field_validator("until")
    @classmethod
    def _zoned(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give `until` a time zone, for example 2026-03-01T09:00:00Z")
        return value


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


class FireEvent(Body):
    """Strict: `"bank_login_id": "7"` is a 422, as the spec's integer type says."""

    model_config = ConfigDict(extra="forbid", strict=True)

    event: str = Field(min_length=1, max_length=64)
    bank_login_id: int | None = Field(default=None, ge=1, le=999_999_999_999_999_999)
    user_id: Annotated[str, AfterValidator(_no_nul)] | None = Field(
        default=None, min_length=1, max_length=128
    )


MAX_DELIVERIES = 500
_WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")


def _platform(request: Request) -> Platform:
    return request.app.state.platform


def _tenant(request: Request) -> Tenant:
    return _platform(request).tenants.get(request.path_params["tenant_id"])


def _tenant_json(tenant: Tenant) -> dict:
    return {
        "tenant_id": tenant.id,
        "name": tenant.name,
        "scenario": tenant.scenario_name,
        "client_id": tenant.client_id,
        "client_secret": tenant.client_secret,
        "api_key": tenant.api_key,
        "redirect_uris": tenant.redirect_uris,
        "webhook_url": tenant.webhook_url,
        "clock": _clock_json(tenant),
        "created_at": tenant.created_at.isoformat(),
    }


def _clock_json(tenant: Tenant) -> dict:
    return {"now": tenant.now().isoformat(), "frozen": tenant.clock.frozen}


async def create_tenant(request: Request) -> Response:
    body = await read_model(request, NewTenant)
    options = TenantOptions(
        tenant_id=body.tenant_id,
        name=body.name,
        redirect_uris=body.redirect_uris,
        webhook_url=body.webhook_url,
        webhook_secret=body.webhook_secret,
    )
    tenant = _platform(request).tenants.create(
        options, scenario=body.scenario, scenario_yaml=body.scenario_yaml
    )
    return JSONResponse(_tenant_json(tenant), status_code=201)


async def list_tenants(request: Request) -> Response:
    found = _platform(request).tenants.list()
    return JSONResponse({"tenants": [_tenant_json(tenant) for tenant in found]})


async def get_tenant(request: Request) -> Response:
    tenant = _tenant(request)
    return JSONResponse(_tenant_json(tenant))


async def delete_tenant(request: Request) -> Response:
    _platform(request).tenants.delete(request.path_params["tenant_id"])
    return Response(status_code=204)


async def reset_tenant(request: Request) -> Response:
    tenant = _platform(request).tenants.reset(request.path_params["tenant_id"])
    return JSONResponse(_tenant_json(tenant))


async def get_clock(request: Request) -> Response:
    tenant = _tenant(request)
    return JSONResponse(_clock_json(tenant))


async def move_clock(request: Request) -> Response:
    body = await read_model(request, ClockMove)
    if body.set is not None and body.set.tzinfo is None:
        raise InvalidInput("`set` needs a time zone, for example 2027-06-01T09:00:00Z")
    tenant = _platform(request).clock.move(
        request.path_params["tenant_id"], advance=body.advance, to=body.set, freeze=body.freeze
    )
    return JSONResponse(_clock_json(tenant))


async def create_bank_login(request: Request) -> Response:
    """A connected bank login without the hosted UI, for tests that do not exercise it."""
    body = await read_model(request, NewBankLogin)
    login, result = _platform(request).bank_logins.connect(
        _tenant(request),
        external_user_id=body.user_id,
        bank_id=body.bank_id,
        login=body.login,
        account_type=body.account_type,
    )
    payload = {
        **bank_login_json(login),
        "new_accounts": result.new_accounts,
        "new_transactions": result.new_transactions,
    }
    return JSONResponse(payload, status_code=201)


async def force_bank_login_state(request: Request) -> Response:
    """Put the bank login in any state (lifting by itself at `until`, when given)."""
    body = await read_model(request, ForcedState)
    login = _platform(request).bank_logins.force_state(
        _tenant(request),
        _int_param(request, "bank_login_id"),
        body.state,
        body.detail,
        body.until,
    )
    return JSONResponse(bank_login_json(login))


async def expire_bank_login_consent(request: Request) -> Response:
    """End the bank login's consent now; the consent notices go out at once."""
    login = _platform(request).bank_logins.expire_consent(
        _tenant(request), _int_param(request, "bank_login_id")
    )
    return JSONResponse(bank_login_json(login))


async def sync_bank_login(request: Request) -> Response:
    """A sync now, outside the daily limit; the bank's refusals still apply (409)."""
    login, result = _platform(request).bank_logins.sync_now(
        _tenant(request), _int_param(request, "bank_login_id")
    )
    return JSONResponse(
        {
            **bank_login_json(login),
            "new_accounts": result.new_accounts,
            "new_transactions": result.new_transactions,
        }
    )


async def approve_sca(request: Request) -> Response:
    return await _decide_sca(request, approve=True)


async def reject_sca(request: Request) -> Response:
    return await _decide_sca(request, approve=False)


async def _decide_sca(request: Request, approve: bool) -> Response:
    """Approve or reject a pending decoupled (or redirect) SCA on the user's behalf."""
    challenge = _platform(request).sca.decide(
        _tenant(request), _int_param(request, "challenge_id"), approve=approve
    )
    return JSONResponse(
        {"challenge_id": challenge.id, "approach": challenge.approach, "status": challenge.status}
    )


async def list_sca_challenges(request: Request) -> Response:
    """The tenant's challenges as they stand now, so a test can approve a decoupled SCA
    started through any face without the hosted UI."""
    tenant = _tenant(request)
    found = _platform(request).sca.list(tenant, _sca_status(request))
    return JSONResponse({"challenges": [_challenge_json(listed) for listed in found]})


def _sca_status(request: Request) -> ScaStatus | None:
    unknown = set(request.query_params) - {"status"}
    if unknown:
        raise BadQuery(sorted(unknown)[0][:64], "is unknown: this route takes status")
    raw = request.query_params.get("status")
    if raw is None:
        return None
    try:
        return ScaStatus(raw)
    except ValueError:
        known = [status.value for status in ScaStatus]
        raise BadQuery("status", f"must be one of {', '.join(known)}", allowed=known) from None


def _challenge_json(listed: ListedChallenge) -> dict:
    challenge = listed.challenge
    return {
        "id": challenge.id,
        "approach": challenge.approach,
        "method": challenge.method,
        "status": challenge.status.value,
        "bank_login_id": challenge.bank_login_id,
        "user_id": listed.external_user_id,
        "bank_id": challenge.bank_id,
        "created_at": challenge.created_at.isoformat(),
        "expires_at": challenge.expires_at.isoformat(),
    }


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _delivery_json(delivery: Delivery) -> dict:
    return {
        "event_id": delivery.event_id,
        "type": delivery.type,
        "status": delivery.status,
        "attempts": [
            {
                "at": attempt.at.isoformat(),
                "status_code": attempt.status_code,
                "error": attempt.error,
                "duration_ms": attempt.duration_ms,
            }
            for attempt in delivery.attempts
        ],
        "created_at": delivery.created_at.isoformat(),
        "delivered_at": _iso(delivery.delivered_at),
        "next_attempt_at": _iso(delivery.next_attempt_at),
        "payload": delivery.payload,
    }


async def list_webhooks(request: Request) -> Response:
    """The tenant's webhook events, newest first, each with its delivery attempts."""
    found = _platform(request).events.deliveries(_tenant(request), _limit(request, default=50))
    return JSONResponse({"deliveries": [_delivery_json(delivery) for delivery in found]})


async def fire_webhook(request: Request) -> Response:
    """Emit any event now, built from a bank login's (or user's) current data."""
    body = await read_model(request, FireEvent)
    delivery = _platform(request).events.fire(
        _tenant(request), body.event, bank_login_id=body.bank_login_id, user_id=body.user_id
    )
    return JSONResponse(_delivery_json(delivery), status_code=202)


def _limit(request: Request, default: int) -> int:
    raw = request.query_params.get("limit")
    if raw is None:
        return default
    if not _WHOLE_NUMBER.fullmatch(raw) or not 1 <= int(raw) <= MAX_DELIVERIES:
        raise BadQuery("limit", f"must be a whole number from 1 to {MAX_DELIVERIES}")
    return int(raw)


def _int_param(request: Request, name: str) -> int:
    raw = request.path_params[name]
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    if not _WHOLE_NUMBER.fullmatch(raw):
        raise NotFound(f"no {name.replace('_', ' ')} {raw!r}")
    return int(raw)


class AdminToken:
    """Requires `Authorization: Bearer <SANDBOX_ADMIN_TOKEN>` whenever a token is configured."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app, self.token = app, token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.token is not None and scope["type"] == "http":
            header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
            given = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
            if not hmac.compare_digest(given.encode(), self.token.encode()):
                error = Unauthorized("the control API needs `Authorization: Bearer <admin token>`")
                response = error_response(
                    401, error.code, error.message, None, {"WWW-Authenticate": "Bearer"}
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def control_app(platform: Platform) -> Starlette:
    routes = [
        resource("/tenants", get=list_tenants, post=create_tenant),
        resource("/tenants/{tenant_id}", get=get_tenant, delete=delete_tenant),
        resource("/tenants/{tenant_id}/reset", post=reset_tenant),
        resource("/tenants/{tenant_id}/clock", get=get_clock, post=move_clock),
        resource("/tenants/{tenant_id}/bank-logins", post=create_bank_login),
        resource(
            "/tenants/{tenant_id}/bank-logins/{bank_login_id}/state", post=force_bank_login_state
        ),
        resource(
            "/tenants/{tenant_id}/bank-logins/{bank_login_id}/expire-consent",
            post=expire_bank_login_consent,
        ),
        resource("/tenants/{tenant_id}/bank-logins/{bank_login_id}/sync", post=sync_bank_login),
        resource("/tenants/{tenant_id}/sca-challenges", get=list_sca_challenges),
        resource("/tenants/{tenant_id}/sca/{challenge_id}/approve", post=approve_sca),
        resource("/tenants/{tenant_id}/sca/{challenge_id}/reject", post=reject_sca),
        resource("/tenants/{tenant_id}/webhooks", get=list_webhooks),
        resource("/tenants/{tenant_id}/webhooks/fire", post=fire_webhook),
        resource("/tenants/{tenant_id}/imports/{import_id}", post=imports.steer_import),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[Middleware(AdminToken, token=platform.settings.admin_token)],
    )
    app.state.platform = platform
    return app
