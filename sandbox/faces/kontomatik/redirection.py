"""SignIn Redirection (reference/kontomatik.md §3), Kontomatik's JSON alternative to the
widget's iframe: the client's backend asks for a link, sends the user there (the same sign-in
pages as the widget's), and the user comes back to the client's registered `redirectUri` with
`redirectionId` and `status`; the backend then reads the session from the status.

- `POST /v1/signin/redirection` (X-Api-Key; JSON `{"redirectUri", "ownerExternalId",
  "country", "locale", "target", "psd2": {"accessMode"}}`) → `{"redirectionId",
  "redirectionLink"}`. The redirection is a flow opened with `face="kontomatik-redirection"`;
  its id is the flow's (as unguessable as the link, which holds it).
- `GET /v1/signin/redirection-status?redirectionId=` → `{"status": "pending"|"successful"|
  "failed"|"expired", "params": {…}}`: on success the session (`sessionId`,
  `sessionIdSignature`, `target`, `officialName`, and `multipleAccessId` with a standing
  access), the same however often it is read (the domain keeps it with the finished flow,
  `domain/sign_ins.py`); on failure `{"exception": …}`, the widget's names.

Both answer errors as JSON (`json_errors.py`), never XML: these are JSON endpoints.
"""

from __future__ import annotations

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox.domain.errors import InvalidInput, NotFound
from sandbox.domain.platform import Platform
from sandbox.domain.sign_ins import Progress
from sandbox.errors import UnsupportedMediaType
from sandbox.faces.kontomatik import callback
from sandbox.faces.kontomatik.caller import tenant_of
from sandbox.faces.kontomatik.errors import InvalidTarget, UnknownRedirection
from sandbox.faces.kontomatik.inputs import Params
from sandbox.faces.kontomatik.json_errors import json_errors
from sandbox.faces.kontomatik.signin import (
    flow_options,
    offered,
    owner_of,
    read_sign_in,
    unsupported,
)
from sandbox.faces.web.views import connect_url

STATUS = {
    Progress.RUNNING: "pending",
    Progress.EXPIRED: "expired",
    Progress.SUCCEEDED: "successful",
    Progress.FAILED: "failed",
}
TEXT = 200


class Psd2(BaseModel):
    model_config = ConfigDict(extra="forbid")
    accessMode: str | None = Field(None, max_length=16)


class RedirectionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    redirectUri: str = Field(min_length=1, max_length=2048)
    ownerExternalId: str | None = Field(None, min_length=1, max_length=TEXT)
    country: str | None = Field(None, pattern=r"^([A-Za-z]{2}|all)$")
    locale: str | None = Field(None, max_length=16)
    target: str | None = Field(None, min_length=1, max_length=TEXT)
    psd2: Psd2 | None = None


def _platform(request: Request) -> Platform:
    return request.app.state.platform


@json_errors
async def create(request: Request) -> Response:
    tenant = tenant_of(request)
    body = await _body(request)
    platform = _platform(request)
    sign_in = read_sign_in(
        body.country,
        body.locale,
        body.ownerExternalId,
        body.target,
        body.psd2.accessMode if body.psd2 else None,
    )
    platform.flows.check_redirect_uri(tenant, body.redirectUri)
    targets = offered(platform, tenant, sign_in)
    if unsupported(sign_in, targets):
        raise InvalidTarget(f"no target {sign_in.target!r} is offered to this sign-in")
    session = platform.flows.open_connect(
        tenant,
        face=callback.REDIRECTION_FACE,
        external_user_id=owner_of(sign_in),
        redirect_uri=body.redirectUri,
        state=None,
        options=flow_options(sign_in, targets),
    )
    link = str(request.base_url).rstrip("/") + connect_url(session.id)
    return JSONResponse({"redirectionId": session.id, "redirectionLink": link})


@json_errors
async def status(request: Request) -> Response:
    tenant = tenant_of(request)
    redirection_id = Params(request, "redirectionId").required("redirectionId")
    platform = _platform(request)
    try:
        found = platform.flows.result(tenant, redirection_id)
    except NotFound:
        found = None
    if found is None or found.session.progress.face != callback.REDIRECTION_FACE:
        raise UnknownRedirection(f"no redirection {redirection_id!r}")
    answer: dict = {"status": STATUS[found.progress], "params": {}}
    if found.progress is Progress.SUCCEEDED:
        params = callback.session_params(platform, tenant, found.session.id)
        params.pop("ownerExternalId")
        answer["params"] = params
    elif found.progress is Progress.FAILED:
        assert found.outcome is not None
        answer["params"] = {"exception": callback.exception_of(found.outcome)}
    return JSONResponse(answer, headers={"Cache-Control": "no-store"})


async def _body(request: Request) -> RedirectionBody:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json":
        raise UnsupportedMediaType("send the body as application/json")
    try:
        return RedirectionBody.model_validate(orjson.loads(await request.body()))
    except orjson.JSONDecodeError:
        raise InvalidInput("the body is not JSON") from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise InvalidInput(f"{where}: {first['msg']}") from None
