"""Powens' webview, opened as an integration written for Powens opens it (a browser sent to a
webview URL with the demo domain's client id, a code from `/auth/token/code` and a registered
redirect URI), walked through the hosted pages as a browser would, back to the redirect URI with
Powens' callback."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from sandbox.faces.powens import ids
from sandbox.testing.hosted import HostedPages

BASE = "/powens/demo/2.0"
CLIENT = {"client_id": "10000001", "client_secret": "demo-powens-secret"}
NATIVE = {"Authorization": "Bearer demo-api-key-0001"}
CALLBACK = "http://127.0.0.1:3000/callback"
LANGUAGES = ["en", "fr", "de", "nl", "pt", "it", "es"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def callback_query(url: str) -> dict[str, str]:
    assert url.startswith(f"{CALLBACK}?"), url
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def webview(client, flow: str = "connect", *, path: str | None = None, **params):
    """The answer to a webview URL (`/powens/webview/{flow}` unless `path` says otherwise)."""
    given = {"domain": "demo.biapi.pro", "client_id": CLIENT["client_id"], "redirect_uri": CALLBACK}
    given.update(params)
    url = path or f"/powens/webview/{flow}"
    given = {name: value for name, value in given.items() if value is not None}
    return client.get(url, params=given, follow_redirects=False)


def user_with_code(client) -> tuple[str, int, str]:
    """A permanent user's token, id, and a code for the webview (as an integrator's backend)."""
    made = client.post(f"{BASE}/auth/init", json=CLIENT).json()
    code = client.get(
        f"{BASE}/auth/token/code",
        params={"type": "singleAccess"},
        headers=bearer(made["auth_token"]),
    )
    assert code.status_code == 200, code.text
    return made["auth_token"], made["id_user"], code.json()["code"]


def fresh_code(client, token: str) -> str:
    return client.get(f"{BASE}/auth/token/code", headers=bearer(token)).json()["code"]


def connection_of(client, user_id: int, bank_id: str = "rheinwert-bank") -> int:
    """A connection made without the webview (the control API), for reconnect and manage."""
    made = client.post(
        "/_sandbox/tenants/demo/bank-logins",
        json={"user_id": str(user_id), "bank_id": bank_id, "login": "good"},
    )
    assert made.status_code == 201, made.text
    return made.json()["id"]


def bank_logins_of(client, user_id: int) -> list[dict]:
    answer = client.get(f"/api/v1/users/{user_id}/bank-logins", headers=NATIVE)
    assert answer.status_code == 200, answer.text
    return answer.json()["bank_logins"]


def h1(response) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", response.text, re.DOTALL)
    assert found, response.text[:300]
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def assert_error_page(answer, status: int, says: str) -> None:
    assert answer.status_code == status, answer.text[:300]
    assert answer.headers["content-type"].startswith("text/html")
    assert "location" not in answer.headers
    assert says in answer.text


class Pages(HostedPages):
    """The hosted pages a webview URL sent the browser to."""

    def log_in(self, bank: str | None = "rheinwert-bank", login: str = "good"):
        if bank is not None:
            assert self.get(f"/banks/{bank}").status_code == 303
        return self.post("/login", login=login, password="pass")

    def pass_sca(self) -> None:
        if "sca/method" in self.page().text:
            assert self.post("/sca/method", method="sms").status_code == 303
        assert self.post("/sca/otp", otp="123456").status_code == 303

    def allow(self, accounts: list[str] | None = None):
        """The consent, with every account offered unless `accounts` names some."""
        offered = self.offered_accounts() if accounts is None else accounts
        return self.post("/consent", accounts=offered)

    def connect(self, bank: str | None = "rheinwert-bank", login: str = "good") -> dict:
        assert self.log_in(bank, login).status_code == 303
        self.pass_sca()
        answer = self.allow()
        assert answer.status_code == 303, answer.text[:300]
        return callback_query(answer.headers["location"])


# --- Addresses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/powens/webview/connect",
        *(f"/powens/webview/{lang}/connect" for lang in LANGUAGES),
        "/powens/demo/2.0/auth/webview/connect",
        "/powens/demo/2.0/auth/webview/connect/select",
        "/powens/demo/2.0/auth/webview/fr/connect",
        "/powens/demo.biapi.pro/2.0/auth/webview/en/connect/select",
    ],
)
def test_every_webview_address_opens_the_bank_list_in_english(client, path):
    pages = Pages(client, webview(client, path=path, state="st-1"))
    page = pages.page()
    assert page.status_code == 200 and h1(page) == "Choose your bank"
    assert '<html lang="en"' in page.text


@pytest.mark.parametrize(
    "path",
    [
        "/powens/webview/payment",
        "/powens/webview/xx/connect",
        "/powens/webview/fr/select",
        "/powens/demo/2.0/auth/webview/de/payment",
        "/powens/demo/2.0/auth/webview/zz/manage/select",
        "/powens/webview/connect%0A/x",
        "/powens/de%0Amo/2.0/auth/webview/connect/x",
    ],
)
def test_an_address_the_webview_does_not_have_is_a_404_page(client, path):
    assert_error_page(webview(client, path=path), 404, "no webview page at this address")


@pytest.mark.parametrize(
    "domain",
    [
        "demo",
        "demo.biapi.pro",
        "demo-sandbox.biapi.pro",
        "https://demo.biapi.pro/2.0",
        "http://127.0.0.1:8000/powens/demo/2.0",
        "127.0.0.1:8000",  # names no tenant: the client id finds it
        "http://[::1",  # not even a URL: the client id finds it all the same
        None,
    ],
)
def test_the_domain_is_named_in_any_of_its_spellings_or_found_by_the_client_id(client, domain):
    pages = Pages(client, webview(client, domain=domain))
    assert h1(pages.page()) == "Choose your bank"


def test_a_tenant_made_through_the_control_api_is_found_by_its_powens_client_id(client):
    made = client.post("/_sandbox/tenants", json={"redirect_uris": [CALLBACK]}).json()
    powens = made["powens"]
    _token, _id, _code = user_with_code(client)  # the demo's: never mixed up with the new one's
    pages = Pages(client, webview(client, domain=None, client_id=powens["client_id"]))
    assert h1(pages.page()) == "Choose your bank"
    query = pages.connect()
    user = client.post(
        f"{powens['base_url'].removeprefix('http://testserver')}/auth/token/access",
        json={
            "client_id": powens["client_id"],
            "client_secret": powens["client_secret"],
            "code": query["code"],
        },
    )
    assert user.status_code == 200, user.text


def test_the_client_id_must_be_the_domains(client):
    other = client.post("/_sandbox/tenants", json={"redirect_uris": [CALLBACK]}).json()
    answer = webview(client, domain="demo", client_id=other["powens"]["client_id"])
    assert_error_page(answer, 400, "not the client id of domain demo")
    assert_error_page(webview(client, client_id=None), 400, "Missing parameter: client_id")
    unknown = webview(client, domain="nobody.biapi.pro", client_id="99999999")
    assert_error_page(unknown, 404, "names a Powens domain of this sandbox")


# --- The redirect URI ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("redirect_uri", "says"),
    [
        ("http://127.0.0.1:9999/elsewhere", "redirect_uri is not registered"),
        (f"{CALLBACK}?from=webview", "Powens refuses a redirect URI with a query string"),
        (None, "Missing parameter: redirect_uri"),
        ("http://[::1/callback", "Invalid value for redirect_uri: not a URL"),
    ],
)
def test_a_redirect_uri_not_registered_or_with_a_query_is_an_error_page_and_spends_no_code(
    client, redirect_uri, says
):
    _token, user_id, code = user_with_code(client)
    answer = webview(client, code=code, redirect_uri=redirect_uri)
    assert_error_page(answer, 400, says)
    assert "Demo Finance" in answer.text  # in the domain's colours
    pages = Pages(client, webview(client, code=code))  # the code still opens the webview
    pages.connect()
    assert len(bank_logins_of(client, user_id)) == 1


# --- Connect ------------------------------------------------------------------------------------


def test_connect_without_a_code_makes_a_user_whose_code_comes_back_and_is_exchanged_once(client):
    pages = Pages(client, webview(client, state="st-new"))
    query = pages.connect()
    assert set(query) == {"connection_id", "code", "state"} and query["state"] == "st-new"
    exchange = {**CLIENT, "code": query["code"], "grant_type": "authorization_code"}
    answer = client.post(f"{BASE}/auth/token/access", json=exchange)
    assert answer.status_code == 200, answer.text
    token = answer.json()["access_token"]
    me = client.get(f"{BASE}/users/me", headers=bearer(token)).json()
    logins = bank_logins_of(client, me["id"])
    assert [login["id"] for login in logins] == [int(query["connection_id"])]
    again = client.post(f"{BASE}/auth/token/access", json=exchange)
    assert again.status_code == 400 and again.json()["code"] == "invalidValue"


def test_connect_with_a_code_connects_the_codes_user_and_sends_no_code_back(client):
    _token, user_id, code = user_with_code(client)
    query = Pages(client, webview(client, code=code, state="st-2")).connect()
    assert set(query) == {"connection_id", "state"}
    assert [login["id"] for login in bank_logins_of(client, user_id)] == [
        int(query["connection_id"])
    ]


def test_a_code_opens_one_webview(client):
    _token, _user_id, code = user_with_code(client)
    Pages(client, webview(client, code=code))
    assert_error_page(webview(client, code=code), 400, "unknown, expired or already used")
    assert_error_page(webview(client, code="ac_nope"), 400, "unknown, expired or already used")


def test_the_accounts_the_user_chose_are_enabled_the_others_not(client):
    _token, user_id, code = user_with_code(client)
    pages = Pages(client, webview(client, code=code))
    assert pages.log_in("rheinwert-bank", "multi-currency").status_code == 303
    pages.pass_sca()
    query = callback_query(pages.allow(["usd"]).headers["location"])
    answer = client.get("/api/v1/accounts", params={"user_id": str(user_id)}, headers=NATIVE)
    accounts = {account["currency"]: account for account in answer.json()["accounts"]}
    assert {a["bank_login_id"] for a in accounts.values()} == {int(query["connection_id"])}
    assert not accounts["USD"]["disabled"]
    assert all(accounts[c]["disabled"] for c in ("EUR", "GBP", "CHF"))


def _connector_uuid(platform, bank_id: str) -> str:
    return ids.connector_uuid(platform.banks.get(platform.tenants.get("demo"), bank_id))


def test_one_connector_goes_straight_to_its_login_with_the_login_filled_in(client, platform):
    uuid = _connector_uuid(platform, "rheinwert-bank")
    answer = webview(client, connector_uuids=uuid, **{f"{uuid}.login": "mia.schulz"})
    pages = Pages(client, answer)
    page = pages.page()
    assert h1(page) == "Log in to your bank" and "Rheinwert Bank" in page.text
    assert 'id="login" name="login" type="text" value="mia.schulz"' in page.text
    assert pages.get("/banks/cigale").status_code == 404  # no other bank than the one named


def test_several_connectors_restrict_the_bank_list(client, platform):
    uuid = _connector_uuid(platform, "cigale")
    pages = Pages(client, webview(client, connector_uuids=uuid, connector_ids="2"))
    page = pages.page()
    assert h1(page) == "Choose your bank"
    listed = re.findall(r'href="/connect/[^/"]+/banks/([^"]+)"', page.text)
    assert sorted(listed) == ["cigale", "rheinwert-bank"]


def test_account_types_narrow_the_banks_to_those_that_offer_them(client):
    page = Pages(client, webview(client, account_types="card,loan")).page()
    listed = set(re.findall(r'href="/connect/[^/"]+/banks/([^"]+)"', page.text))
    assert listed and "rheinwert-bank" not in listed and "nordlicht-sparbank" in listed


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"connector_uuids": "00000000-0000-0000-0000-000000000000"}, "no connector"),
        ({"connector_ids": "999"}, "no connector"),
        ({"account_types": "spaceship"}, "unknown account type"),
        ({"account_types": "unknown"}, "none of these types"),
        ({"connector_capabilities": "bank,telepathy"}, "unknown capability"),
        ({"max_connections": "many"}, "Invalid value for max_connections"),
        ({"nope.login": "x"}, "no connector"),
    ],
)
def test_a_bad_connect_parameter_is_an_error_page(client, params, says):
    assert_error_page(webview(client, **params), 400, says)


def test_max_connections_lets_the_user_connect_several_banks_and_lists_them_all(client):
    _token, user_id, code = user_with_code(client)
    pages = Pages(client, webview(client, code=code, max_connections="3", state="st-m"))
    assert pages.log_in().status_code == 303
    pages.pass_sca()
    first = pages.allow()
    assert first.headers["location"] == pages.url  # the list, to add another
    assert "Add another bank" in pages.page().text
    assert pages.get("?addBankLogin=true").status_code == 303
    assert pages.log_in("bursztyn-bank").status_code == 303
    pages.pass_sca()
    pages.allow()
    query = callback_query(pages.post("/leave").headers["location"])
    made = sorted(login["id"] for login in bank_logins_of(client, user_id))
    assert query == {
        "connection_id": str(made[-1]),
        "connection_ids": ",".join(map(str, made)),
        "state": "st-m",
    }


# --- Errors on the way back ---------------------------------------------------------------------


def test_cancelling_comes_back_as_access_denied(client):
    pages = Pages(client, webview(client, state="st-c"))
    query = callback_query(pages.post("/cancel").headers["location"])
    assert query == {
        "error": "access_denied",
        "error_description": "The user cancelled.",
        "state": "st-c",
    }


def test_a_bank_that_is_down_comes_back_as_a_server_error(client):
    pages = Pages(client, webview(client, state="st-d"))
    assert pages.log_in(login="bank-down").status_code == 303
    query = callback_query(pages.post("/leave").headers["location"])
    assert query["error"] == "server_error" and query["state"] == "st-d"
    assert query["error_description"]


def test_three_wrong_codes_come_back_as_access_denied(client):
    pages = Pages(client, webview(client))
    pages.log_in()
    assert pages.post("/sca/method", method="sms").status_code == 303
    for _ in range(3):
        pages.post("/sca/otp", otp="000000")
    query = callback_query(pages.post("/leave").headers["location"])
    assert query["error"] == "access_denied"


def test_a_webview_link_left_too_long_comes_back_as_session_expired(client):
    pages = Pages(client, webview(client, state="st-x"))
    moved = client.post("/_sandbox/tenants/demo/clock", json={"advance": "PT16M"})
    assert moved.status_code == 200
    page = pages.page()
    assert page.status_code == 410
    back = re.search(r'href="(http://127\.0\.0\.1:3000/callback\?[^"]+)"', page.text)
    assert back, page.text[:500]
    query = callback_query(back.group(1).replace("&amp;", "&"))
    assert query["error"] == "session_expired" and query["state"] == "st-x"


# --- Reconnect ----------------------------------------------------------------------------------


def test_reconnect_after_the_consent_expired_renews_it_and_sends_back_only_the_state(client):
    token, user_id, _code = user_with_code(client)
    connection_id = connection_of(client, user_id)
    client.post("/_sandbox/tenants/demo/clock", json={"advance": "P181D"})
    assert bank_logins_of(client, user_id)[0]["state"] == "sca_required"
    answer = webview(
        client,
        "reconnect",
        code=fresh_code(client, token),
        connection_id=str(connection_id),
        reset_credentials="true",
        state="st-r",
    )
    pages = Pages(client, answer)
    assert 'value="good"' in pages.page().text  # the connection's login, filled in
    query = pages.connect(bank=None)
    assert query == {"state": "st-r"}
    assert bank_logins_of(client, user_id)[0]["state"] == "connected"


def test_reconnect_needs_a_code_and_one_of_the_users_connections(client):
    token, user_id, _code = user_with_code(client)
    connection_id = connection_of(client, user_id)
    _other_token, other_id, _ = user_with_code(client)
    theirs = connection_of(client, other_id, "cigale")
    mine = str(connection_id)
    assert_error_page(
        webview(client, "reconnect", connection_id=mine), 400, "Missing parameter: code"
    )
    assert_error_page(
        webview(client, "reconnect", code=fresh_code(client, token)),
        400,
        "Missing parameter: connection_id",
    )
    assert_error_page(
        webview(client, "reconnect", code=fresh_code(client, token), connection_id=str(theirs)),
        404,
        f"no connection {theirs}",
    )
    assert_error_page(
        webview(client, "reconnect", code=fresh_code(client, token), connection_id="x"),
        400,
        "Invalid value for connection_id",
    )


# --- Manage -------------------------------------------------------------------------------------


def test_manage_removing_a_connection_says_so_on_the_callback(client):
    token, user_id, _code = user_with_code(client)
    kept = connection_of(client, user_id)
    removed = connection_of(client, user_id, "cigale")
    answer = webview(
        client,
        "manage",
        path="/powens/demo/2.0/auth/webview/manage",
        code=fresh_code(client, token),
        connection_id=str(removed),
        state="st-g",
    )
    pages = Pages(client, answer)
    assert "Cigale" in pages.page().text and "Rheinwert Bank" in pages.page().text
    assert pages.post(f"/manage/{removed}/delete").status_code == 303
    query = callback_query(pages.post("/leave").headers["location"])
    assert query == {"connection_id": str(removed), "connection_deleted": "true", "state": "st-g"}
    assert [login["id"] for login in bank_logins_of(client, user_id)] == [kept]


def test_manage_left_as_it_was_sends_back_only_the_state(client):
    token, user_id, _code = user_with_code(client)
    connection_of(client, user_id)
    pages = Pages(client, webview(client, "manage", code=fresh_code(client, token), state="s"))
    assert callback_query(pages.post("/leave").headers["location"]) == {"state": "s"}


def test_manage_renewing_a_connection_names_it_on_the_callback(client):
    token, user_id, _code = user_with_code(client)
    connection_id = connection_of(client, user_id)
    pages = Pages(client, webview(client, "manage", code=fresh_code(client, token)))
    assert pages.post(f"/manage/{connection_id}/renew").status_code == 303
    assert pages.post("/login", login="good", password="pass").status_code == 303
    pages.pass_sca()
    assert pages.allow().headers["location"] == pages.url
    query = callback_query(pages.post("/leave").headers["location"])
    assert query == {"connection_id": str(connection_id)}


def test_manage_needs_a_code(client):
    assert_error_page(webview(client, "manage"), 400, "Missing parameter: code")


def test_a_host_the_sandbox_does_not_answer_to_is_refused_as_text_not_powens_json(client):
    answer = client.get("/powens/webview/connect", headers={"host": "elsewhere.example"})
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("text/plain")
    api = client.get(f"{BASE}/users/me", headers={"host": "elsewhere.example"})
    assert api.status_code == 403 and api.json()["code"] == "forbidden"
