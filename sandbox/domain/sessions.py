"""Connect and management sessions: the links into the hosted UI a tenant hands its user.

A session lives 15 minutes of the tenant's virtual time and serves one flow: once the user is
sent back to the client it is used, and opening it again shows an error. A connect session that
names a bank (`bank_id`) starts at that bank, where choosing it in the bank list would lead, and
one that names several (`bank_ids`) lists only those; a renewal session (`POST
/bank-logins/{id}/renew`) starts at the login of the bank login it renews. A connect session may
be opened for a new user, made with it (`new_user`: the client names no user). A session
remembers the face that opened it (`face`): the way back to the client is spelt in that face's
words (`outcome.py`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from sqlalchemy.engine import Connection

from sandbox.domain.bank_choice import find_bank, landing, renewal_start
from sandbox.domain.bank_logins import find_bank_login
from sandbox.domain.errors import SessionGone
from sandbox.domain.outcome import Exit, FlowKind, Outcome
from sandbox.domain.progress import FlowError, Progress, Step, start
from sandbox.domain.records import ConnectSession
from sandbox.domain.tenants import Tenant, get_tenant, tenant_from_row
from sandbox.domain.users import find_user, insert_numbered, user_for
from sandbox.errors import Conflict, InvalidInput
from sandbox.store import sessions as rows
from sandbox.store.database import Database

SESSION_TTL = timedelta(minutes=15)

# A face whose flows end on a page of its own, on the sandbox itself (Kontomatik's SignIn
# Widget ends inside its iframe, on the sign-in's done page): that one path, relative, so it
# can only ever lead back to this sandbox, is the only URI besides the tenant's registered ones
# a flow of that face may return to, and no other face may name it.
FACE_PAGES = {"kontomatik": "/kontomatik/signin/done"}


def returns_to(tenant: Tenant, redirect_uri: str, face: str | None) -> bool:
    """May a flow opened by `face` send its user to `redirect_uri`? An exact match of a URI
    the tenant registers, or exactly the face's own page (`FACE_PAGES`)."""
    return redirect_uri in tenant.redirect_uris or (
        face is not None and FACE_PAGES.get(face) == redirect_uri
    )


def check_redirect_uri(tenant: Tenant, redirect_uri: str, face: str | None = None) -> None:
    """Only an exact match of a registered URI (or the face's own page): nothing else is ever
    redirected to."""
    if not returns_to(tenant, redirect_uri, face):
        raise InvalidInput(
            "redirect_uri is not registered for this tenant",
            details={"redirect_uri": redirect_uri, "registered": tenant.redirect_uris},
        )


def create_session(
    db: Database,
    tenant: Tenant,
    *,
    kind: str,
    external_user_id: str | None,
    redirect_uri: str,
    state: str | None,
    options: dict[str, Any],
    face: str | None = None,
) -> ConnectSession:
    """A connect session creates the user when new, or, when it names none
    (`external_user_id=None`), a new numbered user (`users.insert_numbered`) made with it and
    only if it can be opened; a management session needs one."""
    check_redirect_uri(tenant, redirect_uri, face)
    progress = _start(tenant, kind, options, face)
    if external_user_id is None:
        if kind != "connect":
            raise InvalidInput("only a connect session makes a new user")
        options = {**options, "new_user": True}
    with db.begin() as conn:
        if external_user_id is None:
            user = insert_numbered(conn, tenant, None)
        elif kind == "connect":
            user = user_for(conn, tenant, external_user_id)
        else:
            user = find_user(conn, tenant, external_user_id)
        return insert_session(
            conn, tenant, user_id=user.id, kind=kind, redirect_uri=redirect_uri, state=state,
            options=options, progress=progress,
        )  # fmt: skip


def create_renewal_session(
    db: Database,
    tenant: Tenant,
    *,
    bank_login_id: int,
    redirect_uri: str,
    state: str | None,
    face: str | None = None,
) -> ConnectSession:
    """A link straight into the renewal of one bank login: its login (at the bank's page or the
    platform's form, as the bank requires), SCA and a new consent, then back to the client."""
    with db.begin() as conn:
        login = find_bank_login(conn, tenant, bank_login_id)
        check_redirect_uri(tenant, redirect_uri, face)
        bank = find_bank(tenant, login.bank_id)
        return insert_session(
            conn, tenant, user_id=login.user_id, kind="connect", redirect_uri=redirect_uri,
            state=state, options={"renew_bank_login_id": login.id},
            progress=start(face=face, **renewal_start(bank, login)),
            bank_login_id=login.id,
        )  # fmt: skip


def insert_session(
    conn: Connection,
    tenant: Tenant,
    *,
    user_id: int,
    kind: str,
    redirect_uri: str,
    state: str | None,
    options: dict[str, Any],
    progress: Progress,
    bank_login_id: int | None = None,
) -> ConnectSession:
    now = tenant.now()
    session_id = secrets.token_urlsafe(24)
    row = rows.insert_session(
        conn,
        id=session_id,
        tenant_id=tenant.id,
        user_id=user_id,
        kind=kind,
        redirect_uri=redirect_uri,
        state=state,
        options=options,
        progress=progress.to_json(),
        csrf_token=secrets.token_urlsafe(24),
        created_at=now,
        expires_at=now + SESSION_TTL,
        bank_login_id=bank_login_id,
    )
    return ConnectSession.from_row(row)


