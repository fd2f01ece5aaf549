"""Powens' connections (connections.yml): a bank login of the domain, made with the user's
credentials through the API (its SCA answered through the API too), listed, synced, renewed,
paused and deleted, with its sources. Powens' words for the domain's states are one table
(`STATES`); what Powens calls an SCA in progress is another (`waiting_state`)."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sandbox.domain.api_connect import PendingSca, Standing
from sandbox.domain.banks import Bank, ScaApproach, SourceKind
from sandbox.domain.errors import NotFound
from sandbox.domain.records import BankLogin, LoginSource, User
from sandbox.domain.states import LoginState, ScaStatus
from sandbox.faces.paths import path_id
from sandbox.faces.powens import inputs
from sandbox.faces.powens.accounts import held_json
from sandbox.faces.powens.caller import Access, access, platform_of
from sandbox.faces.powens.connectors import Catalogue, connector_json
from sandbox.faces.powens.errors import InvalidValue, MissingParameter, PowensJSON
from sandbox.faces.powens.ids import (
    SOURCE_KINDS,
    SOURCE_NAMES,
    bank_of_connector,
    connector_id,
    connector_source_id,
    connector_uuid,
)
from sandbox.faces.powens.render import stamp

# The domain's states in Powens' words; `None` is Powens' "the last sync went well".
STATES: dict[LoginState, str | None] = {
    LoginState.CONNECTED: None,
    LoginState.SCA_REQUIRED: "SCARequired",
    LoginState.WEBAUTH_REQUIRED: "webauthRequired",
    LoginState.DECOUPLED_PENDING: "decoupled",
    LoginState.WRONG_CREDENTIALS: "wrongpass",
    LoginState.ACTION_NEEDED: "actionNeeded",
    LoginState.PASSWORD_EXPIRED: "passwordExpired",
    LoginState.RATE_LIMITED: "rateLimiting",
    LoginState.BANK_UNAVAILABLE: "websiteUnavailable",
    LoginState.ERROR: "bug",
}
STATE_VALUES = frozenset(state.value for state in LoginState)
EXPANDS = frozenset({"connector", "sources", "accounts", "all_accounts"})
# Where the answer to a `resume` without `background` waits for the app's approval, at most.
RESUME_WAIT_SECONDS = 10.0
RESUME_POLL_SECONDS = 0.1
# The credentials a connection is made with: Powens' field names, and their usual aliases.
LOGIN_FIELDS = ("login", "username", "user", "identifier")


def waiting_state(pending: PendingSca) -> str:
    """Powens' state for an SCA in progress: a code to type, an approval in the bank's app
    (`validating` once the client has resumed), or the bank's own page."""
    if pending.approach is ScaApproach.EMBEDDED:
        return "additionalInformationNeeded"
    if pending.approach is ScaApproach.DECOUPLED:
        return "validating" if pending.resumed else "decoupled"
    return "webauthRequired"


def state_of(standing: Standing) -> str | None:
    if standing.pending is not None:
        return waiting_state(standing.pending)
    return STATES[standing.login.state]


def _fields(standing: Standing, bank: Bank) -> list[dict[str, Any]] | None:
    """What the user must be asked for: the way to get a code, or the code, or new credentials."""
    pending = standing.pending
    base = {"required": True, "regex": None, "auth_mechanisms": ["credentials"]}
    if pending is not None and pending.approach is ScaApproach.EMBEDDED:
        if pending.status is ScaStatus.STARTED:
            pairs = zip(pending.methods, pending.labels, strict=True)
            values = [{"value": method, "label": label} for method, label in pairs]
            return [
                {"name": "method", "type": "list", "label": "SCA method", "values": values, **base}
            ]
        label = f"One-time code ({pending.challenge.method})"
        return [{"name": "otp", "type": "text", "label": label, **base}]
    if standing.login.state is LoginState.WRONG_CREDENTIALS:
        return [
            {"name": "password", "type": "password", "label": bank.login_fields.password, **base}
        ]
    return None


def _message(standing: Standing) -> str | None:
    pending = standing.pending
    if (
        pending is not None
        and pending.approach is ScaApproach.EMBEDDED
        and pending.challenge.attempts
    ):
        return f"Wrong code: {pending.attempts_left} attempt(s) left."
    if pending is not None and pending.approach is ScaApproach.DECOUPLED:
        return "Approve the access in your bank's app."
    return standing.login.state_detail


def source_json(login: BankLogin, source: LoginSource, banks: list[Bank], bank: Bank) -> dict:
    kind = SourceKind(source.kind)
    # A source's state is `ok` or the state its last failed sync left.
    failed = source.state in STATE_VALUES
    state = STATES[LoginState(source.state)] if failed else None
    return {
        "id": source.id,
        "id_connection": login.id,
        "id_connector_source": connector_source_id(banks, bank, kind),
        "name": SOURCE_NAMES[kind],
        "state": state,
        "last_update": stamp(source.last_update),
        "disabled": stamp(source.disabled_at),
        "created": stamp(login.created_at),
        "next_try": stamp(login.state_until),
        "access_expire": stamp(login.consent.expires_at if login.consent else None),
        "expire": None,
    }


