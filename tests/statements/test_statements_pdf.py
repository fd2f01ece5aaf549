"""PDF statements: what the sandbox renders reads back the same, files changed after rendering
are reported as findings, and files that are no statement are refused saying why.

Tampered files are made here with pypdf, as someone editing a statement would: a text of the
page's content stream replaced by another, the document information rewritten.
"""

from __future__ import annotations

import io
import re
import zlib
from datetime import date
from decimal import Decimal

import pytest
from fpdf import FPDF
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ByteStringObject, ContentStream, FloatObject, NameObject, NumberObject
from statement_cases import statements

from sandbox.statements import pdf
from sandbox.statements.model import (
    Bank,
    Entry,
    Owner,
    Statement,
    StatementAccount,
    StatementError,
)

IBAN = "PL61109010140000071219812874"


def statement_of(entries: list[tuple[str, str, str]], **account: object) -> Statement:
    """A one-account PLN statement whose balances chain, from (booked, amount, description)."""
    opening = Decimal("1000.00")
    balance = opening
    made = []
    for index, (booked, amount, description) in enumerate(entries, start=1):
        balance += Decimal(amount)
        made.append(
            Entry(
                booked_on=date.fromisoformat(booked),
                value_on=date.fromisoformat(booked),
                amount=Decimal(amount),
                description=description,
                counterparty_name="Łukasz Żółć" if index % 2 else None,
                counterparty_iban="DE89370400440532013000" if index % 2 else None,
                reference=f"REF-{index:03d}",
                balance_after=balance,
            )
        )
    fields: dict[str, object] = {
        "currency": "PLN",
        "entries": tuple(made),
        "iban": IBAN,
        "bic": "WBKPPLPPXXX",
        "name": "Konto osobiste",
        "type": "checking",
        "period_from": date(2026, 1, 1),
        "period_to": date(2026, 1, 31),
        "opening_balance": opening,
        "closing_balance": balance,
    } | account
    return Statement(
        accounts=(StatementAccount(**fields),),  # type: ignore[arg-type]
        owner=Owner(name="Jürgen Weiß", address=("Hauptstraße 5", "10115 Berlin")),
        bank=Bank(name="Bank Spółdzielczy w Łodzi", bic="WBKPPLPPXXX", colour="#0a7d3e"),
        issued_on=date(2026, 2, 1),
    )


JANUARY = [
    ("2026-01-02", "-120.50", "Opłata za prąd, styczeń"),
    ("2026-01-05", "2500.00", "Gehalt Januar – Müller & Söhne GmbH"),
    ("2026-01-09", "-42.99", "Carte bancaire: Café de la Gare, Besançon"),
]


def test_a_statement_reads_back_with_every_field_and_no_findings() -> None:
    statement = statement_of(JANUARY)

    parsed = pdf.parse(pdf.render(statement))

    assert parsed.accounts == statement.accounts
    assert parsed.owner == statement.owner
    assert parsed.bank == Bank(name="Bank Spółdzielczy w Łodzi", bic="WBKPPLPPXXX")
    assert parsed.issued_on == date(2026, 2, 1)
    assert parsed.findings == ()


def test_the_same_statement_renders_the_same_bytes_dated_its_issue_day() -> None:
    statement = statement_of(JANUARY)

    data = pdf.render(statement)

    assert data == pdf.render(statement)
    metadata = PdfReader(io.BytesIO(data)).metadata
    assert metadata["/CreationDate"] == "D:20260201000000Z"
    assert metadata["/ModDate"] == "D:20260201000000Z"
    assert metadata["/Producer"] == "bank-sandbox statements"


def test_a_long_statement_repeats_the_table_header_and_numbers_every_page() -> None:
    statement = statement_of(
        [(f"2026-01-{day % 28 + 1:02d}", "-1.00", f"Zakup nr {day}") for day in range(120)]
    )

    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf.render(statement))).pages]

    assert len(pages) > 2
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert "Booking date" in text and "Balance" in text
    assert "Account 1 of 1 (continued)" in pages[1]
    assert "Jürgen Weiß" in pages[0] and "Opłata" not in pages[0]
    assert len(pdf.parse(pdf.render(statement)).accounts[0].entries) == 120


def test_a_long_description_wraps_and_reads_back_whole() -> None:
    description = "Przelew " + "bardzo-długi-tytuł-bez-spacji" * 8 + " i jeszcze  dwie  spacje "
    statement = statement_of([("2026-01-03", "-5.00", description)])

    parsed = pdf.parse(pdf.render(statement))

    assert parsed.accounts[0].entries[0].description == description


