"""Which analytics modules a tenant has on: what its scenario declares, every module unless
it says otherwise, and what the control API set since."""

from __future__ import annotations

from sandbox.domain.platform import Platform
from sandbox.scenario import load_scenario_text
from sandbox.settings import Settings

FEW = """
extends: default
name: few
tenants:
  - {id: few, name: Few, client_id: few-client, client_secret: few-secret-0001,
     api_key: few-api-key-0001, analytics: [score, income, score]}
"""


def test_a_declared_tenant_has_the_modules_its_scenario_names_and_others_all():
    platform = Platform.open(
        Settings(database_url="sqlite:///:memory:"), load_scenario_text(FEW, "few.yaml")
    )
    try:
        assert platform.tenants.get("few").analytics == {"income", "score"}
        assert platform.tenants.get("demo").analytics == {
            "categories", "income", "recurring", "cashflow", "score",
        }  # fmt: skip
        changed = platform.analytics.set_modules(platform.tenants.get("few"), ["cashflow"])
        assert changed.analytics == {"cashflow"}
        assert platform.tenants.get("few").analytics == {"cashflow"}
    finally:
        platform.close()
