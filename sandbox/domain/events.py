"""Domain events: what the platform tells a tenant's webhook endpoints, and the outbox they wait
in.

`emit` writes the neutral event (type, tenant, subject ids, data) in the caller's transaction,
with a pending delivery for each of the tenant's endpoints that takes it, so an event exists
exactly when the change it describes was committed (the transactional outbox pattern); the
delivery worker in `sandbox/webhooks/` sends it later, each body rendered by the face that owns
the endpoint's format. An event no endpoint takes is recorded all the same, listed as `skipped`,
so a test can still see what happened; it is never sent.

The event names are `sandbox/subscriptions.py`'s, shared with the scenario schema.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.engine import Connection

from sandbox.clock import system_ms
from sandbox.domain import snapshots
from sandbox.domain.tenants import Tenant
from sandbox.iso import iso
from sandbox.store import webhooks as rows
from sandbox.store.webhooks import EventRow
from sandbox.subscriptions import EVENT_TYPES as EVENT_TYPES  # re-exported for the domain
from sandbox.subscriptions import EventType


@dataclass(frozen=True)
class Subjects:
    """What an event is about, by id: the tenant's own user id, the bank login, the account.
    A renderer may name them its provider's way; they are in `data` too."""

    user_id: str | None = None
    bank_login_id: int | None = None
    account_id: int | None = None


@dataclass(frozen=True)
class Event:
    """A neutral event: the same for every endpoint, whatever the format that renders it."""

    id: str
    type: EventType
    created_at: datetime  # the tenant's virtual time
    tenant_id: str
    subjects: Subjects
    data: dict[str, Any]
    # Its place in the outbox: a number that grows with every event, so a renderer may number
    # events with it (Powens' `id_webhook_data`) and a receiver order them by it.
    number: int = 0

    @classmethod
    def from_row(cls, row: EventRow) -> Event:
        return cls(
            id=row.event_id,
            type=EventType(row.event_type),
            created_at=row.created_at,
            tenant_id=row.tenant_id,
            subjects=Subjects(row.user_id, row.bank_login_id, row.account_id),
            data=orjson.loads(row.data),
            number=row.outbox_id,
        )


def new_event_id() -> str:
    """`evt_` and 24 hex digits: the real time in milliseconds (12), then 48 random bits. Ids
    made later sort later, so the outbox's index of them grows at its end: random ids put
    each of a connection's nine events on a page of its own, each page written again."""
    return f"evt_{system_ms() & 0xFFFF_FFFF_FFFF:012x}{secrets.token_hex(6)}"


def emit(
    conn: Connection,
    tenant: Tenant,
    event_type: EventType,
    subjects: Subjects,
    data: dict[str, Any],
) -> Event:
    """Record an event in the caller's transaction: it is delivered if, and only if, the
    transaction commits. `data` must be JSON-ready (datetimes as ISO strings). Where the
    tenant has endpoints of a format that writes its body from the platform as it is now
    (`snapshots.py`), that body is written now too."""
    event_id, kind, created_at = new_event_id(), EventType(event_type), tenant.now()
    number = rows.insert_event(
        conn,
        tenant_id=tenant.id,
        event_id=event_id,
        event_type=kind.value,
        created_at=created_at,
        user_id=subjects.user_id,
        bank_login_id=subjects.bank_login_id,
        account_id=subjects.account_id,
        data=orjson.dumps(data).decode(),
        # Delivery runs on real time: the first attempt is due at once, when it commits.
        next_attempt_at=None,
    )
    event = Event(event_id, kind, created_at, tenant.id, subjects, data, number)
    snapshots.take(conn, tenant, event)
    return event


# The catalogue: one function per event type, so every payload shape is written down once and
# a fired test event (`sandbox/domain/deliveries.py`) looks exactly like a real one.


@dataclass(frozen=True)
class LoginRef:
    """What every bank-login event names: the tenant's own user id, the login and its bank."""

    user_id: str
    bank_login_id: int
    bank_id: str

    def data(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "bank_login_id": self.bank_login_id,
            "bank_id": self.bank_id,
        }

    def subjects(self, account_id: int | None = None) -> Subjects:
        return Subjects(self.user_id, self.bank_login_id, account_id)


@dataclass(frozen=True)
class AccountRef:
    id: int
    type: str
    name: str
    currency: str
    disabled: bool

    @classmethod
    def from_row(cls, row: Any) -> AccountRef:
        return cls(row["id"], row["type"], row["name"], row["currency"], bool(row["disabled"]))

    def data(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "name": self.name,
            "currency": self.currency,
            "disabled": self.disabled,
        }


