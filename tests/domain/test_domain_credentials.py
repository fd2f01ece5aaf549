"""Credentials of a kind resolve to their tenant (and user): issued ones are shown once and
stored hashed, expire on the tenant's clock, are single-use where they are codes, and every
kind is refused from an address outside the tenant's allowed ranges."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from sandbox.domain import credentials as credentials_
from sandbox.domain import tenants, users
from sandbox.domain.credentials import Kind, check_address
from sandbox.domain.errors import BadCredentials, IpNotAllowed
from sandbox.store.schema import credentials, webhook_outbox


@pytest.fixture
def user(world):
    with world.db.begin() as conn:
        return users.user_for(conn, world.tenant, "customer-42")


def test_a_permanent_user_token_names_its_tenant_and_user(platform, world, user):
    issued = platform.callers.issue(world.tenant, Kind.USER_TOKEN, user)
    assert issued.expires_at is None and issued.secret.startswith("ut_")
    caller = platform.callers.resolve(Kind.USER_TOKEN, issued.secret, address="127.0.0.1")
    assert caller.tenant.id == world.tenant.id and caller.user.external_id == "customer-42"


def test_an_issued_secret_is_stored_only_as_its_hash(platform, world, user):
    issued = platform.callers.issue(world.tenant, Kind.USER_TOKEN, user)
    with platform.db.connect() as conn:
        stored = conn.execute(sa.select(credentials)).mappings().all()
    assert len(stored) == 1
    assert issued.secret not in str(dict(stored[0]))


def test_a_temporary_token_expires_on_the_tenants_clock(platform, world, user):
    issued = platform.callers.issue(world.tenant, Kind.USER_TOKEN, user, ttl=timedelta(hours=1))
    assert issued.expires_at == world.tenant.now() + timedelta(hours=1)
    assert platform.callers.resolve(Kind.USER_TOKEN, issued.secret).user.id == user.id
    world.advance(minutes=59)
    assert platform.callers.resolve(Kind.USER_TOKEN, issued.secret).user.id == user.id
    world.advance(minutes=1)
    with pytest.raises(BadCredentials):
        platform.callers.resolve(Kind.USER_TOKEN, issued.secret)


def test_a_code_is_good_for_one_use(platform, world, user):
    issued = platform.callers.issue(world.tenant, Kind.AUTH_CODE, user)
    assert platform.callers.resolve(Kind.AUTH_CODE, issued.secret).user.id == user.id
    with pytest.raises(BadCredentials):
        platform.callers.resolve(Kind.AUTH_CODE, issued.secret)


def test_a_provider_session_needs_its_signature(platform, world, user):
    issued = platform.callers.issue(world.tenant, Kind.PROVIDER_SESSION, user)
    assert issued.signature
    caller = platform.callers.resolve(
        Kind.PROVIDER_SESSION, issued.secret, signature=issued.signature
    )
    assert caller.user.id == user.id
    flipped = issued.signature[:-1] + ("1" if issued.signature[-1] == "0" else "0")
    for wrong in (None, "", flipped, issued.secret):
        with pytest.raises(BadCredentials):
            platform.callers.resolve(Kind.PROVIDER_SESSION, issued.secret, signature=wrong)


def test_a_secret_of_one_kind_is_not_taken_as_another(platform, world, user):
    issued = platform.callers.issue(world.tenant, Kind.USER_TOKEN, user)
    with pytest.raises(BadCredentials):
        platform.callers.resolve(Kind.AUTH_CODE, issued.secret)


def test_the_tenants_own_keys_resolve_and_wrong_ones_are_refused(platform, world):
    tenant = world.tenant
    assert platform.callers.resolve(Kind.API_KEY, tenant.api_key).tenant.id == tenant.id
    by_client = platform.callers.resolve(
        Kind.CLIENT_SECRET, tenant.client_secret, client_id=tenant.client_id
    )
    assert by_client.tenant.id == tenant.id and by_client.user is None
    with pytest.raises(BadCredentials):
        platform.callers.resolve(Kind.CLIENT_SECRET, "wrong", client_id=tenant.client_id)
    with pytest.raises(BadCredentials):
        platform.callers.resolve(Kind.API_KEY, tenant.api_key + "x")


def test_a_checked_key_is_never_answered_from_before_a_write(platform, world):
    """The tenant behind a key is kept between requests only while nothing was written: a
    moved clock shows at once, and a deleted tenant's keys stop working at once."""
    tenant = world.tenant
    first = platform.callers.resolve(Kind.API_KEY, tenant.api_key).tenant
    assert platform.callers.resolve(Kind.API_KEY, tenant.api_key).tenant == first
    moved = platform.clock.move(tenant.id, advance=timedelta(days=40))
    later = platform.callers.resolve(Kind.API_KEY, tenant.api_key).tenant
    assert later.now() == moved.now() and later.now() >= first.now() + timedelta(days=40)
    client = {"client_id": tenant.client_id}
    assert platform.callers.resolve(Kind.CLIENT_SECRET, tenant.client_secret, **client).tenant
    platform.tenants.delete(tenant.id)
    with pytest.raises(BadCredentials):
        platform.callers.resolve(Kind.API_KEY, tenant.api_key)
    with pytest.raises(BadCredentials):
        platform.callers.resolve(Kind.CLIENT_SECRET, tenant.client_secret, **client)


