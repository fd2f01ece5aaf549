"""The banks of the tenant's scenario, with the filters an integrator's bank picker uses."""

import pytest

SMALL = """\
extends: default
name: small
clock: {start: 2026-01-15T09:00:00Z, frozen: true}
banks:
  - id: tinybank
    name: Tiny Bank
    country: ES
"""


def names(answer) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [bank["id"] for bank in answer.json()["banks"]]


def test_every_bank_of_the_scenario_in_its_order(api, default_scenario):
    assert names(api.get("/banks")) == [bank.id for bank in default_scenario.banks]


def test_a_bank_shows_its_sources_limits_and_timeouts(api):
    answer = api.get("/banks/nordlicht-sparbank")
    assert answer.status_code == 200
    assert answer.json() == {
        "id": "nordlicht-sparbank",
        "name": "Nordlicht Sparbank",
        "country": "DE",
        "bic": "NOSPDEHHXXX",
        "colour": "#0f4c81",
        "account_types": ["checking", "savings", "credit_card", "loan", "deposit", "investment"],
        "sources": [
            {
                "kind": "api",
                "auth": "credentials",
                "sca": "decoupled",
                "priority": 1,
                "disabled": False,
            },
            {
                "kind": "web",
                "auth": "credentials",
                "sca": "embedded",
                "priority": 2,
                "disabled": False,
            },
        ],
        "consent_days": 180,
        "history_days": 90,
        "max_history_days": 3650,
        "syncs_per_day": 4,
        "decoupled_timeout_seconds": 300,
    }


def test_an_unknown_bank_is_404(api):
    answer = api.get("/banks/no-such-bank")
    assert answer.status_code == 404
    assert answer.json()["error"] == {
        "code": "not_found",
        "message": "no bank 'no-such-bank'",
        "details": {"bank_id": "no-such-bank"},
    }


def test_filter_by_part_of_the_name_in_any_case(api):
    assert names(api.get("/banks", name="BANK")) == [
        "nordlicht-sparbank",
        "rheinwert-bank",
        "bank-wislany",
        "bursztyn-bank",
        "polderbank",
        "kontobank",
        "kontobank-es",
    ]
    assert names(api.get("/banks", name="lumière")) == ["banque-lumiere"]
    assert names(api.get("/banks", name="zzz")) == []


def test_filter_by_country_and_bic(api):
    assert names(api.get("/banks", country="pl")) == ["bank-wislany", "bursztyn-bank", "kontobank"]
    assert names(api.get("/banks", bic="NOSPDEHHXXX")) == ["nordlicht-sparbank"]
    assert names(api.get("/banks", bic="nospdehh")) == ["nordlicht-sparbank"]
    assert names(api.get("/banks", bic="NOSPDEHH123")) == []
    assert names(api.get("/banks", country="DE", name="rhein")) == ["rheinwert-bank"]


def test_filter_by_account_types_keeps_banks_offering_all_of_them(api):
    every = names(api.get("/banks", account_types="credit_card,investment"))
    assert "nordlicht-sparbank" in every
    assert "rheinwert-bank" not in every
    for bank in every:
        offered = set(api.get(f"/banks/{bank}").json()["account_types"])
        assert {"credit_card", "investment"} <= offered


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("country=Germany", "country"),
        ("bic=NOPE", "bic"),
        ("name=", "name"),
        ("account_types=checking,current", "account_types"),
        ("account_types=", "account_types"),
        ("colour=red", "colour"),
        ("country=DE&country=FR", "country"),
    ],
)
def test_a_bad_filter_is_400_naming_it(api, query, parameter):
    answer = api.client.get(f"/api/v1/banks?{query}", headers=api.headers)
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["details"]["parameter"] == parameter
    assert f"`{parameter}`" in error["message"]


def test_the_unknown_account_type_is_named(api):
    error = api.get("/banks", account_types="checking,current").json()["error"]
    assert error["code"] == "invalid_parameter"
    assert "current" in error["message"]
    assert "credit_card" in error["details"]["allowed"]


def test_each_tenant_sees_its_own_scenarios_banks(api, client):
    small = client.post("/_sandbox/tenants", json={"scenario_yaml": SMALL}).json()
    headers = {"Authorization": f"Bearer {small['api_key']}"}
    answer = client.get("/api/v1/banks", headers=headers, params={"country": "ES"})
    assert [bank["id"] for bank in answer.json()["banks"]] == [
        "banco-meseta",
        "kontobank-es",
        "tinybank",
    ]
    assert client.get("/api/v1/banks/tinybank", headers=headers).status_code == 200
    assert api.get("/banks/tinybank").status_code == 404


def test_the_api_knows_exactly_the_scenarios_account_types():
    from sandbox.faces.native.routes import ACCOUNT_TYPES
    from sandbox.scenario.model import AccountType

    assert tuple(kind.value for kind in AccountType) == ACCOUNT_TYPES


def test_unknown_routes_and_methods_answer_in_the_native_format(api):
    missing = api.get("/bank")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong = api.client.put("/api/v1/banks", headers=api.headers)
    assert wrong.status_code == 405
    assert set(wrong.headers["allow"].split(", ")) == {"GET", "HEAD"}
