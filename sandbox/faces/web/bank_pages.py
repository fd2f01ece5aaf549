"""The fake banks' own pages, `/bank/{bank_id}/…`: the login page of webauth sources and
redirect SCA, the approval page of redirect SCA, and the bank's phone app that approves a
decoupled SCA (scenarios/README.md, "SCA approaches"). They look like the bank's site, not the
platform's, so a user sees they left it; the flow's rules are still the domain's.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from sandbox.domain.errors import BankRefusal
from sandbox.domain.flow import Flow
from sandbox.domain.platform import Platform
from sandbox.domain.records import Challenge
from sandbox.domain.services.flows import BankSite
from sandbox.domain.states import ScaStatus
from sandbox.faces.callbacks import callback_url
from sandbox.faces.web.csrf import checked_form
from sandbox.faces.web.headers import EMBEDDED_IN, allow_framing
from sandbox.faces.web.views import (
    app_url,
    bank_url,
    bank_view,
    brand,
    clock_time,
    connect_url,
    page,
    see_other,
)

# What the app shows for each state of the request.
APP_STATUS = {
    ScaStatus.STARTED: "pending",
    ScaStatus.PENDING: "pending",
    ScaStatus.APPROVED: "approved",
    ScaStatus.REJECTED: "rejected",
    ScaStatus.FAILED: "expired",
    ScaStatus.EXPIRED: "expired",
}


def _site(request: Request) -> BankSite:
    platform: Platform = request.app.state.platform
    return platform.bank_site


def _load(request: Request, session_id: str) -> Flow:
    platform: Platform = request.app.state.platform
    return platform.flows.load(session_id)


def _bank_id(request: Request) -> str:
    return request.path_params["bank_id"]


def _session_query(request: Request) -> str:
    """The `?session=` of the login and approval pages, as a bank's authorize URL carries it."""
    return request.query_params.get("session", "")


def _at_page(request: Request, page_name: str) -> Flow:
    flow = _site(request).page(_session_query(request), _bank_id(request), page_name)
    request.state.tenant = flow.tenant
    # The bank's login and approval pages open in the frame of an embedded flow.
    allow_framing(request, flow.session.options.get(EMBEDDED_IN))
    return flow


def _bank_context(flow: Flow) -> dict:
    bank = flow.bank
    assert bank is not None
    return {
        "brand": brand(flow.tenant),
        "tenant_name": brand(flow.tenant)["name"],
        "csrf_token": flow.session.csrf_token,
        "bank": bank_view(bank),
        "cancel_url": bank_url(bank.id, "cancel", flow.session.id),
        "focus": EMBEDDED_IN not in flow.session.options,
    }


def authorize_page(
    flow: Flow, *, error: str | None = None, login: str = "", status: int = 200
) -> Response:
    assert flow.bank is not None
    return page(
        "bank/authorize.html",
        status_code=status,
        **_bank_context(flow),
        action_url=bank_url(flow.bank.id, "authorize", flow.session.id),
        error=error,
        login=login or flow.progress.renew_login or "",
    )


async def authorize(request: Request) -> Response:
    return authorize_page(_at_page(request, "authorize"))


async def log_in(request: Request) -> Response:
    flow = _at_page(request, "authorize")
    form = await checked_form(request, flow.session)
    login = form.get("login")
    try:
        _site(request).log_in(flow.session.id, _bank_id(request), login, form.get("password"))
    except BankRefusal as refusal:
        return authorize_page(flow, error=refusal.message, login=login, status=400)
    return see_other(connect_url(flow.session.id))


async def approve_page(request: Request) -> Response:
    flow = _at_page(request, "approve")
    assert flow.bank is not None
    return page(
        "bank/approve.html",
        **_bank_context(flow),
        scope=[
            "Your accounts and their balances",
            f"Your transactions of the last {flow.history_days} days",
            "Your name and address",
        ],
        approve_url=bank_url(flow.bank.id, "approve", flow.session.id),
    )


async def approve(request: Request) -> Response:
    flow = _at_page(request, "approve")
    await checked_form(request, flow.session)
    _site(request).decide(flow.session.id, approve=True)
    return see_other(connect_url(flow.session.id))


async def to_current_step(request: Request) -> Response:
    """The cancel form's address opened with GET: the flow's page, which leads back to the
    bank's page when the flow is still at the bank; nothing is cancelled."""
    flow = _load(request, _session_query(request))
    request.state.tenant = flow.tenant
    return see_other(connect_url(flow.session.id))


async def cancel(request: Request) -> Response:
    """ "Cancel" on the login page and "Deny" on the approval page: straight back to the client,
    which is told `status=error&error=cancelled_at_bank`."""
    flow = _load(request, _session_query(request))
    request.state.tenant = flow.tenant
    await checked_form(request, flow.session)
    exit = _site(request).cancel(flow.session.id, _bank_id(request))
    return see_other(callback_url(request.app.state.platform, exit))


# --- The bank's app -------------------------------------------------------------------------------


def _app_request(flow: Flow, challenge: Challenge) -> str:
    if challenge.purpose == "extend_history":
        return f"to read {flow.history_days} days of your transaction history"
    return "to log in to your accounts"


def _app_page(flow: Flow, challenge: Challenge) -> Response:
    bank = flow.bank
    assert bank is not None
    sid = flow.session.id
    tenant_name = brand(flow.tenant)["name"]
    return page(
        "bank/app.html",
        brand=brand(flow.tenant),
        csrf_token=flow.session.csrf_token,
        bank=bank_view(bank),
        tenant_name=tenant_name,
        status=APP_STATUS[challenge.status],
        request_text=f"{tenant_name} asks {_app_request(flow, challenge)}. "
        f"Request from {clock_time(challenge.created_at)}.",
        approve_url=app_url(bank.id, sid, "approve"),
        reject_url=app_url(bank.id, sid, "reject"),
    )


def _app_flow(request: Request) -> tuple[Flow, Challenge]:
    flow, challenge = _site(request).app_request(
        request.path_params["session_id"], _bank_id(request)
    )
    request.state.tenant = flow.tenant
    return flow, challenge


async def app(request: Request) -> Response:
    return _app_page(*_app_flow(request))


async def _decide(request: Request, approve: bool) -> Response:
    flow, _challenge = _app_flow(request)
    await checked_form(request, flow.session)
    _site(request).app_decision(flow.session.id, _bank_id(request), approve)
    return see_other(app_url(_bank_id(request), flow.session.id))


async def to_app(request: Request) -> Response:
    """An app button's address opened with GET: the app's page, which shows where the request
    stands; nothing is decided."""
    flow, _challenge = _app_flow(request)
    return see_other(app_url(_bank_id(request), flow.session.id))


async def app_approve(request: Request) -> Response:
    return await _decide(request, approve=True)


async def app_reject(request: Request) -> Response:
    return await _decide(request, approve=False)
