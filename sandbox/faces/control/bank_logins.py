"""Control API: bank logins made, forced and synced without the hosted UI, and SCA challenges
listed and decided on the user's behalf, whichever face started them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from sandbox.domain.states import ScaStatus
from sandbox.faces.control import render
from sandbox.faces.control.bodies import ForcedState, NewBankLogin
from sandbox.faces.control.context import platform_of, tenant_of
from sandbox.faces.json import JSONResponse, bank_login_json, read_model
from sandbox.faces.paths import path_id
from sandbox.faces.queries import BadQuery


async def create_bank_login(request: Request) -> Response:
    """A connected bank login without the hosted UI, for tests that do not exercise it."""
    body = await read_model(request, NewBankLogin)
    login, result = platform_of(request).bank_logins.connect_directly(
        tenant_of(request),
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
    login = platform_of(request).bank_logins.force_state(
        tenant_of(request),
        path_id(request, "bank_login_id", "bank login"),
        body.state,
        body.detail,
        body.until,
    )
    return JSONResponse(bank_login_json(login))


async def expire_bank_login_consent(request: Request) -> Response:
    """End the bank login's consent now; the consent notices go out at once."""
    login = platform_of(request).consents.expire(
        tenant_of(request), path_id(request, "bank_login_id", "bank login")
    )
    return JSONResponse(bank_login_json(login))


async def sync_bank_login(request: Request) -> Response:
    """A sync now, outside the daily limit; the bank's refusals still apply (409)."""
    login, result = platform_of(request).bank_logins.sync_now(
        tenant_of(request), path_id(request, "bank_login_id", "bank login")
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
    challenge = platform_of(request).sca.decide(
        tenant_of(request), path_id(request, "challenge_id", "challenge"), approve=approve
    )
    return JSONResponse(
        {"challenge_id": challenge.id, "approach": challenge.approach, "status": challenge.status}
    )


async def list_sca_challenges(request: Request) -> Response:
    """The tenant's challenges as they stand now, so a test can approve a decoupled SCA
    started through any face without the hosted UI."""
    tenant = tenant_of(request)
    found = platform_of(request).sca.list(tenant, _sca_status(request))
    return JSONResponse({"challenges": [render.challenge_json(listed) for listed in found]})


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
