"""Powens' `/webauth-url` and `/webauth`: a connection authenticated at the bank's own page, the
way an integration for a webauth connector (or a redirect SCA, or a consent to renew) does it."""

from __future__ import annotations

import re
import uuid
from urllib.parse import parse_qsl, urlsplit

from sandbox.faces.powens.ids import NAMESPACE

BASE = "/powens/demo/2.0"
CLIENT = {"client_id": "10000001", "client_secret": "demo-powens-secret"}
CALLBACK = "http://127.0.0.1:3000/callback"
WEBAUTH_BANK = str(uuid.uuid5(NAMESPACE, "banque-lumiere"))  # webauth, redirect SCA
REDIRECT_SCA = str(uuid.uuid5(NAMESPACE, "banco-meseta"))  # credentials, then the bank's page
EMBEDDED = str(uuid.uuid5(NAMESPACE, "rheinwert-bank"))


def user(client) -> dict[str, str]:
    token = client.post(f"{BASE}/auth/init", json=CLIENT).json()["auth_token"]
    return {"Authorization": f"Bearer {token}"}


def webauth_url(client, headers, **params) -> str:
    query = {"client_id": "10000001", "redirect_uri": CALLBACK, "state": "st-w", **params}
    answer = client.get(f"{BASE}/webauth-url", params=query, headers=headers)
    assert answer.status_code == 200, answer.text
    url = answer.json()["url"]
    assert url.startswith("http://testserver/powens/demo/2.0/webauth?")
    return url


def at_the_bank(client, url: str) -> str:
    """Follow the webauth URL to the bank's login page; its address."""
    answer = client.get(url, follow_redirects=False)
    assert answer.status_code == 302, answer.text
    assert re.fullmatch(r"/connect/[A-Za-z0-9_-]+", answer.headers["location"])
    page = client.get(answer.headers["location"], follow_redirects=False)
    while page.status_code in (302, 303):
        location = page.headers["location"]
        if "/bank/" in location:
            return location
        page = client.get(location, follow_redirects=False)
    raise AssertionError(page.text[:500])


def csrf(page) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


def log_in_and_approve(client, bank_url: str, login: str = "good") -> dict[str, str]:
    """Log in on the bank's page, then submit each page's main form (the bank's approval,
    the consent to every account) until the browser is sent to the callback: its query."""
    page = client.get(bank_url)
    data = {"csrf_token": csrf(page), "login": login, "password": "pass"}
    answer = client.post(bank_url, data=data, follow_redirects=False)
    assert answer.status_code == 303, answer.text[:300]
    location = answer.headers["location"]
    for _ in range(10):
        if location.startswith(CALLBACK):
            return dict(parse_qsl(urlsplit(location).query))
        page = client.get(location, follow_redirects=False)
        if page.status_code in (302, 303):
            location = page.headers["location"]
            continue
        actions = re.findall(r'<form method="post" action="([^"]+)"', page.text)
        action = next(a for a in actions if "cancel" not in a).replace("&amp;", "&")
        fields = {"csrf_token": csrf(page)}
        offered = re.findall(r'name="accounts" value="([^"]+)"', page.text)
        if offered:
            fields["accounts"] = offered  # type: ignore[assignment]
        answer = client.post(action, data=fields, follow_redirects=False)
        assert answer.status_code == 303, answer.text[:300]
        location = answer.headers["location"]
    raise AssertionError(f"never reached the callback: {location}")


def test_a_webauth_connector_is_connected_at_the_banks_page(client):
    headers = user(client)
    url = webauth_url(client, headers, connector_uuid=WEBAUTH_BANK, website="checking")
    query = log_in_and_approve(client, at_the_bank(client, url))
    assert set(query) == {"id_connection", "state"} and query["state"] == "st-w"
    connection = client.get(
        f"{BASE}/users/me/connections/{query['id_connection']}", headers=headers
    ).json()
    assert connection["state"] is None and connection["connector_uuid"] == WEBAUTH_BANK


def test_a_redirect_sca_made_through_the_api_is_finished_through_webauth(client):
    headers = user(client)
    body = {"connector_uuid": REDIRECT_SCA, "login": "good", "password": "pass"}
    made = client.post(f"{BASE}/users/me/connections", json=body, headers=headers).json()
    assert made["state"] == "webauthRequired"
    url = webauth_url(client, headers, id_connection=str(made["id"]))
    query = log_in_and_approve(client, at_the_bank(client, url))
    assert query == {"id_connection": str(made["id"]), "state": "st-w"}
    after = client.get(f"{BASE}/users/me/connections/{made['id']}", headers=headers).json()
    assert after["state"] is None and after["expire"] is not None


def test_a_connection_up_to_date_needs_no_webauth(client):
    headers = user(client)
    body = {"connector_uuid": EMBEDDED, "login": "good", "password": "pass"}
    made = client.post(f"{BASE}/users/me/connections", json=body, headers=headers).json()
    path = f"{BASE}/users/me/connections/{made['id']}"
    client.post(path, json={"otp": "123456"}, headers=headers)
    query = {"client_id": "10000001", "redirect_uri": CALLBACK, "id_connection": made["id"]}
    answer = client.get(f"{BASE}/webauth-url", params=query, headers=headers)
    assert answer.status_code == 409 and answer.json()["code"] == "invalidValue"


def test_cancelling_at_the_bank_comes_back_as_access_denied(client):
    headers = user(client)
    url = webauth_url(client, headers, connector_uuid=WEBAUTH_BANK, website="savings")
    bank_url = at_the_bank(client, url)
    page = client.get(bank_url)
    cancel = re.search(r'action="([^"]*cancel[^"]*)"', page.text)
    assert cancel, page.text[:800]
    answer = client.post(cancel.group(1), data={"csrf_token": csrf(page)}, follow_redirects=False)
    query = dict(parse_qsl(urlsplit(answer.headers["location"]).query))
    assert query["error"] == "access_denied" and query["state"] == "st-w"
    assert "error_description" in query


def test_a_token_is_good_once(client):
    headers = user(client)
    url = webauth_url(client, headers, connector_uuid=WEBAUTH_BANK)
    assert client.get(url, follow_redirects=False).status_code == 302
    again = client.get(url, follow_redirects=False)
    assert again.status_code == 400 and again.json()["code"] == "invalidValue"


def test_bad_webauth_parameters_are_refused_in_powens_format(client):
    headers = user(client)
    base = {"client_id": "10000001", "redirect_uri": CALLBACK, "connector_uuid": WEBAUTH_BANK}
    cases = [
        ({**base, "client_id": "99999999"}, 400, "invalidValue"),
        ({**base, "redirect_uri": "http://127.0.0.1:3000/callback?x=1"}, 400, "invalidValue"),
        ({**base, "redirect_uri": "http://evil.example/cb"}, 400, "invalidValue"),
        ({"client_id": "10000001", "redirect_uri": CALLBACK}, 400, "missingParameter"),
        ({**base, "connector_uuid": str(uuid.uuid4())}, 404, "notFound"),
    ]
    for params, status, code in cases:
        answer = client.get(f"{BASE}/webauth-url", params=params, headers=headers)
        assert (answer.status_code, answer.json()["code"]) == (status, code), (params, answer.text)
    assert client.get(f"{BASE}/webauth-url", params=base).status_code == 401
