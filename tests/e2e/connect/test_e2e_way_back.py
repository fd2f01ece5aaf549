"""What a person sees in the browser when a page of the flow is reloaded or goes wrong: the
address bar of a refused form reloads into the step the flow is at, and every error page keeps
the look of the app that sent them and has a button that leads somewhere that works.
Every page passed is saved as test-output/screenshots/<test>-<step>.png.
"""

from __future__ import annotations

import pytest
from connect_steps import heading, log_in, log_in_wrongly, pass_embedded_sca, pick_bank
from playwright.sync_api import Page, expect

DEMO = ("Demo Finance", "rgb(91, 60, 196)")  # its name and its colour #5b3cc4
SANDBOX = ("bank-sandbox", "rgb(31, 111, 235)")  # #1f6feb


def brand(page: Page) -> tuple[str, str]:
    """The name and colour of the top bar's brand."""
    mark = page.locator(".brand-mark")
    colour = mark.evaluate("element => getComputedStyle(element).backgroundColor")
    return page.locator(".brand-name").inner_text(), colour


def take_the_way_on(page: Page, shot, title: str, look: tuple[str, str], way_on: str) -> None:
    """An error page: its heading and the look it wears, saved, then its way on clicked."""
    expect(heading(page)).to_have_text(title)
    assert brand(page) == look
    shot(page, "error")
    page.get_by_role("link", name=way_on).click()


def at_rheinwert_login(live, page: Page, shot) -> str:
    """A new session's entry URL, with the browser at Rheinwert Bank's login form."""
    entry = live.session()
    page.goto(entry)
    pick_bank(page, shot, "Rheinwert Bank")
    expect(heading(page)).to_have_text("Log in to your bank")
    return entry


@pytest.mark.allow_console_error(r"status of 400")  # a refused form comes back with 400
def test_reloading_the_address_of_a_refused_form_shows_the_step_again(
    live, page: Page, screenshot
) -> None:
    entry = at_rheinwert_login(live, page, screenshot)
    log_in_wrongly(page, screenshot)
    assert page.url == f"{entry}/login"
    page.goto(page.url)  # the address bar's Enter: a GET of the form's address
    expect(heading(page)).to_have_text("Log in to your bank")
    expect(page.get_by_role("alert")).to_have_count(0)
    assert page.url == entry
    screenshot(page, "credentials-reloaded")
    log_in(page, screenshot)
    pass_embedded_sca(page, screenshot, code="000000")
    expect(page.get_by_role("alert")).to_have_text("That code is not right.")
    assert page.url == f"{entry}/sca/otp"
    page.goto(page.url)
    expect(heading(page)).to_have_text("Enter your code")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.locator("#otp-attempts")).to_have_text("2 attempts left")
    assert page.url == entry
    screenshot(page, "otp-reloaded")


@pytest.mark.allow_console_error(r"status of 404")
def test_a_wrong_address_in_a_flow_keeps_the_apps_look_and_leads_back_to_the_step(
    live, page: Page, screenshot
) -> None:
    entry = at_rheinwert_login(live, page, screenshot)
    page.goto(f"{entry}/no-such-page")
    take_the_way_on(page, screenshot, "Page not found", DEMO, "Back to where you were")
    expect(heading(page)).to_have_text("Log in to your bank")
    assert page.url == entry


@pytest.mark.allow_console_error(r"status of 410")
def test_an_expired_link_keeps_the_apps_look_and_returns_to_the_app(
    live, page: Page, screenshot, callback
) -> None:
    tenant = live.new_tenant()
    page.goto(live.session(tenant=tenant))
    expect(heading(page)).to_have_text("Choose your bank")
    live.advance(tenant, minutes=16)
    page.reload()
    expect(page.get_by_text("This link has expired.")).to_be_visible()
    take_the_way_on(
        page, screenshot, "This link is no longer valid", DEMO, "Return to Demo Finance"
    )
    query = callback()
    assert query["status"] == "error" and query["error"] == "session_expired"
    assert query["state"] == "st-e2e"


@pytest.mark.allow_console_error(r"status of 404")
def test_an_unknown_link_leads_to_the_start_page(live, page: Page, screenshot) -> None:
    page.goto(f"{live.url}/connect/not-a-session")
    take_the_way_on(page, screenshot, "This link is not valid", SANDBOX, "Go to the start page")
    expect(heading(page)).to_have_text("Connect a bank account")
    screenshot(page, "start")
