"""Powens connections driven the way an integration written for Powens drives them: plain HTTP,
a user token, and a branch on each `state` the connection comes back in."""

from __future__ import annotations

import threading
import time
import uuid

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.faces.powens.ids import NAMESPACE

BASE = "/powens/demo/2.0"
CLIENT = {"client_id": "10000001", "client_secret": "demo-powens-secret"}
NATIVE = {"Authorization": "Bearer demo-api-key-0001"}
EMBEDDED = str(uuid.uuid5(NAMESPACE, "rheinwert-bank"))  # embedded SCA (README's table)
DECOUPLED = str(uuid.uuid5(NAMESPACE, "nordlicht-sparbank"))  # approval in the bank's app
WEBAUTH = str(uuid.uuid5(NAMESPACE, "banque-lumiere"))  # the bank's own page


class Integration:
    """What an integrator's Powens client does: a user token, then calls under /users/me."""

    def __init__(self, client, base: str = BASE, keys: dict | None = None) -> None:
        self.client, self.base = client, base
        answer = client.post(f"{base}/auth/init", json=keys or CLIENT)
        assert answer.status_code == 200, answer.text
        self.user_id = answer.json()["id_user"]
        self.headers = {"Authorization": f"Bearer {answer.json()['auth_token']}"}

    def call(self, method: str, path: str, **kwargs):
        return self.client.request(method, f"{self.base}{path}", headers=self.headers, **kwargs)

    def create(self, connector: str, login: str = "good", password: str = "pass", **more):
        body = {"connector_uuid": connector, "login": login, "password": password, **more}
        return self.call("POST", "/users/me/connections", json=body)

    def connect_embedded(self, login: str = "good") -> dict:
        """Create, then answer each state until the connection is synced."""
        connection = self.create(EMBEDDED, login).json()
        while connection["state"] == "additionalInformationNeeded":
            field = connection["fields"][0]
            value = field["values"][0]["value"] if field["type"] == "list" else "123456"
            answer = self.call(
                "POST", f"/users/me/connections/{connection['id']}", json={field["name"]: value}
            )
            connection = answer.json()
        return connection


def error_of(answer, status: int, code: str) -> dict:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["code"] == code and set(body) == {"code", "description", "message", "request_id"}
    return body


def test_embedded_sca_asks_for_a_code_and_then_syncs(client):
    user = Integration(client)
    created = user.create(EMBEDDED)
    assert created.status_code == 200
    connection = created.json()
    assert connection["state"] == connection["error"] == "additionalInformationNeeded"
    [field] = connection["fields"]
    assert (field["name"], field["type"], field["required"]) == ("otp", "text", True)
    assert connection["id_user"] == user.user_id and connection["connector_uuid"] == EMBEDDED
    assert connection["expire"] is None and connection["last_update"] is None
    done = user.call("POST", f"/users/me/connections/{connection['id']}", json={"otp": "123456"})
    synced = done.json()
    assert synced["state"] is None and synced["error"] is None and synced["fields"] is None
    assert synced["last_update"] is not None and synced["expire"] is not None
    assert synced["active"] is True


def test_a_wrong_code_says_how_many_attempts_are_left(client):
    user = Integration(client)
    connection = user.create(EMBEDDED).json()
    wrong = user.call("POST", f"/users/me/connections/{connection['id']}", json={"otp": "000000"})
    assert wrong.json()["state"] == "additionalInformationNeeded"
    assert wrong.json()["error_message"] == "Wrong code: 2 attempt(s) left."


def test_wrong_credentials_are_a_400_wrongpass_and_make_no_connection(client):
    user = Integration(client)
    error_of(user.create(EMBEDDED, password="nope"), 400, "wrongpass")
    error_of(user.create(EMBEDDED, login="wrongpass"), 400, "wrongpass")
    assert user.call("GET", "/users/me/connections").json() == {"connections": []}


def test_the_connection_is_made_with_form_fields_too(client):
    user = Integration(client)
    body = {"id_connector": "2", "login": "good", "password": "pass"}
    answer = client.post(f"{BASE}/users/me/connections", data=body, headers=user.headers)
    assert answer.status_code == 200
    assert answer.json()["id_connector"] == 2


