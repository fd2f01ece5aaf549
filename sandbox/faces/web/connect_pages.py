"""The hosted connect and management pages, `/connect/{session_id}…` (as the connect platform
documents them).

`GET /connect/{session_id}` shows the page of the step the flow is at; each form posts to its
own URL and is answered with a redirect back to it (POST-redirect-GET), and a GET of a form's
URL leads there too. Every rule is the domain's (`sandbox.domain.connect` and `manage`); this
module only reads forms and fills templates. Nothing a GET does uses a session up: leaving is
a posted form.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from sandbox.domain.errors import BankRefusal, NotFound, SessionGone
from sandbox.domain.flow import Flow
from sandbox.domain.platform import Platform
from sandbox.domain.records import Challenge
from sandbox.domain.services.flows import ConnectFlows
from sandbox.domain.states import ScaStatus
from sandbox.faces.web.csrf import Form, check_token, read_form
from sandbox.faces.web.views import (
    CREDENTIALS_HINT,
    LOGIN_STATE_LABELS,
    SANDBOX_BRAND,
    account_type_choice,
    app_url,
    bank_url,
    bank_view,
    clock_time,
    connect_url,
    date_time,
    day,
    day_of,
    flow_context,
    json,
    method_label,
    page,
    see_other,
    short_type,
)

TRUE = {"true", "1", "yes"}
MAX_ID = 2**63 - 1  # the largest id a database integer holds


def _flows(request: Request) -> ConnectFlows:
    platform: Platform = request.app.state.platform
    return platform.flows


def _sid(request: Request) -> str:
    return request.path_params["session_id"]


def _seen(request: Request, flow: Flow) -> Flow:
    """Remember the flow's tenant so an error page on this request wears its colours."""
    request.state.tenant = flow.tenant
    return flow


def _load(request: Request) -> Flow:
    return _seen(request, _flows(request).load(_sid(request)))


@dataclass
class Posted:
    """A form posted to a step. The step's transaction runs `check` on the session it reads
    (the CSRF token; the error page's colours), so a post reads its session once; `flow` is
    the flow as the check found it."""

    request: Request
    form: Form
    flow: Flow | None = None

    def check(self, flow: Flow) -> None:
        self.flow = _seen(self.request, flow)
        check_token(self.form, flow.session)


async def _posted(request: Request) -> Posted:
    return Posted(request, await read_form(request))


def _bank_login_id(request: Request) -> int:
    raw = request.path_params["bank_login_id"]
    if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
        raise NotFound(f"There is no bank login {raw!r} here.")
    return int(raw)


# --- Pages, one per step ------------------------------------------------------------------------


