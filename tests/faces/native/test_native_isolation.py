"""Tenant isolation: another tenant's credentials never reach this tenant's data."""


def test_another_tenant_sees_none_of_this_tenants_data(api, other):
    login = api.connect("u1")
    account = api.get("/accounts").json()["accounts"][0]["id"]
    transaction = api.get("/transactions", limit=1).json()["transactions"][0]
    assert other.get("/users").json() == {"users": [], "next_cursor": None}
    assert other.get("/accounts").json() == {"accounts": []}
    assert other.get("/accounts", include_deleted="true").json() == {"accounts": []}
    assert other.get("/transactions").json() == {"transactions": [], "next_cursor": None}
    for path in (
        "/users/u1",
        "/users/u1/bank-logins",
        f"/bank-logins/{login}",
        f"/accounts/{account}",
    ):
        assert other.get(path).status_code == 404, path
    for params in ({"user_id": "u1"}, {"account_id": account}, {"bank_login_id": login}):
        assert other.get("/transactions", **params).status_code == 404
        if "account_id" not in params:
            assert other.get("/accounts", **params).status_code == 404
    cursor = api.get("/transactions", limit=1).json()["next_cursor"]
    assert other.get("/transactions", cursor=cursor).json()["transactions"] == []
    assert transaction["id"] not in {
        t["id"] for t in other.get("/transactions").json()["transactions"]
    }


def test_another_tenant_can_neither_delete_nor_refresh_this_tenants_data(api, other):
    login = api.connect("u1")
    assert other.delete(f"/bank-logins/{login}").status_code == 404
    assert other.post(f"/bank-logins/{login}/refresh").status_code == 404
    assert other.delete("/users/u1").status_code == 404
    assert api.get(f"/bank-logins/{login}").json()["sync_count"] == 1
    assert api.get("/users/u1").status_code == 200


def test_the_same_external_user_id_is_a_different_user_per_tenant(api, other):
    api.connect("u1")
    other.connect("u1", persona="credit-card")
    mine = {a["id"] for a in api.get("/accounts", user_id="u1").json()["accounts"]}
    theirs = {a["id"] for a in other.get("/accounts", user_id="u1").json()["accounts"]}
    assert len(mine) == 1 and len(theirs) == 2 and not mine & theirs
    assert {
        t["account_id"] for t in other.get("/transactions", limit=500).json()["transactions"]
    } <= theirs
    assert api.get("/users/u1").json()["bank_login_count"] == 1


def test_a_tenant_cannot_hand_out_links_for_another_tenants_redirect(api, client):
    made = client.post(
        "/_sandbox/tenants",
        json={"scenario": "default", "redirect_uris": ["http://127.0.0.1:9/other"]},
    ).json()
    answer = api.post(
        "/connect-sessions", {"user_id": "u1", "redirect_uri": "http://127.0.0.1:9/other"}
    )
    assert answer.status_code == 422
    assert made["redirect_uris"] == ["http://127.0.0.1:9/other"]
