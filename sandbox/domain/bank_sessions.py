"""Signed-in bank sessions (Kontomatik's `sessionId` + `sessionIdSignature`): after its user
signs in, a client may import from one bank login for a while, without the user, by commands
that run as import jobs (`imports.py`) it polls.

Rules every face gets the same:
- a session's secret is a provider-session credential (`credentials.py`): ten digits, as
  Kontomatik's session ids look, with an HMAC signature the caller presents alongside; it lasts
  `TTL` on the tenant's clock;
- a session imports either everything at once (`all`, once) or resource by resource (`parts`,
  any number of times), never both; signing out ends it;
- its imports reach back `history_days`: the consent's history at sign-in (deeper once the user
  passed the extra SCA for it), 90 days for a session reopened from a standing access;
- a standing access (Kontomatik's multiple access) is granted at sign-in through a bank's API
  source only; it lasts to the consent's end unless revoked, and its sessions start at most
  `ACCESS_IMPORTS` imports in any 24 hours.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.engine import Connection

from sandbox.domain import accounts, credentials, imports
from sandbox.domain.bank_logins import find_bank_login
from sandbox.domain.connections import bank_of, sync_login
from sandbox.domain.credentials import signature_of
from sandbox.domain.errors import (
    AccessLimit,
    AccessNotOffered,
    AccessUnknown,
    BankRefusal,
    ImportsMixed,
    NotFound,
    SandboxError,
    SessionExpired,
    SessionSignatureWrong,
    SessionSignedOut,
    SessionUnknown,
    SinceInFuture,
    UnknownCard,
    UnknownIban,
    WholeImportDone,
)
from sandbox.domain.imports import ImportKind
from sandbox.domain.records import Account, BankLogin
from sandbox.domain.states import NEEDS_USER
from sandbox.domain.tenants import Tenant
from sandbox.store import bank_sessions as rows
from sandbox.store import users as user_rows
from sandbox.store.database import Database

TTL = timedelta(minutes=30)  # a session's life on the tenant's clock
CARD = "credit_card"  # an account type whose imports pick it by its number, not an IBAN
REOPENED_HISTORY_DAYS = 90  # what a session reopened from a standing access reaches back
ACCESS_IMPORTS = 4  # imports a standing access's sessions may start in any 24 hours
ACCESS_WINDOW = timedelta(hours=24)


class Resource(StrEnum):
    """What an import of a session covers."""

    ALL = "all"  # owners, accounts, cards, their transactions: once per session
    OWNERS = "owners"
    ACCOUNTS = "accounts"
    ACCOUNT_TRANSACTIONS = "account_transactions"
    CARDS = "cards"
    CARD_TRANSACTIONS = "card_transactions"
    SIGN_OUT = "sign_out"  # not an import: the end of the session, recorded as a job to poll


# --- Records --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BankSession:
    id: int
    tenant_id: str
    user_id: int
    external_user_id: str
    bank_login_id: int
    source: str  # the bank's source the user signed in through: `api` or `web`
    history_days: int
    imports: str | None  # `all`, `parts`, or None before the first
    created_at: datetime
    expires_at: datetime
    signed_out_at: datetime | None
    access_id: str | None  # the standing access it came with or from

    @classmethod
    def from_row(cls, row: Any) -> BankSession:
        return cls(
            id=row["id"],
            tenant_id=row["tenant_id"],
            user_id=row["user_id"],
            external_user_id=row["external_user_id"],
            bank_login_id=row["bank_login_id"],
            source=row["source"],
            history_days=row["history_days"],
            imports=row["imports"],
            created_at=row["created_at"],
            expires_at=row["expires_at"],
            signed_out_at=row["signed_out_at"],
            access_id=row["access_public_id"],
        )

    def earliest(self, today: date) -> date:
        """The first day its imports reach."""
        return today - timedelta(days=self.history_days)

    def first_day(self, scope: Scope, on: date) -> date:
        """The first day an import run `on` that day shows: its `since`, cut to what the
        session reaches."""
        earliest = self.earliest(on)
        return earliest if scope.since is None else max(scope.since, earliest)


@dataclass(frozen=True)
class SignedIn:
    """A new session: its secret and signature are shown this once."""

    session: BankSession
    secret: str
    signature: str


@dataclass(frozen=True)
class Scope:
    """What an import asked for. `since`: the first day of transactions wanted (None: as far
    as the session reaches); `iban` and `card` pick one account or card."""

    resource: Resource
    since: date | None = None
    iban: str | None = None
    card: str | None = None

    def stored(self) -> dict[str, Any]:
        found: dict[str, Any] = {"resource": self.resource.value}
        if self.since is not None:
            found["since"] = self.since.isoformat()
        if self.iban is not None:
            found["iban"] = self.iban
        if self.card is not None:
            found["card"] = self.card
        return found

    def picks(self, account: Account) -> bool:
        """Whether the import shows this account: a card by its number as imported, any
        other by its IBAN; every one when the import names none."""
        if account.type == CARD:
            return self.card is None or account.masked_pan == self.card
        return self.iban is None or compact_iban(account.iban or "") == compact_iban(self.iban)

    @classmethod
    def of(cls, stored: dict[str, Any]) -> Scope:
        since = stored.get("since")
        return cls(
            Resource(stored["resource"]),
            None if since is None else date.fromisoformat(since),
            stored.get("iban"),
            stored.get("card"),
        )


# --- Signing in -----------------------------------------------------------------------------------


def sign_in(
    db: Database, tenant: Tenant, bank_login_id: int, *, source: str | None, standing: bool
) -> SignedIn:
    """A session on a bank login its user just signed in to (through `source`, else the one
    its last sync used); with `standing`, a standing access to reopen sessions from, which only
    an API source can hold (AccessNotOffered otherwise)."""
    with db.begin() as conn:
        login = find_bank_login(conn, tenant, bank_login_id)
        return sign_in_on(conn, tenant, login, source=source, standing=standing)


def sign_in_on(
    conn: Connection,
    tenant: Tenant,
    login: BankLogin,
    *,
    source: str | None,
    standing: bool,
    key: str | None = None,
) -> SignedIn:
    """`sign_in` in the caller's transaction; with the installation's `key`, a session the
    platform can give again later (a flow's sign-in: `credentials.issue_numbered`)."""
    used = source or source_of(login)
    access_id = None
    if standing:
        if used != "api":
            raise AccessNotOffered(
                "a standing access needs the bank's API source (PSD2); "
                f"this session signed in through its {used} source",
                details={"source": used},
            )
        access_id = _grant_access(conn, tenant, login)
    history = login.history_days(bank_of(tenant, login.bank_id).history_days)
    return _open(conn, tenant, login, used, history, access_id, key)


def source_of(login: BankLogin) -> str:
    """The source a sign-in names when none is given: the one the login's last sync used."""
    used = [s for s in login.sources if s.last_update is not None]
    if used:
        return max(used, key=lambda s: s.last_update or datetime.min).kind
    return min(login.sources, key=lambda s: s.priority).kind if login.sources else "api"


def _grant_access(conn: Connection, tenant: Tenant, login: BankLogin) -> int:
    now = tenant.now()
    ends = login.consent.expires_at if login.consent else now
    return rows.insert_access(
        conn,
        tenant_id=tenant.id,
        public_id=secrets.token_hex(16),
        bank_login_id=login.id,
        user_id=login.user_id,
        created_at=now,
        expires_at=ends,
    )


def _open(
    conn: Connection,
    tenant: Tenant,
    login: BankLogin,
    source: str,
    history_days: int,
    access_id: int | None,
    key: str | None = None,
) -> SignedIn:
    user = user_rows.user_by_id(conn, tenant.id, login.user_id)
    assert user is not None
    issued, credential_id = credentials.issue_numbered(conn, tenant, user["id"], TTL, key)
    session_id = rows.insert_session(
        conn,
        tenant_id=tenant.id,
        credential_id=credential_id,
        bank_login_id=login.id,
        user_id=login.user_id,
        access_id=access_id,
        source=source,
        history_days=history_days,
        imports=None,
        created_at=tenant.now(),
    )
    found = rows.session_by_id(conn, tenant.id, session_id)
    assert issued.signature is not None
    return SignedIn(BankSession.from_row(found), issued.secret, issued.signature)


def reopen(db: Database, tenant: Tenant, access_public_id: str) -> SignedIn:
    """A new session from a standing access, reaching back `REOPENED_HISTORY_DAYS`."""
    with db.begin() as conn:
        access = _usable_access(conn, tenant, access_public_id)
        login = find_bank_login(conn, tenant, access["bank_login_id"])
        _check_access_quota(conn, tenant, access["id"])
        bank_default = bank_of(tenant, login.bank_id).history_days
        history = min(REOPENED_HISTORY_DAYS, login.history_days(bank_default))
        return _open(conn, tenant, login, "api", history, access["id"])


def revoke_access(db: Database, tenant: Tenant, access_public_id: str) -> None:
    with db.begin() as conn:
        access = _usable_access(conn, tenant, access_public_id)
        rows.revoke_access(conn, access["id"], tenant.now())


def _usable_access(conn: Connection, tenant: Tenant, public_id: str) -> Any:
    access = rows.access_by_public_id(conn, tenant.id, public_id[:64])
    now = tenant.now()
    if access is None or access["revoked_at"] is not None or now >= access["expires_at"]:
        raise AccessUnknown(
            "the multiple access is unknown, revoked or over", details={"access_id": public_id[:64]}
        )
    login = find_bank_login(conn, tenant, access["bank_login_id"])
    if login.consent is None or login.consent.over(now):
        raise AccessUnknown(
            "the consent behind the access is over", details={"access_id": public_id[:64]}
        )
    return access


def _check_access_quota(conn: Connection, tenant: Tenant, access_id: int) -> None:
    started = rows.imports_through_access(conn, access_id, tenant.now() - ACCESS_WINDOW)
    if started >= ACCESS_IMPORTS:
        raise AccessLimit(
            f"at most {ACCESS_IMPORTS} imports in 24 hours through one multiple access",
            details={"limit": ACCESS_IMPORTS},
        )


# --- Holding a session ----------------------------------------------------------------------------


def resolve(
    db: Database, tenant: Tenant, secret: str, signature: str, *, out_too: bool = False
) -> BankSession:
    """The tenant's session of this secret, signed right, not expired and (unless `out_too`)
    not signed out."""
    with db.connect() as conn:
        return _held(conn, tenant, secret, signature, out_too=out_too)


def _held(
    conn: Connection, tenant: Tenant, secret: str, signature: str, *, out_too: bool = False
) -> BankSession:
    """`out_too`: a signed-out session is returned too (the caller says why it is no use)."""
    row = rows.session_by_secret(conn, credentials.digest(secret))
    if row is None or row["tenant_id"] != tenant.id:
        raise SessionUnknown("no such session", details={"session_id": secret[:32]})
    if not hmac.compare_digest(signature.encode(), signature_of(tenant, secret).encode()):
        raise SessionSignatureWrong("the session's signature does not match it")
    session = BankSession.from_row(row)
    if tenant.now() >= session.expires_at:
        raise SessionExpired("Session expired.", details={"session_id": secret[:32]})
    if session.signed_out_at is not None and not out_too:
        raise SessionSignedOut(
            "the session is signed out from the bank", details={"session_id": secret[:32]}
        )
    return session


def start_import(
    db: Database, tenant: Tenant, secret: str, signature: str, scope: Scope
) -> imports.ImportJob:
    """An import in the session, as a job to poll. The bank login is synced now, as the user
    signed in moments ago; a bank refusal ends the job in `error` rather than failing here."""
    with db.begin() as conn:
        session = _held(conn, tenant, secret, signature, out_too=True)
        _check_order(session, scope.resource)
        if session.signed_out_at is not None:
            raise SessionSignedOut("the session is signed out from the bank")
        login = find_bank_login(conn, tenant, session.bank_login_id)
        if scope.since is not None and scope.since > tenant.now().date():
            raise SinceInFuture(
                "since is in the future", details={"since": scope.since.isoformat()}
            )
        _check_picked(conn, tenant, login, scope)
        if session.access_id is not None:
            access = rows.access_by_public_id(conn, tenant.id, session.access_id)
            assert access is not None
            _check_access_quota(conn, tenant, access["id"])
        done = Resource.ALL if scope.resource is Resource.ALL else "parts"
        rows.update_session(conn, session.id, imports=str(done))
        job_id = _run(conn, tenant, session, login, scope)
        if scope.resource is Resource.ALL:  # after a whole import the bank session is over
            rows.update_session(conn, session.id, signed_out_at=tenant.now())
        return imports.poll(conn, tenant, job_id, moving=False)


def _check_picked(conn: Connection, tenant: Tenant, login: BankLogin, scope: Scope) -> None:
    """The account (by IBAN) or card (by its number as imported) is the bank login's."""
    if scope.iban is None and scope.card is None:
        return
    held = accounts.of_bank_login(conn, tenant, login.id)
    cards = [a for a in held if a.type == CARD]
    others = [a for a in held if a.type != CARD]
    if scope.iban is not None and not any(scope.picks(a) for a in others):
        raise UnknownIban(
            "no account of the session has this IBAN", details={"iban": scope.iban[:64]}
        )
    if scope.card is not None and not any(scope.picks(a) for a in cards):
        raise UnknownCard(
            "no card of the session has this number", details={"card": scope.card[:64]}
        )


def compact_iban(text: str) -> str:
    return text.replace(" ", "").upper()


def _check_order(session: BankSession, resource: Resource) -> None:
    if session.imports == Resource.ALL.value:
        if resource is Resource.ALL:
            raise WholeImportDone("the default import already ran in this session")
        raise SessionSignedOut("the session signed out after its default import")
    if session.imports == "parts" and resource is Resource.ALL:
        raise ImportsMixed(
            "this session imported resource by resource: a default import cannot follow"
        )


def _run(
    conn: Connection, tenant: Tenant, session: BankSession, login: BankLogin, scope: Scope
) -> int:
    bank = bank_of(tenant, login.bank_id)
    owner: dict[str, Any] = {
        "bank_login_id": login.id,
        "user_id": login.user_id,
        "bank": bank,
        "kind": ImportKind.SESSION,
        "bank_session_id": session.id,
        "scope": scope.stored(),
    }
    if scope.resource is Resource.SIGN_OUT:
        return imports.record(conn, tenant, **owner, instant=True)
    refusal: SandboxError | None = None
    if login.state in NEEDS_USER:
        refusal = BankRefusal(login.state, "the bank asks its user to act before an import")
    else:
        try:
            result = sync_login(
                conn, tenant, login, bank, user_present=True, history_days=session.history_days
            )
        except BankRefusal as error:
            refusal = error
    if refusal is not None:
        return imports.record(conn, tenant, **owner, refusal=refusal)
    return imports.record(conn, tenant, **owner, result=result)


def sign_out(db: Database, tenant: Tenant, secret: str, signature: str) -> imports.ImportJob:
    """End the session; recorded as a finished job, for a face whose sign-out is a command."""
    with db.begin() as conn:
        session = _held(conn, tenant, secret, signature)
        login = find_bank_login(conn, tenant, session.bank_login_id)
        job_id = _run(conn, tenant, session, login, Scope(Resource.SIGN_OUT))
        rows.update_session(conn, session.id, signed_out_at=tenant.now())
        return imports.poll(conn, tenant, job_id, moving=False)


def poll(
    db: Database, tenant: Tenant, job_id: int, *, moving: bool = True
) -> tuple[imports.ImportJob, BankSession]:
    """A session import as it reads now (a poll, moving it on, unless `moving=False`) with its
    session; NotFound for any other job, which this read leaves as it was."""
    with db.begin() as conn:
        row = rows.session_of_job(conn, tenant.id, job_id)
        if row is None:
            raise NotFound(f"no session import {job_id}", details={"import_id": job_id})
        return imports.poll(conn, tenant, job_id, moving=moving), BankSession.from_row(row)
