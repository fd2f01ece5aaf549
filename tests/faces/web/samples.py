"""Realistic contexts for every page template, as the web face's routes hand them over.

The page tests render each one; the browser gallery serves each one. A new template needs a
sample here (the page tests check that every template has one).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BRAND = {"name": "Demo Finance", "colour": "#5b3cc4"}
SANDBOX_BRAND = {"name": "bank-sandbox", "colour": "#1f6feb"}
CSRF = "csrf-4f1c2a9e7b"
SESSION = "/connect/cs_8Hq2xV"


@dataclass(frozen=True)
class Sample:
    name: str  # unique, used in test ids and screenshot file names
    template: str
    context: dict[str, Any]


def _page(**context: Any) -> dict[str, Any]:
    return {"brand": BRAND, "csrf_token": CSRF, "lang": "en", **context}


def _bank(bank_id: str, name: str, country: str, colour: str) -> dict[str, str]:
    return {
        "id": bank_id,
        "name": name,
        "country": country,
        "colour": colour,
        "url": f"{SESSION}/banks/{bank_id}",
    }


BANKS = [
    _bank("nordlicht-sparbank", "Nordlicht Sparbank", "DE", "#0f4c81"),
    _bank("rheinwert-bank", "Rheinwert Bank", "DE", "#00897b"),
    _bank("banque-lumiere", "Banque Lumière", "FR", "#b8860b"),
    _bank("cigale", "Cigale", "FR", "#ff6f61"),
    _bank("bank-wislany", "Bank Wiślany", "PL", "#6a1b9a"),
    _bank("bursztyn-bank", "Bursztyn Bank", "PL", "#e08a00"),
    _bank("banco-meseta", "Banco Meseta", "ES", "#b71c1c"),
    _bank("polderbank", "Polderbank", "NL", "#2e7d32"),
    _bank("banca-laguna", "Banca Laguna", "IT", "#a0522d"),
]
COUNTRIES = ["DE", "ES", "FR", "IT", "NL", "PL"]

NORDLICHT = {
    "name": "Nordlicht Sparbank",
    "colour": "#0f4c81",
    "country": "DE",
    "login_label": "Anmeldename",
    "password_label": "PIN",
}
LUMIERE = {
    "name": "Banque Lumière",
    "colour": "#b8860b",
    "country": "FR",
    "login_label": "Identifiant",
    "password_label": "Code secret",
}
WISLANY = {
    "name": "Bank Wiślany",
    "colour": "#6a1b9a",
    "country": "PL",
    "login_label": "Identyfikator",
    "password_label": "Hasło",
}

BANKS_PAGE = _page(
    banks=BANKS,
    countries=COUNTRIES,
    query="",
    country="",
    search_url=f"{SESSION}/banks",
    cancel_url=f"{SESSION}/cancel",
)

SAMPLES = [
    Sample("connect-banks", "connect/banks.html", BANKS_PAGE),
    Sample(
        "connect-banks-empty",
        "connect/banks.html",
        {**BANKS_PAGE, "banks": [], "query": "Sparkasse Nord", "country": "FR"},
    ),
    Sample(
        "connect-account-type",
        "connect/account_type.html",
        _page(
            bank=NORDLICHT,
            account_types=[
                {"value": "checking", "label": "Checking account"},
                {"value": "savings", "label": "Savings account"},
                {"value": "credit_card", "label": "Credit card"},
                {"value": "loan", "label": "Loan"},
                {"value": "deposit", "label": "Fixed-term deposit"},
                {"value": "investment", "label": "Investment account"},
            ],
            action_url=f"{SESSION}/account-type",
            back_url=f"{SESSION}/banks",
            cancel_url=f"{SESSION}/cancel",
        ),
    ),
    Sample(
        "connect-credentials",
        "connect/credentials.html",
        _page(
            bank=NORDLICHT,
            action_url=f"{SESSION}/login",
            login="",
            error=None,
            cancel_url=f"{SESSION}/cancel",
            hint="Test logins: see scenarios/README.md. Magic logins like wrongpass work at every bank.",
        ),
    ),
    Sample(
        "connect-credentials-error",
        "connect/credentials.html",
        _page(
            bank=WISLANY,
            action_url=f"{SESSION}/login",
            login="anna.nowak",
            error="The login or password is wrong. Check them and try again.",
            cancel_url=f"{SESSION}/cancel",
            hint=None,
        ),
    ),
    Sample(
        "connect-sca-method",
        "connect/sca_method.html",
        _page(
            bank=NORDLICHT,
            methods=[
                {"value": "sms", "label": "Text message to +49 *** **17"},
                {"value": "chiptan", "label": "chipTAN with your card reader"},
                {"value": "app", "label": "Code from the Nordlicht app"},
            ],
            action_url=f"{SESSION}/sca/method",
            cancel_url=f"{SESSION}/cancel",
        ),
    ),
    Sample(
        "connect-sca-otp",
        "connect/sca_otp.html",
        _page(
            bank=NORDLICHT,
            method_label="SMS to +49 *** **17",
            attempts_left=3,
            error=None,
            action_url=f"{SESSION}/sca/otp",
            cancel_url=f"{SESSION}/cancel",
        ),
    ),
    Sample(
        "connect-sca-otp-error",
        "connect/sca_otp.html",
        _page(
            bank=NORDLICHT,
            method_label="SMS to +49 *** **17",
            attempts_left=1,
            error="That code is not right.",
            action_url=f"{SESSION}/sca/otp",
            cancel_url=f"{SESSION}/cancel",
        ),
    ),
    Sample(
        "connect-sca-wait",
        "connect/sca_wait.html",
        _page(
            bank=WISLANY,
            status_url=f"{SESSION}/sca/status",
            check_url=f"{SESSION}/sca/wait",
            app_url="/bank/bank-wislany/app/dec_51xK",
            expires_at="14:35",
            cancel_url=f"{SESSION}/cancel",
        ),
    ),
    Sample(
        "connect-consent",
        "connect/consent.html",
        _page(
            bank=NORDLICHT,
            tenant_name="Demo Finance",
            validity_days=180,
            history_days=90,
            expires_on="21 May 2027",
            data_shared=[
                "Account names, numbers and balances",
                "Transactions of the last 90 days, and new ones as they arrive",
                "The account holder's name and address",
            ],
            accounts=[
                {
                    "key": "giro",
                    "name": "Girokonto",
                    "type_label": "Checking",
                    "identifier": "DE89 •••• •••• •••• 3000 17",
                    "currency": "EUR",
                    "checked": True,
                },
                {
                    "key": "tagesgeld",
                    "name": "Tagesgeld",
                    "type_label": "Savings",
                    "identifier": "DE44 •••• •••• •••• 3000 42",
                    "currency": "EUR",
                    "checked": True,
                },
                {
                    "key": "kreditkarte",
                    "name": "Nordlicht Kreditkarte",
                    "type_label": "Credit card",
                    "identifier": "•••• •••• •••• 4242",
                    "currency": "EUR",
                    "checked": False,
                },
            ],
            action_url=f"{SESSION}/consent",
            cancel_url=f"{SESSION}/cancel",
        ),
    ),
    Sample(
        "connect-history",
        "connect/history.html",
        _page(
            bank=NORDLICHT,
            tenant_name="Demo Finance",
            days=3650,
            since="24 Nov 2016",
            current_days=90,
            action_url=f"{SESSION}/history",
            cancel_url=f"{SESSION}/cancel",
        ),
    ),
    Sample(
        "connect-already-connected",
        "connect/already_connected.html",
        _page(
            bank=NORDLICHT,
            tenant_name="Demo Finance",
            login_name="lena.hoffmann",
            connected_on="3 Jan 2026",
            state_label="Consent expired",
            access_until="2 Jul 2026",
            renew_url=f"{SESSION}/manage/7/renew",
            back_url=f"{SESSION}/banks",
            cancel_url=f"{SESSION}/cancel",
        ),
    ),
    Sample(
        "manage-list",
        "manage/list.html",
        _page(
            bank_logins=[
                {
                    "id": "bl_1",
                    "bank_name": "Nordlicht Sparbank",
                    "bank_colour": "#0f4c81",
                    "state": "connected",
                    "state_label": "Connected",
                    "needs_action": False,
                    "consent_expires": "21 May 2027",
                    "last_sync": "Today, 09:12",
                    "accounts_count": 3,
                    "renew_url": None,
                    "delete_url": "/manage/ms_77/bank-logins/bl_1/delete",
                },
                {
                    "id": "bl_2",
                    "bank_name": "Banque Lumière",
                    "bank_colour": "#b8860b",
                    "state": "sca_required",
                    "state_label": "Consent expired",
                    "needs_action": True,
                    "consent_expires": None,
                    "last_sync": "3 Nov 2026",
                    "accounts_count": 1,
                    "renew_url": "/manage/ms_77/bank-logins/bl_2/renew",
                    "delete_url": "/manage/ms_77/bank-logins/bl_2/delete",
                },
                {
                    "id": "bl_3",
                    "bank_name": "Polderbank",
                    "bank_colour": "#2e7d32",
                    "state": "syncing",
                    "state_label": "Importing",
                    "needs_action": False,
                    "consent_expires": "2 Jun 2027",
                    "last_sync": None,
                    "accounts_count": 0,
                    "renew_url": None,
                    "delete_url": "/manage/ms_77/bank-logins/bl_3/delete",
                },
            ],
            add_url="/manage/ms_77/add",
            leave_url=f"{SESSION}/leave",
            user_label="customer-4711",
        ),
    ),
    Sample(
        "manage-list-empty",
        "manage/list.html",
        _page(
            bank_logins=[],
            add_url="/manage/ms_77/add",
            leave_url=f"{SESSION}/leave",
            user_label="customer-4711",
        ),
    ),
    Sample(
        "bank-authorize",
        "bank/authorize.html",
        _page(
            bank=LUMIERE,
            tenant_name="Demo Finance",
            action_url="/bank/banque-lumiere/authorize/wa_3k",
            cancel_url="/bank/banque-lumiere/authorize/wa_3k/cancel",
            error=None,
            login="",
        ),
    ),
    Sample(
        "bank-authorize-error",
        "bank/authorize.html",
        _page(
            bank=LUMIERE,
            tenant_name="Demo Finance",
            action_url="/bank/banque-lumiere/authorize/wa_3k",
            cancel_url="/bank/banque-lumiere/authorize/wa_3k/cancel",
            error="Identifiant ou code secret incorrect.",
            login="camille.martin",
        ),
    ),
    Sample(
        "bank-approve",
        "bank/approve.html",
        _page(
            bank=LUMIERE,
            tenant_name="Demo Finance",
            scope=[
                "Your accounts and their balances",
                "Your transactions of the last 90 days",
                "Your name and address",
            ],
            approve_url="/bank/banque-lumiere/authorize/wa_3k/approve",
            cancel_url="/bank/banque-lumiere/authorize/wa_3k/cancel",
        ),
    ),
]

_APP = _page(
    bank=WISLANY,
    tenant_name="Demo Finance",
    request_text="Demo Finance asks to log in to your accounts. Request from 14:30 today.",
    approve_url="/bank/bank-wislany/app/dec_51xK/approve",
    reject_url="/bank/bank-wislany/app/dec_51xK/reject",
)
SAMPLES += [
    Sample(f"bank-app-{status}", "bank/app.html", {**_APP, "status": status})
    for status in ("pending", "approved", "rejected", "expired")
]
SAMPLES += [
    Sample(
        "error",
        "error.html",
        _page(
            title="This link has expired",
            message="Connect sessions are valid for 30 minutes. Go back to Demo Finance and start again.",
            code="session_expired",
            back_url="http://127.0.0.1:3000/callback?status=error&error=session_expired",
            back_label="Return to Demo Finance",
        ),
    ),
    Sample(
        "error-failed-flow",
        "error.html",
        _page(
            title="Nordlicht Sparbank could not be connected",
            message="The authentication was rejected at the bank.",
            code="sca_rejected",
            back_url=None,
            leave_url=f"{SESSION}/leave",
            cancel_url=f"{SESSION}/cancel",
        ),
    ),
    Sample(
        "error-unbranded",
        "error.html",
        {
            **_page(
                title="Page not found",
                message="There is no page at this address.",
                code="not_found",
                back_url="/connect/",
                back_label="Go to the start page",
            ),
            "brand": SANDBOX_BRAND,
        },
    ),
    Sample(
        "start",
        "start.html",
        {
            **_page(sessions_path="/api/v1/connect-sessions", spec_url="/openapi.yaml"),
            "brand": SANDBOX_BRAND,
        },
    ),
    # The Kontomatik face's pages (sandbox/faces/kontomatik): the widget's done page, whose
    # script posts the outcome to the embedding page, and the demo page.
    Sample(
        "kontomatik-done",
        "kontomatik/done.html",
        {
            **_page(
                title="You are signed in",
                message="Rheinwert Bank is connected. You may close this window.",
                code=None,
                face_script={
                    "src": "/kontomatik/assets/signin-done.js",
                    "data": {
                        "origin": "http://127.0.0.1:5000",
                        "message": '{"kontomatik": {"error": {"exception": "Cancelled"}}}',
                    },
                },
            ),
            "brand": SANDBOX_BRAND,
        },
    ),
    Sample(
        "kontomatik-demo",
        "kontomatik/demo.html",
        {
            **_page(
                client="demo-test",
                api_key="demo-kontomatik-api-key-0001",
                base_url="http://127.0.0.1:8000",
                countries=["all", "de", "pl"],
                widget_url="/kontomatik/assets/signin-widget.js",
                demo_url="/kontomatik/assets/demo.js",
            ),
            "brand": SANDBOX_BRAND,
        },
    ),
]
