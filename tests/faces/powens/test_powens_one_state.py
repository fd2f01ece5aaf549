"""One state, every face: a connection made through Powens' webview is a bank login of the
native API with the same accounts and transactions, and a bank login made through the native
API's hosted UI is a Powens connection with the same ones."""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

BASE = "/powens/demo/2.0"
CLIENT = {"client_id": "10000001", "client_secret": "demo-powens-secret"}
NATIVE = {"Authorization": "Bearer demo-api-key-0001"}
CALLBACK = "http://127.0.0.1:3000/callback"


def csrf(page) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


def through_the_pages(client, url: str, login: str = "multi-currency") -> dict[str, str]:
    """Rheinwert Bank in the hosted pages, every account shared: the callback's query."""
    assert client.get(f"{url}/banks/rheinwert-bank", follow_redirects=False).status_code == 303
    page = client.get(url)
    data = {"csrf_token": csrf(page), "login": login, "password": "pass"}
    assert client.post(f"{url}/login", data=data, follow_redirects=False).status_code == 303
    page = client.get(url)
    if "sca/method" in page.text:
        client.post(f"{url}/sca/method", data={"csrf_token": csrf(page), "method": "sms"})
    page = client.get(url)
    data = {"csrf_token": csrf(page), "otp": "123456"}
    assert client.post(f"{url}/sca/otp", data=data, follow_redirects=False).status_code == 303
    page = client.get(url)
    offered = re.findall(r'name="accounts" value="([^"]+)"', page.text)
    data = {"csrf_token": csrf(page), "accounts": offered}
    done = client.post(f"{url}/consent", data=data, follow_redirects=False)
    location = done.headers["location"]
    assert location.startswith(CALLBACK), location
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def native_view(client, user_id: str) -> tuple[dict, dict]:
    """The native API's accounts (id → balance) and transactions (id → amount) of the user."""
    accounts = client.get("/api/v1/accounts", params={"user_id": user_id}, headers=NATIVE).json()
    balances = {str(a["id"]): Decimal(str(a["balance"])) for a in accounts["accounts"]}
    amounts, cursor = {}, None
    while True:
        params = {"user_id": user_id, "limit": 500, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/transactions", params=params, headers=NATIVE).json()
        amounts |= {str(t["id"]): Decimal(str(t["amount"])) for t in page["transactions"]}
        cursor = page.get("next_cursor")
        if not cursor:
            return balances, amounts


def powens_view(client, headers) -> tuple[dict, dict]:
    """Powens' accounts (id → balance) and transactions (id → value), following `_links.next`."""
    accounts = client.get(f"{BASE}/users/me/accounts", headers=headers).json()["accounts"]
    balances = {str(a["id"]): Decimal(str(a["balance"])) for a in accounts}
    amounts, url = {}, f"{BASE}/users/me/transactions?limit=100"
    while url:
        page = client.get(url, headers=headers).json()
        amounts |= {str(t["id"]): Decimal(str(t["value"])) for t in page["transactions"]}
        following = (page["_links"].get("next") or {}).get("href")
        url = following.replace("http://testserver", "") if following else None
    return balances, amounts


def test_a_webview_connection_is_the_native_apis_bank_login(client):
    made = client.post(f"{BASE}/auth/init", json=CLIENT).json()
    headers = {"Authorization": f"Bearer {made['auth_token']}"}
    code = client.get(f"{BASE}/auth/token/code?type=singleAccess", headers=headers).json()["code"]
    params = {
        "domain": "demo",
        "client_id": CLIENT["client_id"],
        "redirect_uri": CALLBACK,
        "code": code,
        "state": "one",
    }
    opened = client.get("/powens/webview/connect", params=params, follow_redirects=False)
    query = through_the_pages(client, opened.headers["location"])
    login = client.get(f"/api/v1/bank-logins/{query['connection_id']}", headers=NATIVE).json()
    assert login["user_id"] == str(made["id_user"]) and login["state"] == "connected"
    native = native_view(client, str(made["id_user"]))
    assert len(native[0]) == 4 and len(native[1]) > 100
    assert powens_view(client, headers) == native


def test_a_hosted_ui_bank_login_is_a_powens_connection(client):
    session = client.post(
        "/api/v1/connect-sessions",
        json={"user_id": "native-7", "redirect_uri": CALLBACK, "state": "n"},
        headers=NATIVE,
    ).json()
    query = through_the_pages(client, urlsplit(session["url"]).path)
    assert query["status"] == "success"
    users = client.get(
        f"{BASE}/users", headers={"Authorization": "Bearer demo-powens-config-token"}
    ).json()["users"]
    # The native user is the newest: its Powens id reaches it.
    token = client.post(f"{BASE}/auth/renew", json={**CLIENT, "id_user": users[-1]["id"]}).json()[
        "access_token"
    ]
    headers = {"Authorization": f"Bearer {token}"}
    [connection] = client.get(f"{BASE}/users/me/connections", headers=headers).json()["connections"]
    assert str(connection["id"]) == query["bank_login_id"] and connection["state"] is None
    assert powens_view(client, headers) == native_view(client, "native-7")
