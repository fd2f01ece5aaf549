"""Webhook endpoints: declared with a tenant (scenario or creation) or added later; an event is
written once per endpoint whose filter takes it; a restart keeps unchanged declarations (and
their pending deliveries), a reset keeps the declared endpoints only."""

from __future__ import annotations

import pytest

from sandbox.domain import deliveries, events, tenants
from sandbox.domain.errors import NotFound, TooManyEndpoints, UnknownEvent, UnknownFormat
from sandbox.domain.platform import Platform
from sandbox.scenario import load_scenario_text
from sandbox.subscriptions import EVENT_TYPES, events_of

SCENARIO = """\
extends: default
name: hooked
clock: {{start: 2026-01-15T09:00:00Z, frozen: true}}
tenants:
  - id: hooked
    name: Hooked
    client_id: hooked
    client_secret: hooked-secret
    api_key: hooked-api-key
    webhook: {{url: "http://127.0.0.1:9/all", secret: whsec-all}}
    webhooks:
      - {{url: "http://127.0.0.1:9/syncs", secret: {syncs_secret}, events: [bank_login.synced]}}
"""


def scenario(syncs_secret: str = "whsec-syncs"):
    return load_scenario_text(SCENARIO.format(syncs_secret=syncs_secret))


def hooked(platform: Platform, syncs_secret: str = "whsec-syncs"):
    """The scenario's `hooked` tenant, as a server start makes it."""
    found = tenants.ensure_scenario_tenants(platform.db, scenario(syncs_secret), "hooked")
    return next(tenant for tenant in found if tenant.id == "hooked")


def listed(platform: Platform, tenant) -> list[tuple[str, int | None, str]]:
    """(type, endpoint url or None, status) of every delivery, newest event first."""
    urls = {e.id: e.url for e in platform.webhook_endpoints.list(tenant)}
    page = platform.events.deliveries(tenant, None, 500)
    return [(d.event.type.value, urls.get(d.endpoint_id), d.status) for d in page.deliveries]


def test_a_scenario_tenant_gets_its_declared_endpoints(platform):
    tenant = hooked(platform)
    found = platform.webhook_endpoints.list(tenant)
    assert [(e.url, e.format, e.events, e.declared) for e in found] == [
        ("http://127.0.0.1:9/all", "native", None, True),
        ("http://127.0.0.1:9/syncs", "native", ("bank_login.synced",), True),
    ]
    assert [e.secret for e in found] == ["whsec-all", "whsec-syncs"]


def test_an_event_is_delivered_to_each_endpoint_whose_filter_takes_it(platform):
    tenant = hooked(platform)
    platform.bank_logins.connect_directly(
        tenant, external_user_id="u1", bank_id="rheinwert-bank", login="good"
    )
    assert listed(platform, tenant) == [
        ("bank_login.synced", "http://127.0.0.1:9/all", "pending"),
        ("bank_login.synced", "http://127.0.0.1:9/syncs", "pending"),
        ("account.synced", "http://127.0.0.1:9/all", "pending"),
        ("bank_login.accounts_fetched", "http://127.0.0.1:9/all", "pending"),
        ("account.discovered", "http://127.0.0.1:9/all", "pending"),
        ("user.created", "http://127.0.0.1:9/all", "pending"),
    ]
    synced = platform.events.deliveries(tenant, None, 1).deliveries
    assert len(synced) == 2 and synced[0].event == synced[1].event, "one event, one id"


def test_an_event_no_endpoint_takes_is_listed_once_as_skipped(platform):
    tenant = tenants.create_tenant(platform.db, scenario(), "hooked")
    platform.webhook_endpoints.add(tenant, "http://127.0.0.1:9/x", events=["account.deleted"])
    with platform.db.begin() as conn:
        event = events.user_created(conn, tenant, "u1")
    (delivery,) = platform.events.deliveries(tenant, None, 50).deliveries
    assert (delivery.event.id, delivery.endpoint_id, delivery.status) == (event.id, None, "skipped")
    assert (delivery.format, delivery.attempts, delivery.next_attempt_at) == ("native", (), None)


def test_a_restart_keeps_unchanged_endpoints_with_their_pending_deliveries(platform):
    tenant = hooked(platform)
    added = platform.webhook_endpoints.add(tenant, "http://127.0.0.1:9/added")
    all_events, syncs = platform.webhook_endpoints.list(tenant)[:2]
    platform.bank_logins.connect_directly(
        tenant, external_user_id="u1", bank_id="rheinwert-bank", login="good"
    )
    # The scenario file changed one endpoint's secret: that one is replaced, the rest stay.
    hooked(platform, "whsec-rotated")
    now = platform.webhook_endpoints.list(tenant)
    assert [e.id for e in now][:2] == [all_events.id, added.id]
    (rotated,) = now[2:]
    assert (rotated.url, rotated.secret) == (syncs.url, "whsec-rotated")
    kept = [d for d in platform.events.deliveries(tenant, None, 50).deliveries]
    assert {d.endpoint_id for d in kept} == {all_events.id, added.id}
    assert {d.status for d in kept} == {"pending"}