def test_descriptions_that_read_like_the_layouts_own_words_stay_descriptions() -> None:
    texts = ["", "Account 1 of 2", "Page 1 of 9", "No entries in this period.", "Ref", "IBAN"]
    entries = tuple(
        Entry(booked_on=date(2026, 1, 3), amount=Decimal("-1.00"), description=text)
        for text in texts
    )
    statement = Statement(
        accounts=(StatementAccount(currency="EUR", entries=entries, number="4111 **** 1111"),)
    )

    assert pdf.parse(pdf.render(statement)).accounts == statement.accounts


def test_characters_the_font_cannot_print_come_back_as_replacement_characters() -> None:
    entry = Entry(booked_on=date(2026, 1, 3), amount=Decimal("-9.00"), description="寿司\tTōkyō")
    statement = Statement(accounts=(StatementAccount(currency="EUR", entries=(entry,)),))

    parsed = pdf.parse(pdf.render(statement))

    assert parsed.accounts[0].entries[0].description == "\ufffd\ufffd\ufffdTōkyō"
    assert parsed.findings == ()


def test_currencies_without_cents_or_with_three_places_keep_their_places() -> None:
    yen = StatementAccount(
        currency="JPY",
        entries=(
            Entry(booked_on=date(2026, 1, 3), amount=Decimal("-1234567"), description="Suica"),
        ),
        iban="GB29NWBK60161331926819",
        opening_balance=Decimal("2000000"),
        closing_balance=Decimal("765433"),
    )
    dinar = StatementAccount(
        currency="BHD",
        entries=(Entry(booked_on=date(2026, 1, 3), amount=Decimal("-1.234"), description="Fils"),),
        period_from=date(2026, 1, 1),
    )
    statement = Statement(accounts=(yen, dinar), owner=Owner(address=("Rue de Lyon 3",)))

    parsed = pdf.parse(pdf.render(statement))

    assert parsed.accounts == statement.accounts
    assert parsed.owner == statement.owner
    assert str(parsed.accounts[0].entries[0].amount) == "-1234567"
    assert str(parsed.accounts[1].entries[0].amount) == "-1.234"


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statements(max_accounts=2))
def test_every_rendered_statement_parses_back_to_the_same_accounts(statement: Statement) -> None:
    parsed = pdf.parse(pdf.render(statement))

    assert parsed.findings == ()
    assert parsed.owner == statement.owner
    assert parsed.bank.name == statement.bank.name
    assert len(parsed.accounts) == len(statement.accounts)
    for read, written in zip(parsed.accounts, statement.accounts, strict=True):
        assert read == written


# Findings -----------------------------------------------------------------------------------


def codes(findings: tuple) -> list[str]:
    return [finding.code for finding in findings]


def test_a_closing_balance_that_does_not_add_up_is_a_balance_mismatch() -> None:
    statement = statement_of(JANUARY, closing_balance=Decimal("9999.99"))

    parsed = pdf.parse(pdf.render(statement))

    assert codes(parsed.findings) == ["balance_mismatch"]
    assert parsed.findings[0].where == f"account {IBAN}"
    assert parsed.findings[0].message == (
        "the opening balance 1,000.00 PLN plus the entries makes 3,336.51 PLN, "
        "but the closing balance is 9,999.99 PLN"
    )


def test_a_balance_edited_in_the_file_is_a_mismatch_and_a_modification() -> None:
    data = replace_text(pdf.render(statement_of(JANUARY)), "3,336.51 PLN", "3,936.51 PLN")

    parsed = pdf.parse(data)

    assert parsed.accounts[0].closing_balance == Decimal("3936.51")
    assert codes(parsed.findings) == ["balance_mismatch", "modified_after_rendering"]
    assert parsed.findings[1].message == (
        "its text does not match the digest the sandbox wrote when it rendered it"
    )


def test_an_amount_changed_in_the_content_stream_breaks_the_chain_at_that_entry() -> None:
    data = replace_text(pdf.render(statement_of(JANUARY)), "2,500.00", "2,000.00")

    parsed = pdf.parse(data)

    assert parsed.accounts[0].entries[1].amount == Decimal("2000.00")
    assert codes(parsed.findings) == [
        "balance_mismatch",
        "balances_do_not_chain",
        "modified_after_rendering",
    ]
    chain = parsed.findings[1]
    assert chain.where == f"account {IBAN}, entry 2"
    assert chain.message == (
        "entry 2 (booked 2026-01-05, 2,000.00 PLN) leaves a balance of 3,379.50 PLN, "
        "but the balance before it plus its amount is 2,879.50 PLN"
    )


