"""Flows opened to sign a user in (Kontomatik's SignIn Widget and SignIn Redirection): what the
flow ended with, and the one bank session its success yields.

A face opens such a flow with `options["sign_in"] = {"source": "api"|"web"|None, "standing":
"never"|"always"|"if_api"}`: the source the session records (None: the one its sync used) and
whether it comes with a standing access (`if_api`: when the source is the bank's API). When the
flow has ended in success, `sign_in_after` signs the user in on the bank login the flow
connected last, once: the finished flow's record names the bank session, so the page the flow
ends on and a client reading the result later (after the user came back to it) get the same
session, however often they ask. Its secret is not kept: it derives from a nonce stored with
its hash and the installation's key (`credentials.numbered_session`), which is never in the
database, and its signature from the tenant's client secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy.engine import Connection

from sandbox.domain import bank_sessions, credentials
from sandbox.domain.bank_logins import find_bank_login
from sandbox.domain.bank_sessions import BankSession, SignedIn
from sandbox.domain.errors import Conflict, InvalidInput, NotFound
from sandbox.domain.outcome import Outcome, OutcomeKind
from sandbox.domain.records import ConnectSession
from sandbox.domain.sessions import finished_outcome
from sandbox.domain.tenants import Tenant
from sandbox.store import bank_sessions as session_rows
from sandbox.store import sessions as rows
from sandbox.store.database import Database

SOURCES = ("api", "web")


class Standing(StrEnum):
    NEVER = "never"
    ALWAYS = "always"
    IF_API = "if_api"  # Kontomatik's MIXED access mode


class Progress(StrEnum):
    """Where a sign-in flow is, as a client reading its result sees it."""

    RUNNING = "running"
    EXPIRED = "expired"  # its link ran out before the user finished
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # an error, or the user cancelled


@dataclass(frozen=True)
class FlowResult:
    """A flow as its opener reads it back: where it is, and once over, its outcome."""

    tenant: Tenant
    session: ConnectSession
    progress: Progress
    outcome: Outcome | None


def sign_in_options(source: str | None, standing: Standing) -> dict[str, Any]:
    """The option a face opens a sign-in flow with (checked here, so a bad one never opens)."""
    if source is not None and source not in SOURCES:
        raise InvalidInput(f"no source {source!r}", details={"source": source})
    return {"sign_in": {"source": source, "standing": Standing(standing).value}}


def result(db: Database, tenant: Tenant, session_id: str) -> FlowResult:
    """The tenant's flow `session_id`: NotFound for one it does not hold (another tenant's is as
    good as none)."""
    with db.connect() as conn:
        row = rows.session_by_id(conn, session_id[:64])
    if row is None or row["tenant_id"] != tenant.id:
        raise NotFound("no such sign-in", details={"id": session_id[:64]})
    session = ConnectSession.from_row(row)
    outcome = finished_outcome(session)
    if outcome is None:
        running = tenant.now() < session.expires_at
        return FlowResult(tenant, session, Progress.RUNNING if running else Progress.EXPIRED, None)
    won = outcome.kind is OutcomeKind.SUCCESS and bool(outcome.bank_login_ids)
    return FlowResult(tenant, session, Progress.SUCCEEDED if won else Progress.FAILED, outcome)


def sign_in_after(db: Database, tenant: Tenant, session_id: str, key: str) -> SignedIn:
    """The bank session the finished flow `session_id` signed its user in to, made at the first
    call and the same at every later one. Conflict unless the flow ended in success and was
    opened to sign in. `key`: the installation's, which the session's secret derives from."""
    with db.begin() as conn:
        row = rows.lock_session(conn, session_id[:64])
        if row is None or row["tenant_id"] != tenant.id:
            raise NotFound("no such sign-in", details={"id": session_id[:64]})
        session = ConnectSession.from_row(row)
        wanted = session.options.get("sign_in")
        outcome = finished_outcome(session)
        if not isinstance(wanted, dict):
            raise Conflict("this flow was not opened to sign in")
        if outcome is None or outcome.kind is not OutcomeKind.SUCCESS or not outcome.bank_login_ids:
            raise Conflict("the flow has not ended with a bank connected")
        kept = session.options.get("signed_in")
        if isinstance(kept, dict):
            return _kept(conn, tenant, kept, key)
        signed = _sign_in(conn, tenant, outcome.bank_login_ids[-1], wanted, key)
        kept = {"bank_session_id": signed.session.id}
        rows.update_session(conn, session.id, options={**session.options, "signed_in": kept})
        return signed


def _sign_in(
    conn: Connection, tenant: Tenant, bank_login_id: int, wanted: dict, key: str
) -> SignedIn:
    source = wanted.get("source")
    standing = Standing(wanted.get("standing", Standing.NEVER))
    login = find_bank_login(conn, tenant, bank_login_id)
    if standing is Standing.IF_API:
        used = source or bank_sessions.source_of(login)
        standing = Standing.ALWAYS if used == "api" else Standing.NEVER
    return bank_sessions.sign_in_on(
        conn, tenant, login, source=source, standing=standing is Standing.ALWAYS, key=key
    )


def _kept(conn: Connection, tenant: Tenant, kept: dict, key: str) -> SignedIn:
    found = session_rows.session_by_id(conn, tenant.id, kept["bank_session_id"])
    if found is None:  # the bank login (and its sessions) went since
        raise Conflict("the session this sign-in made is gone")
    # A flow finished by an earlier version kept the secret itself.
    secret = kept.get("secret") or credentials.numbered_session(key, found["credential_nonce"])
    signature = credentials.signature_of(tenant, secret)
    return SignedIn(BankSession.from_row(found), secret, signature)
