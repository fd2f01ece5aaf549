"""Webhook deliveries as a test sees them, and events fired on demand.

An event is listed once for each endpoint it was written for, with that delivery's status and
attempts; an event no endpoint took is listed once, `skipped`, with no endpoint. The payload is
the face's to render, in the delivery's format (`native` for a skipped event).

A fired event is built by the same catalogue function as the real one (`events.py`), from the
bank login's data as it is now, so an integrator's handler can be tested against the exact
payload shape without staging the situation. Firing records nothing on the consent: the real
`consent.expiring` still comes when its time does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from sandbox.domain import events
from sandbox.domain.bank_logins import expired_state, find_bank_login
from sandbox.domain.errors import Conflict, InvalidInput, UnknownEvent
from sandbox.domain.events import EVENT_TYPES, AccountRef, Event, EventType, LoginRef
from sandbox.domain.snapshots import bodies_of
from sandbox.domain.states import LoginState
from sandbox.domain.tenants import Tenant
from sandbox.domain.users import find_user
from sandbox.store import accounts as account_rows
from sandbox.store import webhooks as rows
from sandbox.store.database import Database
from sandbox.store.webhooks import EventRow
from sandbox.subscriptions import DEFAULT_FORMAT

FIRED_DETAIL = "Fired through the control API."
SKIPPED = "skipped"


@dataclass(frozen=True)
class Attempt:
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


@dataclass(frozen=True)
class Delivery:
    event: Event
    # None when no endpoint took the event (`skipped`) or the endpoint was deleted since.
    endpoint_id: int | None
    format: str  # whose renderer writes the payload: the endpoint's, `native` when skipped
    status: str  # pending | delivered | failed | skipped
    attempts: tuple[Attempt, ...]
    delivered_at: datetime | None  # real time, like the attempts
    next_attempt_at: datetime | None  # real time; None unless pending
    # The body written when the event was emitted, for a format that writes it then
    # (`snapshots.py`); None: the format's renderer writes it from the event.
    body: bytes | None = None


def _deliveries(event: EventRow, made: list[Any], attempts: dict[int, list[Any]]) -> list[Delivery]:
    neutral = Event.from_row(event)
    if not made:
        return [Delivery(neutral, None, DEFAULT_FORMAT, SKIPPED, (), None, None)]
    bodies = bodies_of(event.snapshot)
    return [
        Delivery(
            body=bodies.get(row["format"]),
            event=neutral,
            endpoint_id=row["endpoint_id"],
            format=row["format"],
            status=row["status"],
            attempts=tuple(
                Attempt(a["at"], a["status_code"], a["error"], a["duration_ms"])
                for a in attempts[row["id"]]
            ),
            delivered_at=row["delivered_at"],
            next_attempt_at=row["next_attempt_at"] if row["status"] == "pending" else None,
        )
        for row in made
    ]


def _listed(conn: Connection, found: list[EventRow]) -> list[Delivery]:
    """Each event's deliveries, in the order of `found`, read in three queries."""
    made = rows.deliveries_of(conn, (event.outbox_id for event in found))
    delivery_ids = [row["id"] for rows_of in made.values() for row in rows_of]
    attempts = rows.attempts_of(conn, delivery_ids)
    return [
        delivery
        for event in found
        for delivery in _deliveries(event, made[event.outbox_id], attempts)
    ]


@dataclass(frozen=True)
class DeliveryPage:
    """A page of deliveries and where the next one starts: the neutral position a face turns
    into its cursor (the outbox id of the last event served), None on the last page."""

    deliveries: list[Delivery]
    next_before: int | None


def page_of_deliveries(
    db: Database, tenant: Tenant, before: int | None, limit: int
) -> DeliveryPage:
    """Up to `limit` of the tenant's events older than position `before` (from the newest if
    None), newest first, each with its deliveries and their attempts. Events emitted between
    two pages are newer than both, so they neither repeat nor push an event out of the next
    page."""
    with db.connect() as conn:
        found = rows.list_events(conn, tenant.id, limit + 1, before=before)
        page = found[:limit]
        listed = _listed(conn, page)
    next_before = page[-1].outbox_id if len(found) > limit else None
    return DeliveryPage(listed, next_before)


def deliveries_of_event(db: Database, tenant: Tenant, event_id: str) -> list[Delivery]:
    """The event's deliveries, oldest endpoint first (one `skipped` when none took it)."""
    with db.connect() as conn:
        row = rows.event_by_id(conn, tenant.id, event_id)
        assert row is not None
        return _listed(conn, [row])