def test_balances_rendered_out_of_chain_are_reported_per_entry() -> None:
    statement = statement_of(JANUARY)
    account = statement.accounts[0]
    entries = list(account.entries)
    entries[2] = Entry(**{**_fields(entries[2]), "balance_after": Decimal("1.00")})
    broken = Statement(
        accounts=(StatementAccount(**{**_fields(account), "entries": tuple(entries)}),),
        owner=statement.owner,
        bank=statement.bank,
    )

    parsed = pdf.parse(pdf.render(broken))

    assert codes(parsed.findings) == ["balances_do_not_chain"]
    assert parsed.findings[0].where == f"account {IBAN}, entry 3"


def test_a_rewritten_producer_is_a_modification() -> None:
    data = with_metadata(pdf.render(statement_of(JANUARY)), {"/Producer": "Acrobat Pro 24"})

    parsed = pdf.parse(data)

    assert [(f.code, f.message) for f in parsed.findings] == [
        (
            "modified_after_rendering",
            "its producer is 'Acrobat Pro 24', not the sandbox's 'bank-sandbox statements'",
        )
    ]


def test_a_later_modification_date_is_a_modification() -> None:
    data = with_metadata(pdf.render(statement_of(JANUARY)), {"/ModDate": "D:20260315093000Z"})

    parsed = pdf.parse(data)

    assert [(f.code, f.message) for f in parsed.findings] == [
        (
            "modified_after_rendering",
            "it was modified (D:20260315093000Z) after it was created (D:20260201000000Z)",
        )
    ]


def test_a_statement_without_the_sandbox_digest_was_not_rendered_by_the_sandbox() -> None:
    data = with_metadata(pdf.render(statement_of(JANUARY)), {"/SandboxDigest": None})

    parsed = pdf.parse(data)

    assert codes(parsed.findings) == ["not_rendered_by_sandbox"]
    assert len(parsed.accounts[0].entries) == 3


def test_a_page_shifted_a_few_points_still_reads_the_same() -> None:
    statement = statement_of(JANUARY)
    reader = PdfReader(io.BytesIO(pdf.render(statement)))
    writer = PdfWriter(clone_from=reader)
    for page in writer.pages:
        content = ContentStream(page.get_contents(), writer)
        shift = [NumberObject(1), NumberObject(0), NumberObject(0), NumberObject(1)]
        content.operations.insert(0, ([*shift, FloatObject(3.5), FloatObject(-2.5)], b"cm"))
        page.replace_contents(content)

    parsed = pdf.parse(written(writer))

    assert parsed.accounts == statement.accounts
    assert parsed.findings == ()


# Refused files ------------------------------------------------------------------------------


def problems(data: bytes) -> list[tuple[str, str]]:
    with pytest.raises(StatementError) as refused:
        pdf.parse(data)
    return [(problem.where, problem.message) for problem in refused.value.problems]


def test_an_empty_file_is_refused() -> None:
    assert problems(b"") == [("file", "the file is empty")]


def test_a_file_that_is_not_a_pdf_is_refused() -> None:
    assert problems(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4) == [
        ("file", "the file is not a PDF (it does not start with %PDF-)")
    ]


def test_a_file_that_only_starts_like_a_pdf_is_refused_saying_it_cannot_be_read() -> None:
    assert problems(b"%PDF-1.7\n" + bytes(range(256)) * 3) == [
        (
            "file",
            "the PDF cannot be read (PDFSyntaxError: No /Root object! - Is this really a PDF?)",
        )
    ]


def test_a_pdf_without_pages_is_refused() -> None:
    catalog = b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n"

    assert problems(b"%PDF-1.4\n" + catalog + b"%%EOF") == [("file", "the PDF has no pages")]


@pytest.mark.parametrize("user_password", ["", "secret"])
def test_an_encrypted_statement_is_refused(user_password: str) -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf.render(statement_of(JANUARY)))))
    writer.encrypt(user_password=user_password, owner_password="owner")

    assert problems(written(writer)) == [
        (
            "file",
            "the PDF is encrypted; upload the statement as the bank gave it, without a password",
        )
    ]


def test_a_pdf_with_a_blank_page_is_refused_as_having_no_text() -> None:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)

    assert problems(written(writer)) == [
        ("file", "the PDF has no text (a scanned statement cannot be read)")
    ]