def _start(tenant: Tenant, kind: str, options: dict[str, Any], face: str | None) -> Progress:
    """Where the flow starts: the management list, the bank list, or the bank the client named
    (its account-type choice or its login), so the user never searches for it."""
    for listed in options.get("bank_ids") or ():  # the only banks the list shows
        find_bank(tenant, listed)
    if kind == "management" and not options.get("add_bank_login"):
        return start(Step.MANAGE, face=face)
    bank_id = options.get("bank_id")
    if bank_id is None:
        return start(Step.BANK, face=face)
    try:
        bank = tenant.scenario.bank(bank_id)
    except KeyError:
        raise InvalidInput(f"no bank {bank_id!r}", details={"bank_id": bank_id}) from None
    return start(face=face, **landing(bank, options))


def open_session(db: Database, session_id: str) -> tuple[Tenant, ConnectSession]:
    """The session behind a hosted-UI link, if it may still be used."""
    with db.connect() as conn:
        return usable_session(conn, session_id)


def usable_session(conn: Connection, session_id: str) -> tuple[Tenant, ConnectSession]:
    """`open_session` on a connection the caller holds (a write transaction, say)."""
    found = rows.session_with_tenant(conn, session_id)
    if found is None:
        raise SessionGone("This link is not valid. Ask the app that sent you here for a new one.")
    row, tenant_row = found
    tenant = tenant_from_row(tenant_row)
    session = ConnectSession.from_row(row)
    if session.used_at is not None:
        raise SessionGone("This link has already been used. Start again from the app.")
    if tenant.now() >= session.expires_at:
        raise SessionGone("This link has expired. Start again from the app.")
    return tenant, session


def save_progress(conn: Connection, session: ConnectSession, progress: Progress) -> ConnectSession:
    rows.update_session(conn, session.id, progress=progress.to_json())
    return replace(session, progress=progress)


def mark_used(conn: Connection, tenant: Tenant, session: ConnectSession) -> None:
    rows.update_session(conn, session.id, used_at=tenant.now())


def flow_kind(session: ConnectSession) -> FlowKind:
    if session.kind == "management":
        return FlowKind.MANAGEMENT
    if "renew_bank_login_id" in session.options:
        return FlowKind.RENEWAL
    if "extend_history_days" in session.options:
        return FlowKind.HISTORY
    return FlowKind.CONNECT


def client_exit(tenant: Tenant, session: ConnectSession, outcome: Outcome) -> Exit:
    """The way back to the client with the flow's outcome, for the face that opened the session
    to spell; only to a redirect URI the tenant still registers."""
    if not returns_to(tenant, session.redirect_uri, session.progress.face):
        raise Conflict("the redirect URI is no longer registered for this tenant")
    return Exit(
        session.id,
        session.redirect_uri,
        session.state,
        session.progress.face,
        outcome,
        tenant_id=tenant.id,
        user_id=session.user_id,
        kind=flow_kind(session),
        new_user=bool(session.options.get("new_user")),
    )


@dataclass(frozen=True)
class SessionTrace:
    """What a link's session id still tells when a hosted page fails, whatever became of the
    session: whose it is (the error page wears its tenant's colours), whether it may still be
    used (the page leads back to the flow), and, once it is over, the way back to the client:
    an error, `session_expired` or `session_used`, as for any other failed flow."""

    tenant: Tenant | None = None
    session: ConnectSession | None = None
    usable: bool = False
    exit: Exit | None = None

    @property
    def known(self) -> bool:
        return self.session is not None


GONE_REASONS = {
    "session_expired": "The link expired before the connection was finished.",
    "session_used": "The link was already used: the app has had its answer.",
}


def trace_session(db: Database, session_id: str) -> SessionTrace:
    with db.connect() as conn:
        row = rows.session_by_id(conn, session_id)
    if row is None:
        return SessionTrace()
    tenant = get_tenant(db, row["tenant_id"])
    session = ConnectSession.from_row(row)
    if session.used_at is None and tenant.now() < session.expires_at:
        return SessionTrace(tenant, session, usable=True)
    reason = "session_used" if session.used_at is not None else "session_expired"
    gone = Outcome.failure(FlowError(reason, GONE_REASONS[reason]))
    try:
        exit = client_exit(tenant, session, gone)
    except Conflict:  # the redirect URI is no longer registered: never sent there
        exit = None
    return SessionTrace(tenant, session, exit=exit)


def finished_outcome(session: ConnectSession) -> Outcome | None:
    """The outcome a used session ended with, as its progress recorded it (what `send_back`
    and a granted consent decided); None while the session is not used."""
    if session.used_at is None:
        return None
    progress = session.progress
    if progress.step is Step.FAILED and progress.error is not None:
        return Outcome.failure(progress.error)
    if progress.step is Step.DONE or (progress.step is Step.MANAGE and progress.bank_login_ids):
        return Outcome.success(progress.bank_login_ids)
    return Outcome.cancelled()
