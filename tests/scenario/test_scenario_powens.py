"""A scenario's tenant may give its Powens keys (`tenants[].powens`): a client id of digits only
(Powens' SDKs refuse any other), a secret and a configuration token of 8 characters or more;
whatever it leaves out is derived, the same on every start."""

from __future__ import annotations

from textwrap import dedent, indent

import pytest

from sandbox.domain.face_keys import powens_keys
from sandbox.domain.tenants import Tenant
from sandbox.scenario import ScenarioError, load_scenario

HEAD = """\
extends: default
name: keys
tenants:
  - id: keys
    name: Keys
    client_id: keys
    client_secret: keys-secret
    api_key: keys-api-key
"""


def load(tmp_path, tail: str):
    path = tmp_path / "keys.yaml"
    path.write_text(HEAD + indent(dedent(tail), "    "))
    return load_scenario(path)


def test_given_keys_are_kept(tmp_path):
    scenario = load(
        tmp_path,
        """\
    powens: {client_id: "4242", client_secret: my-powens-secret, config_token: my-config-token}
    """,
    )
    [tenant] = [t for t in scenario.tenants if t.id == "keys"]
    assert (tenant.powens.client_id, tenant.powens.client_secret) == ("4242", "my-powens-secret")


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ('powens: {client_id: "abc123"}', "client_id"),
        ('powens: {client_id: "0123"}', "client_id"),
        ("powens: {client_secret: short}", "client_secret"),
        ("powens: {config_token: short}", "config_token"),
        ("powens: {secret: whatever-it-is}", "secret"),
    ],
)
def test_bad_keys_are_refused_at_their_line(tmp_path, line, field):
    with pytest.raises(ScenarioError) as caught:
        load(tmp_path, line + "\n")
    shown = " ".join(str(problem) for problem in caught.value.problems)
    assert field in shown and "keys.yaml:" in shown


def test_keys_left_out_are_derived_and_stable(tmp_path, platform):
    scenario = load(tmp_path, 'powens: {client_id: "55555"}\n')
    from sandbox.domain import tenants

    made: Tenant = tenants.create_tenant(
        platform.db, scenario, "keys", tenants.TenantOptions(tenant_id="keys")
    )
    keys = powens_keys(made)
    assert keys.client_id == "55555"
    assert len(keys.client_secret) == 32 and len(keys.config_token) == 40
    assert powens_keys(tenants.get_tenant(platform.db, "keys")) == keys
