"""The hosted connect flow in a real browser, as a user goes through it: pick a bank, log in,
pass SCA the way the bank wants it (embedded, decoupled in the bank's app, redirected to the
bank's page), consent, and land back at the client with the result in the URL's query.
Every page the flow passes is saved as test-output/screenshots/<test>-<step>.png.
"""

from __future__ import annotations

import pytest
from connect_steps import (
    Shot,
    allow,
    heading,
    log_in,
    log_in_wrongly,
    open_bank_app,
    pass_embedded_sca,
    pick_account_type,
    pick_bank,
)
from playwright.sync_api import Page, expect

from sandbox.domain import connections


def arrived_successfully(page: Page, shot: Shot, callback, entry: str) -> dict[str, str]:
    query = callback()
    shot(page, "callback")
    assert query["status"] == "success"
    assert query["session_id"] == entry.rsplit("/", 1)[1]
    assert query["bank_login_id"].isdigit()
    assert query["state"] == "st-e2e"
    return query


def test_embedded_sca_at_rheinwert_bank(live, page: Page, screenshot, callback) -> None:
    entry = live.session()
    page.goto(entry)
    pick_bank(page, screenshot, "Rheinwert Bank")
    log_in(page, screenshot, login="mia.schulz")  # two methods with a code: she picks one
    pass_embedded_sca(page, screenshot, method="Rheinwert TAN-App")
    allow(page, screenshot)
    arrived_successfully(page, screenshot, callback, entry)


def test_a_bank_chosen_by_the_client_skips_the_bank_list(
    live, page: Page, screenshot, callback
) -> None:
    entry = live.session(bank_id="rheinwert-bank")
    page.goto(entry)
    log_in(page, screenshot)
    pass_embedded_sca(page, screenshot)
    allow(page, screenshot)
    arrived_successfully(page, screenshot, callback, entry)


@pytest.mark.allow_console_error(r"status of 400")  # a refused form comes back with 400
def test_a_wrong_password_then_a_wrong_code_can_be_retried(
    live, page: Page, screenshot, callback
) -> None:
    entry = live.session()
    page.goto(entry)
    pick_bank(page, screenshot, "Rheinwert Bank")
    log_in_wrongly(page, screenshot)
    screenshot(page, "credentials-error")
    page.locator("#password").fill("pass")
    page.get_by_role("button", name="Log in securely").click()
    pass_embedded_sca(page, screenshot, code="000000")
    expect(page.get_by_role("alert")).to_have_text("That code is not right.")
    expect(page.locator("#otp-attempts")).to_have_text("2 attempts left")
    screenshot(page, "sca-otp-error")
    page.get_by_label("One-time code").fill("123456")
    page.get_by_role("button", name="Confirm").click()
    allow(page, screenshot)
    arrived_successfully(page, screenshot, callback, entry)


def test_decoupled_sca_at_nordlicht_approved_in_the_bank_app(
    live, page: Page, screenshot, callback
) -> None:
    entry = live.session()
    page.goto(entry)
    pick_bank(page, screenshot, "Nordlicht Sparbank")
    pick_account_type(page, screenshot, "Checking account")
    log_in(page, screenshot)
    app = open_bank_app(page, screenshot)
    app.get_by_role("button", name="Approve").click()
    expect(heading(app)).to_have_text("Approved")
    screenshot(app, "bank-app-approved")
    app.close()
    # The waiting page polls and moves on by itself.
    allow(page, screenshot)
    arrived_successfully(page, screenshot, callback, entry)


def test_decoupled_sca_rejected_in_the_bank_app(live, page: Page, screenshot, callback) -> None:
    entry = live.session()
    page.goto(entry)
    pick_bank(page, screenshot, "Nordlicht Sparbank")
    pick_account_type(page, screenshot, "Checking account")
    log_in(page, screenshot)
    app = open_bank_app(page, screenshot)
    app.get_by_role("button", name="Reject").click()
    expect(heading(app)).to_have_text("Rejected")
    screenshot(app, "bank-app-rejected")
    app.close()
    expect(heading(page)).to_have_text("Nordlicht Sparbank could not be connected")
    expect(page.get_by_text("The authentication was rejected at the bank.")).to_be_visible()
    screenshot(page, "failed")
    page.get_by_role("button", name="Return to Demo Finance").click()
    query = callback()
    screenshot(page, "callback")
    assert query["status"] == "error" and query["error"] == "sca_rejected"
    assert query["state"] == "st-e2e"


def to_banque_lumiere(page: Page, shot: Shot, entry: str) -> None:
    page.goto(entry)
    pick_bank(page, shot, "Banque Lumière")
    pick_account_type(page, shot, "Checking account")
    # Redirect SCA: the user is now on the bank's own site.
    expect(heading(page)).to_have_text("Log in to Online Banking")
    expect(page.get_by_text("you are on the website of Banque Lumière")).to_be_visible()
    assert "/bank/banque-lumiere/authorize?session=" in page.url
    shot(page, "bank-login")
    page.get_by_label("Identifiant").fill("good")
    page.get_by_label("Code secret").fill("pass")
    page.get_by_role("button", name="Log in").click()
    expect(heading(page)).to_have_text("Allow Demo Finance to read your accounts?")
    shot(page, "bank-approve")


def test_redirect_sca_at_banque_lumiere(live, page: Page, screenshot, callback) -> None:
    entry = live.session()
    to_banque_lumiere(page, screenshot, entry)
    page.get_by_role("button", name="Allow access").click()
    allow(page, screenshot)
    arrived_successfully(page, screenshot, callback, entry)


