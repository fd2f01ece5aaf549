"""What the hosted pages show: domain objects turned into the templates' context, the words for
each state, type and method (one table each), and the HTML, redirect and JSON answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from urllib.parse import quote, urlencode

import orjson
from starlette.responses import HTMLResponse, RedirectResponse, Response

from sandbox.domain.banks import AccountType, Bank, ScaMethod, ScaMethodKind
from sandbox.domain.flow import Flow
from sandbox.domain.states import LoginState
from sandbox.domain.tenants import Tenant
from sandbox.faces.flow_scripts import face_script
from sandbox.faces.web.headers import EMBEDDED_IN, page_policy
from sandbox.faces.web.pages import render
from sandbox.faces.web.stencils import Stencils

LANG = "en"
SANDBOX_BRAND = {"name": "bank-sandbox", "colour": "#1f6feb"}
NO_STORE = {"Cache-Control": "no-store"}

ACCOUNT_TYPE_LABELS = {
    AccountType.CHECKING: "Checking account",
    AccountType.SAVINGS: "Savings account",
    AccountType.CREDIT_CARD: "Credit card",
    AccountType.LOAN: "Loan",
    AccountType.DEPOSIT: "Fixed-term deposit",
    AccountType.INVESTMENT: "Investment account",
}
ACCOUNT_TYPE_SHORT = {
    AccountType.CHECKING: "Checking",
    AccountType.SAVINGS: "Savings",
    AccountType.CREDIT_CARD: "Credit card",
    AccountType.LOAN: "Loan",
    AccountType.DEPOSIT: "Deposit",
    AccountType.INVESTMENT: "Investment",
}
SCA_METHOD_LABELS = {
    ScaMethodKind.SMS: "Code by text message (SMS)",
    ScaMethodKind.PUSH: "Push notification in the {bank} app",
    ScaMethodKind.CHIPTAN: "chipTAN with your card reader",
    ScaMethodKind.APP: "Code from the {bank} app",
}
LOGIN_STATE_LABELS = {
    LoginState.CONNECTED: "Connected",
    LoginState.SCA_REQUIRED: "Consent expired",
    LoginState.WEBAUTH_REQUIRED: "Log in again at the bank",
    LoginState.DECOUPLED_PENDING: "Waiting for approval",
    LoginState.WRONG_CREDENTIALS: "Login details changed",
    LoginState.ACTION_NEEDED: "Action needed at the bank",
    LoginState.PASSWORD_EXPIRED: "Password expired",
    LoginState.RATE_LIMITED: "Paused for today",
    LoginState.BANK_UNAVAILABLE: "Bank unavailable",
    LoginState.ERROR: "Error at the bank",
}
CREDENTIALS_HINT = (
    "Log in as good with password pass; every code is 123456. scenarios/README.md lists every "
    "test login, and magic logins such as wrongpass or bank-down work at every bank."
)


# --- URLs ------------------------------------------------------------------------------------


def connect_url(session_id: str, *parts: str) -> str:
    return "/".join(["/connect", quote(session_id, safe=""), *parts])


def bank_url(bank_id: str, page: str, session_id: str) -> str:
    return f"/bank/{quote(bank_id, safe='')}/{page}?{urlencode({'session': session_id})}"


def app_url(bank_id: str, session_id: str, *parts: str) -> str:
    return "/".join(["/bank", quote(bank_id, safe=""), "app", quote(session_id, safe=""), *parts])


# --- Answers ---------------------------------------------------------------------------------


def _rendered(name: str, context: dict[str, Any]) -> tuple[str, str]:
    body = render(name, **context)
    return body, page_policy(body)


_STENCILS = Stencils(_rendered)


def page(
    name: str, *, status_code: int = 200, secrets: Sequence[str] = (), **context: Any
) -> HTMLResponse:
    """A rendered page, with a policy that allows exactly its own inline styles. A page with
    `secrets` (a flow's session id and CSRF token) is copied from the last one rendered from
    the same context but for them (`stencils.py`)."""
    if secrets:
        body, policy = _STENCILS(name, {"lang": LANG, **context}, secrets)
    else:
        body, policy = _rendered(name, {"lang": LANG, **context})
    headers = {**NO_STORE, "Content-Security-Policy": policy}
    return HTMLResponse(body, status_code=status_code, headers=headers)


def flow_page(name: str, flow: Flow, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page of a flow's step: `flow_context`'s pieces and the page's own."""
    return page(
        name,
        status_code=status_code,
        secrets=(flow.session.id, flow.session.csrf_token),
        **flow_context(flow),
        **context,
    )


def see_other(url: str) -> Response:
    """POST-redirect-GET (and every other redirect of the hosted UI)."""
    return RedirectResponse(url, status_code=303, headers=NO_STORE)


def json(content: Any, status: int = 200) -> Response:
    return Response(
        orjson.dumps(content), status_code=status, media_type="application/json", headers=NO_STORE
    )


# --- Context pieces --------------------------------------------------------------------------


def brand(tenant: Tenant) -> dict[str, str]:
    """How the tenant's pages look: its branding, its name when the branding names none."""
    return {
        "name": tenant.branding.get("name") or tenant.name,
        "colour": tenant.branding.get("colour") or SANDBOX_BRAND["colour"],
    }


def bank_view(bank: Bank) -> dict[str, str]:
    return {
        "id": bank.id,
        "name": bank.name,
        "colour": bank.colour,
        "country": bank.country,
        "login_label": bank.login_fields.login,
        "password_label": bank.login_fields.password,
    }


def flow_context(flow: Flow) -> dict[str, Any]:
    """What every page of a flow needs: the brand, the CSRF token, the way out."""
    return {
        "brand": brand(flow.tenant),
        "csrf_token": flow.session.csrf_token,
        "cancel_url": connect_url(flow.session.id, "cancel"),
        "tenant_name": brand(flow.tenant)["name"],
        "face_script": face_script(flow),
        # A page framed by another origin takes no focus: the browser refuses it there, and
        # the embedding page's focus is its own.
        "focus": EMBEDDED_IN not in flow.session.options,
    }


def account_type_choice(value: AccountType) -> dict[str, str]:
    return {"value": value.value, "label": ACCOUNT_TYPE_LABELS[value]}


def method_label(method: ScaMethod, bank: Bank) -> str:
    return method.label or SCA_METHOD_LABELS[method.method].format(bank=bank.name)


def short_type(account_type: str) -> str:
    return ACCOUNT_TYPE_SHORT.get(AccountType(account_type), account_type)


def clock_time(moment: datetime) -> str:
    """ "14:35 UTC": a time the user can compare with their own clock."""
    return f"{moment:%H:%M} UTC"


def date_time(moment: datetime | None) -> str | None:
    return None if moment is None else f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def day(moment: datetime | None) -> str | None:
    return None if moment is None else f"{moment.day} {moment:%b %Y}"


def day_of(value: date) -> str:
    return f"{value.day} {value:%b %Y}"