def test_a_pdf_that_is_no_statement_is_refused_page_by_page() -> None:
    document = FPDF()
    for _ in range(2):
        document.add_page()
        document.set_font("helvetica", size=12)
        document.text(20, 20, "Invoice 2026/01")

    assert problems(bytes(document.output())) == [
        ("page 1", "no 'Account statement' title: not a statement the sandbox renders"),
        ("page 2", "no 'Account statement' title: not a statement the sandbox renders"),
    ]


def test_impossible_dates_and_amounts_are_listed_with_their_entries() -> None:
    data = pdf.render(statement_of(JANUARY))
    data = replace_text(data, "2026-01-05", "2026-02-30")
    data = replace_text(data, "-42.99", "-42.995")

    assert problems(data) == [
        ("page 1, entry 2", "the booking date '2026-02-30' is not a date like 2026-01-31"),
        ("page 1, entry 2", "the value date '2026-02-30' is not a date like 2026-01-31"),
        ("page 1, entry 3", "the amount -42.995 has 3 decimals, PLN has 2"),
    ]


def test_more_accounts_than_a_statement_may_hold_is_one_problem() -> None:
    accounts = tuple(StatementAccount(currency="EUR", iban=IBAN) for _ in range(101))

    assert problems(pdf.render(Statement(accounts=accounts))) == [
        ("file", "the statement has more than 100 accounts")
    ]


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_damaged_bytes_are_read_or_refused_never_crash(data: st.DataObject) -> None:
    rendered = bytearray(SMALL_PDF)
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(rendered) - 1))
        rendered[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(len(rendered) // 2, len(rendered)))
    try:
        parsed = pdf.parse(bytes(rendered[:cut]))
    except StatementError as error:
        assert error.problems
    else:
        assert isinstance(parsed, Statement)


SMALL_PDF = pdf.render(statement_of(JANUARY[:1]))


# Tampering helpers ----------------------------------------------------------------------------


def replace_text(data: bytes, old: str, new: str) -> bytes:
    """The PDF with every text drawn as exactly `old` drawn as `new` (in the same font, whose
    subset must hold `new`'s characters), as an editor changing a figure would."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    replaced = 0
    for page in writer.pages:
        fonts = {
            name: _codes(font.get_object()) for name, font in page["/Resources"]["/Font"].items()
        }
        content = ContentStream(page.get_contents(), writer)
        font: dict[str, bytes] = {}
        for operands, operator in content.operations:
            if operator == b"Tf":
                font = fonts[operands[0]]
            elif operator == b"Tj" and _bytes(operands[0]) == _encode(old, font):
                operands[0] = ByteStringObject(_encode(new, font))
                replaced += 1
        page.replace_contents(content)
    assert replaced, f"no text '{old}' in the PDF"
    return written(writer)


def with_metadata(data: bytes, changes: dict[str, str | None]) -> bytes:
    """The PDF rewritten with these document information entries changed (None removes)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    info = writer._info.get_object()  # pypdf has no public way to remove an entry
    for key, value in changes.items():
        if value is None:
            del info[NameObject(key)]
        else:
            writer.add_metadata({key: value})
    return written(writer)


def written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _codes(font: dict) -> dict[str, bytes]:
    """Character to code in a subset font, from its ToUnicode map."""
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    body = cmap.split("beginbfchar", 1)[1]
    return {chr(int(u, 16)): bytes.fromhex(c) for c, u in re.findall(r"<(\w{4})> <(\w{4})>", body)}


def _encode(text: str, font: dict[str, bytes]) -> bytes:
    return b"".join(font[character] for character in text) if set(text) <= font.keys() else b"?"


def _bytes(operand: object) -> bytes:
    return bytes(getattr(operand, "original_bytes", operand))  # type: ignore[arg-type]


def _fields(item: object) -> dict[str, object]:
    return {name: getattr(item, name) for name in item.__slots__}  # type: ignore[attr-defined]


def test_a_pdf_whose_streams_inflate_without_end_is_refused_before_it_is_read() -> None:
    """A few hundred kilobytes of deflated zeros that would need a gigabyte."""
    inflater = zlib.compressobj(9)
    bomb = b"".join(inflater.compress(bytes(1024 * 1024)) for _ in range(160)) + inflater.flush()
    data = (
        b"%PDF-1.7\n1 0 obj\n<< /Length " + str(len(bomb)).encode() + b" /Filter /FlateDecode >>\n"
        b"stream\n" + bomb + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )
    assert len(data) < 1024 * 1024

    with pytest.raises(StatementError) as refused:
        pdf.parse(data)

    assert [(p.where, p.message) for p in refused.value.problems] == [
        ("file", "the PDF's compressed streams inflate to more than 128 MB")
    ]
