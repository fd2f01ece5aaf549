"""Sharing accounts: POST /api/v1/accounts/{id}/activate and /deactivate."""

import pytest


def accounts_of(api, login: int) -> dict[str, dict]:
    listed = api.get("/accounts", bank_login_id=login, include_deleted="true").json()["accounts"]
    return {account["type"]: account for account in listed}


def transactions_of(api, account_id: int) -> list[dict]:
    return [t for page in api.every_page("/transactions", account_id=account_id) for t in page]


def test_an_account_found_at_a_refresh_is_activated_with_its_history(api):
    login = api.connect(bank="nordlicht-sparbank", persona="new-account-on-sync-2")
    assert api.post(f"/bank-logins/{login}/refresh").json()["new_accounts"] == 1
    savings = accounts_of(api, login)["savings"]
    assert savings["disabled"] is True and savings["balance"] is None
    assert transactions_of(api, savings["id"]) == []

    answer = api.post(f"/accounts/{savings['id']}/activate")
    assert answer.status_code == 200, answer.text
    assert answer.json()["disabled"] is False and answer.json()["balance"] is not None
    assert transactions_of(api, savings["id"])


def test_deactivating_deletes_the_transactions_and_keeps_the_account_listed(api):
    login = api.connect()
    main = accounts_of(api, login)["checking"]
    assert transactions_of(api, main["id"])
    answer = api.post(f"/accounts/{main['id']}/deactivate")
    assert answer.status_code == 200, answer.text
    assert answer.json()["disabled"] is True and answer.json()["balance"] is None
    assert transactions_of(api, main["id"]) == []
    assert accounts_of(api, login)["checking"]["disabled"] is True


def test_a_deleted_account_cannot_be_activated(api):
    login = api.connect(bank="nordlicht-sparbank", persona="account-closed-on-sync-2")
    savings = accounts_of(api, login)["savings"]
    assert api.post(f"/accounts/{savings['id']}/deactivate").status_code == 200
    api.post(f"/bank-logins/{login}/refresh")
    answer = api.post(f"/accounts/{savings['id']}/activate")
    assert answer.status_code == 409
    assert answer.json()["error"]["details"]["account_id"] == savings["id"]


@pytest.mark.parametrize("action", ["activate", "deactivate"])
def test_an_unknown_or_foreign_account_is_404(api, other, action):
    login = api.connect()
    mine = accounts_of(api, login)["checking"]["id"]
    for path in ("/accounts/999/", "/accounts/abc/", f"/accounts/{mine}/"):
        caller = other if path.endswith(f"/{mine}/") else api
        answer = caller.post(f"{path}{action}")
        assert answer.status_code == 404, path
