"""Bodies written when their event is emitted (`domain/snapshots.py`): a format whose renderer
is a Snapshotter sees the platform as the emitting transaction does (a deleted user or bank
login still there, a sync's new transactions), its body is stored with the event, and only a
tenant with an endpoint of that format taking the event pays for it."""

from __future__ import annotations

import orjson
import pytest
import sqlalchemy as sa

from sandbox.app import WEBHOOK_RENDERERS
from sandbox.domain import (
    accounts,
    bank_logins,
    connections,
    consents,
    snapshots,
    tenants,
    users,
)
from sandbox.domain.event_view import View
from sandbox.domain.events import Event
from sandbox.domain.webhook_endpoints import EndpointSpec, add_endpoint
from sandbox.store.schema import webhook_outbox

HOOK = "http://127.0.0.1:9/hook"


class Recorder:
    """A snapshot format that writes down what the view shows at each event."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.failing = False

    def snapshot(self, event: Event, view: View) -> bytes:
        self.seen.append(event.type.value)
        if self.failing:
            raise RuntimeError("this body cannot be written")
        user = view.user(event.subjects.user_id)
        standing = view.standing(event.subjects.bank_login_id)
        shown = {
            "number": event.number,
            "user": None if user is None else user.id,
            "login": None if standing is None else standing.login.id,
        }
        if standing is not None:
            shown["new"] = {
                str(held.account.id): len(view.new_transactions(held.account.id))
                for held in view.accounts(standing.login.id)
            }
        return orjson.dumps(shown)


@pytest.fixture
def recorder():
    recorder = Recorder()
    snapshots.register({"native": object(), "powens": recorder})
    yield recorder
    snapshots.register(WEBHOOK_RENDERERS)


def with_endpoint(world, events: tuple[str, ...] | None = None):
    add_endpoint(world.db, world.tenant.id, EndpointSpec(HOOK, "whsec-snapshots", "powens", events))


def stored(world) -> list[tuple[str, dict | None, str | None]]:
    """Each event's type, the body stored for `powens`, and the user token nonce, oldest first."""
    with world.db.connect() as conn:
        rows = conn.execute(
            sa.select(webhook_outbox).where(webhook_outbox.c.tenant_id == world.tenant.id)
            .order_by(webhook_outbox.c.id)
        ).mappings().all()  # fmt: skip
    return [
        (
            row["event_type"],
            None
            if row["snapshot"] is None
            else orjson.loads(orjson.loads(row["snapshot"])["powens"]),
            row["user_token_nonce"],
        )
        for row in rows
    ]


def connect(world, login: str = "good", bank: str = "rheinwert-bank", user: str = "u1"):
    return connections.connect_directly(
        world.db, world.tenant, external_user_id=user, bank_id=bank, login=login
    )


def test_a_tenant_without_such_an_endpoint_pays_nothing(world, recorder):
    connect(world)
    assert recorder.seen == []
    assert {body for _, body, _ in stored(world)} == {None}


def test_each_event_of_a_sync_sees_the_transactions_it_brought(world, recorder):
    with_endpoint(world)
    login, result = connect(world, "account-closed-on-sync-2", bank="nordlicht-sparbank")
    bodies = {kind: body for kind, body, _ in stored(world)}
    assert recorder.seen == [kind for kind, _, _ in stored(world)]
    synced = bodies["bank_login.synced"]
    assert synced["login"] == login.id and synced["user"] is not None
    assert sum(synced["new"].values()) == result.new_transactions > 0
    assert all(body["number"] > 0 for _, body, _ in stored(world))
    world.advance(days=3)
    before = len(stored(world))
    _, later = connections.refresh(world.db, world.tenant, login.id)
    (resynced,) = [body for kind, body, _ in stored(world)[before:] if kind == "bank_login.synced"]
    assert sum(resynced["new"].values()) == later.new_transactions
    assert 0 < later.new_transactions < result.new_transactions  # only the new days'


def test_a_deletion_is_written_while_what_it_names_is_still_there(world, recorder):
    with_endpoint(world)
    login, _ = connect(world)
    bank_logins.delete_bank_login(world.db, world.tenant, login.id)
    kind, body, _ = stored(world)[-1]
    assert kind == "bank_login.deleted" and body["login"] == login.id
    users.delete_user(world.db, world.tenant, "u1")
    kind, body, _ = stored(world)[-1]
    assert kind == "user.deleted" and body["user"] is not None


def test_only_the_events_an_endpoint_takes_are_written(world, recorder):
    with_endpoint(world, ("user.created", "bank_login.synced"))
    connect(world)
    assert recorder.seen == ["user.created", "bank_login.synced"]
    written = [kind for kind, body, _ in stored(world) if body is not None]
    assert written == ["user.created", "bank_login.synced"]


def test_events_the_format_has_no_word_for_are_not_written(world, recorder):
    with_endpoint(world)
    login, _ = connect(world)
    assert bank_logins.get_bank_login(world.db, world.tenant, login.id).consent is not None
    world.advance(days=175)
    consents.watch(world.db, world.tenant.id)
    assert stored(world)[-1][0] == "consent.expiring"
    assert stored(world)[-1][1] is None and "consent.expiring" not in recorder.seen


def test_a_body_that_cannot_be_written_does_not_undo_the_change(world, recorder):
    with_endpoint(world)
    recorder.failing = True
    login, _ = connect(world)
    assert bank_logins.get_bank_login(world.db, world.tenant, login.id).id == login.id
    assert {body for _, body, _ in stored(world)} == {None}


def test_the_users_newest_permanent_token_is_noted_with_the_event(platform, world, recorder):
    with_endpoint(world)
    _, issued = platform.callers.new_user(world.tenant)
    ((kind, _, nonce),) = stored(world)
    assert kind == "user.created"
    assert issued.secret.startswith(f"ut_{nonce}.")


def test_an_enabled_account_is_written_with_its_imported_transactions(world, recorder):
    with_endpoint(world)
    login, _ = connect(world, "new-account-on-sync-2", bank="nordlicht-sparbank")
    connections.refresh(world.db, world.tenant, login.id)
    (savings,) = [
        owned.account
        for owned in accounts.list_accounts(world.db, world.tenant, bank_login_id=login.id)
        if owned.account.disabled
    ]
    accounts.activate_account(world.db, world.tenant, savings.id)
    (kind, body, _) = stored(world)[-1]
    assert kind == "account.synced" and body["new"][str(savings.id)] > 0


def test_another_tenant_of_the_same_transaction_is_looked_at_on_its_own(world, recorder, platform):
    other = tenants.create_tenant(platform.db, world.tenant.scenario, "frozen")
    with_endpoint(world)
    with platform.db.begin() as conn:
        users.user_for(conn, other, "elsewhere")
        users.user_for(conn, world.tenant, "here")
    assert recorder.seen == ["user.created"]