def test_decoupled_resume_in_background_then_poll_until_synced(client):
    user = Integration(client)
    connection = user.create(DECOUPLED).json()
    assert connection["state"] == "decoupled"
    path = f"/users/me/connections/{connection['id']}"
    resumed = user.call("POST", path, params={"background": "true"}, json={"resume": True})
    assert resumed.json()["state"] == "validating"
    [challenge] = [
        c
        for c in client.get("/_sandbox/tenants/demo/sca-challenges?status=pending").json()[
            "challenges"
        ]
        if c["bank_login_id"] == connection["id"]
    ]
    assert challenge["approach"] == "decoupled"
    assert user.call("GET", path).json()["state"] == "validating"
    approved = client.post(f"/_sandbox/tenants/demo/sca/{challenge['id']}/approve")
    assert approved.status_code == 200
    assert user.call("GET", path).json()["state"] is None


def test_decoupled_resume_as_a_string_true_as_the_spec_writes_it(client):
    user = Integration(client)
    connection = user.create(DECOUPLED, login="decoupled-reject").json()
    path = f"/users/me/connections/{connection['id']}"
    answer = user.call("POST", path, json={"resume": "true"}, params={"background": "1"})
    assert answer.json()["state"] == "SCARequired"
    assert answer.json()["error_message"] == "The SCA was rejected in the bank's app."


def test_a_resume_without_background_waits_for_the_approval(live_server, validated):
    tenant = httpx.post(f"{live_server.url}/_sandbox/tenants", json={}).json()
    keys = tenant["powens"]
    with validated(httpx.Client(base_url=live_server.url, timeout=30)) as http:
        user = Integration(http, base=f"/powens/{keys['domain']}/2.0", keys=keys)
        connection = user.create(DECOUPLED).json()
        challenges = http.get(f"/_sandbox/tenants/{tenant['tenant_id']}/sca-challenges").json()
        [challenge] = challenges["challenges"]

        def approve_soon() -> None:
            time.sleep(0.5)
            url = f"/_sandbox/tenants/{tenant['tenant_id']}/sca/{challenge['id']}/approve"
            httpx.post(f"{live_server.url}{url}")

        approver = threading.Thread(target=approve_soon)
        approver.start()
        started = time.monotonic()
        answer = user.call(
            "POST", f"/users/me/connections/{connection['id']}", json={"resume": True}
        )
        waited = time.monotonic() - started
        approver.join()
    assert answer.json()["state"] is None
    assert 0.4 < waited < 5


def test_every_connection_is_listed_with_expands(client):
    user = Integration(client)
    made = user.connect_embedded()
    pending = user.create(DECOUPLED).json()
    listed = user.call("GET", "/users/me/connections", params={"expand": "sources"}).json()
    states = {c["id"]: c["state"] for c in listed["connections"]}
    assert states == {made["id"]: None, pending["id"]: "decoupled"}
    [source] = next(c for c in listed["connections"] if c["id"] == made["id"])["sources"]
    assert source["name"] == "openapi" and source["id_connection"] == made["id"]
    assert source["access_expire"] == made["expire"]


def test_181_days_later_a_sync_reads_sca_required_and_sca_brings_it_back(client):
    user = Integration(client)
    connection = user.connect_embedded()
    path = f"/users/me/connections/{connection['id']}"
    assert client.post("/_sandbox/tenants/demo/clock", json={"advance": "P181D"}).status_code == 200
    assert user.call("GET", path).json()["state"] == "SCARequired"
    synced = user.call("PUT", path, params={"psu_requested": "false"})
    assert synced.status_code == 200 and synced.json()["state"] == "SCARequired"
    # Powens: "force the connection (with no parameter)" to pass SCA again.
    forced = user.call("POST", path).json()
    assert forced["state"] == "additionalInformationNeeded"
    again = user.call("POST", path, json={"otp": "123456"}).json()
    assert again["state"] is None and again["expire"] > connection["expire"]


def test_refresh_auth_renews_the_consent_early(client):
    user = Integration(client)
    connection = user.connect_embedded()
    path = f"/users/me/connections/{connection['id']}"
    client.post("/_sandbox/tenants/demo/clock", json={"advance": "P30D"})
    renewing = user.call("POST", path, json={"refresh_auth": True}).json()
    assert renewing["state"] == "additionalInformationNeeded"
    renewed = user.call("POST", path, json={"otp": "123456"}).json()
    assert renewed["state"] is None and renewed["expire"] > connection["expire"]


