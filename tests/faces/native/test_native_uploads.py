"""Manual upload through /api/v1: a statement file becomes the user's manual accounts and
transactions, listed with the bank's; broken, oversized and hostile files store nothing."""

from __future__ import annotations

import json
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader, PdfWriter

STATEMENT = {
    "owner": {"name": "Lena Hoffmann", "address": ["Lindenstraße 4", "10115 Berlin", "DE"]},
    "bank": {"name": "Nordlicht Sparbank", "bic": "NOLADE21XXX"},
    "accounts": [
        {
            "iban": "DE89370400440532013000",
            "name": "Girokonto",
            "type": "checking",
            "currency": "EUR",
            "period": {"from": "2026-01-01", "to": "2026-01-14"},
            "opening_balance": "1000.00",
            "closing_balance": "2938.70",
            "transactions": [
                {
                    "booked_on": "2026-01-02",
                    "amount": "-12.30",
                    "description": "REWE SAGT DANKE 4711",
                    "counterparty": {"name": "REWE Markt GmbH", "iban": None},
                },
                {
                    "booked_on": "2026-01-05",
                    "value_on": "2026-01-05",
                    "amount": "2451.00",
                    "description": "Gehalt Januar 2026",
                    "counterparty": {"name": "Muster GmbH", "iban": "DE02120300000000202051"},
                    "category": "salary",
                },
                {
                    "booked_on": "2026-01-07",
                    "amount": "-500.00",
                    "description": "Miete Januar",
                    "counterparty": {"name": "Hausverwaltung Kiel", "iban": None},
                },
            ],
        }
    ],
}


def upload(api, body: bytes | dict, user: str = "u1", **params: str):
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    return api.client.post(
        f"/api/v1/users/{user}/uploads",
        headers={**api.headers, "Content-Type": "application/octet-stream"},
        params=params or {"format": "json"},
        content=data,
    )


def test_an_uploaded_statement_becomes_manual_accounts_and_transactions(api):
    answer = upload(api, STATEMENT, file_name="january.json")
    assert answer.status_code == 201, answer.text
    made = answer.json()
    assert made["format"] == "json" and made["file_name"] == "january.json"
    assert (made["account_count"], made["transaction_count"], made["user_id"]) == (1, 3, "u1")
    assert made["owner"]["name"] == "Lena Hoffmann" and made["findings"] == []
    (account_id,) = made["account_ids"]
    account = api.get(f"/accounts/{account_id}").json()
    assert account["origin"] == "manual" and account["upload_id"] == made["id"]
    assert account["bank_login_id"] is None and account["iban"] == "DE89370400440532013000"
    assert account["balance"] == "2938.70"
    listed = api.get("/transactions", account_id=account_id).json()["transactions"]
    assert [t["amount"] for t in listed] == ["-500.00", "2451.00", "-12.30"]
    assert [t["balance_after"] for t in listed] == ["2938.70", "3438.70", "987.70"]
    assert listed[1]["counterparty"] == {"name": "Muster GmbH", "iban": "DE02120300000000202051"}


def test_manual_data_is_listed_with_the_banks_and_filtered_by_origin(api):
    api.connect("u1")
    (account_id,) = upload(api, STATEMENT).json()["account_ids"]
    accounts = api.get("/accounts", user_id="u1").json()["accounts"]
    assert {a["origin"] for a in accounts} == {"bank", "manual"}
    manual = api.get("/accounts", user_id="u1", origin="manual").json()["accounts"]
    assert [a["id"] for a in manual] == [account_id]
    everything = api.get("/transactions", user_id="u1", limit=500).json()["transactions"]
    uploaded = api.get("/transactions", user_id="u1", origin="manual").json()["transactions"]
    bank = api.get("/transactions", user_id="u1", origin="bank", limit=500).json()["transactions"]
    assert {t["account_id"] for t in uploaded} == {account_id}
    assert len(uploaded) + len(bank) == len(everything) and len(bank) > 0
    assert account_id not in {t["account_id"] for t in bank}


def test_the_same_statement_twice_answers_the_first_upload_and_stores_nothing_more(api):
    first = upload(api, STATEMENT).json()
    again = upload(api, STATEMENT, file_name="again.json")
    assert again.status_code == 200
    assert again.json()["id"] == first["id"] and again.json()["file_name"] is None
    assert len(api.get("/accounts", user_id="u1").json()["accounts"]) == 1
    assert len(api.get("/users/u1/uploads").json()["uploads"]) == 1


def test_an_upload_makes_its_user_when_new(api):
    assert api.get("/users/newcomer").status_code == 404
    assert upload(api, STATEMENT, user="newcomer").status_code == 201
    assert api.get("/users/newcomer").status_code == 200


