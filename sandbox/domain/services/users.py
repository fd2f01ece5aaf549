"""The platform's end users, known by the tenant's own id for them."""

from __future__ import annotations

from sandbox.domain import accounts, users
from sandbox.domain.records import User
from sandbox.domain.tenants import Tenant
from sandbox.store.database import Database


class Users:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, tenant: Tenant, external_id: str) -> User:
        return users.get_user(self._db, tenant, external_id)

    def by_id(self, tenant: Tenant, user_id: int) -> User:
        """The user by the platform's internal numeric id; NotFound for another tenant's."""
        return users.get_user_by_id(self._db, tenant, user_id)

    def page(self, tenant: Tenant, after_id: int, limit: int) -> list[User]:
        """Up to `limit` users whose internal id is above `after_id`, by that id."""
        return users.list_users(self._db, tenant, after_id, limit)

    def delete(self, tenant: Tenant, external_id: str) -> None:
        users.delete_user(self._db, tenant, external_id)

    def delete_by_id(self, tenant: Tenant, user_id: int) -> None:
        """Deletes the user with everything it owns (cascade)."""
        users.delete_user_by_id(self._db, tenant, user_id)

    def bank_login_counts(self, tenant: Tenant, user_ids: list[int]) -> dict[int, int]:
        return accounts.bank_login_counts(self._db, tenant, user_ids)
