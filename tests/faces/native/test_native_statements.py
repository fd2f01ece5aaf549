"""Statements out: any account's statement as a file, in every format; uploading the file
back gives the same transactions and balances (a hypothesis property over the fake banks'
generated accounts)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_native_uploads import STATEMENT
from test_native_uploads import upload as upload_json

FORMATS = ("json", "csv", "mt940", "camt053", "pdf")
# Personas whose generated accounts the property draws from: a salaried account, a card
# spender, a freelancer in USD, a Polish account.
PERSONAS = (
    ("rheinwert-bank", "good"),
    ("nordlicht-sparbank", "credit-card"),
    ("cigale", "multi-currency"),
    ("bank-wislany", "good"),
)
FIELDS = ("booked_on", "value_on", "amount", "currency", "description", "counterparty")
TODAY = date(2026, 1, 15)  # the frozen scenario's


def statement(api, account_id: int, **params: str):
    return api.client.get(
        f"/api/v1/accounts/{account_id}/statement", headers=api.headers, params=params
    )


def upload(api, user: str, data: bytes, format_name: str):
    return api.client.post(
        f"/api/v1/users/{user}/uploads",
        headers={**api.headers, "Content-Type": "application/octet-stream"},
        params={"format": format_name},
        content=data,
    )


def shown(transactions: list[dict]) -> list[tuple]:
    return [tuple(str(t[name]) for name in FIELDS) for t in transactions]


def transactions_of(api, account_id: int, **params: str) -> list[dict]:
    pages = api.every_page("/transactions", account_id=account_id, limit=500, **params)
    return [t for page in pages for t in page]


@given(
    persona=st.sampled_from(PERSONAS),
    format_name=st.sampled_from(FORMATS),
    days=st.integers(min_value=0, max_value=40),
    ending=st.integers(min_value=0, max_value=30),
    data=st.data(),
)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_an_exported_statement_uploads_back_to_the_same_transactions(
    api, persona, format_name, days, ending, data
):
    bank, login = persona
    user = f"{bank}-{login}"
    if not api.get("/accounts", user_id=user).json().get("accounts"):
        api.connect(user, bank=bank, persona=login)
    accounts = api.get("/accounts", user_id=user, origin="bank").json()["accounts"]
    account = data.draw(st.sampled_from(accounts))
    end = TODAY - timedelta(days=ending)
    start = end - timedelta(days=days)
    period = {"from": start.isoformat(), "to": end.isoformat()}
    exported = statement(api, account["id"], format=format_name, **period)
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-disposition"].startswith("attachment; filename=")
    expected = transactions_of(api, account["id"], **period)

    copy = f"copy-{user}-{format_name}-{account['id']}-{start}-{end}"
    answer = upload(api, copy, exported.content, format_name)
    assert answer.status_code in (200, 201), answer.text
    made = answer.json()
    assert made["findings"] == []
    (copied,) = made["account_ids"]
    assert shown(transactions_of(api, copied)) == shown(expected)
    copy_account = api.get(f"/accounts/{copied}").json()
    assert copy_account["currency"] == account["currency"]
    assert copy_account["iban"] == account["iban"]
    if expected:  # the closing balance of the period is the copy's balance
        assert copy_account["balance"] == expected[0]["balance_after"]


@pytest.mark.parametrize("format_name", FORMATS)
def test_a_statement_of_a_manual_account_carries_its_upload_owner_and_bank(api, format_name):
    (account_id,) = upload_json(api, STATEMENT).json()["account_ids"]
    exported = statement(api, account_id, format=format_name)
    assert exported.status_code == 200
    back = upload(api, "u2", exported.content, format_name).json()
    assert back["transaction_count"] == 3
    if format_name in ("json", "camt053", "pdf"):
        assert back["owner"]["name"] == "Lena Hoffmann"


def test_the_default_format_is_pdf_and_the_period_is_checked(api):
    api.connect("u1")
    account = api.get("/accounts", user_id="u1").json()["accounts"][0]
    pdf = statement(api, account["id"])
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    backwards = statement(api, account["id"], **{"from": "2026-01-10", "to": "2026-01-01"})
    assert backwards.status_code == 422
    unknown = statement(api, account["id"], format="xlsx")
    assert unknown.status_code == 400
    assert unknown.json()["error"]["details"]["parameter"] == "format"
    assert statement(api, 999_999).status_code == 404


def test_a_period_starting_after_today_is_a_422(api):
    api.connect("u1")
    account = api.get("/accounts", user_id="u1").json()["accounts"][0]
    answer = statement(api, account["id"], **{"from": "2026-03-01"})
    assert answer.status_code == 422
    assert answer.json()["error"]["details"] == {"from": "2026-03-01", "today": "2026-01-15"}
