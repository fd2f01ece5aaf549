"""Powens' bank accounts and account types, called as an integration written for Powens calls
them: a fresh domain from the control API, a user token from `/auth/init`, the user's bank
connected through the platform, then plain HTTP."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from integrator import Integrator, assert_error

# The default scenario on a frozen clock, with a persona holding yen and Bahraini dinars.
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
# Powens' spec, bank-account-types.yml `BankAccountTypeName`.
POWENS_TYPES = {
    "article83", "capitalisation", "card", "checking", "crowdlending", "deposit", "joint",
    "lifeinsurance", "loan", "madelin", "market", "pea", "pee", "per", "perco", "perp",
    "real_estate", "rsp", "savings", "unknown",
}  # fmt: skip
REQUIRED = {
    "id", "id_connection", "id_user", "id_source", "name", "original_name", "type", "id_type",
    "usage", "display", "bookmarked",
}  # fmt: skip


@pytest.fixture
def powens(client, platform) -> Integrator:
    return Integrator(client, platform)


def ok(answer) -> dict:
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_accounts_come_with_their_balances_per_currency_never_summed_across(powens):
    me, user_id = powens.user()
    powens.connect(user_id, persona="multi-currency")
    body = ok(powens.get("/users/me/accounts", me))
    assert set(body) == {"accounts", "balances", "coming_balances"}
    listed = body["accounts"]
    assert [a["currency"]["id"] for a in listed] == ["EUR", "USD", "GBP", "CHF"]
    assert body["balances"] == {a["currency"]["id"]: a["balance"] for a in listed}
    assert body["coming_balances"] == {"EUR": 0.0, "USD": 0.0, "GBP": 0.0, "CHF": 0.0}
    for account in listed:
        assert set(account) >= REQUIRED
        assert account["id_user"] == user_id and account["usage"] == "PRIV"
        assert account["display"] is True and account["bookmarked"] is False
        assert account["disabled"] is None and account["deleted"] is None
        assert STAMP.match(account["last_update"])
        assert isinstance(account["balance"], float) and isinstance(account["id_source"], int)
        assert account["bic"] == "RHWTDEDDXXX"
        assert account["name"] == account["original_name"]
    eur = listed[0]
    assert eur["currency"] == {"id": "EUR", "name": "Euro", "symbol": "€", "precision": 2}
    assert (eur["type"], eur["id_type"]) == ("checking", 2)
    assert eur["number"] == eur["iban"][4:] and eur["iban"].startswith("DE")
    assert ok(powens.get(f"/users/{user_id}/accounts", me)) == body


def test_every_account_type_is_one_of_powens_and_listed_in_account_types(powens, client):
    me, user_id = powens.user()
    powens.connect(user_id, persona="every-account-type", bank="nordlicht-sparbank")
    listed = ok(powens.get("/users/me/accounts", me))["accounts"]
    assert [a["type"] for a in listed] == [
        "checking",
        "savings",
        "card",
        "loan",
        "deposit",
        "market",
    ]
    types = ok(client.get(f"{powens.base}/account_types"))["accounttypes"]
    assert {kind["name"] for kind in types} == POWENS_TYPES
    by_name = {kind["name"]: kind for kind in types}
    for account in listed:
        assert by_name[account["type"]]["id"] == account["id_type"]
    card = listed[2]
    assert re.fullmatch(r"\d{4} \*{4} \*{4} \d{4}", card["number"]) and card["iban"] is None
    assert by_name["market"]["is_invest"] and not by_name["checking"]["is_invest"]


def test_account_types_need_no_token_and_each_is_readable_by_id(powens, client):
    types = ok(client.get(f"{powens.base}/account_types"))["accounttypes"]
    for kind in types:
        assert set(kind) == {
            "id",
            "name",
            "id_parent",
            "is_invest",
            "display_name",
            "display_name_p",
        }
        assert ok(client.get(f"{powens.base}/account_types/{kind['id']}")) == kind
    assert_error(client.get(f"{powens.base}/account_types/999"), 404, "notFound")
    assert_error(client.get(f"{powens.base}/account_types/abc"), 404, "notFound")
    assert_error(client.get("/powens/no-such-domain/2.0/account_types"), 404, "notFound")
    demo = client.get("/powens/demo.biapi.pro/2.0/account_types")
    assert ok(demo)["accounttypes"] == types


def test_accounts_found_through_the_api_arrive_disabled_and_show_only_with_all(powens):
    me, user_id = powens.user()
    powens.connect(user_id, persona="credit-card", activate=set())
    body = ok(powens.get("/users/me/accounts", me))
    assert body == {"accounts": [], "balances": {}, "coming_balances": {}}
    every = ok(powens.get("/users/me/accounts", me, all=""))["accounts"]
    assert len(every) == 2
    for account in every:
        assert STAMP.match(account["disabled"]) and account["balance"] is None
        assert account["coming"] is None and account["last_update"] is None
    account_id = every[0]["id"]
    assert_error(powens.get(f"/users/me/accounts/{account_id}", me), 404, "notFound")
    for flag in ("", "true", "1"):
        assert ok(powens.get(f"/users/me/accounts/{account_id}", me, all=flag)) == every[0]
    assert powens.client.get(f"{powens.base}/users/me/accounts?all", headers=me).json() == {
        "accounts": every, "balances": {}, "coming_balances": {}
    }  # fmt: skip


def test_enabling_imports_the_account_and_disabling_drops_its_transactions(powens):
    me, user_id = powens.user()
    powens.connect(user_id, persona="credit-card", activate=set())
    main, card = ok(powens.get("/users/me/accounts", me, all=""))["accounts"]
    assert_error(powens.get("/users/me/transactions", me), 409, "noAccount")
    refused = powens.post(f"/users/me/accounts/{main['id']}", me, json={"disabled": False})
    assert_error(refused, 404, "notFound")
    enabled = ok(powens.post(f"/users/me/accounts/{main['id']}?all", me, json={"disabled": False}))
    assert enabled["disabled"] is None and isinstance(enabled["balance"], float)
    assert STAMP.match(enabled["last_update"])
    listed = ok(powens.get("/users/me/transactions", me))["transactions"]
    assert listed and {t["id_account"] for t in listed} == {main["id"]}
    # PUT, with a form body, as some clients send it.
    put = powens.put(f"/users/me/accounts/{card['id']}?all=", me, data={"disabled": "false"})
    assert ok(put)["disabled"] is None
    both = ok(powens.get("/users/me/transactions", me))["transactions"]
    assert {t["id_account"] for t in both} == {main["id"], card["id"]}
    listing = ok(powens.get("/users/me/accounts", me))
    assert [a["id"] for a in listing["accounts"]] == [main["id"], card["id"]]
    total = sum(Decimal(str(a["balance"])) for a in listing["accounts"])
    assert Decimal(str(listing["balances"]["EUR"])) == total
    disabled = ok(powens.post(f"/users/me/accounts/{main['id']}", me, json={"disabled": True}))
    assert STAMP.match(disabled["disabled"]) and disabled["balance"] is None
    left = ok(powens.get("/users/me/transactions", me))["transactions"]
    assert {t["id_account"] for t in left} == {card["id"]}
    assert [a["id"] for a in ok(powens.get("/users/me/accounts", me))["accounts"]] == [card["id"]]
    ok(powens.post(f"/users/me/accounts/{card['id']}", me, json={"disabled": True}))
    assert_error(powens.get("/users/me/transactions", me), 409, "noAccount")


def test_the_users_name_display_bookmark_and_usage_are_kept_over_the_banks(powens):
    me, user_id = powens.user()
    powens.connect(user_id, persona="credit-card")
    main, card = ok(powens.get("/users/me/accounts", me))["accounts"]
    body = {"name": "Everyday", "display": False, "bookmarked": 1, "usage": "ORGA"}
    changed = ok(powens.post(f"/users/me/accounts/{main['id']}", me, json=body))
    assert (changed["name"], changed["original_name"]) == ("Everyday", main["original_name"])
    assert (changed["display"], changed["bookmarked"], changed["usage"]) == (False, True, "ORGA")
    assert changed["balance"] == main["balance"] and changed["disabled"] is None
    listing = ok(powens.get("/users/me/accounts", me))
    assert listing["accounts"][0] == changed
    # A hidden account is left out of the totals.
    assert listing["balances"] == {"EUR": card["balance"]}
    back = ok(powens.put(f"/users/me/accounts/{main['id']}", me, json={"name": ""}))
    assert back["name"] == main["original_name"] and back["usage"] == "ORGA"
    bad = powens.post(f"/users/me/accounts/{main['id']}", me, json={"usage": "HOME"})
    assert "usage" in assert_error(bad, 400, "invalidValue")["description"]
    bad = powens.post(f"/users/me/accounts/{main['id']}", me, json={"display": "maybe"})
    assert "display" in assert_error(bad, 400, "invalidValue")["description"]
    bad = powens.post(f"/users/me/accounts/{main['id']}", me, json={"name": 12.5})
    assert_error(bad, 400, "invalidValue")
    as_json = {**me, "content-type": "application/json"}
    bad = powens.post(f"/users/me/accounts/{main['id']}", as_json, content=b"[1]")
    assert_error(bad, 400, "invalidValue")


def test_an_account_gone_from_the_bank_is_deleted_and_shown_only_with_all(powens, platform):
    me, user_id = powens.user()
    login = powens.connect(user_id, persona="account-closed-on-sync-2")
    before = ok(powens.get("/users/me/accounts", me))["accounts"]
    powens.advance("P1D")
    tenant = platform.tenants.get(powens.tenant_id)
    platform.bank_logins.sync_now(tenant, login)
    after = ok(powens.get("/users/me/accounts", me))
    assert [a["id"] for a in after["accounts"]] == [before[0]["id"]]
    assert set(after["balances"]) == {"EUR"}
    every = ok(powens.get("/users/me/accounts", me, all=""))["accounts"]
    gone = every[1]
    assert gone["id"] == before[1]["id"] and STAMP.match(gone["deleted"])
    assert_error(powens.get(f"/users/me/accounts/{gone['id']}", me), 404, "notFound")
    assert ok(powens.get(f"/users/me/accounts/{gone['id']}", me, all=""))["deleted"]
    # Its transactions stay listed.
    listed = ok(powens.get("/users/me/transactions", me))["transactions"]
    assert gone["id"] in {t["id_account"] for t in listed}
    disabled = powens.post(f"/users/me/accounts/{gone['id']}?all", me, json={"disabled": True})
    assert ok(disabled)["disabled"]
    again = powens.post(f"/users/me/accounts/{gone['id']}?all", me, json={"disabled": False})
    assert_error(again, 409, "invalidValue")


def test_a_connections_accounts_are_its_own(powens):
    me, user_id = powens.user()
    first = powens.connect(user_id, persona="good")
    second = powens.connect(user_id, persona="credit-card", bank="nordlicht-sparbank")
    every = ok(powens.get("/users/me/accounts", me))["accounts"]
    assert {a["id_connection"] for a in every} == {first, second}
    for login in (first, second):
        of_login = ok(powens.get(f"/users/me/connections/{login}/accounts", me))
        assert of_login["accounts"] == [a for a in every if a["id_connection"] == login]
    assert {a["bic"] for a in every} == {"RHWTDEDDXXX", "NOSPDEHHXXX"}
    _, other_id = powens.user()
    theirs = powens.connect(other_id)
    assert_error(powens.get(f"/users/me/connections/{theirs}/accounts", me), 404, "notFound")
    assert_error(powens.get("/users/me/connections/999999/accounts", me), 404, "notFound")
    assert_error(powens.get("/users/me/connections/abc/accounts", me), 404, "notFound")


def test_a_user_reaches_only_their_own_accounts_and_the_config_token_any(powens):
    me, user_id = powens.user()
    other, other_id = powens.user()
    powens.connect(user_id)
    powens.connect(other_id)
    mine = ok(powens.get("/users/me/accounts", me))["accounts"]
    theirs = ok(powens.get("/users/me/accounts", other))["accounts"]
    assert_error(powens.get(f"/users/{other_id}/accounts", me), 404, "notFound")
    assert_error(powens.get(f"/users/me/accounts/{theirs[0]['id']}", me), 404, "notFound")
    taken = powens.post(f"/users/me/accounts/{theirs[0]['id']}", me, json={"name": "mine"})
    assert_error(taken, 404, "notFound")
    assert ok(powens.get(f"/users/{other_id}/accounts", powens.config))["accounts"] == theirs
    assert ok(powens.get(f"/users/{user_id}/accounts/{mine[0]['id']}", powens.config)) == mine[0]
    assert_error(powens.get("/users/me/accounts", powens.config), 400, "invalidValue")
    assert_error(powens.get("/users/me/accounts", {}), 401, "unauthorized")
    wrong = {"Authorization": "Bearer nope"}
    assert_error(powens.get("/users/me/accounts", wrong), 401, "unauthorized")
    assert_error(powens.get("/users/me/accounts/0", me), 404, "notFound")
    assert_error(powens.get(f"/users/me/accounts/{10**30}", me), 404, "notFound")


def test_amounts_are_numbers_with_the_currencys_places(powens):
    me, user_id = powens.user()
    powens.connect(user_id, persona="exotic")
    yen, dinar = ok(powens.get("/users/me/accounts", me))["accounts"]
    assert yen["currency"] == {"id": "JPY", "name": "Yen", "symbol": "¥", "precision": 0}
    assert isinstance(yen["balance"], int) and isinstance(yen["coming"], int)
    assert dinar["currency"]["precision"] == 3
    assert isinstance(dinar["balance"], float)
    assert Decimal(str(dinar["balance"])) == Decimal(str(dinar["balance"])).quantize(
        Decimal("0.001")
    )
    balances = ok(powens.get("/users/me/accounts", me))["balances"]
    assert balances == {"JPY": yen["balance"], "BHD": dinar["balance"]}
    assert isinstance(balances["JPY"], int)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    body=st.dictionaries(
        st.sampled_from(["disabled", "display", "bookmarked", "name", "usage", "other"]),
        st.none()
        | st.booleans()
        | st.integers(-3, 3)
        | st.text(max_size=20)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.lists(st.integers(), max_size=2),
        max_size=4,
    ),
    query=st.sampled_from(["", "?all", "?all=maybe", "?all=0"]),
)
def test_no_account_update_is_a_server_error(powens_with_account, body, query):
    powens, me, account_id = powens_with_account
    answer = powens.post(f"/users/me/accounts/{account_id}{query}", me, json=body)
    assert answer.status_code in (200, 400, 404, 409), answer.text
    if answer.status_code != 200:
        assert_error(answer, answer.status_code, answer.json()["code"])


@pytest.fixture
def powens_with_account(powens):
    me, user_id = powens.user()
    powens.connect(user_id, persona="credit-card")
    account_id = ok(powens.get("/users/me/accounts", me))["accounts"][0]["id"]
    return powens, me, account_id
