"""Bank logins (a user's connection to a bank): reading, syncing, and what a test forces."""

from __future__ import annotations

from datetime import datetime

from sandbox.domain import bank_logins, connections, consents, control
from sandbox.domain.records import BankLogin
from sandbox.domain.states import LoginState
from sandbox.domain.sync import SyncResult
from sandbox.domain.tenants import Tenant
from sandbox.store.database import Database


class BankLogins:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, tenant: Tenant, bank_login_id: int) -> BankLogin:
        return bank_logins.get_bank_login(self._db, tenant, bank_login_id)

    def of_user(self, tenant: Tenant, user_id: int) -> list[BankLogin]:
        return bank_logins.list_bank_logins(self._db, tenant, user_id)

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

    def expire_consent(self, tenant: Tenant, bank_login_id: int) -> BankLogin:
        """End the consent now; its notices go out at once."""
        login = control.expire_consent(self._db, tenant, bank_login_id)
        consents.watch(self._db, tenant.id)
        return login
