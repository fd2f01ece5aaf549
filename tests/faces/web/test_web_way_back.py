"""Error pages of the hosted UI and the bank pages keep the look of the tenant whose session the
URL names, even once that session is over, and each has a way on that works: the test follows
it. Back to the flow's current step while the session may be used, back to the client with
`status=error` once it is over, to the start page when no session is known."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

import pytest
from hosted_ui import CALLBACK, Hosted, advance, h1, query

from sandbox.domain import bank_logins, connections, history
from sandbox.store.schema import tenants as tenant_table

DEMO = "Demo Finance"
SANDBOX = "bank-sandbox"


def brand_name(response) -> str:
    found = re.search(r'class="brand-name">([^<]*)<', response.text)
    assert found, response.text[:500]
    return unescape(found.group(1))


def way_on(response) -> str:
    """The href of the error card's one button link."""
    links = re.findall(r'<a class="button[^"]*" href="([^"]+)"', response.text)
    assert len(links) == 1, response.text
    return unescape(links[0])


def follow(client, url: str):
    """The page a link leads to, through its redirects, as a browser would."""
    return client.get(url, follow_redirects=True)


# --- A session that may still be used: back to where the flow is --------------------------------

Request = Callable[[Hosted], object]

WHILE_USABLE: dict[str, tuple[int, Request]] = {
    "no such page": (404, lambda s: s.get("/no/such/page")),
    "no such bank": (404, lambda s: s.get("/banks/no-such-bank")),
    "wrong method": (405, lambda s: s.client.put(s.url + "/login")),
    "forged form": (403, lambda s: s.post("/cancel", csrf="forged")),
    "bad choice": (400, lambda s: s.post("/account-type", account_type="pension")),
    "another bank's page": (
        404,
        lambda s: s.client.get(f"/bank/cigale/authorize?session={s.id}"),
    ),
    "no such bank page": (404, lambda s: s.client.get(f"/bank/cigale/nowhere?session={s.id}")),
    "bank app before the login": (404, lambda s: s.client.get(f"/bank/polderbank/app/{s.id}")),
    "no such bank app page": (
        404,
        lambda s: s.client.get(f"/bank/polderbank/app/{s.id}/nowhere"),
    ),
}


@pytest.mark.parametrize("case", WHILE_USABLE)
def test_an_error_in_a_usable_session_wears_the_tenants_brand_and_leads_back_to_the_step(
    hosted, case
):
    session = hosted()
    session.get("/banks/nordlicht-sparbank")  # at the account-type choice
    status, make = WHILE_USABLE[case]
    response = make(session)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert brand_name(response) == DEMO
    assert f"{h1(response)} · {DEMO}" in response.text  # the tab's title too
    assert way_on(response) == session.url
    back = follow(session.client, way_on(response))
    assert back.status_code == 200
    assert h1(back) == "Which account do you want to connect?"


def test_when_the_steps_own_page_fails_the_way_on_is_the_flows_cancel(client, platform, tenant):
    """A link back to the step would show this same error again: the page offers the posted
    cancel instead, which ends at the client."""
    login, _ = connections.connect_directly(
        platform.db, tenant, external_user_id="u1", bank_id="banque-lumiere", login="good"
    )
    made = history.create_history_session(
        platform.db, tenant, bank_login_id=login.id, days=1460, redirect_uri=CALLBACK,
        state="st-1",
    )  # fmt: skip
    session = Hosted(client, platform, tenant, made)
    approve = session.get().headers["location"]
    session.client.post(approve, data={"csrf_token": session.csrf})
    assert h1(session.get()) == "Share 1460 days of history with Demo Finance"
    bank_logins.delete_bank_login(platform.db, tenant, login.id)
    failed = session.get()
    assert failed.status_code == 404 and brand_name(failed) == DEMO
    assert f'href="{session.url}"' not in failed.text
    assert f'<form method="post" action="{session.url}/cancel"' in failed.text
    assert f'name="csrf_token" value="{session.csrf}"' in failed.text
    back = session.post("/cancel")
    assert back.status_code == 303
    assert query(back.headers["location"]) == {
        "status": "cancelled",
        "session_id": session.id,
        "state": "st-1",
    }


