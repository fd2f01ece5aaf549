"""Flows opened to sign a user in: a face's own return page (never another URI), the flow's
result read back by its opener, and the one bank session a successful flow yields."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from sandbox.domain import connect, sessions
from sandbox.domain.errors import Conflict, InvalidInput, NotFound
from sandbox.domain.outcome import OutcomeKind
from sandbox.domain.services.bank_sessions import BankSessions
from sandbox.domain.sign_ins import Progress, Standing, sign_in_options
from sandbox.store.schema import metadata

DONE = "/kontomatik/signin/done"


def open_flow(world, platform, *, face="kontomatik", redirect_uri=DONE, **sign_in):
    options = sign_in_options(sign_in.get("source"), sign_in.get("standing", Standing.NEVER))
    return platform.flows.open_connect(
        world.tenant,
        face=face,
        external_user_id=sign_in.get("owner", "owner-1"),
        redirect_uri=redirect_uri,
        state=None,
        options={**options, "bank_id": sign_in.get("bank", "rheinwert-bank")},
    )


def finish(world, session_id: str):
    connect.log_in(world.db, session_id, "good", "pass")
    flow, _ = connect.enter_otp(world.db, session_id, "123456")
    keys = [offer.key for offer in connect.consent_offer(flow)]
    return connect.grant_consent(world.db, session_id, keys)


def test_a_face_returns_to_its_own_page_and_no_other_face_may(world, platform):
    made = open_flow(world, platform)
    assert made.redirect_uri == DONE
    _flow, back = finish(world, made.id)
    assert back.redirect_uri == DONE and back.face == "kontomatik"
    with pytest.raises(InvalidInput, match="not registered"):
        open_flow(world, platform, face="powens")


@pytest.mark.parametrize(
    "uri",
    [
        "/kontomatik/signin/done/../../evil",
        "/kontomatik/other",
        "//evil.example/kontomatik/signin/done",
        "https://evil.example/kontomatik/signin/done",
        "/kontomatik/signin/done?x=1",
    ],
)
def test_nothing_but_the_exact_page_is_a_faces_own(world, platform, uri):
    with pytest.raises(InvalidInput, match="not registered"):
        open_flow(world, platform, redirect_uri=uri)
    assert not sessions.returns_to(world.tenant, uri, "kontomatik")


def test_a_running_flow_then_its_success_and_one_session_however_often_asked(world, platform):
    made = open_flow(world, platform, source="api", standing=Standing.ALWAYS)
    assert platform.flows.result(world.tenant, made.id).progress is Progress.RUNNING
    with pytest.raises(Conflict):
        platform.bank_sessions.sign_in_after(world.tenant, made.id)
    finish(world, made.id)
    found = platform.flows.result(world.tenant, made.id)
    assert found.progress is Progress.SUCCEEDED
    first = platform.bank_sessions.sign_in_after(world.tenant, made.id)
    again = platform.bank_sessions.sign_in_after(world.tenant, made.id)
    assert again == first
    assert first.session.source == "api" and first.session.access_id is not None
    assert first.session.external_user_id == "owner-1"
    held = platform.bank_sessions.resolve(world.tenant, first.secret, first.signature)
    assert held.id == first.session.id


def test_the_sessions_secret_is_nowhere_in_the_database_and_derives_from_the_key(world, platform):
    made = open_flow(world, platform, source="api", standing=Standing.ALWAYS)
    finish(world, made.id)
    first = platform.bank_sessions.sign_in_after(world.tenant, made.id)
    with world.db.connect() as conn:
        stored = repr([conn.execute(sa.select(table)).all() for table in metadata.sorted_tables])
    assert first.secret not in stored and first.signature not in stored
    # Given again from what is stored and the installation's key, never from a kept copy.
    same_key = BankSessions(world.db, platform.settings.secret_key)
    assert same_key.sign_in_after(world.tenant, made.id) == first
    other_key = BankSessions(world.db, "another-installations-key-of-32-chars")
    assert other_key.sign_in_after(world.tenant, made.id).secret != first.secret


def test_mixed_access_stands_only_through_the_api(world, platform):
    web = open_flow(world, platform, source="web", standing=Standing.IF_API)
    finish(world, web.id)
    assert platform.bank_sessions.sign_in_after(world.tenant, web.id).session.access_id is None
    api = open_flow(world, platform, source="api", standing=Standing.IF_API, owner="owner-2")
    finish(world, api.id)
    assert platform.bank_sessions.sign_in_after(world.tenant, api.id).session.access_id


def test_a_cancelled_flow_fails_and_an_unused_one_expires(world, platform):
    left = open_flow(world, platform)
    connect.leave(world.db, left.id)
    found = platform.flows.result(world.tenant, left.id)
    assert found.progress is Progress.FAILED and found.outcome.kind is OutcomeKind.CANCELLED
    with pytest.raises(Conflict):
        platform.bank_sessions.sign_in_after(world.tenant, left.id)
    waited = open_flow(world, platform)
    world.advance(minutes=15)
    assert platform.flows.result(world.tenant, waited.id).progress is Progress.EXPIRED


def test_another_tenants_flow_is_unknown(world, platform):
    made = open_flow(world, platform)
    other = platform.tenants.get("demo")
    with pytest.raises(NotFound):
        platform.flows.result(other, made.id)
    with pytest.raises(NotFound):
        platform.bank_sessions.sign_in_after(other, made.id)


def test_a_flow_not_opened_to_sign_in_yields_no_session(world, platform):
    _flow, back = world.connect()
    with pytest.raises(Conflict, match="not opened to sign in"):
        platform.bank_sessions.sign_in_after(world.tenant, back.session_id)


def test_a_sign_in_names_a_source_the_domain_knows():
    with pytest.raises(InvalidInput):
        sign_in_options("fax", Standing.NEVER)
