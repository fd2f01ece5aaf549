"""The hosted connect and management UI's requests, `/connect/{session_id}…` (as the connect
platform documents them).

`GET /connect/{session_id}` shows the page of the step the flow is at (`connect_pages.py`);
each form posts to its own URL and is answered with a redirect back to it (POST-redirect-GET),
and a GET of a form's URL leads there too. Every rule is the domain's (`sandbox.domain.connect`
and `manage`); this module only reads forms. Nothing a GET does uses a session up: leaving is a
posted form. A flow that ends sends the user back to the client in the words of the face that
opened it (`sandbox/faces/callbacks.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from sandbox.domain.errors import BankRefusal, SessionGone
from sandbox.domain.flow import Flow
from sandbox.domain.outcome import Exit
from sandbox.domain.progress import Step
from sandbox.domain.states import ScaStatus
from sandbox.faces.callbacks import callback_url
from sandbox.faces.paths import path_id
from sandbox.faces.web.connect_pages import (
    banks_page,
    credentials_page,
    flows,
    sca_page,
    seen,
    step_page,
)
from sandbox.faces.web.csrf import Form, check_token, read_form
from sandbox.faces.web.views import SANDBOX_BRAND, connect_url, json, page, see_other

TRUE = {"true", "1", "yes"}
WAITING = (ScaStatus.STARTED, ScaStatus.PENDING)  # a challenge the bank has not decided


def _sid(request: Request) -> str:
    return request.path_params["session_id"]


def _load(request: Request) -> Flow:
    return seen(request, flows(request).load(_sid(request)))


@dataclass
class Posted:
    """A form posted to a step. The step's transaction runs `check` on the session it reads
    (the CSRF token; the error page's colours), so a post reads its session once; `flow` is
    the flow as the check found it."""

    request: Request
    form: Form
    flow: Flow | None = None

    def check(self, flow: Flow) -> None:
        self.flow = seen(self.request, flow)
        check_token(self.form, flow.session)


async def _posted(request: Request) -> Posted:
    return Posted(request, await read_form(request))


def _onward(request: Request, exit: Exit | None) -> Response:
    """Back to the client when the flow ended, else to the step it is at now."""
    if exit is None:
        return see_other(connect_url(_sid(request)))
    return see_other(callback_url(request.app.state.platform, exit))


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
        seen(
            request,
            flows(request).enter(_sid(request), multiple=multiple, add_bank_login=add_bank_login),
        )
        return see_other(connect_url(_sid(request)))
    return step_page(request, _load(request))


async def banks(request: Request) -> Response:
    """The bank list again ("Other bank"), while a bank may still be chosen."""
    flow = seen(request, flows(request).choosing_bank(_sid(request)))
    return banks_page(request, flow, connect_url(flow.session.id, "banks"))


async def choose_bank(request: Request) -> Response:
    """A bank row of the list is a link, so choosing is a GET; choosing the same bank again
    leads to the same step, so a prefetch or a HEAD changes nothing more than one click."""
    bank_id = request.path_params["bank_id"]
    flows(request).choose_bank(_sid(request), bank_id, check=lambda f: seen(request, f))
    return see_other(connect_url(_sid(request)))


async def choose_account_type(request: Request) -> Response:
    posted = await _posted(request)
    account_type = posted.form.get("account_type")
    flows(request).choose_account_type(_sid(request), account_type, check=posted.check)
    return see_other(connect_url(_sid(request)))


async def log_in(request: Request) -> Response:
    posted = await _posted(request)
    login, password = posted.form.get("login"), posted.form.get("password")
    try:
        flows(request).log_in(_sid(request), login, password, check=posted.check)
    except BankRefusal as refusal:
        assert posted.flow is not None  # the bank refuses only once the check has passed
        return credentials_page(
            request, posted.flow, error=refusal.message, login=login, status=400
        )
    return see_other(connect_url(_sid(request)))


async def choose_sca_method(request: Request) -> Response:
    posted = await _posted(request)
    flows(request).choose_sca_method(_sid(request), posted.form.get("method"), check=posted.check)
    return see_other(connect_url(_sid(request)))


async def enter_otp(request: Request) -> Response:
    posted = await _posted(request)
    flow, challenge = flows(request).enter_otp(
        _sid(request), posted.form.get("otp"), check=posted.check
    )
    if flow.progress.step is Step.SCA and challenge.status is ScaStatus.PENDING:
        return sca_page(request, flow, challenge, error="That code is not right.")
    return see_other(connect_url(_sid(request)))


async def sca_status(request: Request) -> Response:
    """What the waiting page polls: `pending` until the bank decides, then where to go."""
    sid = _sid(request)
    try:
        flow, challenge = flows(request).sca_progress(sid)
    except SessionGone:
        return json({"status": "gone", "next_url": connect_url(sid)})
    if challenge is None:
        status = "none"
    elif flow.progress.step is Step.SCA and challenge.status in WAITING:
        status = "pending"
    else:
        status = challenge.status.value
    return json({"status": status, "next_url": connect_url(sid)})


async def grant_consent(request: Request) -> Response:
    posted = await _posted(request)
    _flow, exit = flows(request).grant_consent(
        _sid(request), posted.form.getlist("accounts"), check=posted.check
    )
    return _onward(request, exit)


async def share_history(request: Request) -> Response:
    posted = await _posted(request)
    _flow, exit = flows(request).share_history(_sid(request), check=posted.check)
    return _onward(request, exit)


async def cancel(request: Request) -> Response:
    posted = await _posted(request)
    _flow, exit = flows(request).cancel(_sid(request), check=posted.check)
    return _onward(request, exit)


async def leave(request: Request) -> Response:
    """Back to the client: the management list's "Done" and the failed flow's "Return to …".
    It uses the session up, so it is a posted form with the token, never a link a prefetcher
    could follow."""
    posted = await _posted(request)
    return _onward(request, flows(request).leave(_sid(request), check=posted.check))


async def renew(request: Request) -> Response:
    posted = await _posted(request)
    flows(request).start_renewal(
        _sid(request), path_id(request, "bank_login_id", "bank login"), check=posted.check
    )
    return see_other(connect_url(_sid(request)))


async def delete(request: Request) -> Response:
    posted = await _posted(request)
    flows(request).remove_bank_login(
        _sid(request), path_id(request, "bank_login_id", "bank login"), check=posted.check
    )
    return see_other(connect_url(_sid(request)))
