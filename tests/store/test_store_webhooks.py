"""Outbox queries: claims that exclude each other until they run out, outcomes written only to
the event that was claimed, and the consent announcements that happen once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sandbox.store import bank_logins, webhooks
from sandbox.store.database import Database
from sandbox.store.tenants import TenantRow, insert_tenant, wipe_tenant_data

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
LOCK = timedelta(seconds=21)


def add_events(
    conn, tenant_id: str, count: int, status: str = "pending", prefix: str = "evt"
) -> list[str]:
    ids = [f"{prefix}_{tenant_id}_{n}" for n in range(count)]
    for n, event_id in enumerate(ids):
        webhooks.insert_event(
            conn,
            tenant_id=tenant_id,
            event_id=event_id,
            event_type="user.created",
            payload="{}",
            created_at=T0,
            status=status,
            next_attempt_at=T0 + timedelta(seconds=n),
        )
    return ids


def test_a_claim_takes_due_events_oldest_first_and_excludes_other_claims(
    database: Database, make_tenant: Callable[..., TenantRow]
) -> None:
    with database.begin() as conn:
        insert_tenant(conn, make_tenant("t1", webhook_url="http://x/h", webhook_secret="s" * 8))
        ids = add_events(conn, "t1", 3)
    now = T0 + timedelta(seconds=1)
    with database.begin() as conn:
        first = webhooks.claim_due(conn, now, now + LOCK, limit=10)
    assert [c.event_id for c in first] == ids[:2]  # the third is not due yet
    assert (first[0].url, first[0].secret) == ("http://x/h", "s" * 8)
    assert "s" * 8 not in repr(first[0])
    later = now + timedelta(seconds=5)
    with database.begin() as conn:
        assert [c.event_id for c in webhooks.claim_due(conn, later, later + LOCK, 10)] == ids[2:]
        assert webhooks.claim_due(conn, later, later + LOCK, 10) == []
        webhooks.release(conn, [first[0].outbox_id])
        assert [c.event_id for c in webhooks.claim_due(conn, later, later + LOCK, 10)] == ids[:1]
    expired = now + LOCK
    with database.begin() as conn:
        # The claim on the second event ran out: whoever held it is presumed dead.
        assert [c.event_id for c in webhooks.claim_due(conn, expired, expired + LOCK, 10)] == [
            ids[1]
        ]


def test_an_outcome_is_written_only_to_the_event_claimed(
    database: Database, make_tenant: Callable[..., TenantRow]
) -> None:
    with database.begin() as conn:
        insert_tenant(conn, make_tenant("t1"))
        add_events(conn, "t1", 1)
        (claimed,) = webhooks.claim_due(conn, T0, T0 + LOCK, 10)
        wipe_tenant_data(conn, "t1")  # a reset while the event was in flight
        add_events(conn, "t1", 1, status="skipped", prefix="new")  # may reuse the row id
        assert webhooks.settle(conn, claimed, status="delivered", attempts=1) is False
        (kept,) = webhooks.list_events(conn, "t1", 10)
        assert kept["status"] == "skipped"


def test_a_settled_event_keeps_its_attempts(
    database: Database, make_tenant: Callable[..., TenantRow]
) -> None:
    with database.begin() as conn:
        insert_tenant(conn, make_tenant("t1"))
        add_events(conn, "t1", 1)
        (claimed,) = webhooks.claim_due(conn, T0, T0 + LOCK, 10)
        assert webhooks.settle(conn, claimed, status="pending", attempts=1, next_attempt_at=T0)
        webhooks.record_attempt(conn, claimed, at=T0, status_code=500, error=None, duration_ms=3)
        (row,) = webhooks.list_events(conn, "t1", 10)
        assert (row["status"], row["attempts"], row["locked_until"]) == ("pending", 1, None)
        attempts = webhooks.attempts_of(conn, [row["id"]])[row["id"]]
        assert [(a["status_code"], a["duration_ms"]) for a in attempts] == [(500, 3)]


def test_a_consent_is_announced_once(
    database: Database, populate: Callable[..., dict[str, int]]
) -> None:
    with database.begin() as conn:
        populate(conn, "t1")
        (consent,) = bank_logins.consents_to_announce(conn, "t1")
        assert consent["external_user_id"] == "u1" and consent["bank_id"] == "demobank"
        assert bank_logins.mark_announced(conn, consent["id"], "expiring_announced_at", T0)
        assert not bank_logins.mark_announced(conn, consent["id"], "expiring_announced_at", T0)
        assert bank_logins.mark_announced(conn, consent["id"], "expired_announced_at", T0)
        assert bank_logins.consents_to_announce(conn, "t1") == []


def test_listing_events_before_a_position_continues_below_it_for_that_tenant_only(
    database: Database, make_tenant: Callable[..., TenantRow]
) -> None:
    with database.begin() as conn:
        insert_tenant(conn, make_tenant("t1"))
        insert_tenant(conn, make_tenant("t2"))
        ids = add_events(conn, "t1", 4)
        add_events(conn, "t2", 2)
        first = webhooks.list_events(conn, "t1", 2)
        assert [row["event_id"] for row in first] == ids[:1:-1]
        rest = webhooks.list_events(conn, "t1", 10, before=first[-1]["id"])
        assert [row["event_id"] for row in rest] == ids[1::-1]
        assert webhooks.list_events(conn, "t1", 10, before=rest[-1]["id"]) == []
