"""Outbox queries: an event written once per endpoint whose filter takes it, claims that exclude
each other until they run out, outcomes written only to the delivery that was claimed, endpoints
deleted without their history, and the consent announcements that happen once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.store import bank_logins, webhook_endpoints, webhooks
from sandbox.store.database import Database
from sandbox.store.tenants import TenantRow, insert_tenant, wipe_tenant_data
from sandbox.subscriptions import EVENT_TYPES

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
LOCK = timedelta(seconds=21)


def add_endpoint(conn, tenant_id: str, events=None, url="http://x/h", declared=False) -> int:
    return webhook_endpoints.insert_endpoint(
        conn,
        tenant_id=tenant_id,
        url=url,
        secret="s" * 8,
        format="native",
        events=events,
        declared=declared,
        created_at=T0,
    ).id


def add_events(
    conn, tenant_id: str, count: int, prefix: str = "evt", event_type: str = "user.created"
) -> list[str]:
    ids = [f"{prefix}_{tenant_id}_{n}" for n in range(count)]
    for n, event_id in enumerate(ids):
        webhooks.insert_event(
            conn,
            tenant_id=tenant_id,
            event_id=event_id,
            event_type=event_type,
            created_at=T0,
            user_id="u1",
            bank_login_id=None,
            account_id=None,
            data="{}",
            next_attempt_at=T0 + timedelta(seconds=n),
        )
    return ids


def pending(database: Database, make_tenant: Callable[..., TenantRow], count: int) -> list[str]:
    """Tenant t1 with one endpoint and `count` events, due a second apart from T0."""
    with database.begin() as conn:
        insert_tenant(conn, make_tenant("t1"))
        add_endpoint(conn, "t1")
        return add_events(conn, "t1", count)


def deliveries(conn, tenant_id: str) -> list[dict]:
    """Every delivery of the tenant's events, oldest event first."""
    found = webhooks.list_events(conn, tenant_id, 100)
    made = webhooks.deliveries_of(conn, [event.outbox_id for event in found])
    return [dict(row) for event in reversed(found) for row in made[event.outbox_id]]


def test_a_claim_takes_due_deliveries_oldest_first_and_excludes_other_claims(
    database: Database, make_tenant: Callable[..., TenantRow]
) -> None:
    ids = pending(database, make_tenant, 3)
    now = T0 + timedelta(seconds=1)
    with database.begin() as conn:
        first = webhooks.claim_due(conn, now, now + LOCK, limit=10)
    assert [c.event.event_id for c in first] == ids[:2]  # the third is not due yet
    assert (first[0].url, first[0].secret, first[0].format) == ("http://x/h", "s" * 8, "native")
    assert "s" * 8 not in repr(first[0])
    later = now + timedelta(seconds=5)
    with database.begin() as conn:
        again = webhooks.claim_due(conn, later, later + LOCK, 10)
        assert [c.event.event_id for c in again] == ids[2:]
        assert webhooks.claim_due(conn, later, later + LOCK, 10) == []
        webhooks.release(conn, [first[0].delivery_id])
        again = webhooks.claim_due(conn, later, later + LOCK, 10)
        assert [c.event.event_id for c in again] == ids[:1]
    expired = now + LOCK
    with database.begin() as conn:
        # The claim on the second event ran out: whoever held it is presumed dead.
        again = webhooks.claim_due(conn, expired, expired + LOCK, 10)
        assert [c.event.event_id for c in again] == [ids[1]]


def test_an_event_no_endpoint_takes_has_no_delivery(
    database: Database, make_tenant: Callable[..., TenantRow]
) -> None:
    with database.begin() as conn:
        insert_tenant(conn, make_tenant("t1"))
        add_endpoint(conn, "t1", events=["bank_login.synced"])
        add_events(conn, "t1", 1)
        assert deliveries(conn, "t1") == []
        assert webhooks.claim_due(conn, T0, T0 + LOCK, 10) == []
        assert len(webhooks.list_events(conn, "t1", 10)) == 1


