"""Accounts: the tenant's, by user or bank login; deleted ones on request or by id."""

import re

import pytest


def ids(answer) -> list[int]:
    assert answer.status_code == 200, answer.text
    return [account["id"] for account in answer.json()["accounts"]]


def test_an_account_as_the_api_shows_it(api):
    login = api.connect("u1")
    [account] = api.get("/accounts").json()["accounts"]
    assert account["bank_login_id"] == login
    assert account["user_id"] == "u1"
    assert (account["origin"], account["type"], account["currency"]) == ("bank", "checking", "EUR")
    assert account["iban"].startswith("DE") and account["masked_pan"] is None
    assert re.fullmatch(r"-?\d+\.\d{2}", account["balance"])
    assert account["disabled"] is False and account["deleted_at"] is None
    assert account["last_update"] == "2026-01-15T09:00:00+00:00"
    assert api.get(f"/accounts/{account['id']}").json() == account


def test_list_by_user_by_bank_login_or_all(api):
    a = api.connect("u1", persona="every-account-type", bank="nordlicht-sparbank")
    b = api.connect("u1")
    c = api.connect("u2", persona="credit-card")
    everything = ids(api.get("/accounts"))
    assert len(everything) == 6 + 1 + 2 and everything == sorted(everything)
    of = {login: ids(api.get("/accounts", bank_login_id=login)) for login in (a, b, c)}
    assert [len(of[a]), len(of[b]), len(of[c])] == [6, 1, 2]
    assert ids(api.get("/accounts", user_id="u1")) == of[a] + of[b]
    assert ids(api.get("/accounts", user_id="u2")) == of[c]
    assert ids(api.get("/accounts", user_id="u2", bank_login_id=b)) == []
    types = {x["type"] for x in api.get("/accounts", bank_login_id=a).json()["accounts"]}
    assert types == {"checking", "savings", "credit_card", "loan", "deposit", "investment"}


def test_a_card_shows_its_masked_number(api):
    api.connect("u1", persona="credit-card")
    card = next(x for x in api.get("/accounts").json()["accounts"] if x["type"] == "credit_card")
    assert card["masked_pan"] and card["iban"] is None


def test_a_disabled_account_has_no_balance(api):
    api.connect(
        "u1", persona="every-account-type", bank="nordlicht-sparbank", activate={"checking"}
    )
    accounts = api.get("/accounts").json()["accounts"]
    shared = [x for x in accounts if not x["disabled"]]
    assert [x["type"] for x in shared] == ["checking"] and shared[0]["balance"] is not None
    assert all(x["balance"] is None for x in accounts if x["disabled"])
    assert len(accounts) == 6


def test_a_closed_account_is_listed_only_on_request_but_readable_by_id(api):
    login = api.connect("u1", persona="account-closed-on-sync-2")
    before = api.get("/accounts").json()["accounts"]
    assert len(before) == 2
    assert api.post(f"/bank-logins/{login}/refresh").status_code == 200
    savings = next(x for x in before if x["type"] == "savings")
    assert savings["id"] not in ids(api.get("/accounts"))
    assert savings["id"] not in ids(api.get("/accounts", user_id="u1", include_deleted="false"))
    assert savings["id"] in ids(api.get("/accounts", include_deleted="true"))
    deleted = api.get(f"/accounts/{savings['id']}").json()
    assert deleted["deleted_at"] == "2026-01-15T09:00:00+00:00"


def test_an_unknown_user_or_bank_login_filter_is_404(api):
    api.connect("u1")
    assert api.get("/accounts", user_id="nobody").json()["error"]["details"] == {
        "user_id": "nobody"
    }
    assert api.get("/accounts", bank_login_id=999).status_code == 404
    assert api.get("/accounts/999").status_code == 404
    assert api.get("/accounts/abc").status_code == 404


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("include_deleted=yes", "include_deleted"),
        ("include_deleted=1", "include_deleted"),
        ("bank_login_id=one", "bank_login_id"),
        ("bank_login_id=0", "bank_login_id"),
        ("user_id=", "user_id"),
        ("account_id=1", "account_id"),
    ],
)
def test_a_bad_query_parameter_is_400_naming_it(api, query, parameter):
    answer = api.client.get(f"/api/v1/accounts?{query}", headers=api.headers)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["details"]["parameter"] == parameter