def test_deleting_the_user_revokes_its_tokens(platform, world, user):
    issued = platform.callers.issue(world.tenant, Kind.USER_TOKEN, user)
    platform.users.delete(world.tenant, "customer-42")
    with pytest.raises(BadCredentials):
        platform.callers.resolve(Kind.USER_TOKEN, issued.secret)


@pytest.mark.parametrize(
    ("allowed", "address", "ok"),
    [
        (["127.0.0.1/32", "::1/128"], "127.0.0.1", True),
        (["127.0.0.1/32", "::1/128"], "::1", True),
        (["127.0.0.1/32"], "::ffff:127.0.0.1", True),
        (["10.0.0.0/8"], "10.1.2.3", True),
        (["10.0.0.0/8"], "127.0.0.1", False),
        (["10.0.0.0/8"], "192.0.2.7", False),
        ([], "127.0.0.1", True),
        ([], "::1", True),
        ([], "192.0.2.7", False),
        (["10.0.0.0/8"], "testclient", True),  # in-process: no network involved
        (["10.0.0.0/8"], None, True),  # a Unix socket
    ],
)
def test_an_address_outside_the_allowed_ranges_is_refused(world, allowed, address, ok):
    tenant = tenants.Tenant(**{**world.tenant.__dict__, "allowed_ips": allowed})
    if ok:
        check_address(tenant, address)
    else:
        with pytest.raises(IpNotAllowed) as refused:
            check_address(tenant, address)
        assert refused.value.details == {"address": address, "allowed_ips": allowed}


@given(st.ip_addresses())
def test_any_address_is_judged_without_error(address):
    from sandbox.domain.credentials import _allowed

    assert _allowed(("10.0.0.0/8", "fd00::/8"), str(address)) in (True, False)


# --- Permanent user tokens a webhook is authenticated with -----------------------------------


def delivery_token(platform, world, user_id: str | None, nonce: str | None) -> str | None:
    with platform.db.connect() as conn:
        return credentials_.delivery_token(
            conn, world.tenant.id, user_id, nonce, platform.settings.secret_key
        )


def nonce_of(token: str) -> str:
    return token.removeprefix("ut_").split(".")[0]


def test_a_permanent_token_is_rebuilt_from_its_nonce_and_the_installations_key(
    platform, world, user
):
    issued = platform.callers.issue(world.tenant, Kind.USER_TOKEN, user)
    nonce, _, mac = issued.secret.removeprefix("ut_").partition(".")
    with platform.db.connect() as conn:
        (row,) = conn.execute(sa.select(credentials)).mappings().all()
    assert row["nonce"] == nonce and mac
    key = platform.settings.secret_key
    assert key and key not in str(dict(row))
    assert credentials_.permanent_token(key, nonce) == issued.secret
    assert credentials_.permanent_token("another installation key", nonce) != issued.secret


