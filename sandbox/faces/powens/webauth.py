"""Powens' `/webauth-url` and `/webauth`: one connection's authentication at the bank's own page
(a webauth connector, a redirect SCA, a consent to renew), without the webview's lists. The
browser goes through the same hosted flow as every other (`/connect/{id}`), preselected on the
connector or renewing the connection, and comes back to the client's `redirect_uri` with
`id_connection=…&state=…` or Powens' `error=…&error_description=…&state=…`."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from sandbox.domain.credentials import Kind
from sandbox.domain.errors import Conflict, NotFound
from sandbox.domain.records import ConnectSession, User
from sandbox.domain.tenants import Tenant
from sandbox.faces.powens import callback, ids
from sandbox.faces.powens.caller import (
    MAX_STATE,
    access,
    check_client_id,
    platform_of,
    redirect_uri_of,
    tenant_of,
    user_of_code,
)
from sandbox.faces.powens.errors import InvalidValue, MissingParameter, PowensJSON
from sandbox.faces.powens.inputs import Fields, query
from sandbox.faces.powens.users import CODE_TTL
from sandbox.faces.web.views import connect_url

# What `/webauth-url` passes on to `/webauth`, as the client gave it.
PASSED_ON = (
    "redirect_uri",
    "connector_uuid",
    "id_connector",
    "id_connection",
    "state",
    "source",
    "website",
)


def _target(request: Request, tenant: Tenant, user: User, given: Fields) -> tuple[str, int | str]:
    """`("connection", id)` of the user's, or `("connector", bank id)`."""
    platform = platform_of(request)
    connection_id = given.number("id_connection")
    if connection_id is not None:
        login = platform.bank_logins.get(tenant, connection_id)
        if login.user_id != user.id:
            raise NotFound(
                f"no connection {connection_id}", details={"id_connection": connection_id}
            )
        return "connection", connection_id
    ref = given.text("connector_uuid") or given.text("id_connector")
    if ref is None:
        raise MissingParameter("connector_uuid")
    return "connector", ids.bank_of_connector(platform.banks.all(tenant), ref).id


async def webauth_url(request: Request) -> Response:
    """The URL to send the user's browser to (a fresh single-use code in it); 409 when the
    connection named needs no authentication."""
    caller = access(request)
    if caller.user is None:
        raise InvalidValue("Authorization", "a webauth URL is made for a user's token")
    given = query(request)
    platform = platform_of(request)
    check_client_id(platform, caller.tenant, given.text("client_id", required=True) or "")
    redirect_uri_of(platform, caller.tenant, given)
    kind, target = _target(request, caller.tenant, caller.user, given)
    standing = platform.bank_logins.standing
    if kind == "connection" and standing(caller.tenant, int(target)).up_to_date:
        raise ConnectionUpToDate(int(target))
    code = platform.callers.issue(caller.tenant, Kind.AUTH_CODE, caller.user, CODE_TTL).secret
    params = {"client_id": given.text("client_id"), "token": code}
    params |= {name: given.text(name) for name in PASSED_ON if given.text(name) is not None}
    base = str(request.url.replace(query="")).removesuffix("-url")
    return PowensJSON({"url": f"{base}?{urlencode(params)}"})


class ConnectionUpToDate(Conflict):
    """Powens' 409 `invalidValue`: the connection named needs no authentication now."""

    def __init__(self, connection_id: int) -> None:
        super().__init__(
            f"Invalid value for id_connection: connection {connection_id} is up to date",
            details={"parameter": "id_connection"},
        )


async def webauth(request: Request) -> Response:
    """The browser's way in: the code (`token`) names the user; 302 into the hosted flow. A
    connector of several account types asks which one first, unless `website` names it."""
    tenant = tenant_of(request)
    given = query(request)
    platform = platform_of(request)
    check_client_id(platform, tenant, given.text("client_id", required=True) or "")
    redirect_uri = redirect_uri_of(platform, tenant, given)
    code = given.text("token") or given.text("code")
    if code is None:
        raise MissingParameter("token")
    user = user_of_code(platform, tenant, code, "token")
    kind, target = _target(request, tenant, user, given)
    state = given.text("state", max_length=MAX_STATE)
    session: ConnectSession
    if kind == "connection":
        session = platform.flows.open_renewal(
            tenant,
            face=callback.WEBAUTH_FACE,
            bank_login_id=int(target),
            redirect_uri=redirect_uri,
            state=state,
        )
    else:
        options: dict[str, object] = {"bank_ids": [target], "bank_id": target}
        website = given.text("website")
        if website is not None:  # the connector's account-type field: no choice to make then
            bank = platform.banks.get(tenant, str(target))
            offered = [t.value for t in bank.account_types]
            if website not in offered:
                raise InvalidValue("website", f"one of {', '.join(offered)}")
            options["account_types"] = [website]
        session = platform.flows.open_connect(
            tenant,
            face=callback.WEBAUTH_FACE,
            external_user_id=user.external_id,
            redirect_uri=redirect_uri,
            state=state,
            options=options,
        )
    return RedirectResponse(connect_url(session.id), status_code=302)