filters = st.lists(
    st.none() | st.lists(st.sampled_from(EVENT_TYPES), min_size=1, unique=True),
    min_size=0,
    max_size=4,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(filters=filters, event_type=st.sampled_from(EVENT_TYPES))
def test_an_event_goes_to_exactly_the_endpoints_whose_filter_takes_it(
    database: Database, make_tenant: Callable[..., TenantRow], filters, event_type
) -> None:
    with database.begin() as conn:
        insert_tenant(conn, make_tenant("t1"))
        other = make_tenant("t2")
        insert_tenant(conn, other)
        add_endpoint(conn, "t2")  # another tenant's endpoint takes every event, of its own
        made = [add_endpoint(conn, "t1", events=wanted) for wanted in filters]
        add_events(conn, "t1", 1, event_type=event_type)
        sent_to = [row["endpoint_id"] for row in deliveries(conn, "t1")]
        conn.rollback()
    takes = [
        ep for ep, wanted in zip(made, filters, strict=True) if not wanted or event_type in wanted
    ]
    assert sent_to == takes


def outcome(
    claimed: webhooks.Claimed, status: str, status_code: int | None = 200, **changes
) -> webhooks.Settled:
    """A first attempt's consequence, 3 ms long."""
    return webhooks.Settled(claimed, status, 1, changes, T0, status_code, None, 3)


def test_outcomes_of_several_kinds_are_written_together(
    database: Database, make_tenant: Callable[..., TenantRow]
) -> None:
    with database.begin() as conn:
        insert_tenant(conn, make_tenant("t1"))
        for n in range(3):  # one event, three endpoints: three deliveries due together
            add_endpoint(conn, "t1", url=f"http://x/{n}")
        add_events(conn, "t1", 1)
        first, second, third = webhooks.claim_due(conn, T0, T0 + LOCK, 10)
        written = webhooks.settle_all(
            conn,
            [
                outcome(first, "delivered", delivered_at=T0),
                outcome(second, "pending", next_attempt_at=T0 + LOCK, status_code=503),
                outcome(third, "failed", status_code=None),
            ],
        )
        assert len(written) == 3
        rows = {row["id"]: row for row in deliveries(conn, "t1")}
        assert [rows[c.delivery_id]["status"] for c in (first, second, third)] == [
            "delivered",
            "pending",
            "failed",
        ]
        attempts = webhooks.attempts_of(conn, list(rows))
        assert sorted(a["status_code"] or 0 for each in attempts.values() for a in each) == [
            0,
            200,
            503,
        ]


def test_a_full_claim_and_a_pass_larger_than_one_check_are_written_whole(
    database: Database, make_tenant: Callable[..., TenantRow]
) -> None:
    """A claim fills its batch exactly, oldest first; settling more outcomes than one
    statement checks at once still writes every one."""
    ids = pending(database, make_tenant, 30)
    now = T0 + timedelta(seconds=29)
    with database.begin() as conn:
        claimed = webhooks.claim_due(conn, now, now + LOCK, 25)
        assert [c.event.event_id for c in claimed] == ids[:25]
        claimed += webhooks.claim_due(conn, now, now + LOCK, 25)
        assert [c.event.event_id for c in claimed] == ids
        written = webhooks.settle_all(
            conn, [outcome(c, "delivered", delivered_at=now) for c in claimed]
        )
        assert len(written) == 30
        assert {row["status"] for row in deliveries(conn, "t1")} == {"delivered"}


def test_an_outcome_is_written_only_to_the_delivery_claimed(
    database: Database, make_tenant: Callable[..., TenantRow]
) -> None:
    with database.begin() as conn:
        insert_tenant(conn, make_tenant("t1"))
        add_endpoint(conn, "t1", declared=True)
        add_events(conn, "t1", 1)
        (claimed,) = webhooks.claim_due(conn, T0, T0 + LOCK, 10)
        wipe_tenant_data(conn, "t1")  # a reset while the delivery was in flight
        add_events(conn, "t1", 1, prefix="new")  # may reuse the row ids
        assert webhooks.settle_all(conn, [outcome(claimed, "delivered", delivered_at=T0)]) == []
        (kept,) = deliveries(conn, "t1")
        assert (kept["status"], kept["attempts"]) == ("pending", 0)
        assert not any(webhooks.attempts_of(conn, [kept["id"]]).values())


def test_a_settled_delivery_keeps_its_attempts(
    database: Database, make_tenant: Callable[..., TenantRow]
) -> None:
    with database.begin() as conn:
        insert_tenant(conn, make_tenant("t1"))
        add_endpoint(conn, "t1")
        add_events(conn, "t1", 1)
        (claimed,) = webhooks.claim_due(conn, T0, T0 + LOCK, 10)
        settled = outcome(claimed, "pending", next_attempt_at=T0, status_code=500)
        assert webhooks.settle_all(conn, [settled]) == [settled]
        (row,) = deliveries(conn, "t1")
        assert (row["status"], row["attempts"], row["locked_until"]) == ("pending", 1, None)
        attempts = webhooks.attempts_of(conn, [row["id"]])[row["id"]]
        assert [(a["status_code"], a["duration_ms"]) for a in attempts] == [(500, 3)]


def test_deleting_an_endpoint_drops_what_is_pending_and_keeps_what_was_sent(
    database: Database, make_tenant: Callable[..., TenantRow]
) -> None:
    with database.begin() as conn:
        insert_tenant(conn, make_tenant("t1"))
        insert_tenant(conn, make_tenant("t2"))
        endpoint = add_endpoint(conn, "t1")
        kept = add_endpoint(conn, "t1", url="http://y/h")
        add_events(conn, "t1", 2)
        (sent, *_) = webhooks.claim_due(conn, T0, T0 + LOCK, 1)
        assert webhooks.settle_all(conn, [outcome(sent, "delivered", delivered_at=T0)])
        assert webhook_endpoints.delete_endpoint(conn, "t2", endpoint) is False  # not t2's
        assert webhook_endpoints.delete_endpoint(conn, "t1", endpoint) is True
        assert webhook_endpoints.delete_endpoint(conn, "t1", endpoint) is False
        left = [(row["endpoint_id"], row["status"]) for row in deliveries(conn, "t1")]
    assert sorted(left, key=str) == sorted(
        [(None, "delivered"), (kept, "pending"), (kept, "pending")], key=str
    )


def test_the_oldest_endpoint_url_of_each_tenant(
    database: Database, make_tenant: Callable[..., TenantRow]
) -> None:
    with database.begin() as conn:
        for tenant_id in ("t1", "t2", "t3"):
            insert_tenant(conn, make_tenant(tenant_id))
        add_endpoint(conn, "t1", url="http://first/h")
        add_endpoint(conn, "t1", url="http://second/h")
        add_endpoint(conn, "t2", url="http://other/h")
        assert webhook_endpoints.oldest_urls(conn) == {
            "t1": "http://first/h",
            "t2": "http://other/h",
        }
        assert webhook_endpoints.oldest_urls(conn, ["t2", "t3"]) == {"t2": "http://other/h"}


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
        assert [row.event_id for row in first] == ids[:1:-1]
        rest = webhooks.list_events(conn, "t1", 10, before=first[-1].outbox_id)
        assert [row.event_id for row in rest] == ids[1::-1]
        assert webhooks.list_events(conn, "t1", 10, before=rest[-1].outbox_id) == []
