"""The events a tenant's webhook endpoints carry, with their deliveries and attempts."""

from __future__ import annotations

from sandbox.domain import deliveries
from sandbox.domain.deliveries import Delivery, DeliveryPage
from sandbox.domain.tenants import Tenant
from sandbox.store.database import Database


class Events:
    def __init__(self, db: Database) -> None:
        self._db = db

    def deliveries(self, tenant: Tenant, before: int | None, limit: int) -> DeliveryPage:
        """Up to `limit` events, newest first, older than the position `before` a previous
        page ended at: each once per endpoint it was written for (once, `skipped`, when no
        endpoint took it), with that delivery's attempts."""
        return deliveries.page_of_deliveries(self._db, tenant, before, limit)

    def fire(
        self,
        tenant: Tenant,
        event: str,
        *,
        bank_login_id: int | None = None,
        user_id: str | None = None,
    ) -> Delivery:
        """Emit any event now, built from a bank login's (or user's) current data; its delivery
        to the oldest endpoint that takes it (`skipped` when none does)."""
        return deliveries.fire(
            self._db, tenant, event, bank_login_id=bank_login_id, user_id=user_id
        )