def banks_page(request: Request, flow: Flow, search_url: str) -> Response:
    query = request.query_params.get("q", "")[:100]
    offered = _flows(request).offered_banks(flow)
    countries = sorted({bank.country for bank in offered})
    country = request.query_params.get("country", "")
    country = country if country in countries else ""
    platform: Platform = request.app.state.platform
    shown = platform.banks.search(flow.tenant, text=query, country=country, among=offered)
    return page(
        "connect/banks.html",
        **flow_context(flow),
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
    return page(
        "connect/account_type.html",
        **flow_context(flow),
        bank=bank_view(bank),
        account_types=[account_type_choice(t) for t in _flows(request).account_types(flow, bank)],
        action_url=connect_url(flow.session.id, "account-type"),
        back_url=connect_url(flow.session.id, "banks"),
    )


def credentials_page(
    request: Request, flow: Flow, *, error: str | None = None, login: str = "", status: int = 200
) -> Response:
    bank = flow.bank
    assert bank is not None
    return page(
        "connect/credentials.html",
        status_code=status,
        **flow_context(flow),
        bank=bank_view(bank),
        action_url=connect_url(flow.session.id, "login"),
        login=login or flow.session.progress.get("renew_login") or "",
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
        return page(
            "connect/sca_wait.html",
            **flow_context(flow),
            bank=bank_view(bank),
            status_url=connect_url(sid, "sca", "status"),
            check_url=connect_url(sid),
            app_url=app_url(bank.id, sid),
            expires_at=clock_time(challenge.expires_at),
        )
    methods = _flows(request).sca_methods(flow, challenge)
    if challenge.status is ScaStatus.STARTED:
        return page(
            "connect/sca_method.html",
            **flow_context(flow),
            bank=bank_view(bank),
            methods=[{"value": m.method.value, "label": method_label(m, bank)} for m in methods],
            action_url=connect_url(sid, "sca", "method"),
        )
    chosen = next(m for m in methods if m.method.value == challenge.method)
    return page(
        "connect/sca_otp.html",
        status_code=400 if error else 200,
        **flow_context(flow),
        bank=bank_view(bank),
        method_label=method_label(chosen, bank),
        attempts_left=_flows(request).attempts_left(challenge),
        error=error,
        action_url=connect_url(sid, "sca", "otp"),
    )


def already_connected_page(request: Request, flow: Flow) -> Response:
    """The login typed is connected for this user already: renew it rather than repeat it."""
    bank = flow.bank
    assert bank is not None
    sid = flow.session.id
    login = _flows(request).connected_login(flow)
    return page(
        "connect/already_connected.html",
        **flow_context(flow),
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
    return page(
        "connect/consent.html",
        **flow_context(flow),
        bank=bank_view(bank),
        validity_days=bank.consent_days,
        history_days=bank.history_days,
        expires_on=day(_flows(request).expires_on(flow)),
        data_shared=[
            "Account names, numbers and balances",
            f"Transactions of the last {bank.history_days} days, and new ones as they arrive",
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
            for offer in _flows(request).consent_offer(flow)
        ],
        action_url=connect_url(flow.session.id, "consent"),
    )


def history_page(request: Request, flow: Flow) -> Response:
    """The short confirmation of a history extension, after its SCA."""
    bank = flow.bank
    assert bank is not None
    offer = _flows(request).history_offer(flow)
    return page(
        "connect/history.html",
        **flow_context(flow),
        bank=bank_view(bank),
        days=offer.days,
        since=day_of(offer.since),
        current_days=offer.current_days,
        action_url=connect_url(flow.session.id, "history"),
    )


def manage_page(request: Request, flow: Flow) -> Response:
    sid = flow.session.id
    logins = _flows(request).managed_logins(flow)
    return page(
        "manage/list.html",
        **flow_context(flow),
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
        user_label=_flows(request).user_of(flow).external_id,
    )


def failed_page(request: Request, flow: Flow) -> Response:
    error = flow.session.progress["error"]
    bank = flow.bank
    return page(
        "error.html",
        **flow_context(flow),
        title=f"{bank.name} could not be connected" if bank else "The bank could not be connected",
        message=error["message"],
        code=error["code"],
        back_url=None,
        leave_url=connect_url(flow.session.id, "leave"),
    )


def step_page(request: Request, flow: Flow) -> Response:
    """The page of the step the flow is at."""
    sid = flow.session.id
    if flow.step == "sca":
        flow, challenge = _flows(request).sca_progress(sid)
        if flow.step == "sca" and challenge is not None:
            return sca_page(request, flow, challenge)
    if flow.step == "bank":
        return banks_page(request, flow, connect_url(sid))
    if flow.step == "account_type":
        return account_type_page(request, flow)
    if flow.step == "credentials":
        return credentials_page(request, flow)
    if flow.step == "bank_login":
        assert flow.bank is not None
        return see_other(bank_url(flow.bank.id, "authorize", sid))
    if flow.step == "already_connected":
        return already_connected_page(request, flow)
    if flow.step == "consent":
        return consent_page(request, flow)
    if flow.step == "history":
        return history_page(request, flow)
    if flow.step == "manage":
        return manage_page(request, flow)
    if flow.step == "failed":
        return failed_page(request, flow)
    raise NotFound(f"The flow is at an unknown step {flow.step!r}.")


# --- Handlers ------------------------------------------------------------------------------------


async def start(request: Request) -> Response:
    """`/connect/`: where an error page leads when its URL names no session it could go back to."""
    return page(
        "start.html",
        brand=SANDBOX_BRAND,
        sessions_path="/api/v1/connect-sessions",
        spec_url="/openapi.yaml",
    )


async def to_current_step(request: Request) -> Response:
    """A form's address opened with GET (a reload after a refused form, the address bar, a
    bookmark) shows the step the flow is at rather than a 405; it changes nothing, so a
    prefetch of it is harmless too."""
    return see_other(connect_url(_load(request).session.id))


async def show(request: Request) -> Response:
    """The entry URL and every step's page; `?multiple=true` and `?addBankLogin=true` are applied
    (idempotently: opened twice, or prefetched, they change nothing more), then the clean URL is
    shown."""
    params = request.query_params
    multiple = params.get("multiple", "").lower() in TRUE
    add_bank_login = params.get("addBankLogin", "").lower() in TRUE
    if multiple or add_bank_login:
        _seen(
            request,
            _flows(request).enter(_sid(request), multiple=multiple, add_bank_login=add_bank_login),
        )
        return see_other(connect_url(_sid(request)))
    return step_page(request, _load(request))


async def banks(request: Request) -> Response:
    """The bank list again ("Other bank"), while a bank may still be chosen."""
    flow = _seen(request, _flows(request).choosing_bank(_sid(request)))
    return banks_page(request, flow, connect_url(flow.session.id, "banks"))


async def choose_bank(request: Request) -> Response:
    """A bank row of the list is a link, so choosing is a GET; choosing the same bank again
    leads to the same step, so a prefetch or a HEAD changes nothing more than one click."""
    bank_id = request.path_params["bank_id"]
    _flows(request).choose_bank(_sid(request), bank_id, check=lambda f: _seen(request, f))
    return see_other(connect_url(_sid(request)))


async def choose_account_type(request: Request) -> Response:
    posted = await _posted(request)
    account_type = posted.form.get("account_type")
    _flows(request).choose_account_type(_sid(request), account_type, check=posted.check)
    return see_other(connect_url(_sid(request)))


async def log_in(request: Request) -> Response:
    posted = await _posted(request)
    login, password = posted.form.get("login"), posted.form.get("password")
    try:
        _flows(request).log_in(_sid(request), login, password, check=posted.check)
    except BankRefusal as refusal:
        assert posted.flow is not None  # the bank refuses only once the check has passed
        return credentials_page(
            request, posted.flow, error=refusal.message, login=login, status=400
        )
    return see_other(connect_url(_sid(request)))


async def choose_sca_method(request: Request) -> Response:
    posted = await _posted(request)
    _flows(request).choose_sca_method(_sid(request), posted.form.get("method"), check=posted.check)
    return see_other(connect_url(_sid(request)))


async def enter_otp(request: Request) -> Response:
    posted = await _posted(request)
    flow, challenge = _flows(request).enter_otp(
        _sid(request), posted.form.get("otp"), check=posted.check
    )
    if flow.step == "sca" and challenge.status is ScaStatus.PENDING:
        return sca_page(request, flow, challenge, error="That code is not right.")
    return see_other(connect_url(_sid(request)))


async def sca_status(request: Request) -> Response:
    """What the waiting page polls: `pending` until the bank decides, then where to go."""
    sid = _sid(request)
    try:
        flow, challenge = _flows(request).sca_progress(sid)
    except SessionGone:
        return json({"status": "gone", "next_url": connect_url(sid)})
    if challenge is None:
        status = "none"
    elif flow.step == "sca" and challenge.status in (ScaStatus.STARTED, ScaStatus.PENDING):
        status = "pending"
    else:
        status = challenge.status.value
    return json({"status": status, "next_url": connect_url(sid)})


async def grant_consent(request: Request) -> Response:
    posted = await _posted(request)
    _flow, url = _flows(request).grant_consent(
        _sid(request), posted.form.getlist("accounts"), check=posted.check
    )
    return see_other(url or connect_url(_sid(request)))


async def share_history(request: Request) -> Response:
    posted = await _posted(request)
    _flow, url = _flows(request).share_history(_sid(request), check=posted.check)
    return see_other(url or connect_url(_sid(request)))


async def cancel(request: Request) -> Response:
    posted = await _posted(request)
    _flow, url = _flows(request).cancel(_sid(request), check=posted.check)
    return see_other(url or connect_url(_sid(request)))


async def leave(request: Request) -> Response:
    """Back to the client: the management list's "Done" and the failed flow's "Return to …".
    It uses the session up, so it is a posted form with the token, never a link a prefetcher
    could follow."""
    posted = await _posted(request)
    return see_other(_flows(request).leave(_sid(request), check=posted.check))


async def renew(request: Request) -> Response:
    posted = await _posted(request)
    _flows(request).start_renewal(_sid(request), _bank_login_id(request), check=posted.check)
    return see_other(connect_url(_sid(request)))


async def delete(request: Request) -> Response:
    posted = await _posted(request)
    _flows(request).remove_bank_login(_sid(request), _bank_login_id(request), check=posted.check)
    return see_other(connect_url(_sid(request)))
