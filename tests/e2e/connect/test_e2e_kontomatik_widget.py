"""Kontomatik's SignIn Widget in a real browser, embedded as an integrator embeds it: a shop's
page on another origin (a second port) loads the sandbox's `signin-widget.js` and calls
`embedKontomatik`; the user signs in inside the iframe, with embedded SCA at Rheinwert Bank and
with the Nordlicht Sparbank app; the shop's callbacks get the session, which its backend then
uses over the API: the default import, polled to `successful`, and the owner's data. A message from any other window or origin is ignored."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pytest
import uvicorn
from connect_steps import allow, heading, log_in, pass_embedded_sca, pick_account_type, pick_bank
from defusedxml import ElementTree
from playwright.sync_api import FrameLocator, Page, expect
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from sandbox.clock import monotonic
from sandbox.testing.server import free_port

API_KEY = {"X-Api-Key": "demo-kontomatik-api-key-0001"}  # the demo tenant's (scenario)

SHOP_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shop</title></head>
<body><h1>Shop checkout</h1>
<div id="kontomatik"></div>
<iframe id="rogue" title="rogue" src="{rogue}" width="10" height="10"></iframe>
<script src="{sandbox}/kontomatik/assets/signin-widget.js"></script>
<script src="/shop.js"></script>
</body></html>"""

# The shop's own script: every callback and what it received, in order, in `window.calls`;
# every message the page heard at all in `window.heard`.
SHOP_SCRIPT = """
window.calls = [];
window.heard = [];
window.addEventListener("message", function (event) {
  window.heard.push({origin: event.origin, data: event.data});
});
const given = Object.fromEntries(new URLSearchParams(window.location.search));
// `service`: Kontomatik's override of the iframe's URL; `alias`: the deprecated name.
if (given.service) { window.internal_kx_service_url = given.service; }
const embed = given.alias ? embedKontox : embedKontomatik;
delete given.service;
delete given.alias;
function record(name) {
  return function () { window.calls.push([name].concat(Array.from(arguments))); };
}
embed(Object.assign({
  client: "demo-test",
  divId: "kontomatik",
  country: "all",
  locale: "en",
  onSuccess: record("onSuccess"),
  onError: record("onError"),
  onUnsupportedTarget: record("onUnsupportedTarget"),
  onInitialized: record("onInitialized"),
  onStarted: record("onStarted"),
  onTargetSelected: record("onTargetSelected"),
  onCredentialEntered: record("onCredentialEntered"),
}, given));
"""

# A frame of a third origin that pretends to be the widget's iframe.
ROGUE_PAGE = """<!doctype html><html lang="en"><head><title>rogue</title></head><body>
<script src="/rogue.js"></script></body></html>"""
ROGUE_SCRIPT = """
window.parent.postMessage({kontomatik: {target: "FakeBank", sessionId: "0000000000",
  sessionIdSignature: "f".repeat(64), options: {}}}, "*");
window.parent.postMessage({kontomatik: {event: "started"}}, "*");
"""


class Shop:
    """The integrator's site on its own origins: `http://127.0.0.1:{port}` embeds the widget,
    `http://localhost:{port}` (another origin, same server) serves the rogue frame."""

    def __init__(self, sandbox: str) -> None:
        self.sandbox = sandbox
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.rogue_origin = f"http://localhost:{self.port}"
        self.app = Starlette(
            routes=[
                Route("/shop", self.page),
                Route("/shop.js", self.script(SHOP_SCRIPT)),
                Route("/rogue", lambda request: HTMLResponse(ROGUE_PAGE)),
                Route("/rogue.js", self.script(ROGUE_SCRIPT)),
            ]
        )

    async def page(self, request: Request) -> Response:
        rogue = f"{self.rogue_origin}/rogue"
        return HTMLResponse(SHOP_PAGE.format(sandbox=self.sandbox, rogue=rogue))

    @staticmethod
    def script(text: str):
        async def serve(request: Request) -> Response:
            return Response(text, media_type="text/javascript")

        return serve

    def url(self, **options: str) -> str:
        return f"{self.origin}/shop?{urlencode(options)}"


