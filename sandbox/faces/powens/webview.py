"""Powens' webview (`https://webview.powens.com/[{lang}/]{connect,reconnect,manage}` and the legacy
`https://{domain}.biapi.pro/2.0/auth/webview/[{lang}/]{flow}[/select]`), as the hosted UI the
sandbox already has: each URL checks its parameters, finds the tenant and the user, opens a flow
with `face="powens"` and sends the browser (303) into `/connect/{session_id}`, the same pages
and steps as every other flow; when the flow ends, the web face has `callback.py` spell the way
back in Powens' words. Reference: Powens' webview documentation and its SDK's `WebviewClient`.

Errors are the hosted pages' (HTML, `sandbox/faces/web/errors.py`), never a redirect: a webview
URL with a bad parameter or a `redirect_uri` the domain does not register (or one with a query,
which Powens refuses) shows a page saying what is wrong. The pages are in English whatever
`{lang}` says.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from sandbox.domain.banks import Bank
from sandbox.domain.errors import NotFound
from sandbox.domain.face_keys import POWENS
from sandbox.domain.platform import Platform
from sandbox.domain.records import ConnectSession, User
from sandbox.domain.tenants import Tenant
from sandbox.faces.powens import callback, ids
from sandbox.faces.powens.caller import (
    MAX_STATE,
    MAX_URL,
    check_client_id,
    redirect_uri_of,
    tenant_id_of_domain,
    user_of_code,
)
from sandbox.faces.powens.errors import InvalidValue
from sandbox.faces.powens.inputs import Fields, query
from sandbox.faces.powens.types import ACCOUNT_TYPE_OF_POWENS
from sandbox.faces.routing import resource
from sandbox.faces.web.routes import PageMount, pages_app
from sandbox.faces.web.views import connect_url, see_other

FLOWS = ("connect", "reconnect", "manage")
LANGUAGES = ("en", "fr", "de", "nl", "pt", "it", "es")
MAX_LIST = 100  # connectors or account types named in one URL
SANDBOX_BASE = re.compile(r"/powens/([^/?#]+)/2\.0(?:[/?#]|$)")  # a URL of a domain's API here

# Powens' connector capabilities (connectors.yml `ConnectorCapability`).
CAPABILITIES = {"bank", "bankwealth", "transfer", "document", "profile", "contact"}
# The connector fields a URL may fill in (`{connector_uuid}.{field}`): only the login is shown
# again; a password is never put into a page.
PREFILLED = {"login"}


def is_page(path: str) -> bool:
    """A webview URL (answered with HTML pages), rather than Powens' JSON API."""
    return path.startswith("/powens/webview/") or "/2.0/auth/webview/" in path


@dataclass(frozen=True)
class Opening:
    """What every flow's URL carries, checked: the tenant, where the flow returns, its state."""

    request: Request
    platform: Platform
    tenant: Tenant
    given: Fields
    redirect_uri: str
    state: str | None
    lang: str | None

    def user(self, *, required: bool) -> User | None:
        """The user of the `code` (from `GET /auth/token/code`; a code is good once)."""
        code = self.given.text("code", required=required)
        return None if code is None else user_of_code(self.platform, self.tenant, code)

    def check_owner(self, user: User, connection_id: int | None) -> None:
        """NotFound unless the connection is the user's (another user's is as good as none)."""
        if connection_id is None:
            return
        login = self.platform.bank_logins.get(self.tenant, connection_id)
        if login.user_id != user.id:
            raise NotFound(f"no connection {connection_id}", details={"id": connection_id})

    def connector(self, banks: list[Bank], name: str, ref: str) -> Bank:
        try:
            return ids.bank_of_connector(banks, ref)
        except NotFound:
            raise InvalidValue(name, f"no connector {ref[:64]!r}") from None

    def listed(self, name: str) -> list[str]:
        """A list parameter: comma-separated, and given once or several times."""
        values = self.request.query_params.getlist(name)
        found = [part.strip() for value in values for part in value.split(",") if part.strip()]
        if len(found) > MAX_LIST:
            raise InvalidValue(name, f"at most {MAX_LIST} values")
        return found


async def page(request: Request) -> Response:
    flow = request.path_params["flow"]
    lang = request.path_params.get("lang")
    if flow not in FLOWS or (lang is not None and lang not in LANGUAGES):
        raise NotFound("There is no webview page at this address.")
    opening = _opening(request, lang)
    session = OPENERS[flow](opening)
    return see_other(connect_url(session.id))


def _opening(request: Request, lang: str | None) -> Opening:
    platform: Platform = request.app.state.platform
    given = query(request)
    tenant = _tenant(request, platform, given)
    request.state.tenant = tenant  # an error page from here on wears its colours
    redirect_uri = redirect_uri_of(platform, tenant, given)
    state = given.text("state", max_length=MAX_STATE)
    return Opening(request, platform, tenant, given, redirect_uri, state, lang)


def _tenant(request: Request, platform: Platform, given: Fields) -> Tenant:
    """The tenant the domain names (the legacy URL's path, else `domain=`); when it names none,
    the one whose Powens client `client_id` is. `client_id` must be that tenant's."""
    client_id = given.text("client_id", required=True, max_length=64)
    assert client_id is not None
    domain = request.path_params.get("domain") or given.text("domain", max_length=MAX_URL)
    tenant = None if domain is None else _named(platform, domain)
    if tenant is None:
        tenant = platform.callers.tenant_of_face_client(POWENS, client_id)
    if tenant is None:
        raise NotFound(
            "Neither the domain nor the client_id names a Powens domain of this sandbox.",
            details={"domain": (domain or "")[:64]},
        )
    check_client_id(platform, tenant, client_id)
    return tenant


