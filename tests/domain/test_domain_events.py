"""Domain events: written to the outbox in the transaction of the change they describe, each
with the payload the README documents; consent notices once each as the clock passes them."""

from __future__ import annotations

import re

import pytest

from sandbox.domain import (
    accounts,
    bank_logins,
    connections,
    consents,
    control,
    deliveries,
    events,
    manage,
    sessions,
    tenants,
    users,
)
from sandbox.domain.bank_logins import find_bank_login
from sandbox.domain.fakebank import BankRefusal
from sandbox.domain.states import LoginState
from sandbox.errors import NotFound

CALLBACK = "http://127.0.0.1:3000/callback"  # registered for the domain tests' tenant


def outbox(world) -> list[dict]:
    """The tenant's events, oldest first, as plain values."""
    found = deliveries.page_of_deliveries(world.db, world.tenant, None, 500).deliveries
    return [
        {
            "id": event.id,
            "type": event.type.value,
            "created_at": event.created_at.isoformat(),
            "tenant_id": event.tenant_id,
            "data": event.data,
        }
        for event in (delivery.event for delivery in reversed(found))
    ]


def types(world) -> list[str]:
    return [event["type"] for event in outbox(world)]


def connected(world, login: str = "good", bank: str = "rheinwert-bank", user: str = "u1"):
    bank_login, result = connections.connect_directly(
        world.db, world.tenant, external_user_id=user, bank_id=bank, login=login
    )
    return bank_login, result


def test_a_connection_announces_the_user_its_accounts_and_the_sync(world):
    login, result = connected(world, "account-closed-on-sync-2", bank="nordlicht-sparbank")
    assert types(world) == [
        "user.created",
        "account.discovered",
        "account.discovered",
        "bank_login.accounts_fetched",
        "account.synced",
        "account.synced",
        "bank_login.synced",
    ]
    user, main, savings, fetched, main_synced, savings_synced, synced = outbox(world)
    subject = {"user_id": "u1", "bank_login_id": login.id, "bank_id": "nordlicht-sparbank"}
    assert user["data"] == {"user_id": "u1"}
    assert synced["data"] == {
        **subject,
        "state": "connected",
        "new_accounts": 2,
        "new_transactions": result.new_transactions,
        "deleted_accounts": 0,
    }
    assert main["data"]["account"]["type"] == "checking"
    ids = [main["data"]["account"]["id"], savings["data"]["account"]["id"]]
    assert fetched["data"] == {**subject, "account_ids": ids}
    assert [main_synced["data"]["account"], savings_synced["data"]["account"]] == [
        main["data"]["account"],
        savings["data"]["account"],
    ]
    assert main_synced["data"]["new_transactions"] > 0
    assert (
        main_synced["data"]["new_transactions"] + savings_synced["data"]["new_transactions"]
        == result.new_transactions
    )
    assert savings["data"] == {
        **subject,
        "account": {
            "id": savings["data"]["account"]["id"],
            "type": "savings",
            "name": savings["data"]["account"]["name"],
            "currency": "EUR",
            "disabled": False,
        },
    }
    for event in outbox(world):
        assert event["id"].startswith("evt_")
        assert event["tenant_id"] == world.tenant.id
        assert event["created_at"] == "2026-01-15T09:00:00+00:00"  # the tenant's frozen clock


def test_a_user_is_announced_once(world):
    connected(world, user="u1")
    connected(world, user="u1", bank="nordlicht-sparbank")
    assert types(world).count("user.created") == 1


def test_an_event_exists_only_if_its_transaction_commits(world):
    with pytest.raises(RuntimeError), world.db.begin() as conn:
        users.user_for(conn, world.tenant, "rolled-back")
        raise RuntimeError("the change fails after the event was written")
    assert outbox(world) == []
    with pytest.raises(NotFound):
        users.get_user(world.db, world.tenant, "rolled-back")


def test_a_refresh_announces_new_and_deleted_accounts_and_the_counts(world):
    appears, _ = connected(world, "new-account-on-sync-2", bank="nordlicht-sparbank")
    closes, _ = connected(world, "account-closed-on-sync-2", bank="nordlicht-sparbank", user="u2")
    before = len(outbox(world))
    world.advance(days=1)
    _, found = connections.refresh(world.db, world.tenant, appears.id)
    _, gone = connections.refresh(world.db, world.tenant, closes.id)
    new = outbox(world)[before:]
    # A refresh shares no new account: the one found comes in disabled and is not synced.
    assert [event["type"] for event in new] == [
        "account.discovered",
        "bank_login.accounts_fetched",
        "account.synced",
        "bank_login.synced",
        "account.deleted",
        "bank_login.accounts_fetched",
        "account.synced",
        "bank_login.synced",
    ]
    assert new[0]["data"]["account"]["type"] == "savings"
    assert new[0]["data"]["account"]["disabled"] is True
    assert len(new[1]["data"]["account_ids"]) == 2
    assert new[3]["data"]["new_accounts"] == 1
    assert new[3]["data"]["new_transactions"] == found.new_transactions
    assert new[2]["data"]["new_transactions"] == found.new_transactions
    assert new[4]["data"]["bank_login_id"] == closes.id
    assert new[4]["data"]["account"]["type"] == "savings"
    assert new[5]["data"]["account_ids"] == [new[6]["data"]["account"]["id"]]
    assert new[7]["data"]["deleted_accounts"] == 1 == gone.deleted_accounts


