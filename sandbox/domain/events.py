"""Domain events: what the platform tells a tenant's webhook, and the outbox they wait in.

`emit` writes one outbox row in the caller's transaction, so an event exists exactly when the
change it describes was committed (the transactional outbox pattern); the delivery worker in
`sandbox/webhooks/` sends it later. Events are recorded even for a tenant without a webhook URL,
as `skipped`, so a test can still list what happened; they are never sent.

Names follow Stripe's `noun.verb` style; the catalogue covers what Powens' webhooks tell
(USER_CREATED, CONNECTION_SYNCED with its state, ACCOUNT_FOUND, …; see reference/powens.md §8)
in provider-neutral words.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import orjson
from sqlalchemy.engine import Connection

from sandbox.clock import system_now
from sandbox.domain.tenants import Tenant
from sandbox.store import webhooks as rows


class EventType(StrEnum):
    USER_CREATED = "user.created"
    BANK_LOGIN_SYNCED = "bank_login.synced"
    BANK_LOGIN_SYNC_FAILED = "bank_login.sync_failed"
    CONSENT_EXPIRING = "consent.expiring"
    CONSENT_EXPIRED = "consent.expired"
    ACCOUNT_DISCOVERED = "account.discovered"
    ACCOUNT_DELETED = "account.deleted"


EVENT_TYPES = tuple(t.value for t in EventType)


@dataclass(frozen=True)
class Event:
    id: str
    type: EventType
    created_at: datetime
    tenant_id: str
    data: dict[str, Any]

    def envelope(self) -> dict[str, Any]:
        """The webhook body: the same bytes on every attempt."""
        return {
            "id": self.id,
            "type": self.type.value,
            "created_at": self.created_at.isoformat(),
            "tenant_id": self.tenant_id,
            "data": self.data,
        }


def new_event_id() -> str:
    return f"evt_{secrets.token_hex(12)}"


def emit(conn: Connection, tenant: Tenant, event_type: EventType, data: dict[str, Any]) -> Event:
    """Record an event in the caller's transaction: it is delivered if, and only if, the
    transaction commits. `data` must be JSON-ready (datetimes as ISO strings)."""
    event = Event(new_event_id(), EventType(event_type), tenant.now(), tenant.id, data)
    rows.insert_event(
        conn,
        tenant_id=tenant.id,
        event_id=event.id,
        event_type=event.type.value,
        payload=orjson.dumps(event.envelope()).decode(),
        created_at=event.created_at,
        status="pending" if tenant.webhook_url else "skipped",
        # Delivery runs on real time: the first attempt is due at once.
        next_attempt_at=system_now(),
    )
    return event


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


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
    return emit(conn, tenant, EventType.USER_CREATED, {"user_id": user_id})


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
    return emit(conn, tenant, EventType.BANK_LOGIN_SYNCED, data)


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
        "state_until": _iso(state_until),
    }
    return emit(conn, tenant, EventType.BANK_LOGIN_SYNC_FAILED, data)


def consent_expiring(
    conn: Connection, tenant: Tenant, login: LoginRef, granted_at: datetime, expires_at: datetime
) -> Event:
    consent = {"granted_at": granted_at.isoformat(), "expires_at": expires_at.isoformat()}
    return emit(conn, tenant, EventType.CONSENT_EXPIRING, {**login.data(), "consent": consent})


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
    return emit(conn, tenant, EventType.CONSENT_EXPIRED, data)


def account_discovered(
    conn: Connection, tenant: Tenant, login: LoginRef, account: AccountRef
) -> Event:
    """`account.disabled` is true for an account the user did not choose to share."""
    data = {**login.data(), "account": account.data()}
    return emit(conn, tenant, EventType.ACCOUNT_DISCOVERED, data)


def account_deleted(
    conn: Connection, tenant: Tenant, login: LoginRef, account: AccountRef
) -> Event:
    data = {**login.data(), "account": account.data()}
    return emit(conn, tenant, EventType.ACCOUNT_DELETED, data)
