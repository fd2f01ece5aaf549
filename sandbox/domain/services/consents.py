"""Bank logins' consents: ending one now.

A consent belongs to its bank login (`records.Consent`); ending it is its own verb, and its
notices go out as the clock (`Clocks.move`) and the webhook worker's watch reach them.
"""

from __future__ import annotations

from sandbox.domain import consents, control
from sandbox.domain.records import BankLogin
from sandbox.domain.tenants import Tenant
from sandbox.store.database import Database


class Consents:
    def __init__(self, db: Database) -> None:
        self._db = db

    def expire(self, tenant: Tenant, bank_login_id: int) -> BankLogin:
        """End the consent now (never later than it already ended); its notices go out at
        once."""
        login = control.expire_consent(self._db, tenant, bank_login_id)
        consents.watch(self._db, tenant.id)
        return login
