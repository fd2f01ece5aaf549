"""The webhook outbox and its delivery attempts.

Events are inserted by the domain in the transaction of the change they describe; delivery
workers (one per server process, any number of processes) claim due rows for a short while,
so two never send one row at once, and write back each attempt's outcome.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from sandbox.store.prepared import Prepared
from sandbox.store.schema import tenants, webhook_attempts, webhook_outbox

# Built once: every change the domain announces inserts one, and every attempt to deliver it
# records the attempt and settles the event. An update's SET clause is the keys it is given.
_INSERT_EVENT = Prepared(sa.insert(webhook_outbox).returning(webhook_outbox.c.id))
_INSERT_ATTEMPT = Prepared(sa.insert(webhook_attempts))
# The event id too: on SQLite a new row may reuse the id of one deleted since the claim.
_SETTLE = Prepared(
    sa.update(webhook_outbox).where(
        webhook_outbox.c.id == sa.bindparam("outbox_key"),
        webhook_outbox.c.event_id == sa.bindparam("event_key"),
    )
)


@dataclass(frozen=True)
class Claimed:
    """A due event claimed for one delivery attempt, with where and how to send it. The
    tenant's webhook settings are read now, not when the event was made, so an event is never
    sent to a URL the tenant no longer has."""

    outbox_id: int
    tenant_id: str
    event_id: str
    event_type: str
    payload: str
    attempts: int
    url: str | None
    secret: str | None

    def __repr__(self) -> str:
        # Keep the secret out of logs and tracebacks.
        return f"Claimed(event_id={self.event_id!r}, attempts={self.attempts})"


def insert_event(
    conn: Connection,
    *,
    tenant_id: str,
    event_id: str,
    event_type: str,
    payload: str,
    created_at: datetime,
    status: str,
    next_attempt_at: datetime,
) -> int:
    values = {
        "tenant_id": tenant_id,
        "event_id": event_id,
        "event_type": event_type,
        "payload": payload,
        "created_at": created_at,
        "status": status,
        "next_attempt_at": next_attempt_at,
    }
    return _INSERT_EVENT.run(conn, values).scalar_one()


def _claimable(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(
        webhook_outbox.c.status == "pending",
        webhook_outbox.c.next_attempt_at <= now,
        sa.or_(webhook_outbox.c.locked_until.is_(None), webhook_outbox.c.locked_until <= now),
    )


def claim_due(conn: Connection, now: datetime, lock_until: datetime, limit: int) -> list[Claimed]:
    """Take up to `limit` due, unclaimed events (oldest due first) until `lock_until`.

    PostgreSQL skips rows another process is claiming at this moment (`SKIP LOCKED`); SQLite
    serialises writers, so the select and the update see the same rows.
    """
    due = (
        sa.select(webhook_outbox.c.id)
        .where(_claimable(now))
        .order_by(webhook_outbox.c.next_attempt_at, webhook_outbox.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(conn.execute(due).scalars())
    if not ids:
        return []
    conn.execute(
        sa.update(webhook_outbox)
        .where(webhook_outbox.c.id.in_(ids))
        .values(locked_until=lock_until)
    )
    query = (
        sa.select(
            webhook_outbox.c.id,
            webhook_outbox.c.tenant_id,
            webhook_outbox.c.event_id,
            webhook_outbox.c.event_type,
            webhook_outbox.c.payload,
            webhook_outbox.c.attempts,
            tenants.c.webhook_url,
            tenants.c.webhook_secret,
        )
        .join(tenants, tenants.c.id == webhook_outbox.c.tenant_id)
        .where(webhook_outbox.c.id.in_(ids))
        .order_by(webhook_outbox.c.next_attempt_at, webhook_outbox.c.id)
    )
    return [
        Claimed(
            outbox_id=row.id,
            tenant_id=row.tenant_id,
            event_id=row.event_id,
            event_type=row.event_type,
            payload=row.payload,
            attempts=row.attempts,
            url=row.webhook_url,
            secret=row.webhook_secret,
        )
        for row in conn.execute(query)
    ]


def release(conn: Connection, outbox_ids: Iterable[int]) -> None:
    """Give claimed events back untried (a worker stopping), so they are due again at once."""
    ids = list(outbox_ids)
    if ids:
        conn.execute(
            sa.update(webhook_outbox)
            .where(webhook_outbox.c.id.in_(ids), webhook_outbox.c.status == "pending")
            .values(locked_until=None)
        )


def record_attempt(
    conn: Connection,
    claimed: Claimed,
    *,
    at: datetime,
    status_code: int | None,
    error: str | None,
    duration_ms: int,
) -> None:
    _INSERT_ATTEMPT.run(
        conn,
        {
            "tenant_id": claimed.tenant_id,
            "outbox_id": claimed.outbox_id,
            "at": at,
            "status_code": status_code,
            "error": error,
            "duration_ms": duration_ms,
        },
    )


def settle(
    conn: Connection,
    claimed: Claimed,
    *,
    status: str,
    attempts: int,
    next_attempt_at: datetime | None = None,
    delivered_at: datetime | None = None,
) -> bool:
    """Write an attempt's consequence: delivered, failed for good, skipped, or due again.
    False when the event is gone (its tenant was deleted or reset meanwhile)."""
    values: dict[str, object] = {"status": status, "attempts": attempts, "locked_until": None}
    if next_attempt_at is not None:
        values["next_attempt_at"] = next_attempt_at
    if delivered_at is not None:
        values["delivered_at"] = delivered_at
    keys = {"outbox_key": claimed.outbox_id, "event_key": claimed.event_id}
    return _SETTLE.run(conn, {**keys, **values}).rowcount == 1


def list_events(
    conn: Connection, tenant_id: str, limit: int, before: int | None = None
) -> list[RowMapping]:
    """The tenant's newest events first, only those older than the outbox id `before` if
    given. Ids only grow, so events added later sort ahead of `before` and never into a page
    that continues below it."""
    query = (
        sa.select(webhook_outbox)
        .where(webhook_outbox.c.tenant_id == tenant_id)
        .order_by(webhook_outbox.c.id.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(webhook_outbox.c.id < before)
    return list(conn.execute(query).mappings())


def event_by_id(conn: Connection, tenant_id: str, event_id: str) -> RowMapping | None:
    query = sa.select(webhook_outbox).where(
        webhook_outbox.c.tenant_id == tenant_id, webhook_outbox.c.event_id == event_id
    )
    return conn.execute(query).mappings().one_or_none()


def attempts_of(conn: Connection, outbox_ids: Iterable[int]) -> dict[int, list[RowMapping]]:
    """Each event's attempts, oldest first, in one query."""
    ids = sorted(set(outbox_ids))
    found: dict[int, list[RowMapping]] = {outbox_id: [] for outbox_id in ids}
    if not ids:
        return found
    query = (
        sa.select(webhook_attempts)
        .where(webhook_attempts.c.outbox_id.in_(ids))
        .order_by(webhook_attempts.c.id)
    )
    for row in conn.execute(query).mappings():
        found[row["outbox_id"]].append(row)
    return found
