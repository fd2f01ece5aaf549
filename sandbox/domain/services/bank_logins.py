"""Bank logins (a user's connection to a bank): reading, syncing, and what a test forces."""

from __future__ import annotations

from datetime import datetime

from sandbox.domain import api_connect, bank_logins, connections, control, statements
from sandbox.domain.api_connect import Standing
from sandbox.domain.banks import SourceKind
from sandbox.domain.records import BankLogin, Person, User
from sandbox.domain.states import LoginState
from sandbox.domain.sync import SyncResult
from sandbox.domain.tenants import Tenant
from sandbox.statements.model import Owner
from sandbox.store.database import Database


class BankLogins:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, tenant: Tenant, bank_login_id: int) -> BankLogin:
        return bank_logins.get_bank_login(self._db, tenant, bank_login_id)

    def of_user(self, tenant: Tenant, user_id: int) -> list[BankLogin]:
        return bank_logins.list_bank_logins(self._db, tenant, user_id)

    def holder(self, tenant: Tenant, bank_login_id: int) -> Owner:
        """Who holds the bank login's accounts, as the bank shows them (name, address lines)."""
        return statements.holder_of_login(tenant, self.get(tenant, bank_login_id))[0]

    def person(self, tenant: Tenant, bank_login_id: int) -> Person | None:
        """The holder with the details the bank keeps: birth date, email, phone, identity
        number; None for a login of no known person."""
        return statements.person_of_login(tenant, self.get(tenant, bank_login_id))

    def delete(self, tenant: Tenant, bank_login_id: int) -> None:
        bank_logins.delete_bank_login(self._db, tenant, bank_login_id)

    def refresh(self, tenant: Tenant, bank_login_id: int) -> tuple[BankLogin, SyncResult]:
        """A sync the client asks for without the user: counted against the bank's limit."""
        return connections.refresh(self._db, tenant, bank_login_id)

    def sync_now(self, tenant: Tenant, bank_login_id: int) -> tuple[BankLogin, SyncResult]:
        """A sync a test asks for: outside the daily limit, the bank's refusals still apply."""
        return connections.sync_now(self._db, tenant, bank_login_id)

    def connect_directly(
        self,
        tenant: Tenant,
        *,
        external_user_id: str,
        bank_id: str,
        login: str,
        account_type: str | None = None,
    ) -> tuple[BankLogin, SyncResult]:
        """A connected bank login without the hosted UI, as a test's shortcut."""
        return connections.connect_directly(
            self._db,
            tenant,
            external_user_id=external_user_id,
            bank_id=bank_id,
            login=login,
            account_type=account_type,
        )

    def force_state(
        self,
        tenant: Tenant,
        bank_login_id: int,
        state: LoginState,
        detail: str | None = None,
        until: datetime | None = None,
    ) -> BankLogin:
        return control.force_state(self._db, tenant, bank_login_id, state, detail, until)

    # --- Through a data API, without the hosted UI (api_connect.py) ------------------------

    def connect_with_credentials(
        self,
        tenant: Tenant,
        *,
        user: User,
        bank_id: str,
        login: str,
        password: str,
        account_type: str | None = None,
        source: SourceKind | None = None,
    ) -> Standing:
        """A bank login from the user's credentials, waiting for its user's SCA."""
        return api_connect.connect(
            self._db,
            tenant,
            user=user,
            bank=connections.bank_of(tenant, bank_id),
            login=login,
            password=password,
            account_type=account_type,
            source=source,
        )

    def standing(self, tenant: Tenant, bank_login_id: int) -> Standing:
        """The login now, with its user's SCA in progress (a decided one applied)."""
        return api_connect.standing(self._db, tenant, bank_login_id)

    def choose_sca_method(self, tenant: Tenant, bank_login_id: int, method: str) -> Standing:
        return api_connect.choose_method(self._db, tenant, bank_login_id, method)

    def answer_otp(
        self, tenant: Tenant, bank_login_id: int, otp: str, method: str | None = None
    ) -> Standing:
        return api_connect.answer_otp(self._db, tenant, bank_login_id, otp, method)

    def resume(self, tenant: Tenant, bank_login_id: int) -> Standing:
        """Go on after an approval asked in the bank's app."""
        return api_connect.resume(self._db, tenant, bank_login_id)

    def sync(
        self,
        tenant: Tenant,
        bank_login_id: int,
        *,
        user_present: bool,
        start_sca: bool = False,
        renew: bool = False,
    ) -> Standing:
        """A sync the client asks for; a refusal is the login's new state, not an error.
        `start_sca`: SCA starts if the login needs it; `renew`: SCA starts anyway."""
        return api_connect.sync(
            self._db,
            tenant,
            bank_login_id,
            user_present=user_present,
            start_sca=start_sca,
            renew=renew,
        )

    def relogin(self, tenant: Tenant, bank_login_id: int, password: str) -> Standing:
        return api_connect.relogin(self._db, tenant, bank_login_id, password)

    def set_active(self, tenant: Tenant, bank_login_id: int, active: bool) -> Standing:
        return api_connect.set_active(self._db, tenant, bank_login_id, active)

    def set_source_disabled(
        self, tenant: Tenant, bank_login_id: int, source_id: int, disabled: bool
    ) -> BankLogin:
        """Switch one of the login's sources off (or on again) for its syncs."""
        return api_connect.set_source_disabled(self._db, tenant, bank_login_id, source_id, disabled)