def connection_json(
    standing: Standing, banks: list[Bank], expand: frozenset[str] = frozenset()
) -> dict[str, Any]:
    login = standing.login
    bank = next(b for b in banks if b.id == login.bank_id)
    number = connector_id(banks, bank)
    state = state_of(standing)
    body: dict[str, Any] = {
        "id": login.id,
        "id_user": login.user_id,
        "id_connector": number,
        "connector_uuid": connector_uuid(bank),
        "state": state,
        "error": state,
        "error_message": _message(standing),
        "fields": _fields(standing, bank),
        "last_update": stamp(login.last_sync_at),
        "created": stamp(login.created_at),
        "active": login.active,
        "last_push": stamp(login.last_sync_at),
        "expire": stamp(login.consent.expires_at if login.consent else None),
        "next_try": stamp(login.state_until),
        "id_bank": number,
        "id_provider": number,
    }
    if "sources" in expand:
        body["sources"] = [
            source_json(login, s, banks, bank) for s in login.sources if s.disabled_at is None
        ]
    return body


# --- Handlers -----------------------------------------------------------------------------


def _expand(given: inputs.Fields) -> frozenset[str]:
    raw = given.text("expand") or ""
    wanted = frozenset(part.strip() for part in raw.split(",") if part.strip())
    unknown = wanted - EXPANDS
    if unknown:
        raise InvalidValue("expand", f"one or more of {', '.join(sorted(EXPANDS))}")
    return wanted


def _owned(request: Request, caller: Access, user: User) -> Standing:
    """The connection the path names, if it is the user's; 404 otherwise."""
    login_id = path_id(request, "connection_id", "connection")
    standing = platform_of(request).bank_logins.standing(caller.tenant, login_id)
    if standing.login.user_id != user.id:
        raise NotFound(f"no connection {login_id}", details={"id_connection": login_id})
    return standing


def _answer(
    request: Request, caller: Access, standing: Standing, expand: frozenset[str]
) -> PowensJSON:
    return PowensJSON(_rendered(request, caller, [standing], expand)[0])


def _accounts(request: Request, caller: Access, login: BankLogin) -> dict[str, Any]:
    """`accounts` (the enabled ones) and `all_accounts` (disabled and vanished ones too)."""
    held = platform_of(request).accounts.of_user(
        caller.tenant,
        login.user_id,
        bank_login_id=login.id,
        include_disabled=True,
        include_deleted=True,
    )
    every = [held_json(request, caller.tenant, each) for each in held]
    shown = [
        body
        for body, each in zip(every, held, strict=True)
        if not each.account.disabled and each.account.deleted_at is None
    ]
    return {"accounts": shown, "all_accounts": every}


def _rendered(
    request: Request, caller: Access, standings: list[Standing], expand: frozenset[str]
) -> list[dict[str, Any]]:
    """The connections, with what `expand` asks for."""
    catalogue = Catalogue.of(request)
    bodies = []
    for standing in standings:
        body = connection_json(standing, catalogue.banks, expand)
        if "connector" in expand:
            bank = catalogue.bank(str(body["id_connector"]))
            body["connector"] = connector_json(catalogue, bank, set())
        if expand & {"accounts", "all_accounts"}:
            body.update(_accounts(request, caller, standing.login))
        bodies.append(body)
    return bodies


async def create(request: Request) -> Response:
    """A connection from the user's credentials, in the state the bank's SCA leads to."""
    caller = access(request)
    user = caller.user_named(request)
    given = await inputs.fields(request)
    expand = _expand(given)
    platform = platform_of(request)
    banks = platform.banks.all(caller.tenant)
    ref = given.text("connector_uuid") or given.text("id_connector")
    if ref is None:
        raise MissingParameter("connector_uuid")
    bank = bank_of_connector(banks, ref)
    source = given.text("source")
    if source is not None and source not in SOURCE_KINDS:
        raise InvalidValue("source", f"one of {', '.join(SOURCE_KINDS)}")
    login = next((given.text(name) for name in LOGIN_FIELDS if given.text(name)), None)
    if login is None:
        raise MissingParameter("login")
    password = given.text("password", required=True)
    account_type = given.text("website")
    if account_type is not None and account_type not in [t.value for t in bank.account_types]:
        raise InvalidValue("website", f"one of {', '.join(t.value for t in bank.account_types)}")
    standing = platform.bank_logins.connect_with_credentials(
        caller.tenant,
        user=user,
        bank_id=bank.id,
        login=login,
        password=password or "",
        account_type=account_type,
        source=None if source is None else SOURCE_KINDS[source],
    )
    return _answer(request, caller, standing, expand)


