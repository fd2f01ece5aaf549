"""Kontomatik's asynchronous commands (reference/kontomatik.md §4, §5, §8): a session from
`mock-session.xml` (or the SignIn Widget), the import commands as form POSTs with `sessionId`
and `sessionIdSignature`, answered 202 with `<command id state="setup">`, and the poll
`GET /v1/command/{id}.xml` that shows the command's import job moving on until it is
`successful` (with its result) or `error`/`fatal` (with the exception inside the command).
Multiple access reopens sessions from a `multipleAccessId`.

Every rule (one default import per session, no mixing, expiry, quotas) is the domain's
(`domain/bank_sessions.py`); this module reads parameters and writes Kontomatik's XML.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from sandbox.domain.bank_sessions import BankSession, Resource, Scope, SignedIn
from sandbox.domain.errors import NotFound
from sandbox.domain.face_keys import kontomatik_keys
from sandbox.domain.imports import ImportJob, ImportStatus
from sandbox.domain.platform import Platform
from sandbox.domain.tenants import Tenant
from sandbox.faces.kontomatik import catalog, results, xml
from sandbox.faces.kontomatik.caller import tenant_of
from sandbox.faces.kontomatik.errors import Named, refusal_name
from sandbox.faces.kontomatik.inputs import Params
from sandbox.faces.routing import polls

# Each command's path, what it imports, its name in the XML and the catalog, and its own
# parameters beside the session's.
SESSION = ("sessionId", "sessionIdSignature")


@dataclass(frozen=True)
class Command:
    resource: Resource
    name: str
    params: tuple[str, ...] = ()


COMMANDS = {
    "default-import": Command(Resource.ALL, "DefaultImportCommand", ("since",)),
    "import-owners": Command(Resource.OWNERS, "ImportOwnersDetailsCommand"),
    "import-accounts": Command(Resource.ACCOUNTS, "ImportAccountsCommand"),
    "import-account-transactions": Command(
        Resource.ACCOUNT_TRANSACTIONS, "ImportAccountTransactionsCommand", ("iban", "since")
    ),
    "import-credit-cards": Command(Resource.CARDS, "ImportCreditCardsCommand"),
    "import-credit-card-transactions": Command(
        Resource.CARD_TRANSACTIONS, "ImportCreditCardTransactionsCommand", ("cardNumber", "since")
    ),
    "sign-out": Command(Resource.SIGN_OUT, "SignOutCommand"),
}
NAMES = {command.resource: command.name for command in COMMANDS.values()}
# What each required parameter is called, for a command that needs one.
REQUIRED = {Resource.ACCOUNT_TRANSACTIONS: "iban", Resource.CARD_TRANSACTIONS: "cardNumber"}
# The schema a poll's reply names (only the default import's is known: default_import.xsd).
POLL_SCHEMA = {Resource.ALL: "default_import"}


def _platform(request: Request) -> Platform:
    return request.app.state.platform


def _client(tenant: Tenant) -> str:
    return kontomatik_keys(tenant).client


# --- Sessions -------------------------------------------------------------------------------------


async def mock_session(request: Request) -> Response:
    """Kontomatik's test environment's session without the widget: the person with `login` at
    the `target` named (or the first bank of `country` having one), signed in at once."""
    tenant = tenant_of(request)
    params = await Params.of_form(
        request, "login", "target", "country", "ownerExternalId", "multipleAccess", "ownerEmail"
    )
    login = params.required("login")
    owner = params.text("ownerExternalId") or f"kontomatik-{uuid.uuid4()}"
    standing = params.boolean("multipleAccess")
    platform = _platform(request)
    banks, source = _banks_for(platform, tenant, params.text("target"), params.country("country"))
    signed = await run_in_threadpool(
        platform.bank_sessions.open_without_user,
        tenant,
        external_user_id=owner,
        login=login,
        bank_ids=banks,
        source=source,
        standing=standing,
    )
    return _session_reply(tenant, signed)


def _banks_for(
    platform: Platform, tenant: Tenant, target: str | None, country: str | None
) -> tuple[list[str], str | None]:
    """The banks a login is looked for at, and the source a named target signs in through."""
    targets = [t for bank in platform.banks.all(tenant) for t in catalog.targets_of(bank)]
    if target is not None:
        found = [t for t in targets if t.name.lower() == target.lower()]
        if not found:
            raise Named("InvalidTarget", f"no target {target!r} in the catalog")
        return [found[0].bank_id], "api" if found[0].psd2 else "web"
    chosen = [t.bank_id for t in targets if country in (None, "all", t.country)]
    return list(dict.fromkeys(chosen)), None


def _session_reply(tenant: Tenant, signed: SignedIn, status: int = 200) -> Response:
    """`<session id signature>`; a multiple access's id both as the session's attribute and as
    an element of the reply, since Kontomatik's placement is not documented."""
    session = signed.session
    reply = xml.root(status, tenant.now(), user=_client(tenant), owner=session.external_user_id)
    xml.child(
        reply,
        "session",
        id=signed.secret,
        signature=signed.signature,
        multipleAccessId=session.access_id,
    )
    if session.access_id is not None:
        xml.child(reply, "multipleAccessId", session.access_id)
    return xml.XMLResponse(reply)