def test_only_a_permanent_user_token_has_a_nonce(platform, world, user):
    platform.callers.issue(world.tenant, Kind.USER_TOKEN, user, ttl=timedelta(hours=1))
    platform.callers.issue(world.tenant, Kind.AUTH_CODE, user)
    platform.callers.issue(world.tenant, Kind.PROVIDER_SESSION, user)
    with platform.db.connect() as conn:
        assert set(conn.execute(sa.select(credentials.c.nonce)).scalars()) == {None}


def test_a_webhook_carries_the_token_held_at_its_event_while_it_is_not_revoked(
    platform, world, user
):
    held = platform.callers.issue(world.tenant, Kind.USER_TOKEN, user).secret
    newer = platform.callers.issue(world.tenant, Kind.USER_TOKEN, user).secret
    assert delivery_token(platform, world, "customer-42", nonce_of(held)) == held
    platform.callers.revoke(Kind.USER_TOKEN, held)
    assert delivery_token(platform, world, "customer-42", nonce_of(held)) == newer
    assert delivery_token(platform, world, "customer-42", None) == newer
    platform.callers.revoke(Kind.USER_TOKEN, newer)
    assert delivery_token(platform, world, "customer-42", nonce_of(held)) is None


def test_a_deleted_users_webhook_carries_the_token_it_held_at_the_event(platform, world, user):
    held = platform.callers.issue(world.tenant, Kind.USER_TOKEN, user).secret
    users.delete_user(world.db, world.tenant, "customer-42")
    assert delivery_token(platform, world, "customer-42", nonce_of(held)) == held
    assert delivery_token(platform, world, "customer-42", None) is None


def test_a_user_without_a_permanent_token_gets_none(platform, world, user):
    platform.callers.issue(world.tenant, Kind.USER_TOKEN, user, ttl=timedelta(hours=1))
    assert delivery_token(platform, world, "customer-42", None) is None
    assert delivery_token(platform, world, None, None) is None


def test_a_token_rebuilt_under_another_key_is_never_sent(platform, world, user):
    held = platform.callers.issue(world.tenant, Kind.USER_TOKEN, user).secret
    with platform.db.connect() as conn:
        rebuilt = credentials_.delivery_token(
            conn, world.tenant.id, "customer-42", nonce_of(held), "a key it was not made with"
        )
    assert rebuilt is None


def test_a_new_user_is_announced_with_its_token_already_there(platform, world):
    user, issued = platform.callers.new_user(world.tenant)
    with platform.db.connect() as conn:
        (row,) = conn.execute(sa.select(credentials)).mappings().all()
        (event,) = conn.execute(sa.select(webhook_outbox)).mappings().all()
    assert event["event_type"] == "user.created" and event["user_id"] == user.external_id
    assert row["user_id"] == user.id and row["nonce"] == nonce_of(issued.secret)
    assert platform.callers.resolve(Kind.USER_TOKEN, issued.secret).user.id == user.id


def test_a_temporary_user_is_announced_when_it_gets_a_permanent_token(platform, world):
    user, temporary = platform.callers.new_user(world.tenant, temporary_for=timedelta(minutes=30))
    assert temporary.expires_at is not None
    with platform.db.connect() as conn:
        assert conn.execute(sa.select(webhook_outbox)).first() is None
    kept, issued = platform.callers.permanent_token(world.tenant, user)
    assert kept.expires_at is None and issued.expires_at is None
    _, again = platform.callers.permanent_token(world.tenant, kept)
    with platform.db.connect() as conn:
        announced = conn.execute(sa.select(webhook_outbox.c.event_type)).scalars().all()
    assert announced == ["user.created"]
    assert again.secret != issued.secret
