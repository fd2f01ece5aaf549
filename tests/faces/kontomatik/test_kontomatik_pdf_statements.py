"""PDF statements as JSON (`POST /v1/pdf/statement` and `/statement-trusted`): the PDF becomes
the owner's data, answered with the statement's figures and its failed verifications; the
standard mode refuses a file changed after it was made, the trusted mode never refuses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from kontomatik_replies import root_of
from pypdf import PdfReader, PdfWriter

from sandbox.statements import pdf
from sandbox.statements.model import Bank, Entry, Owner, Statement, StatementAccount

IBAN = "PL69137013140000049678278112"
STATEMENT = Statement(
    accounts=(
        StatementAccount(
            currency="PLN",
            iban=IBAN,
            name="Konto 0",
            period_from=date(2025, 12, 1),
            period_to=date(2025, 12, 31),
            opening_balance=Decimal("1000.00"),
            closing_balance=Decimal("3409.71"),
            entries=(
                Entry(date(2025, 12, 10), Decimal("2800.00"), "Wynagrodzenie za pracę",
                      counterparty_name="LIDL POLSKA SP Z O O",
                      balance_after=Decimal("3800.00")),
                Entry(date(2025, 12, 12), Decimal("-390.29"), "Zakupy",
                      counterparty_name="BIEDRONKA", balance_after=Decimal("3409.71")),
            ),
        ),
    ),
    owner=Owner("Maria Sochacka", ("Stolarska 15/2", "33-543 Jaworzno")),
    bank=Bank("KontoBank", "KONTPLPWXXX"),
)  # fmt: skip
RENDERED = pdf.render(STATEMENT)
STANDARD, TRUSTED = "/kontomatik/v1/pdf/statement", "/kontomatik/v1/pdf/statement-trusted"


def send(integrator, path: str, data: bytes, owner: str | None = "pdf-1"):
    params = {} if owner is None else {"ownerExternalId": owner}
    return integrator.client.post(
        path,
        params=params,
        content=data,
        headers={**integrator.headers, "Content-Type": "application/pdf"},
    )


def changed_after_rendering(data: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(BytesIO(data)))
    writer.add_metadata({"/Producer": "Acrobat Pro 24"})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_statement_is_parsed_into_the_owners_data(integrator):
    answer = send(integrator, STANDARD, RENDERED)
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert found["requestId"].isdigit()
    assert found["failedVerifications"] == []
    assert found["statement"] == {
        "iban": IBAN,
        "number": None,
        "currencyName": "PLN",
        "periodFrom": "2025-12-01",
        "periodTo": "2025-12-31",
        "openingBalance": "1000.00",
        "closingBalance": "3409.71",
        "transactionsCount": 2,
    }
    assert found["accounts"] == [found["statement"]]
    reply = root_of(integrator.get("/data.xml", ownerExternalId="pdf-1").content)
    assert reply.find("owner").get("origin") == "pdf"
    (target,) = reply.findall("owner/target")
    assert (target.get("name"), target.get("origin")) == ("KontoBank", "pdf")
    assert target.findtext("owners/owner/name") == "Maria Sochacka"
    assert target.findtext("accounts/account/iban") == IBAN
    assert target.findtext("accounts/account/currencyBalance") == "3409.71"
    assert len(target.findall(".//moneyTransaction")) == 2


def test_the_same_pdf_again_answers_the_same_request_id(integrator):
    first = send(integrator, STANDARD, RENDERED).json()
    again = send(integrator, TRUSTED, RENDERED).json()
    assert first["requestId"] == again["requestId"]


def test_a_multipart_upload_takes_the_owner_as_a_field(integrator):
    answer = integrator.client.post(
        STANDARD,
        headers=integrator.headers,
        files={"file": ("grudzien.pdf", RENDERED, "application/pdf")},
        data={"ownerExternalId": "pdf-form"},
    )
    assert answer.status_code == 200, answer.text
    assert integrator.get("/data.xml", ownerExternalId="pdf-form").status_code == 200


def test_the_standard_mode_refuses_a_changed_pdf_and_the_trusted_mode_parses_it(integrator):
    changed = changed_after_rendering(RENDERED)
    refused = send(integrator, STANDARD, changed, owner="pdf-changed")
    assert refused.status_code == 422
    exception = refused.json()["exception"]
    assert exception["name"] == "StatementVerificationFailed"
    assert "Acrobat Pro 24" in exception["errors"][0]["message"]
    assert integrator.get("/data.xml", ownerExternalId="pdf-changed").status_code == 404
    trusted = send(integrator, TRUSTED, changed, owner="pdf-changed")
    assert trusted.status_code == 200, trusted.text
    assert [f["code"] for f in trusted.json()["failedVerifications"]] == [
        "modified_after_rendering"
    ]


def test_a_statement_whose_balances_do_not_add_up_is_parsed_with_its_failed_checks(integrator):
    account = STATEMENT.accounts[0]
    wrong = pdf.render(
        Statement(
            accounts=(
                StatementAccount(**{
                    **{name: getattr(account, name) for name in account.__slots__},
                    "closing_balance": Decimal("9999.99"),
                }),
            ),
            owner=STATEMENT.owner,
            bank=STATEMENT.bank,
        )
    )  # fmt: skip
    answer = send(integrator, STANDARD, wrong, owner="pdf-sums")
    assert answer.status_code == 200, answer.text
    assert [f["code"] for f in answer.json()["failedVerifications"]] == ["balance_mismatch"]


@pytest.mark.parametrize(
    "data", [b"%PDF-1.7\n garbage", b"GIF89a not a pdf"], ids=["damaged", "not a pdf"]
)
def test_a_pdf_that_cannot_be_read_is_a_422_listing_its_problems(integrator, data):
    answer = send(integrator, STANDARD, data)
    assert answer.status_code == 422
    exception = answer.json()["exception"]
    assert exception["name"] == "InvalidStatement"
    assert exception["errors"] and all("where" in e for e in exception["errors"])


def test_the_owner_and_a_pdf_body_are_required(integrator):
    no_owner = send(integrator, STANDARD, RENDERED, owner=None)
    assert no_owner.status_code == 400
    assert no_owner.json()["exception"]["name"] == "InvalidParameter"
    as_json = integrator.client.post(
        STANDARD,
        params={"ownerExternalId": "x"},
        json={"pdf": "no"},
        headers=integrator.headers,
    )
    assert as_json.status_code == 415
    assert as_json.json()["exception"]["name"] == "InvalidParameter"
