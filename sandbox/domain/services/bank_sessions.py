"""Signed-in bank sessions: opened at sign-in (or without the user, for a test), held by a
client with their signature, and the imports it runs in them (`domain/bank_sessions.py`)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from sandbox.domain import bank_sessions, connections, sign_ins
from sandbox.domain.bank_sessions import BankSession, Scope, SignedIn
from sandbox.domain.errors import AlreadyConnected, UnknownLogin
from sandbox.domain.imports import ImportJob
from sandbox.domain.tenants import Tenant
from sandbox.store.database import Database


class BankSessions:
    def __init__(self, db: Database, secret_key: str | None = None) -> None:
        """`secret_key`: the installation's, which a sign-in flow's session derives from (an
        in-process platform without one makes its own, as an in-memory database would)."""
        self._db = db
        self._key = secret_key or secrets.token_urlsafe(32)

    def sign_in(
        self, tenant: Tenant, bank_login_id: int, *, source: str | None = None, standing: bool
    ) -> SignedIn:
        """A session on a bank login its user just signed in to; with `standing`, a standing
        access to reopen sessions from (only through a bank's API source)."""
        return bank_sessions.sign_in(
            self._db, tenant, bank_login_id, source=source, standing=standing
        )

    def sign_in_after(self, tenant: Tenant, flow_id: str) -> SignedIn:
        """The session a finished sign-in flow (`sign_ins.py`) yields: made at the first call,
        the same at every later one."""
        return sign_ins.sign_in_after(self._db, tenant, flow_id, self._key)

    def open_without_user(
        self,
        tenant: Tenant,
        *,
        external_user_id: str,
        login: str,
        bank_ids: Sequence[str],
        source: str | None,
        standing: bool,
    ) -> SignedIn:
        """A test's session with no sign-in pages: the person with `login` at the first of
        `bank_ids` that has one is connected (every account shared), or signed in again on the
        owner's bank login of that person."""
        for bank_id in bank_ids:
            if tenant.scenario.persona(bank_id, login) is not None:
                try:
                    made, _ = connections.connect_directly(
                        self._db,
                        tenant,
                        external_user_id=external_user_id,
                        bank_id=bank_id,
                        login=login,
                    )
                except AlreadyConnected as connected:  # signed in again on the same login
                    return self.sign_in(
                        tenant, connected.bank_login_id, source=source, standing=standing
                    )
                return self.sign_in(tenant, made.id, source=source, standing=standing)
        raise UnknownLogin(
            f"no one logs in as {login[:64]!r} at these banks", details={"login": login[:64]}
        )

    def reopen(self, tenant: Tenant, access_id: str) -> SignedIn:
        """A new session from a standing access."""
        return bank_sessions.reopen(self._db, tenant, access_id)

    def revoke_access(self, tenant: Tenant, access_id: str) -> None:
        bank_sessions.revoke_access(self._db, tenant, access_id)

    def resolve(
        self, tenant: Tenant, secret: str, signature: str, *, signed_out_too: bool = False
    ) -> BankSession:
        """The session, signed right and not expired; a signed-out one only with
        `signed_out_too` (for a caller that then learns why it is no use)."""
        return bank_sessions.resolve(self._db, tenant, secret, signature, out_too=signed_out_too)

    def start_import(self, tenant: Tenant, secret: str, signature: str, scope: Scope) -> ImportJob:
        """An import in the session, as a job the client polls through `platform.imports`."""
        return bank_sessions.start_import(self._db, tenant, secret, signature, scope)

    def sign_out(self, tenant: Tenant, secret: str, signature: str) -> ImportJob:
        return bank_sessions.sign_out(self._db, tenant, secret, signature)

    def poll(
        self, tenant: Tenant, job_id: int, *, moving: bool = True
    ) -> tuple[ImportJob, BankSession]:
        """A session's import as it reads now (a poll, unless `moving=False`) with its session;
        NotFound for any other job."""
        return bank_sessions.poll(self._db, tenant, job_id, moving=moving)
