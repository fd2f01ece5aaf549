"""`/api/v1` import jobs: every sync is listed under its bank login, and a client that polls a
job sees it unfold and end, while the sync endpoints answer as they always did."""

import pytest

INSTANT = (
    "extends: default\nclock: {start: 2026-01-15T09:00:00Z, frozen: true}\n"
    "banks: [{id: instant-bank, name: Instant Bank, country: DE, import_speed: instant}]\n"
)


def test_a_refresh_is_a_job_that_ends_after_three_polls(api):
    login = api.connect("u1")
    refreshed = api.post(f"/bank-logins/{login}/refresh")
    assert set(refreshed.json()) == {"bank_login", "new_accounts", "new_transactions"}
    listed = api.get(f"/bank-logins/{login}/imports").json()
    assert [job["kind"] for job in listed["imports"]] == ["refresh", "connect"]
    assert listed["next_cursor"] is None
    job = listed["imports"][0]
    assert job == {
        "id": job["id"],
        "bank_login_id": login,
        "user_id": "u1",
        "kind": "refresh",
        "status": "setup",
        "progress": 0.0,
        "created_at": "2026-01-15T09:00:00+00:00",
        "finished_at": None,
        "new_accounts": None,
        "new_transactions": None,
        "deleted_accounts": None,
        "partial": False,
        "warning": None,
        "error": None,
    }
    polled = [api.get(f"/imports/{job['id']}").json() for _ in range(3)]
    assert [(p["status"], p["progress"]) for p in polled] == [
        ("in_progress", 0.33),
        ("in_progress", 0.67),
        ("successful", 1.0),
    ]
    done = polled[-1]
    assert done["finished_at"] == "2026-01-15T09:00:00+00:00"
    assert (done["new_accounts"], done["new_transactions"], done["deleted_accounts"]) == (0, 0, 0)
    assert api.get(f"/imports/{job['id']}").json() == done  # and it stays so


def test_a_head_looks_at_a_job_without_polling_it(api):
    login = api.connect("u1")
    api.post(f"/bank-logins/{login}/refresh")
    job = api.get(f"/bank-logins/{login}/imports", limit=1).json()["imports"][0]
    for path in (f"/imports/{job['id']}", f"/bank-logins/{login}/imports"):
        for _ in range(5):
            looked = api.client.head(f"/api/v1{path}", headers=api.headers)
            assert looked.status_code == 200 and looked.content == b""
    # Five looks later, the job is where the first poll finds it: one step on.
    polled = api.get(f"/imports/{job['id']}").json()
    assert (polled["status"], polled["progress"]) == ("in_progress", 0.33)


def test_a_refusal_is_a_409_now_and_an_error_job_at_its_end(api):
    login = api.connect("u1", persona="wrongpass-on-sync-2")
    assert api.post(f"/bank-logins/{login}/refresh").status_code == 409
    job = api.get(f"/bank-logins/{login}/imports", limit=1).json()["imports"][0]
    for _ in range(3):
        ended = api.get(f"/imports/{job['id']}").json()
    assert ended["status"] == "error"
    assert ended["error"] == {
        "code": "bank_refused",
        "message": ended["error"]["message"],
        "details": {"state": "wrong_credentials", "detail": None},
    }


def test_polls_are_never_answered_from_the_read_cache(api):
    login = api.connect("u1")
    path = f"/bank-logins/{login}/imports"
    answers = [api.get(path).json()["imports"][0]["status"] for _ in range(4)]
    assert answers == ["setup", "in_progress", "in_progress", "successful"]


def test_a_banks_instant_imports_are_finished_at_the_first_poll(client):
    tenant = client.post("/_sandbox/tenants", json={"scenario_yaml": INSTANT}).json()
    body = {"user_id": "u1", "bank_id": "instant-bank", "login": "good"}
    made = client.post(f"/_sandbox/tenants/{tenant['tenant_id']}/bank-logins", json=body)
    headers = {"Authorization": f"Bearer {tenant['api_key']}"}
    listed = client.get(f"/api/v1/bank-logins/{made.json()['id']}/imports", headers=headers)
    (job,) = listed.json()["imports"]
    assert (job["status"], job["progress"], job["new_accounts"]) == ("successful", 1.0, 1)


def test_jobs_page_newest_first(api):
    login = api.connect("u1")
    for _ in range(3):
        api.post(f"/bank-logins/{login}/refresh")
    pages = api.every_page(f"/bank-logins/{login}/imports", limit=2)
    assert [len(page) for page in pages] == [2, 2]
    ids = [job["id"] for page in pages for job in page]
    assert ids == sorted(ids, reverse=True)
    assert pages[-1][-1]["kind"] == "connect"


def test_another_tenants_jobs_are_404(api, other):
    login = api.connect("u1")
    job = api.get(f"/bank-logins/{login}/imports").json()["imports"][0]
    for answer in (other.get(f"/imports/{job['id']}"), other.get(f"/bank-logins/{login}/imports")):
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("import_id", ["999", "abc", "0", "-1", "1" * 30])
def test_an_unknown_job_is_404(api, import_id):
    answer = api.get(f"/imports/{import_id}")
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"cursor": "nonsense"}, "invalid_cursor"),
        ({"limit": "0"}, "invalid_parameter"),
        ({"limit": "501"}, "limit_too_large"),
        ({"status": "error"}, "invalid_parameter"),
    ],
)
def test_a_bad_listing_query_is_400_naming_it(api, params, code):
    login = api.connect("u1")
    answer = api.get(f"/bank-logins/{login}/imports", **params)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == code


def test_a_users_cursor_is_not_a_jobs_cursor(api):
    login = api.connect("u1")
    api.connect("u2")
    cursor = api.get("/users", limit=1).json()["next_cursor"]
    answer = api.get(f"/bank-logins/{login}/imports", cursor=cursor)
    assert (answer.status_code, answer.json()["error"]["code"]) == (400, "invalid_cursor")
