"""The pages of the hosted connect and management UI, one per step of the flow (as the connect
platform documents them): what `GET /connect/{session_id}` shows where the flow is, filled from
the domain's answers. The forms that move the flow on are `connect_handlers.py`.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from sandbox.domain.errors import NotFound
from sandbox.domain.flow import Flow
from sandbox.domain.platform import Platform
from sandbox.domain.progress import Step
from sandbox.domain.records import Challenge
from sandbox.domain.services.flows import ConnectFlows
from sandbox.domain.states import ScaStatus
from sandbox.faces.web.headers import EMBEDDED_IN, allow_framing
from sandbox.faces.web.views import (
    CREDENTIALS_HINT,
    LOGIN_STATE_LABELS,
    account_type_choice,
    app_url,
    bank_url,
    bank_view,
    clock_time,
    connect_url,
    date_time,
    day,
    day_of,
    flow_page,
    method_label,
    see_other,
    short_type,
)


def flows(request: Request) -> ConnectFlows:
    platform: Platform = request.app.state.platform
    return platform.flows


def seen(request: Request, flow: Flow) -> Flow:
    """Remember the flow's tenant so an error page on this request wears its colours, and let
    the page that embeds the flow (if a face opened it for one) frame the answer."""
    request.state.tenant = flow.tenant
    allow_framing(request, flow.session.options.get(EMBEDDED_IN))
    return flow


# --- Pages, one per step ------------------------------------------------------------------------


def banks_page(request: Request, flow: Flow, search_url: str) -> Response:
    query = request.query_params.get("q", "")[:100]
    offered = flows(request).offered_banks(flow)
    countries = sorted({bank.country for bank in offered})
    country = request.query_params.get("country", "")
    country = country if country in countries else ""
    platform: Platform = request.app.state.platform
    shown = platform.banks.search(flow.tenant, text=query, country=country, among=offered)
    return flow_page(
        "connect/banks.html",
        flow,
        banks=[
            {**bank_view(bank), "url": connect_url(flow.session.id, "banks", bank.id)}
            for bank in shown
        ],
        countries=countries,
        query=query,
        country=country,
        search_url=search_url,
    )


def account_type_page(request: Request, flow: Flow) -> Response:
    bank = flow.bank
    assert bank is not None
    return flow_page(
        "connect/account_type.html",
        flow,
        bank=bank_view(bank),
        account_types=[account_type_choice(t) for t in flows(request).account_types(flow, bank)],
        action_url=connect_url(flow.session.id, "account-type"),
        back_url=connect_url(flow.session.id, "banks"),
    )


def credentials_page(
    request: Request, flow: Flow, *, error: str | None = None, login: str = "", status: int = 200
) -> Response:
    bank = flow.bank
    assert bank is not None
    return flow_page(
        "connect/credentials.html",
        flow,
        status_code=status,
        bank=bank_view(bank),
        action_url=connect_url(flow.session.id, "login"),
        login=login or flow.login_hint or "",
        error=error,
        hint=CREDENTIALS_HINT,
    )


def sca_page(
    request: Request, flow: Flow, challenge: Challenge, *, error: str | None = None
) -> Response:
    bank = flow.bank
    assert bank is not None
    sid = flow.session.id
    if challenge.approach == "redirect":
        return see_other(bank_url(bank.id, "approve", sid))
    if challenge.approach == "decoupled":
        return flow_page(
            "connect/sca_wait.html",
            flow,
            bank=bank_view(bank),
            status_url=connect_url(sid, "sca", "status"),
            check_url=connect_url(sid),
            app_url=app_url(bank.id, sid),
            expires_at=clock_time(challenge.expires_at),
        )
    methods = flows(request).sca_methods(flow, challenge)
    if challenge.status is ScaStatus.STARTED:
        return flow_page(
            "connect/sca_method.html",
            flow,
            bank=bank_view(bank),
            methods=[{"value": m.method.value, "label": method_label(m, bank)} for m in methods],
            action_url=connect_url(sid, "sca", "method"),
        )
    chosen = next(m for m in methods if m.method.value == challenge.method)
    return flow_page(
        "connect/sca_otp.html",
        flow,
        status_code=400 if error else 200,
        bank=bank_view(bank),
        method_label=method_label(chosen, bank),
        attempts_left=flows(request).attempts_left(challenge),
        error=error,
        action_url=connect_url(sid, "sca", "otp"),
    )


def already_connected_page(request: Request, flow: Flow) -> Response:
    """The login typed is connected for this user already: renew it rather than repeat it."""
    bank = flow.bank
    assert bank is not None
    sid = flow.session.id
    login = flows(request).connected_login(flow)
    return flow_page(
        "connect/already_connected.html",
        flow,
        bank=bank_view(bank),
        login_name=login.persona_login,
        connected_on=day(login.created_at),
        state_label=LOGIN_STATE_LABELS[login.state],
        access_until=day(login.consent.expires_at) if login.consent else None,
        renew_url=connect_url(sid, "manage", str(login.id), "renew"),
        back_url=connect_url(sid, "banks"),
    )


def consent_page(request: Request, flow: Flow) -> Response:
    bank = flow.bank
    assert bank is not None
    return flow_page(
        "connect/consent.html",
        flow,
        bank=bank_view(bank),
        validity_days=bank.consent_days,
        history_days=flow.history_days,
        expires_on=day(flows(request).expires_on(flow)),
        data_shared=[
            "Account names, numbers and balances",
            f"Transactions of the last {flow.history_days} days, and new ones as they arrive",
            "The account holder's name and address",
        ],
        accounts=[
            {
                "key": offer.key,
                "name": offer.name,
                "type_label": short_type(offer.type),
                "identifier": offer.identifier,
                "currency": offer.currency,
                "checked": True,
            }
            for offer in flows(request).consent_offer(flow)
        ],
        action_url=connect_url(flow.session.id, "consent"),
    )


def history_page(request: Request, flow: Flow) -> Response:
    """The short confirmation of a history extension, after its SCA."""
    bank = flow.bank
    assert bank is not None
    offer = flows(request).history_offer(flow)
    return flow_page(
        "connect/history.html",
        flow,
        bank=bank_view(bank),
        days=offer.days,
        since=day_of(offer.since),
        current_days=offer.current_days,
        action_url=connect_url(flow.session.id, "history"),
    )


def manage_page(request: Request, flow: Flow) -> Response:
    sid = flow.session.id
    logins = flows(request).managed_logins(flow)
    return flow_page(
        "manage/list.html",
        flow,
        bank_logins=[
            {
                "id": managed.login.id,
                "bank_name": managed.bank.name,
                "bank_colour": managed.bank.colour,
                "state": managed.login.state.value,
                "state_label": LOGIN_STATE_LABELS[managed.login.state],
                "needs_action": managed.needs_action,
                "consent_expires": day(managed.login.consent.expires_at)
                if managed.login.consent
                else None,
                "last_sync": date_time(managed.login.last_sync_at),
                "accounts_count": managed.accounts_count,
                "renew_url": connect_url(sid, "manage", str(managed.login.id), "renew"),
                "delete_url": connect_url(sid, "manage", str(managed.login.id), "delete"),
            }
            for managed in logins
        ],
        add_url=f"{connect_url(sid)}?addBankLogin=true",
        leave_url=connect_url(sid, "leave"),
        user_label=flows(request).user_of(flow).external_id,
    )


def failed_page(request: Request, flow: Flow) -> Response:
    error = flow.progress.error
    assert error is not None
    bank = flow.bank
    return flow_page(
        "error.html",
        flow,
        title=f"{bank.name} could not be connected" if bank else "The bank could not be connected",
        message=error.message,
        code=error.code,
        back_url=None,
        leave_url=connect_url(flow.session.id, "leave"),
    )


def _bank_login_page(request: Request, flow: Flow) -> Response:
    """The login is typed at the bank's own page."""
    assert flow.bank is not None
    return see_other(bank_url(flow.bank.id, "authorize", flow.session.id))