async def list_connections(request: Request) -> Response:
    caller = access(request)
    user = caller.user_named(request)
    expand = _expand(inputs.query(request))
    platform = platform_of(request)
    standings = [
        platform.bank_logins.standing(caller.tenant, login.id)
        for login in platform.bank_logins.of_user(caller.tenant, user.id)
    ]
    return PowensJSON({"connections": _rendered(request, caller, standings, expand)})


async def get_connection(request: Request) -> Response:
    caller = access(request)
    standing = _owned(request, caller, caller.user_named(request))
    return _answer(request, caller, standing, _expand(inputs.query(request)))


async def update(request: Request) -> Response:
    """POST on a connection: a code, a method, `resume`, new credentials, `active`,
    `refresh_auth`, or nothing at all (a sync with the user present)."""
    caller = access(request)
    standing = _owned(request, caller, caller.user_named(request))
    given = await inputs.fields(request)
    expand = _expand(given)
    bank_logins = platform_of(request).bank_logins
    tenant, login_id = caller.tenant, standing.login.id
    active = given.boolean("active")
    if active is not None:
        standing = bank_logins.set_active(tenant, login_id, active)
    if given.text("otp") is not None:
        standing = bank_logins.answer_otp(
            tenant, login_id, given.text("otp") or "", given.text("method")
        )
    elif given.text("method") is not None:
        standing = bank_logins.choose_sca_method(tenant, login_id, given.text("method") or "")
    elif given.boolean("resume"):
        standing = bank_logins.resume(tenant, login_id)
        if not given.boolean("background", default=False):
            standing = await _wait_for_approval(request, caller, login_id, standing)
    elif given.text("password") is not None:
        standing = bank_logins.relogin(tenant, login_id, given.text("password") or "")
    elif given.boolean("refresh_auth"):
        standing = bank_logins.sync(tenant, login_id, user_present=True, renew=True)
    elif active is None and not _asks_anything(given):
        # Powens' "force the connection": the user is here, and passes SCA if it is needed.
        standing = bank_logins.sync(tenant, login_id, user_present=True, start_sca=True)
    return _answer(request, caller, standing, expand)


def _asks_anything(given: inputs.Fields) -> bool:
    quiet = {"expand", "background", "source", "expire"}
    return any(name not in quiet for name in given.names())


async def _wait_for_approval(
    request: Request, caller: Access, login_id: int, standing: Standing
) -> Standing:
    """Without `background`, Powens answers a `resume` once the app's approval is in (or has
    failed); the wait is bounded, and then the answer says `validating`."""
    bank_logins = platform_of(request).bank_logins
    waited = 0.0
    while standing.pending is not None and waited < RESUME_WAIT_SECONDS:
        await asyncio.sleep(RESUME_POLL_SECONDS)
        waited += RESUME_POLL_SECONDS
        standing = bank_logins.standing(caller.tenant, login_id)
    return standing


async def sync(request: Request) -> Response:
    """PUT: a sync; `psu_requested=false` for one without the user (counted by the bank)."""
    caller = access(request)
    standing = _owned(request, caller, caller.user_named(request))
    given = inputs.query(request)
    present = bool(given.boolean("psu_requested", default=True))
    standing = platform_of(request).bank_logins.sync(
        caller.tenant, standing.login.id, user_present=present
    )
    return _answer(request, caller, standing, _expand(given))


async def delete(request: Request) -> Response:
    caller = access(request)
    standing = _owned(request, caller, caller.user_named(request))
    platform_of(request).bank_logins.delete(caller.tenant, standing.login.id)
    return Response(status_code=204)


async def list_sources(request: Request) -> Response:
    caller = access(request)
    standing = _owned(request, caller, caller.user_named(request))
    every = bool(inputs.query(request).boolean("all", default=False))
    login = standing.login
    banks = platform_of(request).banks.all(caller.tenant)
    bank = next(b for b in banks if b.id == login.bank_id)
    shown = [s for s in login.sources if every or s.disabled_at is None]
    return PowensJSON({"sources": [source_json(login, s, banks, bank) for s in shown]})


async def source(request: Request) -> Response:
    """GET one source; POST `{"disabled": true|false}` switches it off or on."""
    caller = access(request)
    standing = _owned(request, caller, caller.user_named(request))
    source_id = path_id(request, "source_id", "source")
    platform = platform_of(request)
    login = standing.login
    if request.method == "POST":
        disabled = (await inputs.body(request)).boolean("disabled")
        if disabled is None:
            raise MissingParameter("disabled")
        login = platform.bank_logins.set_source_disabled(
            caller.tenant, login.id, source_id, disabled
        )
    found = next((s for s in login.sources if s.id == source_id), None)
    every = bool(inputs.query(request).boolean("all", default=False))
    if found is None or (found.disabled_at is not None and not every and request.method == "GET"):
        raise NotFound(f"no source {source_id}", details={"id_source": source_id})
    banks = platform.banks.all(caller.tenant)
    bank = next(b for b in banks if b.id == login.bank_id)
    return PowensJSON(source_json(login, found, banks, bank))
