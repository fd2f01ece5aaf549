"""The hosted connect UI and the fake banks' pages over HTTP, without a browser: every step's page
and form, the errors a user can run into (as pages, never JSON), CSRF, redirect URIs, tenant
isolation and the security headers."""

from __future__ import annotations

import itertools
import re
from html import unescape

import pytest
import sqlalchemy as sa
from hosted_ui import CALLBACK, FROZEN, advance, h1, query
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.domain import bank_logins, connections, tenants
from sandbox.faces.web.headers import page_policy
from sandbox.scenario import load_scenario_text
from sandbox.store.schema import tenants as tenant_table

# --- Pages and headers --------------------------------------------------------------------------


def test_the_entry_page_lists_the_banks_with_strict_security_headers(hosted):
    response = hosted().get()
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert h1(response) == "Choose your bank"
    assert len(re.findall(r"<li data-bank", response.text)) == 11
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "script-src" not in policy and "'unsafe-inline'" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    assert not re.search(r"<script(?![^>]*\bsrc=)", response.text), "inline script"


def test_the_page_policy_allows_exactly_the_pages_inline_styles():
    page = '<style>\n:root { --a: #123456; }\n</style><span style="--logo: #abcdef"></span>'
    policy = page_policy(page)
    assert policy.count("'sha256-") == 2 and "'unsafe-hashes'" in policy
    assert page_policy("<p>no style</p>") == page_policy("")


def test_static_files_are_served_with_the_headers_and_a_missing_one_is_a_page(client):
    found = client.get("/static/connect.js")
    assert found.status_code == 200 and found.headers["x-content-type-options"] == "nosniff"
    missing = client.get("/static/nope.js")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")


def test_the_bank_list_filters_without_javascript(hosted):
    session = hosted()
    names = lambda r: re.findall(r'class="bank-row-name">([^<]+)<', r.text)  # noqa: E731
    assert names(session.get(q="wislany")) == ["Bank Wiślany"]
    assert names(session.get(q="GERMANY")) == ["Nordlicht Sparbank", "Rheinwert Bank"]
    assert names(session.get(country="FR")) == ["Banque Lumière", "Cigale"]
    assert names(session.get(country="XX")) != []  # an unknown country filters nothing
    empty = session.get(q="zzz")
    assert names(empty) == [] and '<div class="empty" data-empty>' in empty.text


_NAME_LETTERS = "abcdeiklnorstuwBGKMRSÜüśćłńàèé "


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    words=st.text(alphabet=_NAME_LETTERS, max_size=5),
    # The page offers the countries of its banks (another is no filter there): these are.
    country=st.sampled_from(["", "DE", "FR", "PL", "NL", "ES", "IT"]),
)
def test_the_bank_list_finds_what_the_native_api_finds_for_the_same_words(
    client, hosted, tenant, words, country
):
    """One catalogue and one search: the hosted UI's list and `GET /api/v1/banks` answer the
    same words and country with the same banks, in the same order."""
    page = hosted().get(q=words, country=country)
    listed = [unescape(name) for name in re.findall(r'class="bank-row-name">([^<]+)<', page.text)]
    params = {"name": words} if words else {}
    if country:
        params["country"] = country
    answer = client.get(
        "/api/v1/banks", params=params, headers={"Authorization": f"Bearer {tenant.api_key}"}
    )
    assert answer.status_code == 200, answer.text
    assert listed == [bank["name"] for bank in answer.json()["banks"]]


def test_the_sessions_account_types_hide_banks_without_them(hosted):
    response = hosted(account_types=["investment"]).get()
    assert re.findall(r'class="bank-row-name">([^<]+)<', response.text) == [
        "Nordlicht Sparbank",
        "Polderbank",
    ]


# --- Sessions that cannot be used ---------------------------------------------------------------


def test_an_unknown_session_is_a_404_page(client):
    response = client.get("/connect/not-a-session")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert h1(response) == "This link is not valid"


def test_an_expired_session_offers_the_way_back_to_the_client(hosted, platform, tenant):
    session = hosted()
    advance(platform, tenant, minutes=15)
    response = session.get()
    assert response.status_code == 410 and "expired" in response.text
    back = unescape(re.search(r'href="(http[^"]+)"', response.text).group(1))
    assert back.startswith(CALLBACK)
    assert query(back) == {
        "status": "error",
        "error": "session_expired",
        "error_description": "The link expired before the connection was finished.",
        "state": "st-1",
    }


