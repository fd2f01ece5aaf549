"""Transactions: newest first, filtered, a page at a time with an opaque cursor."""

from decimal import Decimal

import pytest


def rows(api, **params) -> list[dict]:
    return [t for page in api.every_page("/transactions", limit=500, **params) for t in page]


@pytest.fixture
def data(api):
    """Two users: u1 with a salaried current account and a credit card, u2 at another bank."""
    return {
        "card": api.connect("u1", persona="credit-card"),
        "good": api.connect("u2", bank="nordlicht-sparbank"),
    }


def test_pages_cover_every_transaction_once_newest_first(api, data):
    everything = rows(api)
    assert len(everything) > 120
    pages = api.every_page("/transactions", limit=37)
    assert all(len(page) == 37 for page in pages[:-1]) and 1 <= len(pages[-1]) <= 37
    paged = [t["id"] for page in pages for t in page]
    assert len(paged) == len(set(paged))
    assert paged == [t["id"] for t in everything]
    keys = [(t["booked_on"], t["id"]) for t in everything]
    assert keys == sorted(keys, reverse=True)


def test_the_default_page_is_50(api, data):
    first = api.get("/transactions").json()
    assert len(first["transactions"]) == 50 and first["next_cursor"]


def test_pages_stay_stable_while_a_sync_adds_newer_rows(api, data):
    first = api.get("/transactions", limit=20).json()
    api.advance("P20D")
    assert api.post(f"/bank-logins/{data['card']}/refresh").json()["new_transactions"] > 0
    second = api.get("/transactions", limit=20, cursor=first["next_cursor"]).json()
    before = [t["id"] for t in rows(api)]
    old = [t["id"] for t in first["transactions"] + second["transactions"]]
    start = before.index(old[0])
    assert before[start : start + 40] == old


def test_a_transaction_as_the_api_shows_it(api, data):
    transaction = api.get("/transactions", account_id=account_of(api, data["good"])).json()[
        "transactions"
    ][0]
    assert set(transaction) == {
        "id", "account_id", "booked_on", "value_on", "amount", "currency", "counterparty",
        "description", "category", "status", "balance_after",
    }  # fmt: skip
    assert transaction["currency"] == "EUR" and transaction["status"] == "booked"
    assert Decimal(transaction["amount"]).as_tuple().exponent == -2
    assert set(transaction["counterparty"]) == {"name", "iban"}


def account_of(api, bank_login_id: int) -> int:
    return api.get("/accounts", bank_login_id=bank_login_id).json()["accounts"][0]["id"]


def test_filter_by_user_account_and_bank_login(api, data):
    everything = rows(api)
    card_accounts = {
        a["id"] for a in api.get("/accounts", bank_login_id=data["card"]).json()["accounts"]
    }
    by_login = rows(api, bank_login_id=data["card"])
    assert by_login == [t for t in everything if t["account_id"] in card_accounts]
    assert rows(api, user_id="u1") == by_login
    one = account_of(api, data["good"])
    assert rows(api, account_id=one) == [t for t in everything if t["account_id"] == one]
    assert rows(api, account_id=one, bank_login_id=data["card"]) == []
    assert rows(api, account_id=one, user_id="u1") == []


def test_filter_by_booking_dates(api, data):
    everything = rows(api)
    window = rows(api, **{"from": "2025-12-01", "to": "2025-12-31"})
    assert window == [t for t in everything if "2025-12-01" <= t["booked_on"] <= "2025-12-31"]
    assert window and rows(api, **{"from": "2026-02-01"}) == []


def test_filter_by_signed_amount(api, data):
    everything = rows(api)
    debits = rows(api, max_amount="0")
    assert debits == [t for t in everything if Decimal(t["amount"]) <= 0]
    big = rows(api, min_amount="-50.005", max_amount="-10")
    assert big == [
        t for t in everything if Decimal("-50.00") <= Decimal(t["amount"]) <= Decimal("-10")
    ]
    assert big and len(big) < len(debits)