def test_a_refused_refresh_announces_the_failure_with_the_state(world):
    login, _ = connected(world, "bank-down-on-sync-2")
    with pytest.raises(BankRefusal):
        connections.refresh(world.db, world.tenant, login.id)
    failed = outbox(world)[-1]
    assert failed["type"] == "bank_login.sync_failed"
    assert failed["data"]["state"] == "bank_unavailable"
    assert failed["data"]["state_until"] == "2026-01-16T09:00:00+00:00"
    assert failed["data"]["bank_login_id"] == login.id


def test_wrong_credentials_at_a_refresh_are_announced(world):
    login, _ = connected(world, "wrongpass-on-sync-2")
    with pytest.raises(BankRefusal):
        connections.refresh(world.db, world.tenant, login.id)
    assert outbox(world)[-1]["data"]["state"] == LoginState.WRONG_CREDENTIALS.value


def test_consent_notices_come_seven_days_before_and_after_expiry_once_each(world):
    login, _ = connected(world)
    world.advance(days=172)
    assert consents.watch(world.db, world.tenant.id) == []
    world.advance(days=1)  # 7 days left
    (expiring,) = consents.watch(world.db, world.tenant.id)
    assert consents.watch(world.db, world.tenant.id) == []
    world.advance(days=6, hours=23)
    assert consents.watch(world.db) == []
    world.advance(hours=1)  # 180 days: over
    (expired,) = consents.watch(world.db)
    assert consents.watch(world.db) == []
    assert types(world)[-2:] == ["consent.expiring", "consent.expired"]
    consent = {
        "granted_at": "2026-01-15T09:00:00+00:00",
        "expires_at": "2026-07-14T09:00:00+00:00",
    }
    subject = {"user_id": "u1", "bank_login_id": login.id, "bank_id": "rheinwert-bank"}
    assert expiring.data == {**subject, "consent": consent}
    assert expired.data == {**subject, "consent": consent, "state": "sca_required"}
    assert expired.created_at.isoformat() == "2026-07-14T09:00:00+00:00"


def test_a_clock_that_jumps_past_the_expiry_announces_only_that_it_expired(world):
    connected(world)
    world.advance(days=181)
    assert [e.type for e in consents.watch(world.db, world.tenant.id)] == ["consent.expired"]
    world.advance(days=30)
    assert consents.watch(world.db, world.tenant.id) == []


def test_a_renewed_login_is_announced_for_its_new_consent_only(world):
    login, _ = connected(world)
    world.advance(days=175)
    consents.watch(world.db, world.tenant.id)
    with world.db.begin() as conn:
        connections.renew(conn, world.tenant, find_bank_login(conn, world.tenant, login.id), None)
    world.advance(days=10)  # the old consent is over, the new one has 170 days left
    assert consents.watch(world.db, world.tenant.id) == []
    world.advance(days=164)
    assert [e.type for e in consents.watch(world.db, world.tenant.id)] == ["consent.expiring"]


def test_consents_are_watched_per_tenant_clock(world, platform):
    connected(world)
    other = tenants.create_tenant(platform.db, world.tenant.scenario, "frozen")
    connections.connect_directly(
        platform.db, other, external_user_id="u1", bank_id="rheinwert-bank", login="good"
    )
    world.advance(days=175)
    emitted = consents.watch(world.db)
    assert [(e.tenant_id, e.type) for e in emitted] == [(world.tenant.id, "consent.expiring")]


def test_events_wait_for_delivery_only_where_a_webhook_is_set(world, platform):
    connected(world)
    assert {
        d.status for d in deliveries.page_of_deliveries(world.db, world.tenant, None, 50).deliveries
    } == {"skipped"}
    hooked = tenants.create_tenant(
        platform.db,
        world.tenant.scenario,
        "frozen",
        tenants.TenantOptions(webhook_url="http://127.0.0.1:9/hook"),
    )
    with platform.db.begin() as conn:
        event = events.user_created(conn, hooked, "u9")
    (delivery,) = deliveries.page_of_deliveries(platform.db, hooked, None, 50).deliveries
    assert (delivery.event.id, delivery.status, delivery.attempts) == (event.id, "pending", ())
    assert delivery.next_attempt_at is not None
    assert delivery.event.created_at == hooked.now()  # its frozen virtual time


