"""Which tenant a data-API request comes from: client credentials or API key."""

import pytest

from sandbox.domain import clients, tenants
from sandbox.domain.clients import BadCredentials


def test_the_demo_tenant_by_its_client_credentials_and_by_its_api_key(platform):
    assert clients.by_client_credentials(platform.db, "demo", "demo-secret").id == "demo"
    assert clients.by_api_key(platform.db, "demo-api-key-0001").id == "demo"


def test_each_new_tenant_is_found_by_its_own_credentials(platform, default_scenario):
    made = [tenants.create_tenant(platform.db, default_scenario, "default") for _ in range(2)]
    for tenant in made:
        assert (
            clients.by_client_credentials(platform.db, tenant.client_id, tenant.client_secret).id
            == tenant.id
        )
        assert clients.by_api_key(platform.db, tenant.api_key).id == tenant.id
    with pytest.raises(BadCredentials):
        clients.by_client_credentials(platform.db, made[0].client_id, made[1].client_secret)


@pytest.mark.parametrize(
    ("client_id", "secret"),
    [
        ("demo", "wrong"),
        ("demo", ""),
        ("nobody", "demo-secret"),
        ("", ""),
        ("demo", "demo-secret "),
    ],
)
def test_wrong_client_credentials_are_refused(platform, client_id, secret):
    with pytest.raises(BadCredentials) as refused:
        clients.by_client_credentials(platform.db, client_id, secret)
    assert refused.value.code == "invalid_credentials"
    assert secret not in refused.value.message or not secret


@pytest.mark.parametrize(
    "key", ["", "demo-api-key-000", "demo-api-key-0001x", "demo-secret", "demo"]
)
def test_wrong_api_keys_are_refused(platform, key):
    with pytest.raises(BadCredentials):
        clients.by_api_key(platform.db, key)