def test_a_multipart_upload_takes_its_format_from_the_file_name(api):
    answer = api.client.post(
        "/api/v1/users/u1/uploads",
        headers=api.headers,
        files={"file": ("statement.json", json.dumps(STATEMENT).encode(), "application/json")},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["format"] == "json" and answer.json()["file_name"] == "statement.json"


def test_a_multipart_upload_without_a_file_field_says_so(api):
    answer = api.client.post(
        "/api/v1/users/u1/uploads", headers=api.headers, files={"document": ("a.json", b"{}")}
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["details"] == {"field": "file"}


def test_an_upload_without_a_format_names_the_ones_there_are(api):
    answer = api.client.post(
        "/api/v1/users/u1/uploads",
        headers={**api.headers, "Content-Type": "application/octet-stream"},
        content=b"hello",
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["details"]["formats"] == [
        "json",
        "csv",
        "mt940",
        "camt053",
        "pdf",
    ]


def test_a_file_with_problems_lists_each_and_stores_nothing(api):
    broken = json.loads(json.dumps(STATEMENT))
    broken["accounts"][0]["transactions"][0]["amount"] = "twelve"
    broken["accounts"][0]["transactions"][2]["booked_on"] = "2026-02-30"
    answer = upload(api, broken)
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "invalid_statement"
    wheres = [problem["where"] for problem in error["details"]["problems"]]
    assert "$.accounts[0].transactions[0].amount" in wheres
    assert "$.accounts[0].transactions[2].booked_on" in wheres
    assert api.get("/users/u1").status_code == 404  # nothing stored, not even the user


def test_a_body_over_the_upload_limit_is_a_413_naming_it(api, platform):
    limit = platform.settings.max_upload_bytes
    answer = upload(api, b" " * (limit + 1))
    assert answer.status_code == 413
    assert answer.json()["error"]["details"] == {
        "limit_bytes": limit,
        "setting": "SANDBOX_MAX_UPLOAD_BYTES",
    }


def test_a_file_over_the_other_routes_limit_is_still_taken(api, platform):
    padded = json.dumps(STATEMENT, indent=4).encode()
    padded = padded + b" " * (platform.settings.max_body_bytes + 1 - len(padded))
    assert upload(api, padded).status_code == 201


def test_deleting_an_upload_deletes_its_accounts_and_transactions(api):
    made = upload(api, STATEMENT).json()
    assert api.delete(f"/uploads/{made['id']}").status_code == 204
    assert api.get(f"/uploads/{made['id']}").status_code == 404
    assert api.get(f"/accounts/{made['account_ids'][0]}").status_code == 404
    assert api.get("/transactions", user_id="u1").json()["transactions"] == []
    assert upload(api, STATEMENT).status_code == 201  # and it can come again


def test_uploads_are_listed_newest_first_a_page_at_a_time(api):
    made = []
    for day in range(1, 6):
        statement = json.loads(json.dumps(STATEMENT))
        statement["accounts"][0]["transactions"][0]["booked_on"] = f"2026-01-0{day}"
        made.append(upload(api, statement).json()["id"])
    pages = api.every_page("/users/u1/uploads", limit=2)
    assert [[u["id"] for u in page] for page in pages] == [made[4:2:-1], made[2:0:-1], made[:1]]


def test_another_tenant_sees_nothing_of_an_upload(api, other):
    made = upload(api, STATEMENT).json()
    assert other.get(f"/uploads/{made['id']}").status_code == 404
    assert other.get(f"/accounts/{made['account_ids'][0]}").status_code == 404
    assert other.delete(f"/uploads/{made['id']}").status_code == 404
    assert api.get(f"/uploads/{made['id']}").status_code == 200


@pytest.mark.parametrize("amount", ["1e3", "-0.001", "NaN"])
def test_amounts_the_currency_cannot_hold_are_problems(api, amount):
    broken = json.loads(json.dumps(STATEMENT))
    broken["accounts"][0]["transactions"][0]["amount"] = amount
    answer = upload(api, broken)
    assert answer.status_code == 422, answer.text
    assert Decimal(STATEMENT["accounts"][0]["opening_balance"])  # nothing else changed


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&lol3;</Document>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&xxe;</Document>"""


@pytest.mark.parametrize("hostile", [BOMB, XXE], ids=["entity bomb", "external entity"])
def test_an_xml_bomb_or_external_entity_is_refused_never_expanded(api, hostile):
    answer = upload(api, hostile, format="camt053")
    assert answer.status_code == 422
    (problem,) = answer.json()["error"]["details"]["problems"]
    assert "DTDs are refused" in problem["message"]
    assert "root:" not in answer.text and "lollol" not in answer.text


def test_a_pdf_changed_after_it_was_rendered_is_stored_with_its_findings(api):
    (account_id,) = upload(api, STATEMENT).json()["account_ids"]
    rendered = api.get(f"/accounts/{account_id}/statement", format="pdf").content
    writer = PdfWriter(clone_from=PdfReader(BytesIO(rendered)))
    writer.add_metadata({"/Producer": "Acrobat Pro 24"})
    changed = BytesIO()
    writer.write(changed)
    answer = upload(api, changed.getvalue(), user="u2", format="pdf")
    assert answer.status_code == 201, answer.text
    assert [f["code"] for f in answer.json()["findings"]] == ["modified_after_rendering"]
    assert "Acrobat Pro 24" in answer.json()["findings"][0]["message"]


@pytest.mark.parametrize(
    ("data", "says"),
    [(b"%PDF-1.7\n garbage", "PDF"), (b"GIF89a not a pdf", "not a PDF")],
    ids=["damaged", "not a pdf"],
)
def test_a_pdf_that_cannot_be_read_is_a_422_saying_why(api, data, says):
    answer = upload(api, data, format="pdf")
    assert answer.status_code == 422
    problems = answer.json()["error"]["details"]["problems"]
    assert problems and says in problems[0]["message"]