def test_a_used_session_cannot_be_opened_again(hosted):
    session = hosted()
    session.to_consent()
    assert session.consent().status_code == 303
    again = session.get()
    assert again.status_code == 410 and "already been used" in again.text
    assert session.post("/cancel").status_code == 410


# --- CSRF ---------------------------------------------------------------------------------------

POSTS = [
    "/account-type",
    "/login",
    "/sca/method",
    "/sca/otp",
    "/consent",
    "/cancel",
    "/leave",
    "/manage/1/renew",
    "/manage/1/delete",
]


@pytest.mark.parametrize("path", POSTS)
@pytest.mark.parametrize("token", ["", "forged", None])
def test_a_form_without_the_sessions_token_is_refused(hosted, path, token):
    session = hosted()
    data = {} if token is None else {"csrf_token": token}
    response = session.client.post(session.url + path, data=data, follow_redirects=False)
    assert response.status_code == 403
    assert h1(response) == "This form has expired"
    assert session.get().status_code == 200  # nothing moved


def test_another_sessions_token_is_refused(hosted):
    mine, theirs = hosted(user="a"), hosted(user="b")
    assert mine.post("/cancel", csrf=theirs.csrf).status_code == 403


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data; boundary=x", b"--x\r\ngarbage"),
        ("application/json", b'{"csrf_token": "x"}'),
        ("application/x-www-form-urlencoded", b"%%%&&&==="),
    ],
)
def test_a_body_that_is_no_form_is_refused_as_a_page(hosted, content_type, body):
    session = hosted()
    response = session.client.post(
        session.url + "/login", content=body, headers={"content-type": content_type}
    )
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")


def test_a_body_over_the_limit_is_a_413_page(hosted):
    session = hosted()
    response = session.client.post(session.url + "/login", data={"login": "x" * (1024 * 1024 + 10)})
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")


# --- A form's address opened with GET: the flow where it is ----------------------------------

