"""Aggregated owner data: what was imported for an owner across its banks, in the shape of the
`data.xml` reply captured from Kontomatik, with the same accounts and transactions the native
API lists."""

from __future__ import annotations

from decimal import Decimal

from kontomatik_replies import captured, root_of, shape

# Elements of the captured reply that only a card or deposit account, or a co-owner, has.
TARGET = "reply/owner/target"


def paths(found: set[tuple[str, frozenset[str]]]) -> set[str]:
    return {path for path, _ in found}


def test_an_owners_data_has_the_shape_kontomatik_replies_with(integrator):
    integrator.connect("owner-1", "rheinwert-bank", "good")
    answer = integrator.get("/data.xml", ownerExternalId="owner-1")
    assert answer.status_code == 200, answer.text
    ours, theirs = shape(answer.content), captured("v1.data-reply.xml")
    assert paths(ours) == paths(theirs)
    for path, names in ours:
        assert any(path == p and names <= n for p, n in theirs), path
    reply = root_of(answer.content)
    assert reply.get("ownerExternalId") == "owner-1"
    assert reply.find("owner").get("externalId") == "owner-1"


def test_the_accounts_and_transactions_are_those_the_native_api_lists(integrator):
    integrator.connect("owner-2", "rheinwert-bank", "good")
    integrator.connect("owner-2", "nordlicht-sparbank", "lena.hoffmann")
    reply = root_of(integrator.get("/data.xml", ownerExternalId="owner-2").content)
    targets = reply.findall("owner/target")
    assert {t.get("name") for t in targets} == {"RheinwertBankApi_de", "NordlichtSparbankApi_de"}
    key = integrator.client.get(f"/_sandbox/tenants/{integrator.tenant_id}").json()["api_key"]
    native = integrator.client.get(
        "/api/v1/transactions",
        params={"user_id": "owner-2", "limit": 500},
        headers={"Authorization": f"Bearer {key}"},
    ).json()["transactions"]
    listed = [
        m
        for t in targets
        for kind in ("accounts/account", "creditCards/creditCard", "deposits/deposit")
        for a in t.findall(kind)
        for m in a.findall("moneyTransactions/moneyTransaction")
    ]
    assert len(listed) == len(native)
    assert sorted(Decimal(m.find("currencyAmount").text) for m in listed) == sorted(
        Decimal(t["amount"]) for t in native
    )
    assert all(len(m.find("currencyAmount").text.split(".")[1]) == 2 for m in listed)
    assert {m.find("labels/label").text for m in listed} >= {"salary"}


def test_without_the_categories_module_transactions_have_no_labels(integrator):
    integrator.connect("owner-3", "rheinwert-bank", "good")
    integrator.client.put(
        f"/_sandbox/tenants/{integrator.tenant_id}/analytics", json={"modules": ["score"]}
    )
    reply = root_of(integrator.get("/data.xml", ownerExternalId="owner-3").content)
    assert reply.find(".//moneyTransaction") is not None
    assert reply.find(".//labels") is None


def test_deleting_an_owners_data_forgets_the_owner(integrator):
    integrator.connect("owner-4", "rheinwert-bank", "good")
    deleted = integrator.client.delete(
        "/kontomatik/v1/data.xml", headers=integrator.headers, params={"ownerExternalId": "owner-4"}
    )
    assert deleted.status_code == 200
    again = integrator.get("/data.xml", ownerExternalId="owner-4")
    assert again.status_code == 404
    assert root_of(again.content).find("exception").get("name") == "InvalidOwnerExternalId"


def test_an_unknown_owner_and_a_missing_owner_parameter(integrator):
    assert integrator.get("/data.xml", ownerExternalId="nobody").status_code == 404
    missing = integrator.get("/data.xml")
    assert missing.status_code == 400
    assert root_of(missing.content).find("exception").get("name") == "InvalidParameter"
