"""Powens' webview in a real browser, as an integration written for Powens uses it: its backend
calls the Powens API over HTTP (`/auth/init`, `/auth/token/code`), the browser opens the webview
URL, goes through the hosted pages and lands on the redirect URI with Powens' callback. Connect
at an embedded bank, reconnect after the 180-day consent ran out, and manage (remove a
connection). Every page is saved as test-output/screenshots/<test>-<step>.png.
"""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
from connect_steps import allow, heading, log_in, pass_embedded_sca, pick_bank
from playwright.sync_api import Page, expect

CALLBACK = "http://127.0.0.1:3000/callback"


class PowensBackend:
    """What the integrator's server does over HTTP, with one domain's Powens keys."""

    def __init__(self, live, tenant_id: str) -> None:
        self.url = live.url
        control = httpx.get(f"{live.url}/_sandbox/tenants/{tenant_id}")
        assert control.status_code == 200, control.text
        self.keys = control.json()["powens"]
        self.native = {"Authorization": f"Bearer {control.json()['api_key']}"}
        self.tenant_id = tenant_id
        self.api = f"{live.url}/powens/{self.keys['domain']}/2.0"

    def new_user(self) -> tuple[str, int]:
        keys = {key: self.keys[key] for key in ("client_id", "client_secret")}
        made = httpx.post(f"{self.api}/auth/init", json=keys).json()
        return made["auth_token"], made["id_user"]

    def code(self, token: str) -> str:
        answer = httpx.get(
            f"{self.api}/auth/token/code",
            params={"type": "singleAccess"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 200, answer.text
        return answer.json()["code"]

    def exchange(self, code: str) -> str:
        body = {key: self.keys[key] for key in ("client_id", "client_secret")}
        answer = httpx.post(f"{self.api}/auth/token/access", json={**body, "code": code})
        assert answer.status_code == 200, answer.text
        return answer.json()["access_token"]

    def webview(self, flow: str, **params: str) -> str:
        given = {"domain": f"{self.keys['domain']}.biapi.pro", "client_id": self.keys["client_id"]}
        given |= {"redirect_uri": CALLBACK, **params}
        return f"{self.url}/powens/webview/en/{flow}?{urlencode(given)}"

    def connection(self, user_id: int, bank_id: str) -> int:
        """A connection made without the webview (the control API), to reconnect or manage."""
        body = {"user_id": str(user_id), "bank_id": bank_id, "login": "good"}
        made = httpx.post(f"{self.url}/_sandbox/tenants/{self.tenant_id}/bank-logins", json=body)
        assert made.status_code == 201, made.text
        return made.json()["id"]

    def states(self, user_id: int) -> dict[int, str]:
        """The connections' states, as the native API shows the same bank logins."""
        native = httpx.get(f"{self.url}/api/v1/users/{user_id}/bank-logins", headers=self.native)
        assert native.status_code == 200, native.text
        return {login["id"]: login["state"] for login in native.json()["bank_logins"]}


def test_webview_connect_at_an_embedded_bank_for_a_new_user(
    live, page: Page, screenshot, callback
) -> None:
    backend = PowensBackend(live, "demo")
    page.goto(backend.webview("connect", state="st-wv"))  # no code: the webview makes the user
    pick_bank(page, screenshot, "Rheinwert Bank")
    log_in(page, screenshot)
    pass_embedded_sca(page, screenshot)
    allow(page, screenshot)
    query = callback()
    screenshot(page, "callback")
    assert set(query) == {"connection_id", "code", "state"} and query["state"] == "st-wv"
    token = backend.exchange(query["code"])
    me = httpx.get(f"{backend.api}/users/me", headers={"Authorization": f"Bearer {token}"})
    assert backend.states(me.json()["id"]) == {int(query["connection_id"]): "connected"}


def test_webview_reconnect_after_181_days(live, page: Page, screenshot, callback) -> None:
    tenant = live.new_tenant()  # its own clock
    backend = PowensBackend(live, tenant.id)
    token, user_id = backend.new_user()
    connection_id = backend.connection(user_id, "rheinwert-bank")
    moved = httpx.post(f"{live.url}/_sandbox/tenants/{tenant.id}/clock", json={"advance": "P181D"})
    assert moved.status_code == 200, moved.text
    assert backend.states(user_id) == {connection_id: "sca_required"}
    page.goto(
        backend.webview(
            "reconnect",
            code=backend.code(token),
            connection_id=str(connection_id),
            state="st-reconnect",
        )
    )
    expect(page.locator("#login")).to_have_value("good")  # the connection's login, filled in
    log_in(page, screenshot)
    pass_embedded_sca(page, screenshot)
    allow(page, screenshot)
    assert callback() == {"state": "st-reconnect"}
    screenshot(page, "callback")
    assert backend.states(user_id) == {connection_id: "connected"}


def test_webview_manage_removes_a_connection(live, page: Page, screenshot, callback) -> None:
    backend = PowensBackend(live, "demo")
    token, user_id = backend.new_user()
    kept = backend.connection(user_id, "rheinwert-bank")
    removed = backend.connection(user_id, "polderbank")
    page.goto(backend.webview("manage", code=backend.code(token), state="st-manage"))
    expect(heading(page)).to_have_text("Your connected banks")
    screenshot(page, "manage")
    polderbank = page.locator(".login-card", has_text="Polderbank")
    polderbank.get_by_role("button", name="Remove").click()
    polderbank.get_by_role("button", name="Yes, remove").click()
    expect(page.locator(".login-card")).to_have_count(1)
    screenshot(page, "manage-removed")
    page.get_by_role("button", name="Done").click()
    query = callback()
    screenshot(page, "callback")
    assert query == {
        "connection_id": str(removed),
        "connection_deleted": "true",
        "state": "st-manage",
    }
    assert backend.states(user_id) == {kept: "connected"}
