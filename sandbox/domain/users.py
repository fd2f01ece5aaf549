"""Users: the tenant's end users. The same external id always maps to the same user."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from sandbox.domain import events
from sandbox.domain.records import User
from sandbox.domain.tenants import Tenant
from sandbox.errors import NotFound
from sandbox.store import users as rows
from sandbox.store.database import Database


def user_for(conn: Connection, tenant: Tenant, external_id: str) -> User:
    """The user with this external id, created (and announced) on first use."""
    found = rows.user_by_external_id(conn, tenant.id, external_id)
    if found is None:
        found = rows.insert_user(conn, tenant.id, external_id, tenant.now())
        events.user_created(conn, tenant, external_id)
    return User.from_row(found)


def find_user(conn: Connection, tenant: Tenant, external_id: str) -> User:
    found = rows.user_by_external_id(conn, tenant.id, external_id)
    if found is None:
        raise NotFound(f"no user {external_id!r}", details={"user_id": external_id})
    return User.from_row(found)


def get_user(db: Database, tenant: Tenant, external_id: str) -> User:
    with db.connect() as conn:
        return find_user(conn, tenant, external_id)


def get_user_by_id(db: Database, tenant: Tenant, user_id: int) -> User:
    """The user by the platform's own id (what Powens-style APIs name a user by)."""
    with db.connect() as conn:
        found = rows.user_by_id(conn, tenant.id, user_id)
    if found is None:
        raise NotFound(f"no user {user_id}", details={"user_id": user_id})
    return User.from_row(found)


def list_users(db: Database, tenant: Tenant, after_id: int, limit: int) -> list[User]:
    with db.connect() as conn:
        return [User.from_row(row) for row in rows.list_users(conn, tenant.id, after_id, limit)]


def delete_user(db: Database, tenant: Tenant, external_id: str) -> None:
    """Deletes the user with every bank login, account and transaction (cascade)."""
    with db.begin() as conn:
        user = find_user(conn, tenant, external_id)
        rows.delete_user(conn, tenant.id, user.id)
