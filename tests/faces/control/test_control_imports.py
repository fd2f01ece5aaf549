"""Control API: a test makes an unfinished import job instant or slow, or chooses how it ends;
every control sync and direct connection is a job too."""

import pytest

FROZEN = "extends: default\nclock: {start: 2026-01-15T09:00:00Z, frozen: true}\n"


@pytest.fixture
def tenant(client) -> dict:
    return client.post("/_sandbox/tenants", json={"scenario_yaml": FROZEN}).json()


def connected(client, tenant: dict, login: str = "good") -> int:
    body = {"user_id": "u1", "bank_id": "rheinwert-bank", "login": login}
    made = client.post(f"/_sandbox/tenants/{tenant['tenant_id']}/bank-logins", json=body)
    assert made.status_code == 201, made.text
    return made.json()["id"]


def imports_of(client, tenant: dict, bank_login_id: int) -> list[dict]:
    headers = {"Authorization": f"Bearer {tenant['api_key']}"}
    answer = client.get(f"/api/v1/bank-logins/{bank_login_id}/imports", headers=headers)
    return answer.json()["imports"]


def poll(client, tenant: dict, import_id: int) -> dict:
    headers = {"Authorization": f"Bearer {tenant['api_key']}"}
    return client.get(f"/api/v1/imports/{import_id}", headers=headers).json()


def steer(client, tenant: dict, import_id: int | str, body: object):
    return client.post(f"/_sandbox/tenants/{tenant['tenant_id']}/imports/{import_id}", json=body)


def test_a_direct_connection_and_a_control_sync_are_jobs(client, tenant):
    login = connected(client, tenant)
    synced = client.post(f"/_sandbox/tenants/{tenant['tenant_id']}/bank-logins/{login}/sync")
    assert synced.status_code == 200
    assert [job["kind"] for job in imports_of(client, tenant, login)] == ["control", "connect"]


def test_instant_ends_a_job_now(client, tenant):
    job = imports_of(client, tenant, connected(client, tenant))[0]
    answer = steer(client, tenant, job["id"], {"speed": "instant"})
    assert answer.status_code == 200
    done = answer.json()
    assert (done["status"], done["progress"], done["new_accounts"]) == ("successful", 1.0, 1)
    assert done["finished_at"] == "2026-01-15T09:00:00+00:00"


def test_slow_keeps_a_job_running_for_more_polls(client, tenant):
    job = imports_of(client, tenant, connected(client, tenant))[0]  # setup, the first poll
    # One of three steps made is four of ten: the progress shown never falls.
    assert steer(client, tenant, job["id"], {"speed": "slow"}).json()["progress"] == 0.4
    statuses = [poll(client, tenant, job["id"])["status"] for _ in range(7)]
    assert statuses == ["in_progress"] * 6 + ["successful"]


@pytest.mark.parametrize(
    ("body", "status", "code", "message"),
    [
        ({"outcome": "error"}, "error", "import_failed", "The import failed at the bank."),
        ({"outcome": "fatal", "message": "Boom."}, "fatal", "import_fatal", "Boom."),
    ],
)
def test_a_test_fails_a_job(client, tenant, body, status, code, message):
    job = imports_of(client, tenant, connected(client, tenant))[0]
    steered = steer(client, tenant, job["id"], {**body, "speed": "instant"}).json()
    assert steered["status"] == status
    assert steered["error"] == {"code": code, "message": message, "details": None}
    assert steered["new_transactions"] > 0  # the data was imported all the same


def test_a_partial_import_is_successful_with_a_warning(client, tenant):
    job = imports_of(client, tenant, connected(client, tenant))[0]
    running = steer(client, tenant, job["id"], {"outcome": "partial", "message": "Card timed out"})
    assert (running.json()["status"], running.json()["warning"]) == ("in_progress", None)
    for _ in range(3):
        ended = poll(client, tenant, job["id"])
    assert (ended["status"], ended["partial"], ended["error"]) == ("successful", True, None)
    assert ended["warning"] == {
        "code": "partial_import",
        "message": "Card timed out",
        "details": None,
    }


def test_a_finished_job_is_a_409(client, tenant):
    job = imports_of(client, tenant, connected(client, tenant))[0]
    steer(client, tenant, job["id"], {"speed": "instant"})
    answer = steer(client, tenant, job["id"], {"outcome": "fatal"})
    assert answer.status_code == 409
    assert answer.json()["error"]["details"] == {"import_id": job["id"], "status": "successful"}
    assert poll(client, tenant, job["id"])["status"] == "successful"


def test_another_tenants_job_is_404(client, tenant):
    job = imports_of(client, tenant, connected(client, tenant))[0]
    other = client.post("/_sandbox/tenants", json={"scenario_yaml": FROZEN}).json()
    for answer in (
        steer(client, other, job["id"], {"speed": "instant"}),
        steer(client, tenant, "999999", {"speed": "instant"}),
        steer(client, tenant, "abc", {"speed": "instant"}),
    ):
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"message": "alone"},
        {"speed": "fast"},
        {"outcome": "successful"},
        {"outcome": "error", "message": ""},
        {"outcome": "error", "message": "nul\x00"},
        {"speed": "instant", "colour": "red"},
        {"speed": None},
        [],
    ],
)
def test_a_bad_steering_body_is_422_naming_it(client, tenant, body):
    job = imports_of(client, tenant, connected(client, tenant))[0]
    answer = steer(client, tenant, job["id"], body)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid_input"
    assert poll(client, tenant, job["id"])["status"] == "in_progress"  # untouched
