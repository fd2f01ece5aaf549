"""Analytics through /api/v1: each module's answer agrees with sums a client computes itself
from the listed transactions; modules a tenant switched off are refused; categories show on
transactions only while their module is on."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from test_native_uploads import STATEMENT, upload

INCOME_KINDS = {
    "salary": "salary",
    "pension": "pension",
    "welfare": "welfare_and_alimony",
    "alimony": "welfare_and_alimony",
    "invoice_payment": "invoice_payments",
    "interest": "other",
    "refund": "other",
    "other_income": "other",
}


def analytics(api, user: str, module: str, **params: str):
    return api.get(f"/users/{user}/analytics/{module}", **params)


def switch(api, *modules: str):
    answer = api.client.put(
        f"/_sandbox/tenants/{api.tenant_id}/analytics", json={"modules": list(modules)}
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.fixture
def lena(api):
    """A salaried customer with a current account and a card, and an uploaded statement."""
    api.connect("lena", persona="credit-card")
    api.connect("lena", bank="nordlicht-sparbank")
    assert upload(api, STATEMENT, user="lena").status_code == 201
    return "lena"


def categorised(api, user: str) -> list[dict]:
    answer = analytics(api, user, "categories")
    assert answer.status_code == 200, answer.text
    return answer.json()["transactions"]


def test_every_transaction_gets_one_category_of_the_taxonomy(api, lena):
    listed = api.every_page("/transactions", user_id=lena, limit=500)
    ids = {t["id"] for page in listed for t in page}
    found = categorised(api, lena)
    assert {t["id"] for t in found} == ids
    shown = {t["id"]: t["category"] for page in listed for t in page}
    assert shown == {t["id"]: t["category"] for t in found}
    # The category the client set on its upload wins.
    salary = next(t for t in found if t["amount"] == "2451.00")
    assert salary["category"] == "salary"


def test_the_category_totals_add_up(api, lena):
    answer = analytics(api, lena, "categories").json()
    sums: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for t in answer["transactions"]:
        amount = Decimal(t["amount"])
        sums[(t["category"], t["currency"])][0 if amount > 0 else 1] += abs(amount)
    assert {
        (row["category"], row["currency"]): [Decimal(row["inflow"]), Decimal(row["outflow"])]
        for row in answer["totals"]
    } == sums


def test_income_equals_the_income_credits_of_each_month(api, lena):
    found = categorised(api, lena)
    expected: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for t in found:
        kind = INCOME_KINDS.get(t["category"])
        if kind and Decimal(t["amount"]) > 0:
            expected[t["booked_on"][:7]][kind] += Decimal(t["amount"])
    report = analytics(api, lena, "income").json()
    assert report["as_of"] == "2026-01-15"
    (eur,) = report["currencies"]
    assert [m["label"] for m in eur["months"]] == ["M-0", "M-1", "M-2"]
    assert [m["month"] for m in eur["months"]] == ["2026-01", "2025-12", "2025-11"]
    for month in eur["months"]:
        for kind in ("salary", "pension", "welfare_and_alimony", "invoice_payments", "other"):
            assert Decimal(month[kind]) == expected[month["month"]][kind], (month, kind)
        assert Decimal(month["total"]) == sum(expected[month["month"]].values(), Decimal(0))
    assert Decimal(eur["months"][1]["salary"]) > 0


def test_cashflow_equals_the_months_inflows_outflows_and_balances(api, lena):
    found = categorised(api, lena)
    flows: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for t in found:
        if t["category"] != "own_transfer":
            amount = Decimal(t["amount"])
            flows[t["booked_on"][:7]][0 if amount > 0 else 1] += abs(amount)
    accounts = api.get("/accounts", user_id=lena).json()["accounts"]
    liquid = {a["id"] for a in accounts if a["type"] in ("checking", "savings", "deposit")}
    today = sum(Decimal(a["balance"]) for a in accounts if a["id"] in liquid)
    months = analytics(api, lena, "cashflow", **{"from": "2025-11-01"}).json()["months"]
    assert [row["month"] for row in months] == ["2025-11", "2025-12", "2026-01"]
    for row in months:
        assert [Decimal(row["inflow"]), Decimal(row["outflow"])] == flows[row["month"]]
        later = sum(
            (
                Decimal(t["amount"])
                for t in found
                if t["account_id"] in liquid and t["booked_on"][:7] > row["month"]
            ),
            Decimal(0),
        )
        assert Decimal(row["closing_balance"]) == today - later


def test_recurring_finds_the_monthly_salary(api, lena):
    series = analytics(api, lena, "recurring").json()["series"]
    salaries = [s for s in series if s["category"] == "salary" and s["direction"] == "in"]
    assert salaries and all(s["period"] == "monthly" for s in salaries)
    assert all(s["still_active"] and s["next_expected"] > "2026-01-15" for s in salaries)


def test_the_score_is_deterministic_and_shows_its_features(api, lena):
    first = analytics(api, lena, "score")
    assert first.status_code == 200, first.text
    body = first.json()
    assert 0 <= body["score"] <= 1 and body["tier"] in "ABCD" and body["currency"] == "EUR"
    assert {"income_regularity", "buffer_months", "gambling_share"} <= set(body["features"])
    assert analytics(api, lena, "score").json() == body


def test_a_short_history_has_no_score(api):
    assert upload(api, STATEMENT, user="newcomer").status_code == 201
    answer = analytics(api, "newcomer", "score")
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "no_data"
    assert "a score needs at least 60" in answer.json()["error"]["message"]


def test_a_module_switched_off_is_refused_and_categories_leave_transactions(api, lena):
    assert switch(api, "income") == {
        "modules": ["income"],
        "available": ["categories", "income", "recurring", "cashflow", "score"],
    }
    for module in ("categories", "recurring", "cashflow", "score"):
        answer = analytics(api, lena, module)
        assert answer.status_code == 403
        assert answer.json()["error"]["code"] == "module_not_enabled"
    assert analytics(api, lena, "income").status_code == 200
    listed = api.get("/transactions", user_id=lena).json()["transactions"]
    assert {t["category"] for t in listed} == {None}
    switch(api, "categories", "income")
    listed = api.get("/transactions", user_id=lena).json()["transactions"]
    assert None not in {t["category"] for t in listed}


def test_unknown_modules_and_users_are_404s_and_bad_switches_422s(api, lena):
    assert analytics(api, lena, "horoscope").status_code == 404
    assert analytics(api, "nobody", "income").status_code == 404
    bad = api.client.put(
        f"/_sandbox/tenants/{api.tenant_id}/analytics", json={"modules": ["horoscope"]}
    )
    assert bad.status_code == 422
    assert api.client.get(f"/_sandbox/tenants/{api.tenant_id}/analytics").json()["modules"] == [
        "categories", "income", "recurring", "cashflow", "score",
    ]  # fmt: skip


# The README's table of the default personas' tiers (on the frozen test clock, 2026-01-15),
# each connected at its bank (the magic personas at Nordlicht Sparbank).
TIERS = {
    ("nordlicht-sparbank", "lena.hoffmann"): "A",
    ("nordlicht-sparbank", "klaus.becker"): "A",
    ("banque-lumiere", "camille.martin"): "A",
    ("bank-wislany", "anna.kowalska"): "A",
    ("bank-wislany", "halina.zielinska"): "A",
    ("polderbank", "sanne.devries"): "A",
    ("nordlicht-sparbank", "good"): "B",
    ("banque-lumiere", "boulangerie.dupont"): "B",
    ("banco-meseta", "lucia.garcia"): "B",
    ("rheinwert-bank", "jonas.weber"): "C",
    ("rheinwert-bank", "mia.schulz"): "C",
    ("bursztyn-bank", "piotr.nowak"): "C",
    ("banca-laguna", "giulia.rossi"): "C",
    ("nordlicht-sparbank", "gambler"): "C",
    ("cigale", "hugo.bernard@example.com"): "D",
    ("nordlicht-sparbank", "overdraft-often"): "D",
    ("nordlicht-sparbank", "irregular-income"): "D",
    ("kontobank", "test1"): "B",
    ("kontobank-es", "test2"): "B",
}


def test_the_default_personas_spread_over_the_tiers_as_documented(api):
    found = {}
    for number, (bank, login) in enumerate(TIERS):
        user = f"persona-{number}"
        api.connect(user, bank=bank, persona=login)
        answer = analytics(api, user, "score")
        assert answer.status_code == 200, (login, answer.text)
        found[(bank, login)] = answer.json()["tier"]
    assert found == TIERS
    assert set(found.values()) == {"A", "B", "C", "D"}
