"""`/api/v1/bank-logins/{id}/renew` and `/extend-history`: links into the hosted UI for what only
the user can do for an existing bank login, pass SCA again for a new consent, or for a deeper
history (as Kontomatik documents it). Answered like a connect session: `{session_id, url,
expires_at}`.
"""

from __future__ import annotations

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from sandbox.domain.platform import Platform
from sandbox.domain.records import ConnectSession
from sandbox.faces.json import JSONResponse, read_model
from sandbox.faces.native import callback, render
from sandbox.faces.native.auth import tenant_of
from sandbox.faces.native.bodies import Body, Text
from sandbox.faces.paths import path_id

MAX_HISTORY_DAYS = 36500  # a hundred years: any bank's limit is far below


class RenewalBody(Body):
    redirect_uri: Text = Field(min_length=1, max_length=2048)
    state: Text | None = Field(default=None, max_length=512)


class HistoryBody(RenewalBody):
    days: int = Field(ge=1, le=MAX_HISTORY_DAYS)


def _platform(request: Request) -> Platform:
    return request.app.state.platform


def _created(request: Request, session: ConnectSession) -> Response:
    url = f"{request.base_url}connect/{session.id}"
    return JSONResponse(render.session_json(session, url), 201)


async def renew_bank_login(request: Request) -> Response:
    tenant = tenant_of(request)
    bank_login_id = path_id(request, "bank_login_id", "bank login")
    body = await read_model(request, RenewalBody)
    session = _platform(request).flows.open_renewal(
        tenant,
        face=callback.FACE,
        bank_login_id=bank_login_id,
        redirect_uri=body.redirect_uri,
        state=body.state,
    )
    return _created(request, session)


async def extend_history(request: Request) -> Response:
    tenant = tenant_of(request)
    bank_login_id = path_id(request, "bank_login_id", "bank login")
    body = await read_model(request, HistoryBody)
    session = _platform(request).flows.open_history_extension(
        tenant,
        face=callback.FACE,
        bank_login_id=bank_login_id,
        days=body.days,
        redirect_uri=body.redirect_uri,
        state=body.state,
    )
    return _created(request, session)