def test_a_reset_keeps_the_declared_endpoints_and_drops_the_added_ones(platform):
    options = tenants.TenantOptions(webhook_url="http://127.0.0.1:9/made", webhook_secret="s" * 8)
    tenant = tenants.create_tenant(platform.db, scenario(), "hooked", options)
    (declared,) = platform.webhook_endpoints.list(tenant)
    platform.webhook_endpoints.add(tenant, "http://127.0.0.1:9/added", format="native")
    with platform.db.begin() as conn:
        events.user_created(conn, tenant, "u1")
    tenant = platform.tenants.reset(tenant.id)
    assert platform.webhook_endpoints.list(tenant) == [declared]
    assert platform.events.deliveries(tenant, None, 50).deliveries == []


def test_an_endpoint_is_asked_for_with_known_names_only(platform):
    tenant = tenants.create_tenant(platform.db, scenario(), "hooked")
    with pytest.raises(UnknownFormat) as refused:
        platform.webhook_endpoints.add(tenant, "http://x.example/h", format="stripe")
    assert refused.value.details == [
        {"field": "format", "message": "unknown format", "known": ["native", "powens"]}
    ]
    with pytest.raises(UnknownEvent) as refused_event:
        platform.webhook_endpoints.add(tenant, "http://x.example/h", events=["user.created", "x"])
    assert refused_event.value.details[0]["field"] == "events"
    assert refused_event.value.details[0]["known"] == list(EVENT_TYPES)
    made = platform.webhook_endpoints.add(
        tenant, "http://x.example/h", events=["user.created", "user.created"]
    )
    assert made.events == ("user.created",)
    assert len(made.secret) >= 16, "generated"


def test_a_tenant_has_at_most_ten_endpoints(platform):
    tenant = tenants.create_tenant(platform.db, scenario(), "hooked")
    for n in range(10):
        platform.webhook_endpoints.add(tenant, f"http://x.example/{n}")
    with pytest.raises(TooManyEndpoints):
        platform.webhook_endpoints.add(tenant, "http://x.example/11")
    platform.webhook_endpoints.delete(tenant, platform.webhook_endpoints.list(tenant)[0].id)
    platform.webhook_endpoints.add(tenant, "http://x.example/11")


def test_another_tenants_endpoint_cannot_be_deleted(platform):
    one = tenants.create_tenant(platform.db, scenario(), "hooked")
    other = tenants.create_tenant(platform.db, scenario(), "hooked")
    made = platform.webhook_endpoints.add(one, "http://x.example/h")
    with pytest.raises(NotFound):
        platform.webhook_endpoints.delete(other, made.id)
    assert platform.webhook_endpoints.list(one) == [made]
    assert platform.webhook_endpoints.list(other) == []
    assert deliveries.page_of_deliveries(platform.db, other, None, 5).deliveries == []


def test_a_format_with_words_for_some_events_is_asked_for_those_only(platform):
    tenant = tenants.create_tenant(platform.db, scenario(), "hooked")
    with pytest.raises(UnknownEvent) as refused:
        platform.webhook_endpoints.add(
            tenant, "http://x.example/h", format="powens", events=["consent.expiring"]
        )
    assert refused.value.details[0]["field"] == "events"
    assert refused.value.details[0]["known"] == list(events_of("powens"))
    assert "consent.expiring" not in events_of("powens")
    made = platform.webhook_endpoints.add(
        tenant, "http://x.example/h", format="powens", events=["bank_login.synced"]
    )
    assert made.events == ("bank_login.synced",)


def test_an_endpoint_of_such_a_format_is_never_written_the_other_events(platform):
    """A `powens` endpoint for every event takes only those Powens has a word for: a consent
    notice or a vanished account goes to the native endpoint alone."""
    tenant = hooked(platform)
    powens = platform.webhook_endpoints.add(tenant, "http://127.0.0.1:9/powens", format="powens")
    login, _ = platform.bank_logins.connect_directly(
        tenant, external_user_id="u1", bank_id="rheinwert-bank", login="good"
    )
    platform.consents.expire(tenant, login.id)
    by_type: dict[str, set[str | None]] = {}
    for kind, url, _ in listed(platform, tenant):
        by_type.setdefault(kind, set()).add(url)
    assert by_type["consent.expired"] == {"http://127.0.0.1:9/all"}
    for kind in events_of("powens"):
        if kind in by_type:
            assert powens.url in by_type[kind], kind
    assert set(by_type) - set(events_of("powens")) == {"consent.expired"}