async def reuse_multiple_access(request: Request) -> Response:
    tenant = tenant_of(request)
    params = await Params.of_form(request, "multipleAccessId")
    access = params.required("multipleAccessId")
    signed = await run_in_threadpool(_platform(request).bank_sessions.reopen, tenant, access)
    return _session_reply(tenant, signed)


async def delete_multiple_access(request: Request) -> Response:
    tenant = tenant_of(request)
    params = await Params.of_form(request, "multipleAccessId")
    access = params.required("multipleAccessId")
    _platform(request).bank_sessions.revoke_access(tenant, access)
    return xml.XMLResponse(xml.root(200, tenant.now(), user=_client(tenant)))


# --- Commands -------------------------------------------------------------------------------------


async def start(request: Request) -> Response:
    """`POST /v1/command/{name}.xml`: the import (or sign-out) as a command to poll."""
    command = COMMANDS.get(request.path_params["command"])
    if command is None:
        raise Named("InvalidParameter", "no such command", status=404)
    tenant = tenant_of(request)
    params = await Params.of_form(request, *SESSION, *command.params)
    secret, signature = params.required("sessionId"), params.required("sessionIdSignature")
    platform = _platform(request)
    scope = Scope(
        command.resource,
        since=params.since() if "since" in command.params else None,
        iban=params.text("iban"),
        card=params.text("cardNumber"),
    )
    needed = REQUIRED.get(command.resource)
    if needed is not None:
        params.required(needed)
    session = platform.bank_sessions.resolve(tenant, secret, signature, signed_out_too=True)
    _check_available(platform, tenant, session, command)
    if command.resource is Resource.SIGN_OUT:
        job = platform.bank_sessions.sign_out(tenant, secret, signature)
    else:
        job = await run_in_threadpool(
            platform.bank_sessions.start_import, tenant, secret, signature, scope
        )
    reply = xml.root(
        202,
        tenant.now(),
        schema="command_setup",
        user=_client(tenant),
        owner=session.external_user_id,
    )
    element = xml.child(reply, "command", id=job.id, state="setup", name=command.name)
    _progress(element, 0)
    return xml.XMLResponse(reply)


def _check_available(
    platform: Platform, tenant: Tenant, session: BankSession, command: Command
) -> None:
    """CommandNotAvailable for a command the session's target does not list, as the captured
    command-not-available-reply.xml (KontoBank has no SignOutCommand)."""
    target = _target(platform, tenant, session)
    if command.name not in catalog.commands_of(target):
        raise Named(
            "CommandNotAvailable",
            f"Command {command.name} is not available for target {target.name}.",
            owner=session.external_user_id,
        )