def test_a_refused_sync_announces_its_failure_and_no_accounts(world):
    login, _ = connected(world, "bank-down-on-sync-2")
    before = len(outbox(world))
    with pytest.raises(BankRefusal):
        connections.refresh(world.db, world.tenant, login.id)
    assert types(world)[before:] == ["bank_login.sync_failed"]


def test_deleting_a_user_announces_it_first(world):
    connected(world, user="u1")
    users.delete_user(world.db, world.tenant, "u1")
    deleted = outbox(world)[-1]
    assert (deleted["type"], deleted["data"]) == ("user.deleted", {"user_id": "u1"})
    with pytest.raises(NotFound):
        users.get_user(world.db, world.tenant, "u1")


def test_deleting_a_bank_login_announces_it_with_its_login_fields(world):
    login, _ = connected(world)
    bank_logins.delete_bank_login(world.db, world.tenant, login.id)
    deleted = outbox(world)[-1]
    assert deleted["type"] == "bank_login.deleted"
    assert deleted["data"] == {
        "user_id": "u1",
        "bank_login_id": login.id,
        "bank_id": "rheinwert-bank",
    }
    with pytest.raises(NotFound):
        bank_logins.get_bank_login(world.db, world.tenant, login.id)


def test_removing_a_bank_login_in_the_management_list_announces_it(world):
    login, _ = connected(world)
    listing = sessions.create_session(
        world.db, world.tenant, kind="management", external_user_id="u1",
        redirect_uri=CALLBACK, state=None, options={},
    )  # fmt: skip
    manage.remove_bank_login(world.db, listing.id, login.id)
    assert outbox(world)[-1]["type"] == "bank_login.deleted"
    assert outbox(world)[-1]["data"]["bank_login_id"] == login.id


def test_sharing_an_account_announces_it_enabled_then_synced_and_unsharing_disabled(world):
    login, _ = connected(world, "new-account-on-sync-2", bank="nordlicht-sparbank")
    connections.refresh(world.db, world.tenant, login.id)
    (savings,) = [
        owned.account
        for owned in accounts.list_accounts(world.db, world.tenant, bank_login_id=login.id)
        if owned.account.disabled
    ]
    before = len(outbox(world))
    accounts.activate_account(world.db, world.tenant, savings.id)
    enabled, synced = outbox(world)[before:]
    assert (enabled["type"], synced["type"]) == ("account.enabled", "account.synced")
    assert enabled["data"]["account"]["id"] == savings.id
    assert enabled["data"]["account"]["disabled"] is False
    assert synced["data"]["new_transactions"] > 0
    accounts.activate_account(world.db, world.tenant, savings.id)  # shared already: no news
    assert len(outbox(world)) == before + 2
    accounts.deactivate_account(world.db, world.tenant, savings.id)
    disabled = outbox(world)[-1]
    assert disabled["type"] == "account.disabled"
    assert disabled["data"]["account"] == {**enabled["data"]["account"], "disabled": True}
    accounts.deactivate_account(world.db, world.tenant, savings.id)  # not shared: no news
    assert len(outbox(world)) == before + 3


def test_an_account_shared_while_its_login_needs_the_user_is_announced_but_not_synced(world):
    login, _ = connected(world, "new-account-on-sync-2", bank="nordlicht-sparbank")
    connections.refresh(world.db, world.tenant, login.id)
    (savings,) = [
        owned.account
        for owned in accounts.list_accounts(world.db, world.tenant, bank_login_id=login.id)
        if owned.account.disabled
    ]
    control.expire_consent(world.db, world.tenant, login.id)
    before = len(outbox(world))
    accounts.activate_account(world.db, world.tenant, savings.id)
    assert types(world)[before:] == ["account.enabled"]


def test_event_ids_are_opaque_hex_and_later_ones_sort_later(world):
    made = [events.new_event_id() for _ in range(2000)]
    assert all(re.fullmatch(r"evt_[0-9a-f]{24}", made_id) for made_id in made)
    assert len(set(made)) == len(made)
    # Within one millisecond the order is the random part's; across milliseconds, time's.
    stamps = [made_id[4:16] for made_id in made]
    assert stamps == sorted(stamps)
    connected(world)
    stored = [event["id"][4:16] for event in outbox(world)]  # oldest first
    assert len(stored) == 5 and stored == sorted(stored)
