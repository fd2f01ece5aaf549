"""The shipped default scenario covers what the issue promises and what the README documents."""

from datetime import date
from pathlib import Path

from sandbox.bankdata import accounts
from sandbox.scenario import load_scenario, shipped_scenarios
from sandbox.scenario.model import ScaApproach, SourceKind

ROOT = Path(__file__).resolve().parents[2]
MAGIC = [
    "wrongpass",
    "decoupled-reject",
    "sca-every-sync",
    "bank-down",
    "new-account-on-sync-2",
    "ten-years-history",
    "multi-currency",
    "credit-card",
]


def test_six_banks_in_four_countries_including_de_fr_pl(default_scenario):
    countries = {bank.country for bank in default_scenario.banks}
    assert len(default_scenario.banks) >= 6
    assert len(countries) >= 4 and {"DE", "FR", "PL"} <= countries


def test_every_sca_approach_and_both_sources_are_covered(default_scenario):
    sources = [source for bank in default_scenario.banks for source in bank.sources]
    assert {source.sca for source in sources} == set(ScaApproach)
    assert {source.kind for source in sources} == set(SourceKind)


def test_banks_with_several_account_types_and_banks_with_one(default_scenario):
    counts = {len(bank.account_types) for bank in default_scenario.banks}
    assert 1 in counts and max(counts) > 1


def test_fifteen_personas_including_the_magic_logins(default_scenario):
    assert len(default_scenario.personas) >= 15
    logins = {persona.login for persona in default_scenario.personas}
    assert set(MAGIC) <= logins


def test_magic_logins_work_at_every_bank(default_scenario):
    for login in MAGIC:
        for bank in default_scenario.banks:
            assert default_scenario.persona(bank.id, login) is not None, (login, bank.id)


def test_ten_years_history_has_a_bank_that_gives_ten_years(default_scenario):
    assert max(bank.history_limit_days for bank in default_scenario.banks) >= 3650


def test_a_persona_of_every_bank_banks_in_the_banks_currency(default_scenario):
    good = default_scenario.persona("bank-wislany", "good")
    polish = accounts(default_scenario, good, default_scenario.bank("bank-wislany"))
    german = accounts(default_scenario, good, default_scenario.bank("nordlicht-sparbank"))
    assert {a.currency for a in polish} == {"PLN"}
    assert {a.currency for a in german} == {"EUR"}
    assert all(a.opened < date(2026, 1, 1) for a in polish)


def test_the_demo_tenant_matches_the_readme(default_scenario):
    demo = next(tenant for tenant in default_scenario.tenants if tenant.id == "demo")
    readme = (ROOT / "README.md").read_text()
    for value in (demo.client_id, demo.client_secret, demo.api_key, *demo.redirect_uris):
        assert f"`{value}`" in readme
    keys = demo.powens
    for value in (keys.client_id, keys.client_secret, keys.config_token):
        assert f"`{value}`" in readme


def test_every_persona_is_documented_in_the_scenario_readme(default_scenario):
    readme = (ROOT / "scenarios/README.md").read_text()
    for persona in default_scenario.personas:
        assert f"`{persona.login}`" in readme, persona.login


def test_every_shipped_and_example_scenario_loads():
    for path in [*shipped_scenarios().values(), *(ROOT / "scenarios/examples").glob("*.yaml")]:
        assert load_scenario(path).banks