def _named(platform: Platform, domain: str) -> Tenant | None:
    """`demo`, `demo.biapi.pro`, `demo-sandbox.biapi.pro`, a URL of either, or a URL of the
    sandbox's own base (`http://127.0.0.1:8000/powens/demo/2.0`): the tenant it names, if any."""
    if len(domain) > MAX_URL or "\x00" in domain:
        return None
    names = [tenant_id_of_domain(domain)]
    base = SANDBOX_BASE.search(domain)
    if base:
        names.append(base.group(1))
    for name in names:
        try:
            return platform.tenants.get(name)
        except NotFound:
            continue
    return None


# --- The flows ----------------------------------------------------------------------------------


def connect(opening: Opening) -> ConnectSession:
    """A new connection; for the code's user, or for a new user made with the flow, whose
    exchangeable code comes back on the callback."""
    platform, tenant, given = opening.platform, opening.tenant, opening.given
    banks = platform.banks.all(tenant)
    options = _language(opening)
    chosen = _connectors(opening, banks)
    if chosen:
        options["bank_ids"] = [bank.id for bank in chosen]
        if len(chosen) == 1:  # straight to it, rather than a list of one
            options["bank_id"] = chosen[0].id
    _capabilities(opening)
    account_types = _account_types(opening)
    if account_types:
        options["account_types"] = account_types
    max_connections = given.number("max_connections")
    if max_connections is not None and max_connections > 1:
        options["multiple"] = True  # the management list after each connection, to add more
    logins = _prefilled(opening, banks)
    if logins:
        options["logins"] = logins
    user = opening.user(required=False)
    return platform.flows.open_connect(
        tenant,
        face=callback.FACE,
        external_user_id=None if user is None else user.external_id,
        redirect_uri=opening.redirect_uri,
        state=opening.state,
        options=options,
    )


def reconnect(opening: Opening) -> ConnectSession:
    """A connection's renewal: its login again (the credentials are always asked for, so
    `reset_credentials` changes nothing), SCA, and a new consent."""
    opening.given.boolean("reset_credentials", default=False)
    connection_id = opening.given.number("connection_id", required=True)
    assert connection_id is not None
    user = opening.user(required=True)
    assert user is not None
    opening.check_owner(user, connection_id)
    return opening.platform.flows.open_renewal(
        opening.tenant,
        face=callback.FACE,
        bank_login_id=connection_id,
        redirect_uri=opening.redirect_uri,
        state=opening.state,
    )


def manage(opening: Opening) -> ConnectSession:
    """The list of the user's connections: add, renew, remove. A `connection_id` must be the
    user's; the list shows every connection all the same."""
    connection_id = opening.given.number("connection_id")
    user = opening.user(required=True)
    assert user is not None
    opening.check_owner(user, connection_id)
    return opening.platform.flows.open_connect(
        opening.tenant,
        kind="management",
        face=callback.FACE,
        external_user_id=user.external_id,
        redirect_uri=opening.redirect_uri,
        state=opening.state,
        options=_language(opening),
    )


OPENERS: dict[str, Callable[[Opening], ConnectSession]] = {
    "connect": connect,
    "reconnect": reconnect,
    "manage": manage,
}


def _language(opening: Opening) -> dict[str, object]:
    return {} if opening.lang is None else {"language": opening.lang}


def _connectors(opening: Opening, banks: list[Bank]) -> list[Bank]:
    """The banks `connector_uuids` and (deprecated) `connector_ids` name, each once."""
    chosen: list[Bank] = []
    for name in ("connector_uuids", "connector_ids"):
        for ref in opening.listed(name):
            bank = opening.connector(banks, name, ref)
            if bank not in chosen:
                chosen.append(bank)
    return chosen


def _capabilities(opening: Opening) -> None:
    """Checked: every scenario bank is a bank connector, so the list narrows nothing."""
    for capability in opening.listed("connector_capabilities"):
        if capability not in CAPABILITIES:
            raise InvalidValue("connector_capabilities", f"unknown capability {capability[:32]!r}")


def _account_types(opening: Opening) -> list[str]:
    found: list[str] = []
    for name in opening.listed("account_types"):
        if name not in ACCOUNT_TYPE_OF_POWENS:
            raise InvalidValue("account_types", f"unknown account type {name[:32]!r}")
        ours = ACCOUNT_TYPE_OF_POWENS[name]
        if ours is not None and ours not in found:
            found.append(ours)
    if opening.listed("account_types") and not found:
        raise InvalidValue("account_types", "none of these types is offered by any connector")
    return found


def _prefilled(opening: Opening, banks: list[Bank]) -> dict[str, str]:
    """`{connector_uuid}.login=…`: the login the bank's login form starts with."""
    logins: dict[str, str] = {}
    for name in opening.request.query_params:
        ref, dot, field = name.partition(".")
        if not dot or field not in PREFILLED:
            continue
        bank = opening.connector(banks, name, ref)
        value = opening.given.text(name, max_length=256)
        if value is not None:
            logins[bank.id] = value
    return logins


# --- The routes ---------------------------------------------------------------------------------

PAGES = [
    resource("/{flow}", get=page),
    resource("/{lang}/{flow}", get=page),
]
LEGACY = [
    resource("/{flow}/select", get=page),
    resource("/{flow}", get=page),
    resource("/{lang}/{flow}/select", get=page),
    resource("/{lang}/{flow}", get=page),
]


def webview_routes(platform: Platform) -> list[BaseRoute]:
    """`/webview/…` (webview.powens.com) and `/{domain}/2.0/auth/webview/…` (the legacy URL),
    mounted in the Powens face's app ahead of its API."""
    return [
        PageMount("/webview", app=pages_app(platform, list(PAGES))),
        PageMount("/{domain}/2.0/auth/webview", app=pages_app(platform, list(LEGACY))),
    ]
