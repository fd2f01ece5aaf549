"""Page steps the connect-flow browser tests share: each checks where the browser is, saves a
screenshot of the page, and does what a user would there."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

Shot = Callable[[Page, str], object]


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def pick_bank(page: Page, shot: Shot, name: str) -> None:
    expect(heading(page)).to_have_text("Choose your bank")
    shot(page, "banks")
    page.get_by_role("link", name=name).click()


def pick_account_type(page: Page, shot: Shot, label: str) -> None:
    expect(heading(page)).to_have_text("Which account do you want to connect?")
    shot(page, "account-type")
    page.get_by_label(label).check()
    page.get_by_role("button", name="Continue").click()


def log_in(page: Page, shot: Shot, login: str = "good", password: str = "pass") -> None:
    expect(heading(page)).to_have_text("Log in to your bank")
    shot(page, "credentials")
    page.locator("#login").fill(login)
    page.locator("#password").fill(password)
    page.get_by_role("button", name="Log in securely").click()


def log_in_wrongly(page: Page, shot: Shot) -> None:
    """A wrong password: the login form comes back with the bank's refusal (a 400, which the
    test must allow as a console error)."""
    log_in(page, shot, password="not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("did not recognise this login")


def pass_embedded_sca(
    page: Page, shot: Shot, code: str = "123456", method: str | None = None
) -> None:
    """The code page; first the method choice when the persona has several methods with a
    code (`method` names the one to pick). A push is never offered here."""
    if method is not None:
        expect(heading(page)).to_have_text("How do you want to confirm it's you?")
        shot(page, "sca-method")
        page.get_by_label(method).check()
        page.get_by_role("button", name="Continue").click()
    expect(heading(page)).to_have_text("Enter your code")
    shot(page, "sca-otp")
    page.get_by_label("One-time code").fill(code)
    page.get_by_role("button", name="Confirm").click()


def allow(page: Page, shot: Shot, name: str = "consent") -> None:
    expect(heading(page)).to_have_text("Allow Demo Finance to access your accounts")
    shot(page, name)
    page.get_by_role("button", name="Allow", exact=True).click()


def open_bank_app(page: Page, shot: Shot) -> Page:
    expect(heading(page)).to_have_text("Approve in your Nordlicht Sparbank app")
    shot(page, "sca-wait")
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Open the bank app").click()
    app = opened.value
    expect(heading(app)).to_have_text("Approve login for Demo Finance?")
    shot(app, "bank-app")
    return app
