"""Bank logins: read, delete, and refresh without the user, on the tenant's virtual clock."""

import pytest

from sandbox.domain.states import LoginState


def test_a_users_bank_logins_oldest_first(api):
    first = api.connect("u1")
    second = api.connect("u1", bank="nordlicht-sparbank")
    api.connect("u2")
    listed = api.get("/users/u1/bank-logins").json()["bank_logins"]
    assert [login["id"] for login in listed] == [first, second]


def test_a_connected_bank_login(api):
    login = api.connect("u1")
    assert api.get(f"/bank-logins/{login}").json() == {
        "id": login,
        "user_id": "u1",
        "bank_id": "rheinwert-bank",
        "account_type": None,
        "state": "connected",
        "state_detail": None,
        "state_until": None,
        "consent": {
            "granted_at": "2026-01-15T09:00:00+00:00",
            "expires_at": "2026-07-14T09:00:00+00:00",
            "history_days": 90,
        },
        "sync_count": 1,
        "last_sync_at": "2026-01-15T09:00:00+00:00",
        "created_at": "2026-01-15T09:00:00+00:00",
        "sources": [
            {
                "kind": "api",
                "priority": 1,
                "disabled": False,
                "state": "ok",
                "last_update": "2026-01-15T09:00:00+00:00",
            }
        ],
    }


@pytest.mark.parametrize("bank_login_id", ["999", "abc", "0", "-1", "1" * 30])
def test_an_unknown_bank_login_is_404(api, bank_login_id):
    for answer in (
        api.get(f"/bank-logins/{bank_login_id}"),
        api.delete(f"/bank-logins/{bank_login_id}"),
        api.post(f"/bank-logins/{bank_login_id}/refresh"),
    ):
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "not_found"


def test_deleting_a_bank_login_deletes_its_accounts_and_transactions(api):
    gone = api.connect("u1")
    kept = api.connect("u1", bank="nordlicht-sparbank")
    accounts = api.get("/accounts", bank_login_id=gone).json()["accounts"]
    assert accounts
    assert api.delete(f"/bank-logins/{gone}").status_code == 204
    assert api.get(f"/bank-logins/{gone}").status_code == 404
    for account in accounts:
        assert api.get(f"/accounts/{account['id']}").status_code == 404
        assert api.get("/transactions", account_id=account["id"]).status_code == 404
    remaining = [
        t["account_id"] for t in api.get("/transactions", limit=500).json()["transactions"]
    ]
    kept_accounts = {a["id"] for a in api.get("/accounts", bank_login_id=kept).json()["accounts"]}
    assert remaining and set(remaining) <= kept_accounts
    assert api.get("/users/u1").json()["bank_login_count"] == 1
    assert api.delete(f"/bank-logins/{gone}").status_code == 404


def test_a_refresh_after_a_month_imports_the_new_transactions(api):
    login = api.connect("u1")
    before = sum(map(len, api.every_page("/transactions", limit=500)))
    idle = api.post(f"/bank-logins/{login}/refresh").json()
    assert (idle["new_accounts"], idle["new_transactions"]) == (0, 0)
    api.advance("P31D")
    answer = api.post(f"/bank-logins/{login}/refresh")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["new_accounts"] == 0 and body["new_transactions"] > 0
    assert body["bank_login"]["sync_count"] == 3
    assert body["bank_login"]["last_sync_at"] == "2026-02-15T09:00:00+00:00"
    after = sum(map(len, api.every_page("/transactions", limit=500)))
    assert after == before + body["new_transactions"]


def test_a_refresh_after_the_consent_expired_needs_the_user(api):
    login = api.connect("u1")
    api.advance("P181D")
    assert api.get(f"/bank-logins/{login}").json()["state"] == LoginState.SCA_REQUIRED
    answer = api.post(f"/bank-logins/{login}/refresh")
    assert answer.status_code == 409
    error = answer.json()["error"]
    assert error["code"] == "bank_login_not_usable"
    assert error["details"]["state"] == "sca_required"


def test_a_bank_refusal_is_409_and_becomes_the_logins_state(api):
    login = api.connect("u1", persona="wrongpass-on-sync-2")
    answer = api.post(f"/bank-logins/{login}/refresh")
    assert answer.status_code == 409
    error = answer.json()["error"]
    assert error["code"] == "bank_refused"
    assert error["details"]["state"] == "wrong_credentials"
    assert api.get(f"/bank-logins/{login}").json()["state"] == "wrong_credentials"
    again = api.post(f"/bank-logins/{login}/refresh").json()["error"]
    assert again["code"] == "bank_login_not_usable"
    assert again["details"]["state"] == "wrong_credentials"


def test_a_bank_down_for_a_day_shows_until_when(api):
    login = api.connect("u1", persona="bank-down-on-sync-2")
    refused = api.post(f"/bank-logins/{login}/refresh").json()["error"]
    assert refused["details"]["state"] == "bank_unavailable"
    down = api.get(f"/bank-logins/{login}").json()
    assert (
        down["state"] == "bank_unavailable" and down["state_until"] == "2026-01-16T09:00:00+00:00"
    )
    api.advance("P1DT1H")
    assert api.post(f"/bank-logins/{login}/refresh").status_code == 200