def test_a_refusal_at_sync_is_the_connections_state(client):
    user = Integration(client)
    connection = user.connect_embedded("bank-down-on-sync-2")
    synced = user.call("PUT", f"/users/me/connections/{connection['id']}").json()
    assert synced["state"] == synced["error"] == "websiteUnavailable"
    assert synced["next_try"] is not None


@pytest.mark.parametrize(
    ("login", "state"),
    [("action-needed", "actionNeeded"), ("password-expired", "passwordExpired"), ("locked", "bug")],
)
def test_magic_logins_end_in_powens_states(client, login, state):
    user = Integration(client)
    assert user.connect_embedded(login)["state"] == state


def test_wrongpass_state_asks_for_new_credentials(client):
    user = Integration(client)
    connection = user.connect_embedded()
    path = f"/users/me/connections/{connection['id']}"
    body = {"state": "wrong_credentials"}
    forced = client.post(f"/_sandbox/tenants/demo/bank-logins/{connection['id']}/state", json=body)
    assert forced.status_code == 200, forced.text
    now = user.call("GET", path).json()
    assert now["state"] == "wrongpass" and now["fields"][0]["name"] == "password"
    error_of(user.call("POST", path, json={"password": "nope"}), 400, "wrongpass")
    again = user.call("POST", path, json={"password": "pass"}).json()
    assert again["state"] == "additionalInformationNeeded"


def test_unattended_syncs_over_the_banks_limit_read_rate_limiting(client):
    user = Integration(client)
    connection = user.connect_embedded()
    path = f"/users/me/connections/{connection['id']}"
    states = [
        user.call("PUT", path, params={"psu_requested": "false"}).json()["state"] for _ in range(5)
    ]
    assert states[:4] == [None] * 4 and states[4] == "rateLimiting"


def test_a_paused_connection_is_not_synced(client):
    user = Integration(client)
    connection = user.connect_embedded()
    path = f"/users/me/connections/{connection['id']}"
    assert user.call("POST", path, json={"active": False}).json()["active"] is False
    error_of(user.call("PUT", path), 409, "invalidValue")
    assert user.call("POST", path, json={"active": True}).json()["active"] is True


def test_delete_removes_it_from_every_face(client):
    user = Integration(client)
    connection = user.connect_embedded()
    path = f"/users/me/connections/{connection['id']}"
    assert client.get(f"/api/v1/bank-logins/{connection['id']}", headers=NATIVE).status_code == 200
    assert user.call("DELETE", path).status_code == 204
    error_of(user.call("GET", path), 404, "notFound")
    assert client.get(f"/api/v1/bank-logins/{connection['id']}", headers=NATIVE).status_code == 404


def test_a_connection_made_here_is_a_bank_login_of_the_native_api(client):
    user = Integration(client)
    connection = user.connect_embedded()
    native = client.get(f"/api/v1/bank-logins/{connection['id']}", headers=NATIVE).json()
    assert native["user_id"] == str(user.user_id)
    assert native["bank_id"] == "rheinwert-bank" and native["state"] == "connected"