def _bank_list(request: Request, flow: Flow) -> Response:
    return banks_page(request, flow, connect_url(flow.session.id))


# The page of each step a flow is shown at; `sca` is `step_page`'s own, and a flow that is
# `done` has used its session up, so no page shows it.
STEP_PAGES = {
    Step.BANK: _bank_list,
    Step.ACCOUNT_TYPE: account_type_page,
    Step.CREDENTIALS: credentials_page,
    Step.BANK_LOGIN: _bank_login_page,
    Step.ALREADY_CONNECTED: already_connected_page,
    Step.CONSENT: consent_page,
    Step.HISTORY: history_page,
    Step.MANAGE: manage_page,
    Step.FAILED: failed_page,
}


def step_page(request: Request, flow: Flow) -> Response:
    """The page of the step the flow is at; at `sca`, the challenge's page until it is decided,
    then the page of the step its decision led to."""
    if flow.progress.step is Step.SCA:
        flow, challenge = flows(request).sca_progress(flow.session.id, seen=flow)
        if flow.progress.step is Step.SCA and challenge is not None:
            return sca_page(request, flow, challenge)
    shown = STEP_PAGES.get(flow.progress.step)
    if shown is None:
        raise NotFound(f"The flow is at a step with no page: {flow.progress.step.value!r}.")
    return shown(request, flow)