def fire(
    db: Database,
    tenant: Tenant,
    event: str,
    *,
    bank_login_id: int | None = None,
    user_id: str | None = None,
) -> Delivery:
    """Emit `event` now, about this bank login (or, for a user event, this user); returns
    its delivery to the oldest endpoint that takes it (`skipped` when none does). A fired
    deletion deletes nothing, and a fired sync imports nothing (no new transactions)."""
    if event not in EVENT_TYPES:
        raise UnknownEvent(event, EVENT_TYPES)
    event_type = EventType(event)
    with db.begin() as conn:
        if event_type in USER_EVENTS:
            emitted = USER_EVENTS[event_type](
                conn, tenant, _user_id(conn, tenant, event, user_id, bank_login_id)
            )
        else:
            if bank_login_id is None:
                raise InvalidInput(
                    f"`{event}` is about a bank login: give `bank_login_id`",
                    details=[{"field": "bank_login_id", "message": "required for this event"}],
                )
            emitted = _fire_about_login(conn, tenant, event_type, bank_login_id)
    return deliveries_of_event(db, tenant, emitted.id)[0]


USER_EVENTS = {
    EventType.USER_CREATED: events.user_created,
    EventType.USER_DELETED: events.user_deleted,
}


def _user_id(
    conn: Connection, tenant: Tenant, event: str, user_id: str | None, bank_login_id: int | None
) -> str:
    if user_id is not None:
        return find_user(conn, tenant, user_id).external_id
    if bank_login_id is not None:
        return find_bank_login(conn, tenant, bank_login_id).external_user_id
    raise InvalidInput(
        f"`{event}` is about a user: give `user_id` or `bank_login_id`",
        details=[{"field": "user_id", "message": "give user_id or bank_login_id"}],
    )


def _fire_about_login(
    conn: Connection, tenant: Tenant, event_type: EventType, bank_login_id: int
) -> Event:
    login = find_bank_login(conn, tenant, bank_login_id)
    ref = LoginRef(login.external_user_id, login.id, login.bank_id)
    if event_type is EventType.BANK_LOGIN_SYNCED:
        return events.bank_login_synced(
            conn, tenant, ref, new_accounts=0, new_transactions=0, deleted_accounts=0
        )
    if event_type is EventType.BANK_LOGIN_SYNC_FAILED:
        # A connected login has no failure to report: a generic one stands in.
        failed = login.state is not LoginState.CONNECTED
        return events.bank_login_sync_failed(
            conn,
            tenant,
            ref,
            state=login.state.value if failed else LoginState.ERROR.value,
            state_detail=login.state_detail if failed else FIRED_DETAIL,
            state_until=login.state_until,
        )
    if event_type in (EventType.CONSENT_EXPIRING, EventType.CONSENT_EXPIRED):
        consent = login.consent
        if consent is None:
            raise Conflict("the bank login has no consent", details={"bank_login_id": login.id})
        if event_type is EventType.CONSENT_EXPIRING:
            return events.consent_expiring(
                conn, tenant, ref, consent.granted_at, consent.expires_at
            )
        state = login.state
        if state is LoginState.CONNECTED:  # what it will read once the consent is over
            state = expired_state(tenant.scenario.bank(login.bank_id))
        return events.consent_expired(
            conn, tenant, ref, consent.granted_at, consent.expires_at, state.value
        )
    if event_type is EventType.BANK_LOGIN_DELETED:
        return events.bank_login_deleted(conn, tenant, ref)
    if event_type is EventType.BANK_LOGIN_ACCOUNTS_FETCHED:
        shown = account_rows.list_accounts(conn, tenant.id, bank_login_id=login.id)
        return events.accounts_fetched(conn, tenant, ref, [row["id"] for row in shown])
    accounts = account_rows.list_accounts(
        conn, tenant.id, bank_login_id=login.id, include_deleted=True
    )
    if not accounts:
        raise Conflict("the bank login has no account", details={"bank_login_id": login.id})
    account = AccountRef.from_row(accounts[0])
    if event_type is EventType.ACCOUNT_SYNCED:
        return events.account_synced(conn, tenant, ref, account, 0)
    return ACCOUNT_EVENTS[event_type](conn, tenant, ref, account)


ACCOUNT_EVENTS = {
    EventType.ACCOUNT_DISCOVERED: events.account_discovered,
    EventType.ACCOUNT_ENABLED: events.account_enabled,
    EventType.ACCOUNT_DISABLED: events.account_disabled,
    EventType.ACCOUNT_DELETED: events.account_deleted,
}