def test_filter_by_text_in_description_or_counterparty(api, data):
    everything = rows(api)
    word = everything[0]["counterparty"]["name"] or everything[0]["description"].split()[0]
    found = rows(api, q=word.upper())
    assert found and all(
        word.lower() in (t["description"] + (t["counterparty"]["name"] or "")).lower()
        for t in found
    )
    assert rows(api, q="100%_surely-nowhere") == []


def test_a_limit_above_500_says_the_maximum(api):
    answer = api.get("/transactions", limit=501)
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "limit_too_large"
    assert "500" in error["message"]
    assert error["details"]["maximum"] == 500 and error["details"]["parameter"] == "limit"
    assert api.get("/transactions", limit=500).status_code == 200


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "WyJ0eCJd",
        "eyJ0eCI6MX0",
        "WyJ0eCIsIjIwMjYtMTMtMDEiLDFd",
        "WyJ0eCIsIjIwMjYtMDEtMDEiLC0xXQ",
        "Ж",
        "x" * 300,
    ],
)
def test_a_malformed_cursor_is_400(api, data, cursor):
    answer = api.get("/transactions", cursor=cursor)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid_cursor"
    assert answer.json()["error"]["details"]["parameter"] == "cursor"


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("from=2026-13-01", "from"),
        ("from=yesterday", "from"),
        ("to=2026-02-30", "to"),
        ("min_amount=ten", "min_amount"),
        ("max_amount=1e5", "max_amount"),
        ("max_amount=1.0001", "max_amount"),
        ("min_amount=NaN", "min_amount"),
        ("account_id=x", "account_id"),
        ("bank_login_id=1.0", "bank_login_id"),
        ("limit=", "limit"),
        ("q=", "q"),
        ("q=%00", "q"),
        ("q=" + "x" * 201, "q"),
        ("account=1", "account"),
        ("limit=5&limit=6", "limit"),
    ],
)
def test_a_bad_query_parameter_is_400_naming_it(api, query, parameter):
    answer = api.client.get(f"/api/v1/transactions?{query}", headers=api.headers)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["details"]["parameter"] == parameter


def test_unknown_filters_are_404(api, data):
    assert api.get("/transactions", user_id="nobody").status_code == 404
    assert api.get("/transactions", account_id=999).status_code == 404
    assert api.get("/transactions", bank_login_id=999).status_code == 404


YEN = """\
extends: default
name: yen
clock: {start: 2026-01-15T09:00:00Z, frozen: true}
personas:
  - login: yen
    bank: "*"
    accounts:
      - {id: jpy, type: checking, currency: JPY, opened: 2020-01-01, opening_balance: 150000, profile: salaried}
      - {id: eur, type: checking, currency: EUR, opened: 2020-01-01, opening_balance: 1500.00, profile: salaried}
"""


def test_amounts_have_the_currencys_places_and_bounds_need_one_kind_of_currency(client, platform):
    made = client.post("/_sandbox/tenants", json={"scenario_yaml": YEN}).json()
    headers = {"Authorization": f"Bearer {made['api_key']}"}
    from sandbox.domain import connections, tenants, users

    tenant = tenants.get_tenant(platform.db, made["tenant_id"])
    with platform.db.begin() as conn:
        connections.establish(
            conn, tenant, user=users.user_for(conn, tenant, "u1"),
            bank=tenant.scenario.bank("rheinwert-bank"),
            persona=tenant.scenario.persona("rheinwert-bank", "yen"),
            account_type=None, activate=None,
        )  # fmt: skip
    accounts = client.get("/api/v1/accounts", headers=headers).json()["accounts"]
    yen = next(a for a in accounts if a["currency"] == "JPY")
    assert "." not in yen["balance"]
    mixed = client.get("/api/v1/transactions", headers=headers, params={"min_amount": "-100"})
    assert mixed.status_code == 400
    error = mixed.json()["error"]
    assert error["details"]["parameter"] == "min_amount"
    assert error["details"]["currencies"] == ["EUR", "JPY"]
    narrowed = client.get(
        "/api/v1/transactions",
        headers=headers,
        params={"account_id": yen["id"], "max_amount": "-5000.5", "limit": 500},
    ).json()["transactions"]
    assert narrowed and all(int(t["amount"]) <= -5001 for t in narrowed)