def test_a_bank_login_of_the_native_api_is_a_powens_connection(client):
    made = client.post(
        "/_sandbox/tenants/demo/bank-logins",
        json={"user_id": "native-user", "bank_id": "rheinwert-bank", "login": "good"},
    )
    assert made.status_code == 201, made.text
    users = client.get(
        f"{BASE}/users", headers={"Authorization": "Bearer demo-powens-config-token"}
    )
    user_id = users.json()["users"][-1]["id"]
    token = client.post(f"{BASE}/auth/renew", json={**CLIENT, "id_user": user_id}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    [connection] = client.get(f"{BASE}/users/me/connections", headers=headers).json()["connections"]
    assert connection["id"] == made.json()["id"] and connection["state"] is None


def test_sources_can_be_switched_off_and_listed_with_all(client):
    user = Integration(client)
    connection = user.connect_embedded()
    path = f"/users/me/connections/{connection['id']}/sources"
    [source] = user.call("GET", path).json()["sources"]
    off = user.call("POST", f"{path}/{source['id']}", json={"disabled": True}).json()
    assert off["disabled"] is not None
    assert user.call("GET", path).json() == {"sources": []}
    assert len(user.call("GET", path, params={"all": ""}).json()["sources"]) == 1
    error_of(user.call("GET", f"{path}/{source['id']}"), 404, "notFound")
    assert user.call("GET", f"{path}/{source['id']}", params={"all": ""}).status_code == 200
    on = user.call("POST", f"{path}/{source['id']}", json={"disabled": False}).json()
    assert on["disabled"] is None


def test_another_users_connection_is_not_found(client):
    mine, theirs = Integration(client), Integration(client)
    connection = theirs.connect_embedded()
    error_of(mine.call("GET", f"/users/me/connections/{connection['id']}"), 404, "notFound")
    error_of(mine.call("DELETE", f"/users/me/connections/{connection['id']}"), 404, "notFound")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"login": "good", "password": "pass"}, 400, "missingParameter"),
        ({"connector_uuid": EMBEDDED, "password": "pass"}, 400, "missingParameter"),
        ({"connector_uuid": str(uuid.uuid4()), "login": "a", "password": "b"}, 404, "notFound"),
        (
            {"connector_uuid": EMBEDDED, "login": "good", "password": "pass", "source": "x"},
            400,
            "invalidValue",
        ),
    ],
)
def test_a_bad_creation_is_refused_in_powens_format(client, body, status, code):
    user = Integration(client)
    error_of(user.call("POST", "/users/me/connections", json=body), status, code)


def test_the_same_login_twice_is_a_conflict(client):
    user = Integration(client)
    user.connect_embedded()
    error_of(user.create(EMBEDDED), 409, "invalidValue")


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.dictionaries(
        st.sampled_from(["otp", "method", "resume", "password", "active", "refresh_auth", "x"]),
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8)),
        max_size=3,
    )
)
def test_any_update_is_answered_never_a_500(client, body):
    user = Integration(client)
    connection = user.create(EMBEDDED).json()
    answer = user.call("POST", f"/users/me/connections/{connection['id']}", json=body)
    assert answer.status_code in (200, 400, 409), answer.text


def test_expand_connector_embeds_the_connector(client):
    user = Integration(client)
    made = user.connect_embedded()
    got = user.call("GET", f"/users/me/connections/{made['id']}", params={"expand": "connector"})
    connector = got.json()["connector"]
    assert connector["uuid"] == EMBEDDED and connector["id"] == made["id_connector"]
    error_of(
        user.call("GET", "/users/me/connections", params={"expand": "nope"}), 400, "invalidValue"
    )


def test_expand_accounts_lists_the_enabled_and_all_accounts(client):
    user = Integration(client)
    made = user.connect_embedded()
    path = f"/users/me/connections/{made['id']}"
    both = user.call("GET", path, params={"expand": "accounts,all_accounts"}).json()
    assert both["accounts"] == [] and len(both["all_accounts"]) == 1  # arrived disabled
    [account] = both["all_accounts"]
    assert account["id_connection"] == made["id"] and account["disabled"] is not None
    enabled = user.call("POST", f"/users/me/accounts/{account['id']}?all", json={"disabled": False})
    assert enabled.status_code == 200, enabled.text
    after = user.call("GET", path, params={"expand": "accounts"}).json()
    assert [a["id"] for a in after["accounts"]] == [account["id"]]


def test_a_persona_with_several_ways_to_get_a_code_chooses_one_first(client):
    user = Integration(client)
    connection = user.create(EMBEDDED, login="mia.schulz").json()
    assert connection["state"] == "additionalInformationNeeded"
    [field] = connection["fields"]
    assert (field["name"], field["type"]) == ("method", "list")
    assert field["values"] == [
        {"value": "app", "label": "Rheinwert TAN-App"},
        {"value": "sms", "label": "SMS an +49 1** *** **81"},
    ]
    path = f"/users/me/connections/{connection['id']}"
    chosen = user.call("POST", path, json={"method": "sms"}).json()
    assert [f["name"] for f in chosen["fields"]] == ["otp"]
    assert user.call("POST", path, json={"otp": "123456"}).json()["state"] is None
    # The method and the code may come together too.
    other = Integration(client)
    second = other.create(EMBEDDED, login="mia.schulz").json()
    both = {"method": "app", "otp": "123456"}
    assert (
        other.call("POST", f"/users/me/connections/{second['id']}", json=both).json()["state"]
        is None
    )