def _target(platform: Platform, tenant: Tenant, session: BankSession) -> catalog.Target:
    login = platform.bank_logins.get(tenant, session.bank_login_id)
    targets = catalog.targets_of(platform.banks.get(tenant, login.bank_id))
    psd2 = session.source == "api"
    return next((t for t in targets if t.psd2 == psd2), targets[0])


async def poll(request: Request) -> Response:
    """`GET /v1/command/{id}.xml`: the command as its import job reads now (each read of an
    unfinished one moves it on), with the result once successful. A finished command's
    `<command>` is kept as written while the stored data holds (`FinishedCommands`)."""
    tenant = tenant_of(request)
    Params(request, *SESSION)  # the legacy poll sent the session too; the key is enough
    platform = _platform(request)
    version = platform.data_version()  # before the read it vouches for
    job, session = _command(platform, tenant, request.path_params["command"], moving=polls(request))
    scope = Scope.of(job.scope or {"resource": Resource.ALL.value})
    reply = xml.root(
        200, tenant.now(), schema=POLL_SCHEMA.get(scope.resource, "command"), user=_client(tenant)
    )
    finished: FinishedCommands = request.app.state.finished_commands
    written = finished.get(tenant.id, job.id, version) if job.finished else None
    if written is None:
        element = await run_in_threadpool(_command_xml, platform, tenant, job, session, scope)
        written = xml.written(element)
        if job.finished:
            finished.keep(tenant.id, job.id, version, written)
    xml.raw(reply, written)
    return xml.XMLResponse(reply)


def _command_xml(
    platform: Platform, tenant: Tenant, job: ImportJob, session: BankSession, scope: Scope
) -> Element:
    target = _target(platform, tenant, session)
    element = Element(
        "command",
        {
            "id": str(job.id),
            "state": job.status.value,
            "name": NAMES[scope.resource],
            "target": target.name,
            "institution": target.institution,
        },
    )
    _progress(element, round(job.progress * 100))
    if job.status is ImportStatus.SUCCESSFUL:
        results.result_xml(platform, tenant, element, session, scope, job)
    elif job.error is not None:
        _exception(element, job)
    return element


class FinishedCommands:
    """Finished commands' `<command>` elements as written, each with the data version it was
    read at: a finished import never changes, and what its result shows changes only by a
    write, so a client that polls again (or a second backend asking for the same command) is
    answered without reading ten thousand transactions again. Bounded, oldest out first."""

    LIMIT = 64

    def __init__(self) -> None:
        self._kept: OrderedDict[tuple[str, int], tuple[Hashable, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, tenant_id: str, job_id: int, version: Hashable) -> str | None:
        with self._lock:
            found = self._kept.get((tenant_id, job_id))
            if found is None or found[0] != version:
                return None
            self._kept.move_to_end((tenant_id, job_id))
            return found[1]

    def keep(self, tenant_id: str, job_id: int, version: Hashable, written: str) -> None:
        with self._lock:
            self._kept[(tenant_id, job_id)] = (version, written)
            self._kept.move_to_end((tenant_id, job_id))
            while len(self._kept) > self.LIMIT:
                self._kept.popitem(last=False)


def _command(
    platform: Platform, tenant: Tenant, text: str, *, moving: bool
) -> tuple[ImportJob, BankSession]:
    """The session command of this id; InvalidCommandId (404) for any other."""
    unknown = Named("InvalidCommandId", f"no command {text[:32]!r}", status=404)
    if not text.isdigit() or len(text) > 18:
        raise unknown
    try:
        return platform.bank_sessions.poll(tenant, int(text), moving=moving)
    except NotFound:
        raise unknown from None


def _progress(parent: Element, percent: int) -> None:
    xml.value(parent, "progress", percent)


def _exception(parent: Element, job: ImportJob) -> None:
    """`<exception name><message><friendlyMessage>` inside the command, as the captured
    v1.command-reply.exception.xml."""
    assert job.error is not None
    element = xml.child(parent, "exception", name=refusal_name(job.error.code, job.error.details))
    xml.child(element, "message", job.error.message)
    xml.child(element, "friendlyMessage", job.error.message)
