"""SignIn Redirection as a Kontomatik client's backend uses it: ask for a link with the API
key, send the user through it, read the status once the user is back at `redirectUri`."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from sandbox.domain import tenants

REDIRECT = "http://127.0.0.1:3000/callback"
KEY = {"X-Api-Key": "demo-kontomatik-api-key-0001"}


def ask(client, headers=KEY, **body):
    return client.post(
        "/kontomatik/v1/signin/redirection", json={"redirectUri": REDIRECT, **body}, headers=headers
    )


def status(client, redirection_id: str, headers=KEY):
    return client.get(
        "/kontomatik/v1/signin/redirection-status",
        params={"redirectionId": redirection_id},
        headers=headers,
    )


class User:
    """The user's browser on the redirection link."""

    def __init__(self, client, link: str) -> None:
        self.client = client
        self.url = urlsplit(link).path
        assert re.fullmatch(r"/connect/[A-Za-z0-9_-]+", self.url), link

    def page(self):
        return self.client.get(self.url, follow_redirects=False)

    def post(self, path: str, **fields):
        token = re.search(r'name="csrf_token" value="([^"]+)"', self.page().text)
        assert token, self.page().text[:500]
        return self.client.post(
            self.url + path, data={"csrf_token": token[1], **fields}, follow_redirects=False
        )

    def sign_in(self, bank: str = "rheinwert-bank") -> dict[str, str]:
        assert self.client.get(f"{self.url}/banks/{bank}", follow_redirects=False).is_redirect
        assert self.post("/login", login="good", password="pass").status_code == 303
        assert self.post("/sca/otp", otp="123456").status_code == 303
        offered = re.findall(r'name="accounts" value="([^"]+)"', self.page().text)
        return self.back(self.post("/consent", accounts=offered))

    def back(self, answer) -> dict[str, str]:
        assert answer.status_code == 303, answer.text[:300]
        location = answer.headers["location"]
        assert location.startswith(REDIRECT + "?"), location
        return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def test_a_redirection_signs_the_user_in_and_the_status_hands_over_the_session(client, platform):
    made = ask(client, ownerExternalId="owner-r1", country="de", locale="en")
    assert made.status_code == 200, made.text
    redirection = made.json()
    assert set(redirection) == {"redirectionId", "redirectionLink"}
    assert redirection["redirectionLink"].startswith("http://testserver/connect/")
    assert status(client, redirection["redirectionId"]).json() == {
        "status": "pending",
        "params": {},
    }
    back = User(client, redirection["redirectionLink"]).sign_in()
    assert back == {"redirectionId": redirection["redirectionId"], "status": "successful"}
    read = status(client, redirection["redirectionId"])
    assert read.status_code == 200 and read.headers["content-type"] == "application/json"
    answer = read.json()
    assert answer["status"] == "successful"
    params = answer["params"]
    assert set(params) == {"sessionId", "sessionIdSignature", "target", "officialName"}
    assert params["target"] == "RheinwertBankApi_de" and params["officialName"] == "Rheinwert Bank"
    assert status(client, redirection["redirectionId"]).json() == answer  # the same, again
    tenant = platform.tenants.get("demo")
    held = platform.bank_sessions.resolve(tenant, params["sessionId"], params["sessionIdSignature"])
    assert held.external_user_id == "owner-r1"


def test_multiple_access_hands_over_the_access_id(client):
    redirection = ask(client, psd2={"accessMode": "MULTIPLE"}, country="de").json()
    User(client, redirection["redirectionLink"]).sign_in()
    params = status(client, redirection["redirectionId"]).json()["params"]
    assert re.fullmatch(r"[0-9a-f]{32}", params["multipleAccessId"])


def test_a_cancelled_redirection_fails_with_the_exception(client):
    redirection = ask(client).json()
    user = User(client, redirection["redirectionLink"])
    assert user.back(user.post("/cancel"))["status"] == "failed"
    assert status(client, redirection["redirectionId"]).json() == {
        "status": "failed",
        "params": {"exception": "Cancelled"},
    }


def test_a_link_left_unused_expires(client, platform):
    redirection = ask(client).json()
    tenant = platform.tenants.get("demo")
    tenants.save_clock(platform.db, tenant, tenant.clock.advanced(timedelta(minutes=16)))
    assert status(client, redirection["redirectionId"]).json()["status"] == "expired"


@pytest.mark.parametrize(
    ("body", "status_code", "name"),
    [
        ({"redirectUri": "https://evil.example/cb"}, 400, "InvalidParameter"),
        ({"target": "PkoApi"}, 400, "InvalidTarget"),
        ({"psd2": {"accessMode": "ALWAYS"}}, 400, "InvalidParameter"),
        ({"country": "Germany"}, 400, "InvalidParameter"),
        ({"colour": "red"}, 400, "InvalidParameter"),
    ],
)
def test_a_bad_request_is_a_json_error(client, body, status_code, name):
    answer = ask(client, **body)
    assert answer.status_code == status_code, answer.text
    assert answer.json()["exception"]["name"] == name


def test_a_body_that_is_not_json_is_refused_in_json(client):
    answer = client.post(
        "/kontomatik/v1/signin/redirection", content=b"redirectUri=x", headers={
            **KEY, "Content-Type": "application/x-www-form-urlencoded"
        },
    )  # fmt: skip
    assert answer.status_code == 415 and answer.json()["exception"]["name"] == "InvalidParameter"
    broken = client.post(
        "/kontomatik/v1/signin/redirection",
        content=b"{",
        headers={**KEY, "Content-Type": "application/json"},
    )
    assert broken.status_code == 400 and "not JSON" in broken.json()["exception"]["message"]


def test_an_unknown_key_is_a_json_401_and_an_unknown_id_a_404(client):
    refused = ask(client, headers={"X-Api-Key": "nope"})
    assert refused.status_code == 401 and refused.json()["exception"]["name"] == "Unauthorized"
    assert status(client, "x", headers={"X-Api-Key": "nope"}).status_code == 401
    unknown = status(client, "no-such-redirection")
    assert unknown.status_code == 404
    assert unknown.json()["exception"]["name"] == "InvalidRedirectionId"


def test_a_widget_flow_is_no_redirection(client, platform):
    tenant = platform.tenants.get("demo")
    made = platform.flows.open_connect(
        tenant, face="kontomatik", external_user_id="u1",
        redirect_uri="/kontomatik/signin/done", state=None, options={},
    )  # fmt: skip
    assert status(client, made.id).status_code == 404