# --- A session that is over: back to the client, told why ---------------------------------------


def used(session: Hosted) -> None:
    session.to_consent()
    assert session.consent().status_code == 303


def expired(session: Hosted) -> None:
    advance(session.platform, session.tenant, minutes=15)


OVER = {"used": (used, "session_used"), "expired": (expired, "session_expired")}
ON_AN_OVER_SESSION: dict[str, tuple[int, Request]] = {
    "its page": (410, lambda s: s.get()),
    "a form": (410, lambda s: s.post("/cancel")),
    "a form opened with GET": (410, lambda s: s.get("/login")),
    "no such page": (404, lambda s: s.get("/no/such/page")),
    "wrong method": (405, lambda s: s.client.put(s.url + "/login")),
    "a bank page": (410, lambda s: s.client.get(f"/bank/cigale/authorize?session={s.id}")),
}


@pytest.mark.parametrize("over", OVER)
@pytest.mark.parametrize("case", ON_AN_OVER_SESSION)
def test_an_error_in_a_session_that_is_over_wears_the_brand_and_leads_to_the_client(
    hosted, over, case
):
    session = hosted()
    end, error = OVER[over]
    end(session)
    status, make = ON_AN_OVER_SESSION[case]
    response = make(session)
    assert response.status_code == status
    assert brand_name(response) == DEMO
    assert f"Return to {DEMO}" in response.text
    back = way_on(response)
    assert back.startswith(CALLBACK + "?")
    got = query(back)
    assert (got["status"], got["error"], got["state"]) == ("error", error, "st-1")
    assert set(got) == {"status", "error", "error_description", "state"}
    assert got["error_description"]


def test_a_session_over_whose_redirect_uri_is_gone_leads_to_the_start_page(
    hosted, platform, tenant
):
    session = hosted()
    expired(session)
    with platform.db.begin() as conn:
        conn.execute(
            tenant_table.update().where(tenant_table.c.id == tenant.id).values(redirect_uris=[])
        )
    response = session.get()
    assert response.status_code == 410 and brand_name(response) == DEMO
    assert CALLBACK not in response.text
    assert way_on(response) == "/connect/"


# --- No session known: the sandbox's own look and its start page ------------------------------


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/connect/not-a-session", 404),
        ("/connect/not-a-session/login", 404),
        ("/connect/not-a-session/no/such/page", 404),
        ("/bank/cigale/authorize", 404),
        ("/bank/cigale/authorize?session=not-a-session", 404),
        ("/bank/cigale/app/not-a-session", 404),
        ("/bank/x", 404),
        ("/static/nope.js", 404),
    ],
)
def test_an_error_with_no_known_session_leads_to_the_start_page(client, url, status):
    response = follow(client, url)
    assert response.status_code == status
    assert brand_name(response) == SANDBOX
    assert way_on(response) == "/connect/"
    start = follow(client, way_on(response))
    assert start.status_code == 200 and h1(start) == "Connect a bank account"
    assert brand_name(start) == SANDBOX


def test_an_error_page_whose_session_cannot_be_looked_up_still_answers(
    hosted, platform, monkeypatch
):
    session = hosted()

    def broken(session_id):
        raise RuntimeError("the lookup failed too")

    monkeypatch.setattr(platform.flows, "trace", broken)
    response = session.get("/no/such/page")
    assert response.status_code == 404 and brand_name(response) == SANDBOX
    assert way_on(response) == "/connect/"


def test_the_start_page_says_where_a_connection_starts(client):
    start = follow(client, "/connect")
    assert start.status_code == 200 and str(start.url).endswith("/connect/")
    assert "POST /api/v1/connect-sessions" in start.text
    spec = re.search(r'href="([^"]+)">openapi.yaml<', start.text)
    assert spec and client.get(spec.group(1)).status_code == 200
