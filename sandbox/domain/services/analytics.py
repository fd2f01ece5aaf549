"""Analytics modules: which a tenant has on, and what they say of a user."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sandbox.domain import analytics
from sandbox.domain.analytics import Categorised
from sandbox.domain.records import Transaction
from sandbox.domain.tenants import Tenant
from sandbox.store.database import Database


class Analytics:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._categorised = Categorised()

    def run(
        self,
        tenant: Tenant,
        external_user_id: str,
        module: str,
        *,
        start: date | None = None,
        end: date | None = None,
    ) -> Any:
        """The module's result for the user, as of the tenant's today: ModuleNotEnabled while
        the tenant has it off, NoData when the user's history is too short for it."""
        return analytics.run(self._db, tenant, external_user_id, module, start, end)

    def categories_of(
        self, tenant: Tenant, transactions: Iterable[Transaction]
    ) -> dict[int, str | None]:
        """The category each transaction shows (None while `categories` is off). On a page of
        many users' transactions it reads and categorises each one's ledger: call it from a
        worker thread, not the event loop."""
        return analytics.categories_of(self._db, self._categorised, tenant, transactions)

    def set_modules(self, tenant: Tenant, modules: Iterable[str]) -> Tenant:
        """Turn on the modules named and off the others."""
        return analytics.set_modules(self._db, tenant, modules)
