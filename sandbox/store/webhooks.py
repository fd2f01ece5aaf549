"""The webhook outbox: neutral events, their deliveries (one per endpoint that takes the event)
and each delivery's attempts.

Events are inserted by the domain in the transaction of the change they describe, together with
a pending delivery for each of the tenant's endpoints whose filter takes them. Delivery workers
(one per server process, any number of processes) claim due deliveries for a short while, so two
never send one at once, and write back each attempt's outcome.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from sandbox.clock import system_now
from sandbox.store.database import before_commit, run_now
from sandbox.store.prepared import Prepared
from sandbox.store.schema import (
    Id,
    webhook_attempts,
    webhook_deliveries,
    webhook_endpoints,
    webhook_outbox,
)
from sandbox.store.types import UTCDateTime
from sandbox.subscriptions import FORMAT_EVENTS

# Built once: every change the domain announces runs the first two, and every attempt to
# deliver records the attempt and settles the delivery. An update's SET clause is the keys it
# is given.
_INSERT_EVENT = Prepared(sa.insert(webhook_outbox).returning(webhook_outbox.c.id))


def _fan_out() -> sa.Insert:
    """A pending delivery of each of a tenant's events between two outbox ids to each of its
    endpoints that takes the event: those with no filter, and those whose JSON list of names
    holds the event's name in quotes. Events another transaction fanned out already (an id of
    theirs may fall in the range on PostgreSQL) are left alone."""
    endpoints, outbox = webhook_endpoints, webhook_outbox
    # Event names come from a fixed catalogue of `noun.verb` names, none of which differs from
    # another only where LIKE reads `_` as any character.
    named = sa.literal('%"') + outbox.c.event_type + sa.literal('"%')
    takes = sa.or_(endpoints.c.events.is_(None), sa.cast(endpoints.c.events, sa.Text).like(named))
    # A format with words for only some events takes no other (`subscriptions.FORMAT_EVENTS`).
    has_words = [
        sa.or_(
            endpoints.c.format != sa.literal(format),
            sa.or_(*(outbox.c.event_type == sa.literal(name) for name in names)),
        )
        for format, names in FORMAT_EVENTS.items()
    ]
    fanned = sa.exists().where(webhook_deliveries.c.outbox_id == outbox.c.id)
    chosen = (
        sa.select(
            outbox.c.tenant_id,
            outbox.c.id,
            endpoints.c.id,
            endpoints.c.format,
            sa.literal("pending", sa.String),
            sa.bindparam("next_attempt_at", type_=UTCDateTime()),
        )
        .select_from(outbox.join(endpoints, endpoints.c.tenant_id == outbox.c.tenant_id))
        .where(
            outbox.c.tenant_id == sa.bindparam("tenant_id", type_=sa.String),
            outbox.c.id.between(sa.bindparam("first", type_=Id), sa.bindparam("last", type_=Id)),
            takes,
            *has_words,
            ~fanned,
        )
        # Event by event, oldest endpoint first: the deliveries' ids (their listing order)
        # follow the events' and the endpoints'.
        .order_by(outbox.c.id, endpoints.c.id)
    )
    columns = ["tenant_id", "outbox_id", "endpoint_id", "format", "status", "next_attempt_at"]
    return sa.insert(webhook_deliveries).from_select(columns, chosen)


_FAN_OUT = Prepared(_fan_out())
_INSERT_ATTEMPT = Prepared(sa.insert(webhook_attempts))
# The event id too: on SQLite a new row may reuse the id of a delivery deleted since the claim
# (its tenant reset, its endpoint deleted), but never for the same event.
_SETTLE = Prepared(
    sa.update(webhook_deliveries).where(
        webhook_deliveries.c.id == sa.bindparam("delivery_key"),
        webhook_deliveries.c.outbox_id
        == sa.select(webhook_outbox.c.id)
        .where(webhook_outbox.c.event_id == sa.bindparam("event_key"))
        .scalar_subquery(),
    )
)


@dataclass(frozen=True)
class EventRow:
    """One outbox row: the neutral event, its data still JSON text. `outbox_id` is its place
    in the outbox, which only grows."""

    outbox_id: int
    tenant_id: str
    event_id: str
    event_type: str
    created_at: datetime
    user_id: str | None
    bank_login_id: int | None
    account_id: int | None
    data: str
    # What was written when the event was emitted (`domain/snapshots.py`), if anything.
    snapshot: str | None = None
    user_token_nonce: str | None = None

    def __repr__(self) -> str:
        # Keep the nonce out of logs and tracebacks.
        return f"EventRow(outbox_id={self.outbox_id}, event_id={self.event_id!r})"


_EVENT_COLUMNS = (
    webhook_outbox.c.id.label("outbox_id"),
    webhook_outbox.c.tenant_id,
    webhook_outbox.c.event_id,
    webhook_outbox.c.event_type,
    webhook_outbox.c.created_at,
    webhook_outbox.c.user_id,
    webhook_outbox.c.bank_login_id,
    webhook_outbox.c.account_id,
    webhook_outbox.c.data,
    webhook_outbox.c.snapshot,
    webhook_outbox.c.user_token_nonce,
)


def _event(mapping: RowMapping) -> EventRow:
    return EventRow(**{column.name: mapping[column.name] for column in _EVENT_COLUMNS})


@dataclass(frozen=True)
class Claimed:
    """A due delivery claimed for one attempt, with its event and where and how to send it
    (the endpoint's URL and secret, read at the claim; the format, copied at the event).
    Deleting the endpoint drops its pending deliveries, so none is claimed without one."""

    delivery_id: int
    attempts: int
    event: EventRow
    endpoint_id: int
    url: str
    secret: str
    format: str

    def __repr__(self) -> str:
        # Keep the secret out of logs and tracebacks.
        return f"Claimed(event_id={self.event.event_id!r}, endpoint_id={self.endpoint_id})"


def insert_event(
    conn: Connection,
    *,
    tenant_id: str,
    event_id: str,
    event_type: str,
    created_at: datetime,
    user_id: str | None,
    bank_login_id: int | None,
    account_id: int | None,
    data: str,
    next_attempt_at: datetime | None,
) -> int:
    """Store the event; a pending delivery to each endpoint that takes it is made just before
    the transaction commits (`FanOut`), or at once outside a write transaction. Returns its
    outbox id."""
    values = {
        "tenant_id": tenant_id,
        "event_id": event_id,
        "event_type": event_type,
        "created_at": created_at,
        "user_id": user_id,
        "bank_login_id": bank_login_id,
        "account_id": account_id,
        "data": data,
    }
    outbox_id = _INSERT_EVENT.run(conn, values).scalar_one()
    fan_out = before_commit(conn, _FAN_OUT_KEY, FanOut)
    if fan_out is None:
        FanOut().add(tenant_id, outbox_id, next_attempt_at)(conn)
    else:
        fan_out.add(tenant_id, outbox_id, next_attempt_at)
    return outbox_id


_FAN_OUT_KEY = "webhooks.fan_out"


def fanned_out(conn: Connection) -> Connection:
    """The connection, with the deliveries of the events it emitted so far made: what a read
    of deliveries in the same transaction sees."""
    run_now(conn, _FAN_OUT_KEY)
    return conn


class FanOut:
    """The events one transaction emitted, as runs of outbox ids per tenant and first-attempt
    time: just before it commits, one statement a run makes their deliveries (a connection's
    five events, all due at once, cost one statement, not five)."""

    def __init__(self) -> None:
        self._runs: dict[str, list[list[Any]]] = {}

    def add(self, tenant_id: str, outbox_id: int, next_attempt_at: datetime | None) -> FanOut:
        """`next_attempt_at` None: due at once, when the transaction commits."""
        runs = self._runs.setdefault(tenant_id, [])
        if runs and runs[-1][2] == next_attempt_at:
            runs[-1][1] = outbox_id
        else:
            runs.append([outbox_id, outbox_id, next_attempt_at])
        return self

    def __call__(self, conn: Connection) -> None:
        now = system_now()
        for tenant_id, runs in self._runs.items():
            for first, last, next_attempt_at in runs:
                values = {"tenant_id": tenant_id, "first": first, "last": last}
                _FAN_OUT.run(conn, {**values, "next_attempt_at": next_attempt_at or now})


# A claim's statements, compiled once for each batch size (a worker's is fixed): each pass of
# a busy worker runs them, and building them anew cost more than running them. The ids of a
# pass are bound one by one, the rest of `limit` padded with 0, which no row has.
_NOW = sa.bindparam("now", type_=UTCDateTime())
_CLAIMABLE = sa.and_(
    webhook_deliveries.c.status == "pending",
    webhook_deliveries.c.next_attempt_at <= _NOW,
    sa.or_(webhook_deliveries.c.locked_until.is_(None), webhook_deliveries.c.locked_until <= _NOW),
)


def _id_binds(count: int) -> list[sa.BindParameter[int]]:
    return [sa.bindparam(f"id{index}", type_=Id) for index in range(count)]


def _padded(ids: Sequence[int], count: int) -> dict[str, int]:
    return {f"id{index}": value for index, value in enumerate([*ids, *[0] * (count - len(ids))])}


@dataclass(frozen=True)
class _Claim:
    due: Prepared
    lock: Prepared
    read: Prepared


@lru_cache(maxsize=8)
def _claim(limit: int) -> _Claim:
    deliveries = webhook_deliveries
    ids = deliveries.c.id.in_(_id_binds(limit))
    return _Claim(
        due=Prepared(
            sa.select(deliveries.c.id)
            .where(_CLAIMABLE)
            .order_by(deliveries.c.next_attempt_at, deliveries.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ),
        lock=Prepared(
            sa.update(deliveries)
            .where(ids)
            .values(locked_until=sa.bindparam("lock_until", type_=UTCDateTime()))
        ),
        read=Prepared(
            sa.select(
                deliveries.c.id.label("delivery_id"),
                deliveries.c.attempts,
                *_EVENT_COLUMNS,
                webhook_endpoints.c.id.label("endpoint_id"),
                webhook_endpoints.c.url,
                webhook_endpoints.c.secret,
                deliveries.c.format,
            )
            .join(webhook_outbox, webhook_outbox.c.id == deliveries.c.outbox_id)
            .join(webhook_endpoints, webhook_endpoints.c.id == deliveries.c.endpoint_id)
            .where(ids)
            .order_by(deliveries.c.next_attempt_at, deliveries.c.id)
        ),
    )


def claim_due(conn: Connection, now: datetime, lock_until: datetime, limit: int) -> list[Claimed]:
    """Take up to `limit` due, unclaimed deliveries (oldest due first) until `lock_until`.

    PostgreSQL skips rows another process is claiming at this moment (`SKIP LOCKED`); SQLite
    serialises writers, so the select and the update see the same rows.
    """
    fanned_out(conn)
    claim = _claim(limit)
    ids = list(claim.due.run(conn, {"now": now}).scalars())
    if not ids:
        return []
    padded = _padded(ids, limit)
    claim.lock.run(conn, {**padded, "lock_until": lock_until})
    return [
        Claimed(
            delivery_id=row["delivery_id"],
            attempts=row["attempts"],
            event=_event(row),
            endpoint_id=row["endpoint_id"],
            url=row["url"],
            secret=row["secret"],
            format=row["format"],
        )
        for row in claim.read.run(conn, padded).mappings()
    ]


def release(conn: Connection, delivery_ids: Iterable[int]) -> None:
    """Give claimed deliveries back untried (a worker stopping), so they are due again at once."""
    ids = list(delivery_ids)
    if ids:
        conn.execute(
            sa.update(webhook_deliveries)
            .where(webhook_deliveries.c.id.in_(ids), webhook_deliveries.c.status == "pending")
            .values(locked_until=None)
        )


@dataclass(frozen=True)
class Settled:
    """One attempt's consequence, to write with the others of its pass (`settle_all`)."""

    claimed: Claimed
    status: str
    attempts: int
    changes: dict[str, Any]  # next_attempt_at or delivered_at, when the status has one
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


def settle_all(conn: Connection, outcomes: Sequence[Settled]) -> list[Settled]:
    """Write a pass's outcomes with a few statements, not two for each: the deliveries'
    new status grouped by the columns it sets, then the attempts of those still there. The
    outcomes written are returned; one whose delivery is gone (its tenant deleted or reset, or
    its endpoint deleted, meanwhile) is left out."""
    groups: dict[frozenset[str], list[dict[str, Any]]] = {}
    for outcome in outcomes:
        values = {
            "delivery_key": outcome.claimed.delivery_id,
            "event_key": outcome.claimed.event.event_id,
            "status": outcome.status,
            "attempts": outcome.attempts,
            "locked_until": None,
            **outcome.changes,
        }
        groups.setdefault(frozenset(values), []).append(values)
    for many in groups.values():
        _SETTLE.run_many(conn, many)
    ids = [outcome.claimed.delivery_id for outcome in outcomes]
    still: set[tuple[Any, ...]] = set()
    for start in range(0, len(ids), _STILL_THERE_IDS):
        chunk = _padded(ids[start : start + _STILL_THERE_IDS], _STILL_THERE_IDS)
        still.update(tuple(row) for row in _STILL_THERE.run(conn, chunk).all())
    written = [o for o in outcomes if (o.claimed.delivery_id, o.claimed.event.event_id) in still]
    _INSERT_ATTEMPT.run_many(
        conn,
        [
            {
                "tenant_id": o.claimed.event.tenant_id,
                "delivery_id": o.claimed.delivery_id,
                "at": o.at,
                "status_code": o.status_code,
                "error": o.error,
                "duration_ms": o.duration_ms,
            }
            for o in written
        ],
    )
    return written


# Which deliveries are still those of their events (an id may be used again after a reset).
_STILL_THERE_IDS = 20
_STILL_THERE = Prepared(
    sa.select(webhook_deliveries.c.id, webhook_outbox.c.event_id)
    .join(webhook_outbox, webhook_outbox.c.id == webhook_deliveries.c.outbox_id)
    .where(webhook_deliveries.c.id.in_(_id_binds(_STILL_THERE_IDS)))
)


def list_events(
    conn: Connection, tenant_id: str, limit: int, before: int | None = None
) -> list[EventRow]:
    """The tenant's newest events first, only those older than the outbox id `before` if
    given. Ids only grow, so events added later sort ahead of `before` and never into a page
    that continues below it."""
    query = (
        sa.select(*_EVENT_COLUMNS)
        .where(webhook_outbox.c.tenant_id == tenant_id)
        .order_by(webhook_outbox.c.id.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(webhook_outbox.c.id < before)
    return [_event(row) for row in conn.execute(query).mappings()]


def event_by_id(conn: Connection, tenant_id: str, event_id: str) -> EventRow | None:
    query = sa.select(*_EVENT_COLUMNS).where(
        webhook_outbox.c.tenant_id == tenant_id, webhook_outbox.c.event_id == event_id
    )
    row = conn.execute(query).mappings().one_or_none()
    return None if row is None else _event(row)


def deliveries_of(conn: Connection, outbox_ids: Iterable[int]) -> dict[int, list[RowMapping]]:
    """Each event's deliveries, in the order they were made, in one query."""
    return _grouped(
        fanned_out(conn), webhook_deliveries, webhook_deliveries.c.outbox_id, outbox_ids
    )


def attempts_of(conn: Connection, delivery_ids: Iterable[int]) -> dict[int, list[RowMapping]]:
    """Each delivery's attempts, oldest first, in one query."""
    return _grouped(conn, webhook_attempts, webhook_attempts.c.delivery_id, delivery_ids)


def _grouped(
    conn: Connection, table: sa.Table, key: sa.Column[int], values: Iterable[int]
) -> dict[int, list[RowMapping]]:
    wanted = sorted(set(values))
    found: dict[int, list[RowMapping]] = {value: [] for value in wanted}
    if not wanted:
        return found
    query = sa.select(table).where(key.in_(wanted)).order_by(table.c.id)
    for row in conn.execute(query).mappings():
        found[row[key.name]].append(row)
    return found
