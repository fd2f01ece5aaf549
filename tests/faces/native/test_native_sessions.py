"""Connect and management sessions: links into the hosted UI for the tenant's users."""

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from sandbox.settings import Settings

CALLBACK = "http://127.0.0.1:3000/callback"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A sandbox also known as `sandbox.example` (behind a proxy, say)."""
    return replace(settings, allowed_hosts=(*settings.allowed_hosts, "sandbox.example"))


def new_session(api, **body):
    return api.post("/connect-sessions", {"user_id": "u1", "redirect_uri": CALLBACK, **body})


def stored(api, session_id):
    found = api.platform.flows.trace(session_id)
    assert found.tenant.id == api.tenant_id
    return found.session


def test_a_connect_session_is_a_link_to_the_hosted_ui_for_15_minutes(api):
    answer = new_session(api)
    assert answer.status_code == 201, answer.text
    session = answer.json()
    assert set(session) == {"session_id", "url", "expires_at"}
    assert session["url"] == f"http://testserver/connect/{session['session_id']}"
    expires = datetime.fromisoformat(session["expires_at"])
    assert expires - datetime.fromisoformat("2026-01-15T09:00:00+00:00") == timedelta(minutes=15)


def test_the_link_follows_the_host_the_client_called(api):
    answer = api.client.post(
        "https://sandbox.example:8443/api/v1/connect-sessions",
        headers=api.headers,
        json={"user_id": "u1", "redirect_uri": CALLBACK},
    )
    assert answer.json()["url"].startswith("https://sandbox.example:8443/connect/")


def test_options_reach_the_session_and_unset_ones_are_left_out(api):
    answer = new_session(
        api,
        multiple=True,
        language="de",
        account_types=["checking", "savings"],
        bank_id="nordlicht-sparbank",
        state="client-state",
    )
    session = stored(api, answer.json()["session_id"])
    assert session.kind == "connect" and session.state == "client-state"
    assert session.options == {
        "multiple": True,
        "language": "de",
        "account_types": ["checking", "savings"],
        "bank_id": "nordlicht-sparbank",
    }
    assert stored(api, new_session(api).json()["session_id"]).options == {}


def test_the_same_user_id_is_always_the_same_user(api):
    for _ in range(3):
        assert new_session(api).status_code == 201
    assert new_session(api, user_id="u2").status_code == 201
    listed = api.get("/users").json()["users"]
    assert [user["id"] for user in listed] == ["u1", "u2"]


def test_an_unregistered_redirect_uri_is_422(api):
    answer = new_session(api, redirect_uri="http://evil.example/callback")
    assert answer.status_code == 422
    assert answer.json()["error"]["details"]["registered"] == [CALLBACK]


def test_a_session_with_a_bank_opens_at_that_banks_login(api):
    answer = new_session(api, bank_id="rheinwert-bank")
    assert answer.status_code == 201, answer.text
    session_id = answer.json()["session_id"]
    assert stored(api, session_id).progress.step == "credentials"
    page = api.client.get(f"/connect/{session_id}")
    assert page.status_code == 200 and "Log in to your bank" in page.text


def test_a_bank_without_the_account_types_asked_for_is_422(api):
    answer = new_session(api, bank_id="rheinwert-bank", account_types=["loan"])
    assert answer.status_code == 422
    assert answer.json()["error"]["details"] == {"bank_id": "rheinwert-bank"}


def test_an_unknown_bank_is_422(api):
    answer = new_session(api, bank_id="no-such-bank")
    assert answer.status_code == 422
    assert answer.json()["error"]["details"] == {"bank_id": "no-such-bank"}


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"colour": "red"}, ["colour"]),
        ({"multiple": "yes"}, ["multiple"]),
        ({"language": "sv"}, ["language"]),
        ({"account_types": ["checking", "current"]}, ["account_types.1"]),
        ({"account_types": []}, ["account_types"]),
        ({"account_types": ["loan", "loan"]}, ["account_types"]),
        ({"state": "x" * 513}, ["state"]),
        ({"user_id": ""}, ["user_id"]),
        ({"user_id": "x" * 129}, ["user_id"]),
        ({"user_id": 42}, ["user_id"]),
        ({"user_id": "a\x00b"}, ["user_id"]),
    ],
)
def test_a_bad_body_is_422_naming_each_field(api, body, fields):
    answer = new_session(api, **body)
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "invalid_input"
    assert [detail["field"] for detail in error["details"]] == fields


def test_explicit_nulls_and_missing_fields_are_named(api):
    nulls = api.post(
        "/connect-sessions", {"user_id": "u1", "redirect_uri": CALLBACK, "state": None}
    )
    assert nulls.status_code == 422
    assert "state" in nulls.json()["error"]["details"][0]["message"]
    empty = api.post("/connect-sessions")
    assert [d["field"] for d in empty.json()["error"]["details"]] == ["user_id", "redirect_uri"]
    json_headers = {**api.headers, "Content-Type": "application/json"}
    broken = api.client.post("/api/v1/connect-sessions", headers=json_headers, content=b"{nope")
    assert broken.status_code == 422
    assert api.get("/users").json()["users"] == []


def test_a_management_session_needs_an_existing_user(api):
    answer = api.post("/management-sessions", {"user_id": "nobody", "redirect_uri": CALLBACK})
    assert answer.status_code == 404
    assert answer.json()["error"]["details"] == {"user_id": "nobody"}
    assert api.get("/users").json()["users"] == []


def test_a_management_session_for_a_connected_user(api):
    api.connect("u1")
    answer = api.post(
        "/management-sessions",
        {"user_id": "u1", "redirect_uri": CALLBACK, "add_bank_login": True, "state": "s"},
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["url"].endswith(f"/connect/{body['session_id']}")
    session = stored(api, body["session_id"])
    assert session.kind == "management"
    assert session.options == {"add_bank_login": True}
    plain = api.post("/management-sessions", {"user_id": "u1", "redirect_uri": CALLBACK})
    assert stored(api, plain.json()["session_id"]).options == {}


def test_management_bodies_refuse_connect_options(api):
    api.connect("u1")
    answer = api.post(
        "/management-sessions", {"user_id": "u1", "redirect_uri": CALLBACK, "multiple": True}
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["details"] == [{"field": "multiple", "message": "unknown field"}]


def test_session_routes_take_no_query_parameters(api):
    answer = api.client.post(
        "/api/v1/connect-sessions?user_id=u1",
        headers=api.headers,
        json={"user_id": "u1", "redirect_uri": CALLBACK},
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["details"]["parameter"] == "user_id"