FORMS = [*POSTS, "/history"]


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("path", FORMS)
def test_a_forms_address_opened_with_get_leads_to_the_current_step(hosted, path, method):
    session = hosted()
    session.get("/banks/rheinwert-bank")
    before = stored(session)
    opened = session.client.request(method, session.url + path, follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == session.url
    assert stored(session) == before
    assert h1(session.follow(opened)) == "Log in to your bank"


def test_reloading_a_refused_login_shows_the_form_again_without_the_error(hosted):
    session = hosted()
    session.get("/banks/rheinwert-bank")
    assert session.post("/login", login="good", password="nope").status_code == 400
    again = session.follow(session.get("/login"))
    assert again.status_code == 200 and h1(again) == "Log in to your bank"
    assert "did not recognise" not in again.text and 'role="alert"' not in again.text


def test_reloading_a_refused_code_shows_the_code_page_again_without_the_error(hosted):
    session = hosted()
    session.to_sca()
    assert session.post("/sca/otp", otp="000000").status_code == 400
    again = session.follow(session.get("/sca/otp"))
    assert again.status_code == 200 and h1(again) == "Enter your code"
    assert "That code is not right." not in again.text
    assert "2 attempts left" in again.text  # the refused code still counts


# --- Embedded SCA -------------------------------------------------------------------------------


def test_embedded_connection_ends_at_the_client_with_the_result(hosted):
    session = hosted()
    chosen = session.get("/banks/rheinwert-bank")
    assert chosen.headers["location"] == session.url
    credentials = session.get()
    assert h1(credentials) == "Log in to your bank"
    assert 'for="login">Benutzername<' in credentials.text
    # mia.schulz has two methods with a code (app and sms), so she picks one.
    assert session.post("/login", login="mia.schulz", password="pass").status_code == 303
    assert h1(session.get()) == "How do you want to confirm it's you?"
    assert session.post("/sca/method", method="sms").status_code == 303
    otp = session.get()
    assert h1(otp) == "Enter your code" and "3 attempts left" in otp.text
    assert session.post("/sca/otp", otp="123456").status_code == 303
    consent = session.get()
    assert "180 days" in consent.text and "Girokonto" in consent.text
    done = session.consent()
    assert done.status_code == 303
    got = query(done.headers["location"])
    assert done.headers["location"].startswith(CALLBACK + "?")
    assert got["status"] == "success" and got["session_id"] == session.id
    assert got["bank_login_id"].isdigit() and got["state"] == "st-1"


def test_a_wrong_password_shows_the_form_again_with_the_error(hosted):
    session = hosted()
    session.get("/banks/rheinwert-bank")
    response = session.post("/login", login="good", password="nope")
    assert response.status_code == 400
    assert h1(response) == "Log in to your bank"
    assert "did not recognise this login and password" in response.text
    assert 'value="good"' in response.text


@pytest.mark.parametrize("fields", [{}, {"login": "good"}, {"password": "pass"}])
def test_missing_login_fields_are_a_wrong_login(hosted, fields):
    session = hosted()
    session.get("/banks/rheinwert-bank")
    assert session.post("/login", **fields).status_code == 400


def test_wrong_codes_count_down_and_the_third_fails_the_flow(hosted):
    session = hosted()
    session.to_sca()
    session.post("/sca/method", method="sms")
    for left in ("2 attempts left", "1 attempt left"):
        wrong = session.post("/sca/otp", otp="000000")
        assert wrong.status_code == 400 and "That code is not right." in wrong.text
        assert left in wrong.text
    assert session.post("/sca/otp", otp="000000").status_code == 303
    failed = session.get()
    assert h1(failed) == "Rheinwert Bank could not be connected"
    assert "Too many wrong codes" in failed.text
    assert f'<form method="post" action="{session.url}/leave"' in failed.text
    assert "Return to Demo Finance" in failed.text and "Go back" not in failed.text
    leave = session.post("/leave")
    assert query(leave.headers["location"])["error"] == "sca_failed"


def test_an_unknown_sca_method_is_a_400_page_with_a_way_back(hosted):
    session = hosted()
    session.to_sca()
    response = session.post("/sca/method", method="carrier-pigeon")
    assert response.status_code == 400
    assert f'href="{session.url}"' in response.text


def test_a_magic_login_ends_the_flow_with_its_outcome(hosted):
    session = hosted()
    session.get("/banks/rheinwert-bank")
    assert session.post("/login", login="locked", password="pass").status_code == 303
    failed = session.get()
    assert "locked this login" in failed.text
    assert query(session.post("/leave").headers["location"])["error"] == "error"


def test_a_step_out_of_turn_shows_the_current_step(hosted):
    session = hosted()
    for path, fields in [
        ("/sca/otp", {"otp": "123456"}),
        ("/consent", {"accounts": "main"}),
        ("/login", {"login": "good", "password": "pass"}),
    ]:
        response = session.post(path, **fields)
        assert response.status_code == 303 and response.headers["location"] == session.url
    assert h1(session.get()) == "Choose your bank"


def test_consent_without_an_account_is_refused(hosted):
    session = hosted()
    session.to_consent()
    response = session.post("/consent")
    assert response.status_code == 400 and "at least one account" in response.text
    assert session.post("/consent", accounts="not-offered").status_code == 400


def test_the_consent_page_offers_a_magic_personas_every_account(hosted):
    """scenarios/README.md: a magic persona has the same accounts at every bank, here the four
    currencies of multi-currency at a bank that offers checking accounts only."""
    session = hosted()
    session.to_sca("rheinwert-bank", "multi-currency")
    session.post("/sca/method", method="sms")
    session.post("/sca/otp", otp="123456")
    page = session.get()
    assert re.findall(r'name="accounts" value="([^"]+)"', page.text) == ["eur", "usd", "gbp", "chf"]
    assert all(currency in page.text for currency in ("EUR", "USD", "GBP", "CHF"))


PUSH_ONLY = FROZEN + (
    "personas:\n  - {login: push-only, bank: rheinwert-bank, sca_methods: [{method: push}]}\n"
)


def test_embedded_sca_never_offers_a_push_as_a_code(hosted):
    session = hosted()
    session.to_sca()  # good has sms and push: sms is the only code, so no choice is asked
    otp = session.get()
    assert h1(otp) == "Enter your code" and "push" not in otp.text.lower()
    refused = session.post("/sca/method", method="push")
    assert refused.status_code == 400 and "choose one of sms" in refused.text
    assert session.post("/sca/otp", otp="123456").status_code == 303
    assert h1(session.get()) == "Allow Demo Finance to access your accounts"


def test_a_push_only_persona_at_an_embedded_bank_approves_in_the_bank_app(hosted, platform, client):
    tenant = tenants.create_tenant(
        platform.db, load_scenario_text(PUSH_ONLY), "push-only",
        tenants.TenantOptions(redirect_uris=[CALLBACK], name="Demo Finance"),
    )  # fmt: skip
    session = hosted(on=tenant)
    session.to_sca("rheinwert-bank", login="push-only")
    assert h1(session.get()) == "Approve in your Rheinwert Bank app"
    assert session.post("/sca/otp", otp="123456").headers["location"] == session.url
    app_url = f"/bank/rheinwert-bank/app/{session.id}"
    assert h1(client.get(app_url)) == "Approve login for Demo Finance?"
    client.post(f"{app_url}/approve", data={"csrf_token": session.csrf})
    assert h1(session.get()) == "Allow Demo Finance to access your accounts"
    assert query(session.consent().headers["location"])["status"] == "success"


# --- Account types and banks --------------------------------------------------------------------


def test_a_bank_with_several_account_types_asks_which(hosted):
    session = hosted()
    session.get("/banks/nordlicht-sparbank")
    page = session.get()
    assert h1(page) == "Which account do you want to connect?"
    assert page.text.count('name="account_type"') == 6
    assert f'href="{session.url}/banks"' in page.text
    assert session.post("/account-type", account_type="pension").status_code == 400
    assert session.post("/account-type").status_code == 400
    other = session.get("/banks")
    assert h1(other) == "Choose your bank"
    session.get("/banks/rheinwert-bank")
    assert h1(session.get()) == "Log in to your bank"


def test_an_unknown_bank_is_a_404_page(hosted, client):
    session = hosted()
    assert session.get("/banks/no-such-bank").status_code == 404
    assert (
        client.get("/bank/no-such-bank/authorize", params={"session": session.id}).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("bank_id", "options", "heading"),
    [
        ("rheinwert-bank", {}, "Log in to your bank"),
        ("nordlicht-sparbank", {}, "Which account do you want to connect?"),
        ("nordlicht-sparbank", {"account_types": ["savings"]}, "Log in to your bank"),
    ],
)
def test_a_preselected_bank_starts_at_that_bank_without_the_list(hosted, bank_id, options, heading):
    session = hosted(bank_id=bank_id, **options)
    page = session.get()
    assert page.status_code == 200 and h1(page) == heading
    assert "Choose your bank" not in page.text


def test_a_preselected_bank_with_its_own_login_page_sends_the_user_there(hosted, client):
    session = hosted(bank_id="banque-lumiere", account_types=["checking"])
    authorize = session.get().headers["location"]
    assert authorize == f"/bank/banque-lumiere/authorize?session={session.id}"
    assert h1(client.get(authorize)) == "Log in to Online Banking"


def test_the_bank_list_is_not_shown_again_after_the_login(hosted):
    session = hosted()
    session.to_sca()
    response = session.get("/banks")
    assert response.status_code == 303 and response.headers["location"] == session.url


# --- Decoupled SCA ------------------------------------------------------------------------------


def status(session) -> dict:
    response = session.get("/sca/status")
    assert response.headers["content-type"] == "application/json"
    return response.json()


def test_decoupled_waits_for_the_bank_app_and_moves_on_when_approved(hosted, client):
    session = hosted()
    assert status(session) == {"status": "none", "next_url": session.url}
    session.to_sca("polderbank")
    wait = session.get()
    assert h1(wait) == "Approve in your Polderbank app"
    assert f'data-poll="{session.url}/sca/status"' in wait.text
    assert status(session)["status"] == "pending"
    app_url = f"/bank/polderbank/app/{session.id}"
    app = client.get(app_url)
    assert h1(app) == "Approve login for Demo Finance?"
    approved = client.post(
        f"{app_url}/approve", data={"csrf_token": session.csrf}, follow_redirects=False
    )
    assert approved.status_code == 303 and approved.headers["location"] == app_url
    assert h1(client.get(app_url)) == "Approved"
    assert status(session) == {"status": "approved", "next_url": session.url}
    assert h1(session.get()) == "Allow Demo Finance to access your accounts"
    # A second press changes nothing.
    again = client.post(
        f"{app_url}/reject", data={"csrf_token": session.csrf}, follow_redirects=False
    )
    assert again.status_code == 303 and h1(client.get(app_url)) == "Approved"


def test_decoupled_rejected_in_the_app_ends_in_an_error_for_the_client(hosted, client):
    session = hosted()
    session.to_sca("nordlicht-sparbank")
    app_url = f"/bank/nordlicht-sparbank/app/{session.id}"
    assert client.post(f"{app_url}/reject", data={"csrf_token": "x"}).status_code == 403
    client.post(f"{app_url}/reject", data={"csrf_token": session.csrf})
    assert status(session)["status"] == "rejected"
    assert h1(session.get()) == "Nordlicht Sparbank could not be connected"
    got = query(session.post("/leave").headers["location"])
    assert got["status"] == "error" and got["error"] == "sca_rejected"


def test_decoupled_times_out_on_the_virtual_clock(hosted, platform, tenant, client):
    session = hosted()
    session.to_sca("polderbank")
    advance(platform, tenant, minutes=3)
    assert status(session)["status"] == "expired"
    assert h1(client.get(f"/bank/polderbank/app/{session.id}")) == "Request expired"


def test_a_decoupled_request_is_not_passed_with_a_code(hosted):
    session = hosted()
    session.to_sca("polderbank")
    response = session.post("/sca/otp", otp="123456")
    assert response.status_code == 303
    assert status(session)["status"] == "pending"


def test_the_bank_app_has_nothing_to_show_before_the_login(hosted, client):
    session = hosted()
    assert client.get(f"/bank/polderbank/app/{session.id}").status_code == 404
    session.to_sca("polderbank")
    assert client.get(f"/bank/rheinwert-bank/app/{session.id}").status_code == 404
    assert client.get("/bank/polderbank/app/unknown").status_code == 404


def test_the_status_of_an_unknown_session_sends_the_page_to_its_error(client):
    response = client.get("/connect/unknown/sca/status")
    assert response.json() == {"status": "gone", "next_url": "/connect/unknown"}


# --- Redirect SCA and the bank's own pages ------------------------------------------------------


def to_bank_login(session) -> str:
    session.get("/banks/banque-lumiere")
    session.post("/account-type", account_type="checking")
    response = session.get()
    assert response.status_code == 303
    return response.headers["location"]


def test_redirect_sca_logs_in_and_approves_on_the_banks_page(hosted, client):
    session = hosted()
    authorize = to_bank_login(session)
    assert authorize == f"/bank/banque-lumiere/authorize?session={session.id}"
    login_page = client.get(authorize)
    assert h1(login_page) == "Log in to Online Banking" and "Identifiant" in login_page.text
    # The platform's own form does not take the credentials for this bank.
    assert session.post("/login", login="good", password="pass").headers["location"] == session.url
    wrong = client.post(
        authorize, data={"csrf_token": session.csrf, "login": "good", "password": "x"}
    )
    assert wrong.status_code == 400 and 'value="good"' in wrong.text
    logged = client.post(
        authorize,
        data={"csrf_token": session.csrf, "login": "good", "password": "pass"},
        follow_redirects=False,
    )
    assert logged.headers["location"] == session.url
    approve = session.get().headers["location"]
    assert approve == f"/bank/banque-lumiere/approve?session={session.id}"
    assert h1(client.get(approve)) == "Allow Demo Finance to read your accounts?"
    assert client.get(authorize, follow_redirects=False).headers["location"] == session.url
    allowed = client.post(approve, data={"csrf_token": session.csrf}, follow_redirects=False)
    assert allowed.headers["location"] == session.url
    assert h1(session.get()) == "Allow Demo Finance to access your accounts"
    assert query(session.consent().headers["location"])["status"] == "success"


@pytest.mark.parametrize("where", ["authorize", "approve"])
def test_cancelling_at_the_bank_sends_the_user_back_with_an_error(hosted, client, where):
    session = hosted()
    authorize = to_bank_login(session)
    if where == "approve":
        client.post(
            authorize, data={"csrf_token": session.csrf, "login": "good", "password": "pass"}
        )
    cancel = f"/bank/banque-lumiere/cancel?session={session.id}"
    assert client.post(cancel, data={"csrf_token": "x"}).status_code == 403
    response = client.post(cancel, data={"csrf_token": session.csrf}, follow_redirects=False)
    got = query(response.headers["location"])
    assert got["status"] == "error" and got["error"] == "cancelled_at_bank"
    assert got["state"] == "st-1"


def test_the_bank_pages_form_addresses_opened_with_get_change_nothing(hosted, client):
    at_login = hosted()
    authorize = to_bank_login(at_login)
    cancel = client.get(
        f"/bank/banque-lumiere/cancel?session={at_login.id}", follow_redirects=False
    )
    assert cancel.status_code == 303 and cancel.headers["location"] == at_login.url
    assert at_login.get().headers["location"] == authorize  # still at the bank's login
    waiting = hosted(user="u2")
    waiting.to_sca("polderbank")
    app_url = f"/bank/polderbank/app/{waiting.id}"
    for button in ("approve", "reject"):
        opened = client.get(f"{app_url}/{button}", follow_redirects=False)
        assert opened.status_code == 303 and opened.headers["location"] == app_url
    assert status(waiting)["status"] == "pending"
    assert h1(client.get(app_url)) == "Approve login for Demo Finance?"


def test_a_bank_page_for_another_bank_or_no_session_is_an_error_page(hosted, client):
    session = hosted()
    to_bank_login(session)
    assert client.get(f"/bank/cigale/authorize?session={session.id}").status_code == 404
    assert client.get("/bank/banque-lumiere/authorize").status_code == 404
    assert (
        client.get(
            f"/bank/banque-lumiere/approve?session={session.id}", follow_redirects=False
        ).status_code
        == 303
    )


# --- Leaving, multiple, management --------------------------------------------------------------


def test_cancel_mid_flow_returns_cancelled(hosted):
    session = hosted()
    session.get("/banks/rheinwert-bank")
    response = session.post("/cancel")
    got = query(response.headers["location"])
    assert got == {"status": "cancelled", "session_id": session.id, "state": "st-1"}


def test_multiple_lands_in_the_management_list_after_the_first_bank(hosted):
    session = hosted()
    entry = session.get(multiple="true")
    assert entry.status_code == 303 and entry.headers["location"] == session.url
    session.to_consent()
    assert session.consent().headers["location"] == session.url
    listing = session.get()
    assert h1(listing) == "Your connected banks" and "Rheinwert Bank" in listing.text
    assert f'href="{session.url}?addBankLogin=true"' in listing.text
    add = session.get(addBankLogin="true")
    assert add.headers["location"] == session.url
    assert h1(session.get()) == "Choose your bank"
    # Cancelling the second bank goes back to the list, not to the client.
    assert session.post("/cancel").headers["location"] == session.url
    assert h1(session.get()) == "Your connected banks"
    done = query(session.post("/leave").headers["location"])
    assert done["status"] == "success" and done["bank_login_ids"] == done["bank_login_id"]


def stored(session) -> tuple:
    """What a request may change about a session: its progress, options and use."""
    found = session.platform.flows.trace(session.id).session
    return found.progress, found.options, found.used_at


def test_leaving_is_a_posted_form_never_a_link(hosted):
    session = hosted()
    session.get(multiple="true")
    session.to_consent()
    session.consent()
    listing = session.get()
    assert f'<form method="post" action="{session.url}/leave"' in listing.text
    assert f'href="{session.url}/leave"' not in listing.text
    before = stored(session)
    for method in ("GET", "HEAD"):
        opened = session.client.request(method, session.url + "/leave", follow_redirects=False)
        assert opened.status_code == 303 and opened.headers["location"] == session.url
    assert session.post("/leave", csrf="forged").status_code == 403
    assert stored(session) == before and session.get().status_code == 200
    assert query(session.post("/leave").headers["location"])["status"] == "success"
    assert stored(session)[2] is not None  # used up: only now


@pytest.mark.parametrize(
    ("kind", "path", "params"),
    [
        ("connect", "/banks/rheinwert-bank", {}),
        ("connect", "/banks/nordlicht-sparbank", {}),
        ("connect", "", {"multiple": "true"}),
        ("management", "", {"addBankLogin": "true"}),
    ],
)
def test_a_get_that_moves_the_flow_is_idempotent(hosted, platform, tenant, kind, path, params):
    connected(platform, tenant, "u1", "polderbank")
    session = hosted(kind)
    assert session.get(path, **params).status_code == 303
    once = stored(session)
    head = session.client.head(session.url + path, params=params, follow_redirects=False)
    assert head.status_code == 303
    assert session.get(path, **params).status_code == 303
    assert stored(session) == once
    assert once[2] is None


def connected(platform, tenant, user: str, bank_id: str) -> int:
    login, _ = connections.connect_directly(
        platform.db, tenant, external_user_id=user, bank_id=bank_id, login="good"
    )
    return login.id


def test_management_renews_and_removes_bank_logins(hosted, platform, tenant):
    rheinwert = connected(platform, tenant, "u1", "rheinwert-bank")
    polder = connected(platform, tenant, "u1", "polderbank")
    tenant = advance(platform, tenant, days=181)
    session = hosted("management", on=tenant)
    listing = session.get()
    assert listing.text.count("Consent expired") == 2
    assert session.post(f"/manage/{rheinwert}/renew").headers["location"] == session.url
    credentials = session.get()
    assert 'value="good"' in credentials.text
    refused = session.post("/login", login="someone-else", password="pass")
    assert refused.status_code == 400 and "Renew with the login" in refused.text
    session.post("/login", login="good", password="pass")
    session.post("/sca/method", method="sms")
    session.post("/sca/otp", otp="123456")
    assert session.consent().headers["location"] == session.url
    assert session.get().text.count("Consent expired") == 1
    assert session.post(f"/manage/{polder}/delete").status_code == 303
    listing = session.get()
    assert "Polderbank" not in listing.text and "Rheinwert Bank" in listing.text
    got = query(session.post("/leave").headers["location"])
    assert got["status"] == "success" and got["bank_login_id"] == str(rheinwert)


def test_connecting_a_connected_login_again_offers_to_renew_it(hosted, platform, tenant):
    first = connected(platform, tenant, "u1", "rheinwert-bank")
    session = hosted()
    session.to_sca("rheinwert-bank")  # the login is typed and accepted: then the bank is known
    notice = session.get()
    assert notice.status_code == 200
    assert h1(notice) == "Rheinwert Bank is already connected"
    assert "Renew the connection" in notice.text and "list them twice" in notice.text
    assert f'action="{session.url}/manage/{first}/renew"' in notice.text
    assert session.post(f"/manage/{first}/renew").headers["location"] == session.url
    assert 'value="good"' in session.get().text  # the renewal's login, typed in again
    session.post("/login", login="good", password="pass")
    session.post("/sca/method", method="sms")
    session.post("/sca/otp", otp="123456")
    got = query(session.consent().headers["location"])
    assert got["status"] == "success" and got["bank_login_id"] == str(first)
    assert [login.id for login in bank_logins.list_bank_logins(platform.db, tenant)] == [first]


def test_the_already_connected_notice_lets_the_user_pick_another_bank(hosted, platform, tenant):
    connected(platform, tenant, "u1", "rheinwert-bank")
    session = hosted()
    session.to_sca("rheinwert-bank")
    assert session.get("/banks/polderbank").status_code == 303
    assert h1(session.get()) == "Which account do you want to connect?"
    got = query(session.post("/cancel").headers["location"])
    assert got["status"] == "cancelled"


def test_add_bank_login_skips_the_list(hosted, platform, tenant):
    connected(platform, tenant, "u1", "polderbank")
    session = hosted("management")
    assert h1(session.get()) == "Your connected banks"
    session.get(addBankLogin="true")
    assert h1(session.get()) == "Choose your bank"


@pytest.mark.parametrize("bank_login_id", ["abc", "0", "-1", "99999999999999999999999", "1.5", "٣"])
def test_a_bank_login_id_that_is_no_id_is_a_404_page(hosted, bank_login_id):
    session = hosted()
    session.get(multiple="true")
    session.to_consent()
    session.consent()
    assert session.post(f"/manage/{bank_login_id}/renew").status_code == 404
    assert session.post(f"/manage/{bank_login_id}/delete").status_code == 404


def test_a_management_session_only_reaches_its_own_users_bank_logins(
    hosted, platform, tenant, default_scenario
):
    other_tenant = tenants.create_tenant(
        platform.db, default_scenario, "default",
        tenants.TenantOptions(redirect_uris=[CALLBACK]),
    )  # fmt: skip
    theirs = connected(platform, other_tenant, "u1", "rheinwert-bank")
    neighbours = connected(platform, tenant, "u2", "rheinwert-bank")
    mine = connected(platform, tenant, "u1", "polderbank")
    session = hosted("management")
    listing = session.get()
    assert "Polderbank" in listing.text and "Rheinwert Bank" not in listing.text
    for foreign in (theirs, neighbours):
        assert session.post(f"/manage/{foreign}/delete").status_code == 404
        assert session.post(f"/manage/{foreign}/renew").status_code == 404
    assert session.post(f"/manage/{mine}/delete").status_code == 303


def test_a_redirect_uri_no_longer_registered_is_never_redirected_to(hosted, platform, tenant):
    session = hosted()
    with platform.db.begin() as conn:
        conn.execute(
            sa.update(tenant_table).where(tenant_table.c.id == tenant.id).values(redirect_uris=[])
        )
    response = session.post("/cancel")
    assert response.status_code == 409 and "location" not in response.headers
    assert "no longer registered" in response.text


# --- HTTP errors as pages -----------------------------------------------------------------------


def test_a_wrong_method_is_a_405_page(hosted):
    session = hosted()
    for method, path, allowed in [
        ("PUT", "/login", {"GET", "HEAD", "POST"}),
        ("POST", "", {"GET", "HEAD"}),
        ("DELETE", "/sca/status", {"GET", "HEAD"}),
    ]:
        response = session.client.request(method, session.url + path)
        assert response.status_code == 405
        assert response.headers["content-type"].startswith("text/html")
        assert set(response.headers["allow"].split(", ")) == allowed
        assert f"{method} is not allowed on this page." in response.text


def test_an_unknown_page_is_a_404_page(client):
    for url in ("/connect/x/y/z", "/bank/x", "/connect/x/login/y"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.headers["content-type"].startswith("text/html")


def test_a_path_with_a_line_break_is_still_an_html_page(client):
    for url in ("/connect/a%0Ab/account-type", "/bank/x%0Ay/cancel?session=1"):
        response = client.post(url, data={"csrf_token": "x"})
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")


# --- Any input, at any step: a page, never a server error ---------------------------------------

FIELDS = ["csrf_token", "login", "password", "otp", "method", "account_type", "accounts", "x"]
FUZZ_USERS = itertools.count()
text = st.text(st.characters(codec="utf-8"), max_size=30)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from([*POSTS, "", "/banks", "/banks/polderbank", "/sca/status"]),
            st.lists(st.tuples(st.sampled_from(FIELDS), text), max_size=4),
            st.booleans(),
        ),
        max_size=6,
    ),
    start=st.sampled_from(["bank", "credentials", "sca", "consent", "manage"]),
)
def test_any_form_at_any_step_is_answered_without_a_server_error(hosted, steps, start):
    session = hosted(user=f"fuzz-{next(FUZZ_USERS)}")  # each example connects anew
    if start == "credentials":
        session.get("/banks/rheinwert-bank")
    elif start == "sca":
        session.to_sca()
    elif start in ("consent", "manage"):
        session.get(multiple="true")
        session.to_consent()
        if start == "manage":
            session.consent()
    for path, fields, with_token in steps:
        data: dict[str, list[str]] = {}
        for key, value in [*fields, *([("csrf_token", session.csrf)] if with_token else [])]:
            data.setdefault(key, []).append(value)
        if path in POSTS:
            response = session.client.post(session.url + path, data=data, follow_redirects=False)
        else:
            response = session.client.get(session.url + path, params=fields, follow_redirects=False)
        assert response.status_code < 500, (path, data, response.text[:300])
        if response.status_code >= 400 and path != "/sca/status":
            assert response.headers["content-type"].startswith("text/html")
