"""Income Confirmation (`GET /v1/owner-income-confirmation`): the income module's report per
currency and per IBAN, months M-0 to M-2 by Kontomatik's categories and the 90-day monthly
average, as JSON with amounts of two decimals; JSON errors."""

from __future__ import annotations

import re
from decimal import Decimal

INCOME = "/owner-income-confirmation"
CATEGORIES = ("salary", "pension", "welfareAndAlimony", "invoicePayments", "otherIncome")
TWO_PLACES = re.compile(r"-?[0-9]+\.[0-9]{2}")


def _native(integrator, user: str) -> dict:
    key = integrator.client.get(f"/_sandbox/tenants/{integrator.tenant_id}").json()["api_key"]
    answer = integrator.client.get(
        f"/api/v1/users/{user}/analytics/income", headers={"Authorization": f"Bearer {key}"}
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_salaried_owners_income_per_currency_and_iban(integrator):
    integrator.connect("lena", "nordlicht-sparbank", "lena.hoffmann")
    answer = integrator.get(INCOME, ownerExternalId="lena")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    report = answer.json()
    assert report["ownerExternalId"] == "lena"
    assert report["asOf"] == "2026-01-15"
    (eur,) = report["currencies"]
    assert eur["currencyName"] == "EUR"
    assert [m["month"] for m in eur["months"]] == ["M-0", "M-1", "M-2"]
    assert [m["period"] for m in eur["months"]] == ["2026-01", "2025-12", "2025-11"]
    for month in eur["months"]:
        assert set(month) == {"month", "period", *CATEGORIES, "total"}
        assert all(TWO_PLACES.fullmatch(month[name]) for name in (*CATEGORIES, "total"))
        assert sum(Decimal(month[name]) for name in CATEGORIES) == Decimal(month["total"])
    assert Decimal(eur["months"][1]["salary"]) > 0
    ibans = {account["iban"] for account in eur["accounts"]}
    listed = integrator.get("/data.xml", ownerExternalId="lena").text
    assert ibans and all(iban in listed for iban in ibans if iban)


def test_the_report_says_what_the_native_income_module_says(integrator):
    integrator.connect("sanne", "polderbank", "sanne.devries")
    report = integrator.get(INCOME, ownerExternalId="sanne").json()
    native = _native(integrator, "sanne")
    assert [c["currencyName"] for c in report["currencies"]] == [
        c["currency"] for c in native["currencies"]
    ]
    for ours, theirs in zip(report["currencies"], native["currencies"], strict=True):
        assert Decimal(ours["monthlyAverage90Days"]) == Decimal(theirs["average_monthly"])
        assert [Decimal(m["salary"]) for m in ours["months"]] == [
            Decimal(m["salary"]) for m in theirs["months"]
        ]
        assert [Decimal(m["total"]) for m in ours["months"]] == [
            Decimal(m["total"]) for m in theirs["months"]
        ]
        assert len(ours["accounts"]) == len(theirs["accounts"])


def test_an_unknown_owner_is_a_json_404(integrator):
    answer = integrator.get(INCOME, ownerExternalId="nobody")
    assert answer.status_code == 404
    assert answer.json()["exception"]["name"] == "InvalidOwnerExternalId"
    assert answer.json()["exception"]["message"]


def test_a_missing_or_unknown_parameter_is_a_json_400(integrator):
    missing = integrator.get(INCOME)
    assert missing.status_code == 400
    assert missing.json()["exception"]["name"] == "InvalidParameter"
    unknown = integrator.get(INCOME, ownerExternalId="x", since="2026-01-01")
    assert unknown.status_code == 400
    assert "since" in unknown.json()["exception"]["message"]


def test_without_the_income_module_the_command_is_not_available(integrator):
    integrator.connect("lena", "nordlicht-sparbank", "lena.hoffmann")
    integrator.client.put(
        f"/_sandbox/tenants/{integrator.tenant_id}/analytics", json={"modules": ["score"]}
    )
    answer = integrator.get(INCOME, ownerExternalId="lena")
    assert answer.status_code == 400
    assert answer.json()["exception"]["name"] == "CommandNotAvailable"


def test_an_uploaded_owners_income_is_confirmed_too(integrator, platform):
    tenant = platform.tenants.get(integrator.tenant_id)
    statement = (
        b'{"accounts": [{"currency": "PLN", "iban": "PL69137013140000049678278112",'
        b' "transactions": [{"booked_on": "2025-12-10", "amount": "2800.00",'
        b' "description": "Wynagrodzenie za prac\\u0119", "category": "salary"}]}]}'
    )
    platform.uploads.upload(tenant, "uploaded", "json", None, statement)
    report = integrator.get(INCOME, ownerExternalId="uploaded").json()
    (pln,) = report["currencies"]
    (account,) = pln["accounts"]
    assert account["iban"] == "PL69137013140000049678278112"
    assert account["months"][1]["salary"] == "2800.00"
    assert pln["monthlyAverage90Days"] == "933.33"