def test_redirect_sca_cancelled_at_the_bank(live, page: Page, screenshot, callback) -> None:
    entry = live.session()
    to_banque_lumiere(page, screenshot, entry)
    page.get_by_role("button", name="Deny").click()
    query = callback()
    screenshot(page, "callback")
    assert query["status"] == "error" and query["error"] == "cancelled_at_bank"
    assert query["state"] == "st-e2e"


def connect_at_rheinwert(page: Page, shot: Shot, prefix: str = "") -> None:
    def named(inner: Page, name: str) -> object:
        return shot(inner, f"{prefix}{name}")

    pick_bank(page, named, "Rheinwert Bank")
    log_in(page, named)
    pass_embedded_sca(page, named)
    allow(page, named)


def test_multiple_lands_in_the_management_list_and_adds_a_second_bank(
    live, page: Page, screenshot, callback
) -> None:
    entry = live.session()
    page.goto(f"{entry}?multiple=true")
    connect_at_rheinwert(page, screenshot)
    expect(heading(page)).to_have_text("Your connected banks")
    expect(page.locator(".login-card")).to_have_count(1)
    screenshot(page, "manage-one")
    page.get_by_role("link", name="Add another bank").click()
    pick_bank(page, lambda p, n: screenshot(p, f"second-{n}"), "Bursztyn Bank")
    log_in(page, lambda p, n: screenshot(p, f"second-{n}"))
    pass_embedded_sca(page, lambda p, n: screenshot(p, f"second-{n}"))
    allow(page, screenshot, "second-consent")
    expect(page.locator(".login-card")).to_have_count(2)
    expect(page.locator(".login-card h2")).to_have_text(["Rheinwert Bank", "Bursztyn Bank"])
    screenshot(page, "manage-two")
    page.get_by_role("button", name="Done").click()
    query = arrived_successfully(page, screenshot, callback, entry)
    assert len(query["bank_login_ids"].split(",")) == 2


def test_management_renews_an_expired_consent_and_removes_a_bank(
    live, page: Page, screenshot, callback
) -> None:
    tenant = live.new_tenant()
    user = live.user()
    for bank_id in ("rheinwert-bank", "polderbank"):
        connections.connect_directly(
            live.platform.db, tenant, external_user_id=user, bank_id=bank_id, login="good"
        )
    tenant = live.advance(tenant, days=181)
    entry = live.session("management", user=user, tenant=tenant)
    page.goto(entry)
    expect(heading(page)).to_have_text("Your connected banks")
    rheinwert = page.locator(".login-card", has_text="Rheinwert Bank")
    expect(rheinwert.locator(".badge")).to_have_text("Consent expired")
    screenshot(page, "manage")

    rheinwert.get_by_role("button", name="Renew access").click()
    expect(page.locator("#login")).to_have_value("good")
    log_in(page, screenshot)
    pass_embedded_sca(page, screenshot)
    allow(page, screenshot)
    expect(heading(page)).to_have_text("Your connected banks")
    expect(rheinwert.locator(".badge")).to_have_text("Connected")
    screenshot(page, "manage-renewed")

    polderbank = page.locator(".login-card", has_text="Polderbank")
    polderbank.get_by_role("button", name="Remove").click()
    expect(polderbank.get_by_text("Remove Polderbank?")).to_be_visible()
    screenshot(page, "manage-confirm-remove")
    polderbank.get_by_role("button", name="Yes, remove").click()
    expect(page.locator(".login-card")).to_have_count(1)
    screenshot(page, "manage-removed")

    page.get_by_role("button", name="Done").click()
    query = callback()
    screenshot(page, "callback")
    assert query["status"] == "success" and query["state"] == "st-e2e"


def test_add_bank_login_skips_the_management_list(live, page: Page, screenshot, callback) -> None:
    user = live.user()
    connections.connect_directly(
        live.platform.db, live.demo, external_user_id=user, bank_id="polderbank", login="good"
    )
    entry = live.session("management", user=user)
    page.goto(f"{entry}?addBankLogin=true")
    connect_at_rheinwert(page, screenshot)
    expect(heading(page)).to_have_text("Your connected banks")
    expect(page.locator(".login-card h2")).to_have_text(["Polderbank", "Rheinwert Bank"])
    screenshot(page, "manage")
    page.get_by_role("button", name="Done").click()
    query = arrived_successfully(page, screenshot, callback, entry)
    assert len(query["bank_login_ids"].split(",")) == 1


def test_bank_search_filters_as_you_type(live, page: Page, screenshot) -> None:
    page.goto(live.session())
    banks = page.locator("#bank-list li:visible")
    expect(banks).to_have_count(11)
    screenshot(page, "all")
    page.get_by_label("Bank name").press_sequentially("wisl")
    expect(banks).to_have_count(1)
    expect(banks.first).to_contain_text("Bank Wiślany")
    screenshot(page, "typed")
    page.get_by_label("Bank name").fill("")
    page.get_by_label("Country").select_option("FR")
    expect(banks).to_have_count(2)
    expect(page.locator("[data-result-count]")).to_have_text("2 banks")
    screenshot(page, "country")
    page.get_by_label("Bank name").fill("zzz")
    expect(banks).to_have_count(0)
    expect(page.get_by_text("No bank matches your search")).to_be_visible()
    screenshot(page, "none")
