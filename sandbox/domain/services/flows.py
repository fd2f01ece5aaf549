"""Connect flows: the sessions a client opens for its user, every step of the hosted pages, and
what the user does at the bank's own pages and app.

A flow is opened by a face (`face`, its name) and ends with a neutral `Exit` (`outcome.py`): the
web face, which sends the user back, has the opening face spell it. A step takes the session id
and, where the face must check something in the step's own transaction (a form's CSRF token), a
`check` called with the flow as the step reads it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox.domain import bank_site, connect, history, manage, sca, sessions, sign_ins
from sandbox.domain.banks import AccountType, Bank, ScaMethod
from sandbox.domain.connect import Offer
from sandbox.domain.flow import Check, Flow, load
from sandbox.domain.history import HistoryOffer
from sandbox.domain.manage import ManagedLogin
from sandbox.domain.outcome import Exit
from sandbox.domain.records import BankLogin, Challenge, ConnectSession, User
from sandbox.domain.sessions import SessionTrace
from sandbox.domain.sign_ins import FlowResult
from sandbox.domain.tenants import Tenant
from sandbox.store.database import Database


class ConnectFlows:
    def __init__(self, db: Database) -> None:
        self._db = db

    # --- Opening a flow ---------------------------------------------------------------------

    def check_redirect_uri(
        self, tenant: Tenant, redirect_uri: str, face: str | None = None
    ) -> None:
        """InvalidInput unless the tenant registers this redirect URI (or it is `face`'s own
        page, `sessions.FACE_PAGES`): what opening a flow checks, for a face that must know
        before it spends anything on the flow."""
        sessions.check_redirect_uri(tenant, redirect_uri, face)

    def open_connect(
        self,
        tenant: Tenant,
        *,
        face: str,
        external_user_id: str | None,
        redirect_uri: str,
        state: str | None,
        options: dict[str, Any],
        kind: str = "connect",
    ) -> ConnectSession:
        """A flow opened by `face`: a `connect` flow that connects a bank (the user is created
        when new; a new numbered user with the session when `external_user_id` is None), or
        with `kind="management"` the list of the user's bank logins."""
        return sessions.create_session(
            self._db,
            tenant,
            kind=kind,
            external_user_id=external_user_id,
            redirect_uri=redirect_uri,
            state=state,
            options=options,
            face=face,
        )

    def open_renewal(
        self,
        tenant: Tenant,
        *,
        face: str,
        bank_login_id: int,
        redirect_uri: str,
        state: str | None,
    ) -> ConnectSession:
        """A flow in which the user passes SCA again for a new consent on a bank login."""
        return sessions.create_renewal_session(
            self._db,
            tenant,
            bank_login_id=bank_login_id,
            redirect_uri=redirect_uri,
            state=state,
            face=face,
        )

    def open_history_extension(
        self,
        tenant: Tenant,
        *,
        face: str,
        bank_login_id: int,
        days: int,
        redirect_uri: str,
        state: str | None,
    ) -> ConnectSession:
        """A flow in which the user passes SCA for a deeper history (as Kontomatik documents it)."""
        return history.create_history_session(
            self._db,
            tenant,
            bank_login_id=bank_login_id,
            days=days,
            redirect_uri=redirect_uri,
            state=state,
            face=face,
        )

    # --- Reading a flow ---------------------------------------------------------------------

    def load(self, session_id: str) -> Flow:
        """The flow of a usable session; SessionGone otherwise."""
        return load(self._db, session_id)

    def trace(self, session_id: str) -> SessionTrace:
        """What a session id still tells whatever became of it: whose it is, whether it may be
        used, and once it is over, the way back to the client."""
        return sessions.trace_session(self._db, session_id)

    def result(self, tenant: Tenant, session_id: str) -> FlowResult:
        """The tenant's flow as its opener reads it back: running, expired, or its outcome."""
        return sign_ins.result(self._db, tenant, session_id)

    def sca_progress(
        self, session_id: str, seen: Flow | None = None
    ) -> tuple[Flow, Challenge | None]:
        """The flow and its current challenge, a decision the clock made applied; `seen` is the
        flow as the caller has just read it, for a look that changes nothing."""
        return connect.sca_progress(self._db, session_id, seen)

    def offered_banks(self, flow: Flow) -> list[Bank]:
        return connect.offered_banks(flow)

    def account_types(self, flow: Flow, bank: Bank) -> list[AccountType]:
        return connect.account_types(flow, bank)

    def sca_methods(self, flow: Flow, challenge: Challenge) -> list[ScaMethod]:
        return connect.sca_methods(flow, challenge)

    def attempts_left(self, challenge: Challenge) -> int:
        return sca.attempts_left(challenge)

    def consent_offer(self, flow: Flow) -> list[Offer]:
        return connect.consent_offer(flow)

    def expires_on(self, flow: Flow) -> datetime:
        return connect.expires_on(flow)

    def history_offer(self, flow: Flow) -> HistoryOffer:
        return history.history_offer(self._db, flow)

    def managed_logins(self, flow: Flow) -> list[ManagedLogin]:
        return manage.managed_logins(self._db, flow)

    def connected_login(self, flow: Flow) -> BankLogin:
        """The bank login a flow at step `already_connected` would have repeated."""
        return connect.connected_login(self._db, flow)

    def user_of(self, flow: Flow) -> User:
        return manage.user_of(self._db, flow)

    # --- The steps on the platform's pages --------------------------------------------------

    def enter(self, session_id: str, *, multiple: bool, add_bank_login: bool) -> Flow:
        return connect.enter(self._db, session_id, multiple=multiple, add_bank_login=add_bank_login)

    def choosing_bank(self, session_id: str) -> Flow:
        return connect.choosing_bank(self._db, session_id)

    def choose_bank(self, session_id: str, bank_id: str, *, check: Check | None = None) -> Flow:
        return connect.choose_bank(self._db, session_id, bank_id, check=check)

    def choose_account_type(
        self, session_id: str, account_type: str, *, check: Check | None = None
    ) -> Flow:
        return connect.choose_account_type(self._db, session_id, account_type, check=check)

    def log_in(
        self, session_id: str, login: str, password: str, *, check: Check | None = None
    ) -> Flow:
        return connect.log_in_on_platform(self._db, session_id, login, password, check=check)

    def choose_sca_method(
        self, session_id: str, method: str, *, check: Check | None = None
    ) -> Flow:
        return connect.choose_sca_method(self._db, session_id, method, check=check)

    def enter_otp(
        self, session_id: str, otp: str, *, check: Check | None = None
    ) -> tuple[Flow, Challenge]:
        return connect.enter_otp(self._db, session_id, otp, check=check)

    def grant_consent(
        self, session_id: str, account_keys: list[str], *, check: Check | None = None
    ) -> tuple[Flow, Exit | None]:
        return connect.grant_consent(self._db, session_id, account_keys, check=check)

    def share_history(
        self, session_id: str, *, check: Check | None = None
    ) -> tuple[Flow, Exit | None]:
        return history.share_history(self._db, session_id, check=check)

    def cancel(self, session_id: str, *, check: Check | None = None) -> tuple[Flow, Exit | None]:
        return connect.cancel(self._db, session_id, check=check)

    def leave(self, session_id: str, *, check: Check | None = None) -> Exit:
        return connect.leave(self._db, session_id, check=check)

    def start_renewal(
        self, session_id: str, bank_login_id: int, *, check: Check | None = None
    ) -> Flow:
        return manage.start_renewal(self._db, session_id, bank_login_id, check=check)

    def remove_bank_login(
        self, session_id: str, bank_login_id: int, *, check: Check | None = None
    ) -> Flow:
        return manage.remove_bank_login(self._db, session_id, bank_login_id, check=check)


class BankSite:
    """What the user does at the bank: its own login and approval pages, and its phone app."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def page(self, session_id: str, bank_id: str, page: str) -> Flow:
        return bank_site.bank_page(self._db, session_id, bank_id, page)

    def log_in(self, session_id: str, bank_id: str, login: str, password: str) -> Flow:
        return bank_site.log_in_at_bank(self._db, session_id, bank_id, login, password)

    def decide(self, session_id: str, approve: bool) -> Flow:
        return bank_site.bank_decision(self._db, session_id, approve)

    def cancel(self, session_id: str, bank_id: str) -> Exit:
        return bank_site.cancel_at_bank(self._db, session_id, bank_id)

    def app_request(self, session_id: str, bank_id: str) -> tuple[Flow, Challenge]:
        return bank_site.app_request(self._db, session_id, bank_id)

    def app_decision(self, session_id: str, bank_id: str, approve: bool) -> Challenge:
        return bank_site.app_decision(self._db, session_id, bank_id, approve)