@pytest.fixture(scope="module")
def shop(live) -> Iterator[Shop]:
    shop = Shop(live.url)
    server = uvicorn.Server(
        uvicorn.Config(shop.app, host="127.0.0.1", port=shop.port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = monotonic() + 10
    while not server.started:
        assert monotonic() < deadline, "the shop did not start"
        threading.Event().wait(0.02)
    yield shop
    server.should_exit = True
    thread.join(timeout=5)


def widget(page: Page) -> FrameLocator:
    return page.frame_locator("#kontomatik iframe")


def calls(page: Page) -> list[list]:
    return page.evaluate("window.calls")


def succeeded(page: Page) -> list:
    """The arguments onSuccess was called with, once it was."""
    page.wait_for_function("window.calls.some((call) => call[0] === 'onSuccess')")
    [success] = [call[1:] for call in calls(page) if call[0] == "onSuccess"]
    return success


def shot_of(page: Page, screenshot):
    """The connect steps' screenshot, of the shop's whole page (the widget in it)."""
    return lambda _frame, name: screenshot(page, name)


def owner_accounts(live, owner: str) -> list[str]:
    """The IBANs `data.xml` has for the owner, as the shop's backend reads them."""
    answer = httpx.get(
        f"{live.url}/kontomatik/v1/data.xml", params={"ownerExternalId": owner}, headers=API_KEY
    )
    assert answer.status_code == 200, answer.text
    return [element.text for element in ElementTree.fromstring(answer.content).iter("iban")]


def default_import(live, session_id: str, signature: str) -> str:
    """What the shop's backend does with onSuccess's values: start the default import, poll it
    (each poll of an unfinished one moves it on) until it ends; its final state."""
    started = httpx.post(
        f"{live.url}/kontomatik/v1/command/default-import.xml",
        data={"sessionId": session_id, "sessionIdSignature": signature},
        headers=API_KEY,
    )
    assert started.status_code == 202, started.text
    command = ElementTree.fromstring(started.content).find("command")
    assert command is not None and command.get("state") == "setup"
    states = []
    for _ in range(20):
        polled = httpx.get(
            f"{live.url}/kontomatik/v1/command/{command.get('id')}.xml", headers=API_KEY
        )
        assert polled.status_code == 200, polled.text
        state = ElementTree.fromstring(polled.content).find("command").get("state")
        states.append(state)
        if state not in ("setup", "in_progress"):
            break
    assert "in_progress" in states, states
    return states[-1]


def check_session(live, success: list, target: str, official_name: str, owner: str) -> None:
    got_target, session_id, signature, options = success
    assert got_target == target
    assert re.fullmatch(r"\d{10}", session_id) and re.fullmatch(r"[0-9a-f]{64}", signature)
    assert options == {"officialName": official_name, "ownerExternalId": owner}
    held = live.platform.bank_sessions.resolve(live.demo, session_id, signature)
    assert held.external_user_id == owner


def test_the_widget_signs_in_with_embedded_sca_and_the_session_reaches_the_api(
    live, shop: Shop, page: Page, screenshot
) -> None:
    owner = live.user()
    page.goto(shop.url(ownerExternalId=owner))
    frame, shot = widget(page), shot_of(page, screenshot)
    pick_bank(frame, shot, "Rheinwert Bank")
    log_in(frame, shot)
    pass_embedded_sca(frame, shot)
    allow(frame, shot)
    expect(heading(frame)).to_have_text("You are signed in")
    success = succeeded(page)
    screenshot(page, "signed-in")
    check_session(live, success, "RheinwertBankApi_de", "Rheinwert Bank", owner)
    names = [call[0] for call in calls(page)]
    assert names == [
        "onInitialized",
        "onStarted",
        "onTargetSelected",
        "onCredentialEntered",
        "onSuccess",
    ]
    assert ["onTargetSelected", "RheinwertBankApi_de", "Rheinwert Bank"] in calls(page)
    assert default_import(live, success[1], success[2]) == "successful"
    assert owner_accounts(live, owner), "data.xml has no account for the owner"


def test_the_widget_signs_in_with_the_bank_app_of_a_decoupled_bank(
    live, shop: Shop, page: Page, screenshot
) -> None:
    owner = live.user()
    page.goto(shop.url(ownerExternalId=owner, target="NordlichtSparbankApi_de"))
    frame, shot = widget(page), shot_of(page, screenshot)
    pick_account_type(frame, shot, "Checking account")  # the target chose the bank
    log_in(frame, shot)
    expect(heading(frame)).to_have_text("Approve in your Nordlicht Sparbank app")
    screenshot(page, "sca-wait")
    with page.context.expect_page() as opened:
        frame.get_by_role("link", name="Open the bank app").click()
    app = opened.value
    expect(heading(app)).to_have_text("Approve login for Demo Finance?")
    app.get_by_role("button", name="Approve").click()
    expect(heading(app)).to_have_text("Approved")
    app.close()
    allow(frame, shot)  # the waiting page moved on by itself
    success = succeeded(page)
    screenshot(page, "signed-in")
    check_session(live, success, "NordlichtSparbankApi_de", "Nordlicht Sparbank", owner)
    assert default_import(live, success[1], success[2]) == "successful"
    assert owner_accounts(live, owner)


def test_a_message_from_another_window_or_origin_is_ignored(
    live, shop: Shop, page: Page, screenshot
) -> None:
    page.goto(shop.url())
    expect(heading(widget(page))).to_have_text("Choose your bank")
    # The rogue frame's messages arrived at the page, and the widget called nothing for them.
    page.wait_for_function(
        f"window.heard.filter((m) => m.origin === {shop.rogue_origin!r}).length === 2"
    )
    page.evaluate(
        "window.postMessage({kontomatik: {target: 'Self', sessionId: '1', "
        "sessionIdSignature: 'x', options: {}}}, '*')"
    )
    page.wait_for_function("window.heard.some((m) => m.data.kontomatik.target === 'Self')")
    page.wait_for_function("window.calls.some((call) => call[0] === 'onStarted')")
    names = [call[0] for call in calls(page)]
    assert names == ["onInitialized", "onStarted"], names
    screenshot(page, "bank-list")


def test_an_unknown_target_calls_on_unsupported_target(live, shop: Shop, page: Page) -> None:
    page.goto(shop.url(target="PkoApi", country="pl"))
    page.wait_for_function("window.calls.length > 0")
    assert calls(page) == [["onUnsupportedTarget", "PkoApi", "pl", None]]


def test_cancelling_calls_on_error(live, shop: Shop, page: Page) -> None:
    page.goto(shop.url(ownerExternalId="cancel-owner"))
    widget(page).get_by_role("button", name="Cancel").click()
    page.wait_for_function("window.calls.some((call) => call[0] === 'onError')")
    [error] = [call[1:] for call in calls(page) if call[0] == "onError"]
    assert error == ["Cancelled", {"ownerExternalId": "cancel-owner"}]


def test_the_demo_page_shows_each_callback_and_the_commands_to_run_next(
    live, page: Page, screenshot
) -> None:
    page.goto(f"{live.url}/kontomatik/demo")
    frame, shot = widget(page), shot_of(page, screenshot)
    pick_bank(frame, shot, "Rheinwert Bank")
    log_in(frame, shot)
    pass_embedded_sca(frame, shot)
    allow(frame, shot)
    success = page.locator("[data-callback=onSuccess]")
    expect(success).to_contain_text('"RheinwertBankApi_de"')
    expect(page.locator("[data-callback]")).to_have_count(5)
    commands = page.locator("[data-demo-curl]")
    expect(commands).to_contain_text("/kontomatik/v1/command/default-import.xml")
    session_id = re.search(r'"(\d{10})"', success.inner_text())
    assert session_id and session_id[1] in commands.inner_text()
    assert "X-Api-Key: demo-kontomatik-api-key-0001" in commands.inner_text()
    screenshot(page, "demo")


def test_the_deprecated_name_and_the_service_url_override_work(
    live, shop: Shop, page: Page
) -> None:
    service = f"{live.url}/kontomatik/signin?showFavicons=true&"
    page.goto(shop.url(alias="1", service=service, country="pl"))
    expect(heading(widget(page))).to_have_text("Choose your bank")
    src = page.locator("#kontomatik iframe").get_attribute("src")
    assert src is not None and src.startswith(service + "client=demo-test&country=pl")
    assert f"origin={shop.origin}".replace(":", "%3A").replace("/", "%2F") in src
    page.wait_for_function("window.calls.some((call) => call[0] === 'onStarted')")
