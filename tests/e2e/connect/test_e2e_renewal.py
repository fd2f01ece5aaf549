"""Renewing an expired consent and sharing a deeper history in a real browser, starting from
the links `POST /api/v1/bank-logins/{id}/renew` and `/extend-history` hand out (made here
through the domain, as the API does). Every page is saved as
test-output/screenshots/<test>-<step>.png.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from connect_steps import allow, heading, log_in, open_bank_app, pass_embedded_sca
from playwright.sync_api import Page, expect

from sandbox.domain import connections, history, sessions
from sandbox.domain.connections import LoginNotUsable
from sandbox.domain.states import LoginState
from sandbox.store.schema import accounts, transactions

CALLBACK = "http://127.0.0.1:3000/callback"


def test_an_expired_consent_is_renewed_through_the_apis_link(
    live, page: Page, screenshot, callback
) -> None:
    tenant = live.new_tenant()
    login, _ = connections.connect_directly(
        live.platform.db, tenant, external_user_id=live.user(), bank_id="rheinwert-bank",
        login="good",
    )  # fmt: skip
    imported_before = _transactions_of(live, login.id)
    tenant = live.advance(tenant, days=181)
    assert connections.get_login(live.platform.db, tenant, login.id).state is (
        LoginState.SCA_REQUIRED
    )
    with pytest.raises(LoginNotUsable) as refused:
        connections.refresh(live.platform.db, tenant, login.id)
    assert refused.value.state is LoginState.SCA_REQUIRED
    made = sessions.create_renewal_session(
        live.platform.db, tenant, bank_login_id=login.id, redirect_uri=CALLBACK, state="st-renew"
    )
    page.goto(f"{live.url}/connect/{made.id}")
    expect(page.locator("#login")).to_have_value("good")  # the login it renews, filled in
    log_in(page, screenshot)
    pass_embedded_sca(page, screenshot)
    allow(page, screenshot)
    query = callback()
    screenshot(page, "callback")
    assert query["status"] == "success" and query["state"] == "st-renew"
    assert query["bank_login_id"] == str(login.id)
    renewed = connections.get_login(live.platform.db, tenant, login.id)
    assert renewed.state is LoginState.CONNECTED
    # The 181 days the consent was away arrive with the renewal's sync.
    assert _transactions_of(live, login.id) > imported_before


def _transactions_of(live, bank_login_id: int) -> int:
    with live.platform.db.connect() as conn:
        return conn.execute(
            sa.select(sa.func.count())
            .select_from(transactions.join(accounts))
            .where(accounts.c.bank_login_id == bank_login_id)
        ).scalar_one()


def test_ten_years_of_history_approved_in_the_bank_app(
    live, page: Page, screenshot, callback
) -> None:
    tenant = live.new_tenant()
    login, _ = connections.connect_directly(
        live.platform.db, tenant, external_user_id=live.user(), bank_id="nordlicht-sparbank",
        login="ten-years-history",
    )  # fmt: skip
    made = history.create_history_session(
        live.platform.db, tenant, bank_login_id=login.id, days=3650, redirect_uri=CALLBACK,
        state="st-history",
    )  # fmt: skip
    page.goto(f"{live.url}/connect/{made.id}")
    app = open_bank_app(page, screenshot)
    expect(app.get_by_text("to read 3650 days of your transaction history")).to_be_visible()
    app.get_by_role("button", name="Approve").click()
    expect(heading(app)).to_have_text("Approved")
    screenshot(app, "bank-app-approved")
    app.close()
    expect(heading(page)).to_have_text("Share 3650 days of history with Demo Finance")
    screenshot(page, "history")
    page.get_by_role("button", name="Share history").click()
    query = callback()
    screenshot(page, "callback")
    assert query["status"] == "success" and query["state"] == "st-history"
    assert query["bank_login_id"] == str(login.id)
    extended = connections.get_login(live.platform.db, tenant, login.id)
    assert extended.consent is not None and extended.consent.history_days == 3650


def test_more_history_at_a_redirect_bank_is_approved_on_its_page(
    live, page: Page, screenshot, callback
) -> None:
    tenant = live.new_tenant()
    login, _ = connections.connect_directly(
        live.platform.db, tenant, external_user_id=live.user(), bank_id="banque-lumiere",
        login="good",
    )  # fmt: skip
    made = history.create_history_session(
        live.platform.db, tenant, bank_login_id=login.id, days=1460, redirect_uri=CALLBACK,
        state="st-history",
    )  # fmt: skip
    page.goto(f"{live.url}/connect/{made.id}")
    expect(heading(page)).to_have_text("Allow Demo Finance to read your accounts?")
    expect(page.get_by_text("Your transactions of the last 1460 days")).to_be_visible()
    screenshot(page, "bank-approve")
    page.get_by_role("button", name="Allow access").click()
    expect(heading(page)).to_have_text("Share 1460 days of history with Demo Finance")
    screenshot(page, "history")
    page.get_by_role("button", name="Don't share").click()
    query = callback()
    screenshot(page, "callback")
    assert query["status"] == "cancelled"
    unchanged = connections.get_login(live.platform.db, tenant, login.id)
    assert unchanged.consent is not None and unchanged.consent.history_days == 90