def user_created(conn: Connection, tenant: Tenant, user_id: str) -> Event:
    return emit(conn, tenant, EventType.USER_CREATED, Subjects(user_id), {"user_id": user_id})


def user_deleted(conn: Connection, tenant: Tenant, user_id: str) -> Event:
    """Emitted before the user's rows go, so a body written now still sees them."""
    return emit(conn, tenant, EventType.USER_DELETED, Subjects(user_id), {"user_id": user_id})


def bank_login_deleted(conn: Connection, tenant: Tenant, login: LoginRef) -> Event:
    """Emitted before the login's rows go, so a body written now still sees them."""
    return emit(conn, tenant, EventType.BANK_LOGIN_DELETED, login.subjects(), login.data())


def accounts_fetched(
    conn: Connection, tenant: Tenant, login: LoginRef, account_ids: list[int]
) -> Event:
    """A sync has read the bank's list of accounts (`account_ids`: those the bank shows, in
    the login's order), before it announces each account's transactions and its own end."""
    data = {**login.data(), "account_ids": account_ids}
    return emit(conn, tenant, EventType.BANK_LOGIN_ACCOUNTS_FETCHED, login.subjects(), data)


def bank_login_synced(
    conn: Connection,
    tenant: Tenant,
    login: LoginRef,
    *,
    new_accounts: int,
    new_transactions: int,
    deleted_accounts: int,
) -> Event:
    data = {
        **login.data(),
        "state": "connected",
        "new_accounts": new_accounts,
        "new_transactions": new_transactions,
        "deleted_accounts": deleted_accounts,
    }
    return emit(conn, tenant, EventType.BANK_LOGIN_SYNCED, login.subjects(), data)


def bank_login_sync_failed(
    conn: Connection,
    tenant: Tenant,
    login: LoginRef,
    *,
    state: str,
    state_detail: str | None,
    state_until: datetime | None,
) -> Event:
    data = {
        **login.data(),
        "state": state,
        "state_detail": state_detail,
        "state_until": iso(state_until),
    }
    return emit(conn, tenant, EventType.BANK_LOGIN_SYNC_FAILED, login.subjects(), data)


def consent_expiring(
    conn: Connection, tenant: Tenant, login: LoginRef, granted_at: datetime, expires_at: datetime
) -> Event:
    consent = {"granted_at": granted_at.isoformat(), "expires_at": expires_at.isoformat()}
    data = {**login.data(), "consent": consent}
    return emit(conn, tenant, EventType.CONSENT_EXPIRING, login.subjects(), data)


def consent_expired(
    conn: Connection,
    tenant: Tenant,
    login: LoginRef,
    granted_at: datetime,
    expires_at: datetime,
    state: str,
) -> Event:
    """`state`: what the login reads now that its consent is over (`sca_required`, …)."""
    consent = {"granted_at": granted_at.isoformat(), "expires_at": expires_at.isoformat()}
    data = {**login.data(), "consent": consent, "state": state}
    return emit(conn, tenant, EventType.CONSENT_EXPIRED, login.subjects(), data)


def account_discovered(
    conn: Connection, tenant: Tenant, login: LoginRef, account: AccountRef
) -> Event:
    """`account.disabled` is true for an account the user did not choose to share."""
    data = {**login.data(), "account": account.data()}
    return emit(conn, tenant, EventType.ACCOUNT_DISCOVERED, login.subjects(account.id), data)


def account_deleted(
    conn: Connection, tenant: Tenant, login: LoginRef, account: AccountRef
) -> Event:
    data = {**login.data(), "account": account.data()}
    return emit(conn, tenant, EventType.ACCOUNT_DELETED, login.subjects(account.id), data)


def account_synced(
    conn: Connection, tenant: Tenant, login: LoginRef, account: AccountRef, new_transactions: int
) -> Event:
    """An enabled account's balance and transactions were imported (a sync, or its activation);
    `new_transactions`: how many of them are new."""
    data = {**login.data(), "account": account.data(), "new_transactions": new_transactions}
    return emit(conn, tenant, EventType.ACCOUNT_SYNCED, login.subjects(account.id), data)


def account_enabled(
    conn: Connection, tenant: Tenant, login: LoginRef, account: AccountRef
) -> Event:
    data = {**login.data(), "account": account.data()}
    return emit(conn, tenant, EventType.ACCOUNT_ENABLED, login.subjects(account.id), data)


def account_disabled(
    conn: Connection, tenant: Tenant, login: LoginRef, account: AccountRef
) -> Event:
    data = {**login.data(), "account": account.data()}
    return emit(conn, tenant, EventType.ACCOUNT_DISABLED, login.subjects(account.id), data)
