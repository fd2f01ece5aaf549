"""Where a connect flow opened through `/api/v1` sends the user back: the client's redirect URI
with `status=success&session_id=…&bank_login_id=…`, `status=cancelled&session_id=…` or
`status=error&error=…&error_description=…`, then the client's `state`. The query is compared
byte for byte: clients parse it, and some compare it whole."""

from __future__ import annotations

import re
from urllib.parse import quote_plus

import pytest

from sandbox.domain import tenants

CALLBACK = "http://127.0.0.1:3000/callback"
WITH_QUERY = "http://127.0.0.1:3000/callback?app=demo"


class Opened:
    """A session the client opened through the native API, walked through the hosted UI."""

    def __init__(self, api, path: str = "/connect-sessions", **body: object) -> None:
        answer = api.post(path, {"user_id": "u1", "redirect_uri": CALLBACK, **body})
        assert answer.status_code == 201, answer.text
        self.api, self.client = api, api.client
        self.id = answer.json()["session_id"]
        self.url = f"/connect/{self.id}"
        self.csrf = api.platform.flows.trace(self.id).session.csrf_token

    def get(self, path: str = ""):
        return self.client.get(self.url + path, follow_redirects=False)

    def post(self, path: str, **fields: object):
        data = {"csrf_token": self.csrf, **fields}
        return self.client.post(self.url + path, data=data, follow_redirects=False)

    def to_consent(self, login: str = "good") -> None:
        assert self.get("/banks/rheinwert-bank").status_code == 303
        assert self.post("/login", login=login, password="pass").status_code == 303
        assert self.post("/sca/method", method="sms").status_code == 303
        assert self.post("/sca/otp", otp="123456").status_code == 303

    def consent(self):
        keys = re.findall(r'name="accounts" value="([^"]+)"', self.get().text)
        return self.post("/consent", accounts=keys)

    def bank_login_ids(self) -> list[int]:
        logins = self.api.get("/users/u1/bank-logins").json()["bank_logins"]
        return [login["id"] for login in logins]


def location(response) -> str:
    assert response.status_code == 303, response.text[:300]
    return response.headers["location"]


def test_a_connection_returns_success_with_its_bank_login_and_the_state(api):
    session = Opened(api, state="st 1&2")
    session.to_consent()
    back = location(session.consent())
    [bank_login_id] = session.bank_login_ids()
    assert back == (
        f"{CALLBACK}?status=success&session_id={session.id}"
        f"&bank_login_id={bank_login_id}&state=st+1%262"
    )


def test_without_a_state_the_query_has_none(api):
    session = Opened(api)
    session.to_consent()
    back = location(session.consent())
    [bank_login_id] = session.bank_login_ids()
    assert (
        back == f"{CALLBACK}?status=success&session_id={session.id}&bank_login_id={bank_login_id}"
    )


def test_leaving_the_management_list_returns_every_bank_login_connected(api):
    session = Opened(api, multiple=True, state="s")
    session.to_consent()
    assert location(session.consent()) == session.url
    assert location(session.get("?addBankLogin=true")) == session.url
    session.to_consent(login="mia.schulz")
    assert location(session.consent()) == session.url
    first, second = session.bank_login_ids()
    assert location(session.post("/leave")) == (
        f"{CALLBACK}?status=success&session_id={session.id}&bank_login_id={second}"
        f"&bank_login_ids={first}%2C{second}&state=s"
    )


def test_a_management_list_left_without_connecting_returns_success_alone(api):
    api.connect()
    session = Opened(api, path="/management-sessions", state="s")
    assert location(session.post("/leave")) == (
        f"{CALLBACK}?status=success&session_id={session.id}&state=s"
    )


def test_cancelling_returns_cancelled_with_the_session(api):
    session = Opened(api, state="s")
    session.get("/banks/rheinwert-bank")
    assert location(session.post("/cancel")) == (
        f"{CALLBACK}?status=cancelled&session_id={session.id}&state=s"
    )


def test_a_failed_flow_returns_the_error_and_its_description(api):
    session = Opened(api, state="s")
    session.get("/banks/rheinwert-bank")
    assert location(session.post("/login", login="locked", password="pass")) == session.url
    description = quote_plus("The bank has locked this login.")
    assert location(session.post("/leave")) == (
        f"{CALLBACK}?status=error&error=error&error_description={description}&state=s"
    )


def test_cancelling_at_the_banks_page_returns_cancelled_at_bank(api):
    session = Opened(api, state="s")
    session.get("/banks/banque-lumiere")
    session.post("/account-type", account_type="checking")
    authorize = location(session.get())
    cancel = authorize.replace("/authorize?", "/cancel?")
    answer = session.client.post(cancel, data={"csrf_token": session.csrf}, follow_redirects=False)
    description = quote_plus("Access was refused at the bank.")
    assert location(answer) == (
        f"{CALLBACK}?status=error&error=cancelled_at_bank&error_description={description}&state=s"
    )


@pytest.mark.parametrize(
    ("reason", "description"),
    [
        ("session_used", "The link was already used: the app has had its answer."),
        ("session_expired", "The link expired before the connection was finished."),
    ],
)
def test_a_link_that_is_over_leads_back_with_why(api, reason, description):
    session = Opened(api, state="s")
    if reason == "session_used":
        location(session.post("/cancel"))
    else:
        api.advance("PT16M")
    gone = session.get()
    assert gone.status_code == 410
    expected = (
        f"{CALLBACK}?status=error&error={reason}"
        f"&error_description={quote_plus(description)}&state=s"
    )
    assert f'href="{expected.replace("&", "&amp;")}"' in gone.text


def test_a_redirect_uri_with_a_query_keeps_it_first(client, platform, frozen_scenario):
    made = tenants.create_tenant(
        platform.db, frozen_scenario, "frozen",
        tenants.TenantOptions(redirect_uris=[WITH_QUERY]),
    )  # fmt: skip
    headers = {"Authorization": f"Bearer {made.api_key}"}
    answer = client.post(
        "/api/v1/connect-sessions",
        headers=headers,
        json={"user_id": "u1", "redirect_uri": WITH_QUERY},
    )
    session_id = answer.json()["session_id"]
    csrf = platform.flows.trace(session_id).session.csrf_token
    cancelled = client.post(
        f"/connect/{session_id}/cancel", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert location(cancelled) == f"{WITH_QUERY}&status=cancelled&session_id={session_id}"
