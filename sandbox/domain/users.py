"""Users: the tenant's end users. The same external id always maps to the same user."""

from __future__ import annotations

import secrets
from datetime import timedelta

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
        made = rows.insert_user_if_new(conn, tenant.id, external_id, tenant.now())
        if made is None:  # another request made it meanwhile, and announced it
            made = rows.user_by_external_id(conn, tenant.id, external_id)
            assert made is not None
        else:
            events.user_created(conn, tenant, external_id)
        found = made
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
    """The user by the platform's own id (what Powens-style APIs name a user by); a temporary
    user whose time is up is gone."""
    with db.connect() as conn:
        return find_user_by_id(conn, tenant, user_id)


def find_user_by_id(conn: Connection, tenant: Tenant, user_id: int) -> User:
    found = rows.user_by_id(conn, tenant.id, user_id)
    if found is None or User.from_row(found).gone_at(tenant.now()):
        raise NotFound(f"no user {user_id}", details={"user_id": user_id})
    return User.from_row(found)


def insert_numbered(
    conn: Connection, tenant: Tenant, temporary_for: timedelta | None, *, announced: bool = True
) -> User:
    """A new user known by its number (its external id is the number as text, so the native
    API names it so), in the caller's transaction. A temporary one is gone after
    `temporary_for` of the tenant's time, and announced only once it is kept: it may never be.
    `announced=False` leaves announcing a permanent user to the caller (`announce`), once what
    must come with it is made (its token)."""
    now = tenant.now()
    rows.delete_gone_users(conn, tenant.id, now)
    expires_at = None if temporary_for is None else now + temporary_for
    placeholder = f"~{secrets.token_hex(12)}"
    row = rows.insert_user(conn, tenant.id, placeholder, now, expires_at)
    # A native user may already be called by this number: then it gets a longer name.
    number = str(row["id"])
    taken = rows.user_by_external_id(conn, tenant.id, number) is not None
    row = rows.update_user(conn, row["id"], external_id=f"user-{number}" if taken else number)
    user = User.from_row(row)
    if expires_at is None and announced:
        announce(conn, tenant, user)
    return user


def announce(conn: Connection, tenant: Tenant, user: User) -> None:
    """`user.created`, for a user kept for good."""
    events.user_created(conn, tenant, user.external_id)


def keep(conn: Connection, user: User) -> User:
    """The user, kept for good (not announced here)."""
    if user.expires_at is None:
        return user
    return User.from_row(rows.update_user(conn, user.id, expires_at=None))


def remove(conn: Connection, tenant: Tenant, user: User) -> None:
    """Delete the user with every bank login, account and transaction (cascade), announced
    first, so the announcement still sees what it names."""
    events.user_deleted(conn, tenant, user.external_id)
    rows.delete_user(conn, tenant.id, user.id)


def delete_user_by_id(db: Database, tenant: Tenant, user_id: int) -> None:
    with db.begin() as conn:
        remove(conn, tenant, find_user_by_id(conn, tenant, user_id))


def list_users(db: Database, tenant: Tenant, after_id: int, limit: int) -> list[User]:
    with db.connect() as conn:
        return [User.from_row(row) for row in rows.list_users(conn, tenant.id, after_id, limit)]


def delete_user(db: Database, tenant: Tenant, external_id: str) -> None:
    """Deletes the user with every bank login, account and transaction (cascade)."""
    with db.begin() as conn:
        remove(conn, tenant, find_user(conn, tenant, external_id))
