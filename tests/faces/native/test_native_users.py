"""Users: the tenant's end users by the tenant's own ids, a page at a time."""

import pytest

CALLBACK = "http://127.0.0.1:3000/callback"


def make_users(api, count: int) -> list[str]:
    ids = [f"user-{n:02d}" for n in range(count)]
    for user_id in ids:
        made = api.post("/connect-sessions", {"user_id": user_id, "redirect_uri": CALLBACK})
        assert made.status_code == 201
    return ids


def test_pages_of_users_cover_everyone_once_oldest_first(api):
    ids = make_users(api, 7)
    pages = api.every_page("/users", limit=3)
    assert [len(page) for page in pages] == [3, 3, 1]
    assert [user["id"] for page in pages for user in page] == ids


def test_a_full_last_page_has_no_next_cursor(api):
    make_users(api, 4)
    assert [len(page) for page in api.every_page("/users", limit=2)] == [2, 2]
    assert api.get("/users").json()["next_cursor"] is None


def test_the_default_page_is_100_users(api, platform):
    from sandbox.domain import tenants, users

    tenant = tenants.get_tenant(platform.db, api.tenant_id)
    with platform.db.begin() as conn:
        for n in range(101):
            users.user_for(conn, tenant, f"bulk-{n}")
    first = api.get("/users").json()
    assert len(first["users"]) == 100 and first["next_cursor"]
    rest = api.get("/users", cursor=first["next_cursor"]).json()
    assert [user["id"] for user in rest["users"]] == ["bulk-100"]


def test_a_user_shows_when_it_came_and_how_many_bank_logins_it_holds(api):
    api.connect("u1")
    api.connect("u1", bank="nordlicht-sparbank")
    make_users(api, 1)
    assert api.get("/users/u1").json() == {
        "id": "u1",
        "created_at": "2026-01-15T09:00:00+00:00",
        "bank_login_count": 2,
    }
    assert [(u["id"], u["bank_login_count"]) for u in api.get("/users").json()["users"]] == [
        ("u1", 2),
        ("user-00", 0),
    ]


def test_an_unknown_user_is_404(api):
    for answer in (
        api.get("/users/nobody"),
        api.delete("/users/nobody"),
        api.get("/users/nobody/bank-logins"),
    ):
        assert answer.status_code == 404
        assert answer.json()["error"]["details"] == {"user_id": "nobody"}
    assert api.get("/users/" + "x" * 129).status_code == 404


def test_deleting_a_user_deletes_its_bank_logins_accounts_and_transactions(api):
    login = api.connect("u1")
    kept = api.connect("u2")
    assert api.get("/transactions", user_id="u1").json()["transactions"]
    assert api.delete("/users/u1").status_code == 204
    assert api.get("/users/u1").status_code == 404
    assert api.get(f"/bank-logins/{login}").status_code == 404
    assert {a["bank_login_id"] for a in api.get("/accounts").json()["accounts"]} == {kept}
    assert api.get("/transactions", user_id="u1").status_code == 404
    assert api.get("/transactions", bank_login_id=login).status_code == 404
    assert api.get("/transactions", user_id="u2").json()["transactions"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("limit=0", "invalid_parameter"),
        ("limit=ten", "invalid_parameter"),
        ("limit=-1", "invalid_parameter"),
        ("limit=1.5", "invalid_parameter"),
        ("limit=501", "limit_too_large"),
        ("cursor=not-a-cursor", "invalid_cursor"),
        ("cursor=", "invalid_cursor"),
        ("after=3", "invalid_parameter"),
    ],
)
def test_bad_paging_is_400(api, query, code):
    answer = api.client.get(f"/api/v1/users?{query}", headers=api.headers)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["code"] == code


def test_a_transactions_cursor_is_not_a_users_cursor(api):
    api.connect("u1")
    cursor = api.get("/transactions", limit=1).json()["next_cursor"]
    assert api.get("/users", cursor=cursor).json()["error"]["code"] == "invalid_cursor"
    make_users(api, 3)
    users_cursor = api.get("/users", limit=1).json()["next_cursor"]
    assert api.get("/transactions", cursor=users_cursor).json()["error"]["code"] == "invalid_cursor"
