"""MT940 statements: what a German or Polish bank's export reads as, what a broken one says,
and that our own export reads back as it was written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from statement_cases import carried, statements

from sandbox.statements import mt940
from sandbox.statements.model import Entry, Statement, StatementAccount, StatementError

SPARKASSE = """\
:20:STARTUMSE
:25:DE89370400440532013000
:28C:00000/001
:60F:C261130EUR1523,45
:61:2612011201DR49,90N005NONREF
:86:005?00LASTSCHRIFT?109310?20EREF+4711 MREF+M-88?21SVWZ+Telefon Dezember 20?2226?30BYLADEM1001
?31DE02120300000000202051?32Telekom Deutschland GmbH
:61:2612311231CR1250,00NTRFNONREF//POS 1234
:86:166?00GUTSCHRIFT?20Gehalt Dezember?32ACME GMBH
:61:2612310102D12,00NMSCGEB-2026-12
:86:805?00ABSCHLUSS
:62F:C261231EUR2711,55
-
"""


def problems_of(data: bytes) -> list[tuple[str, str]]:
    with pytest.raises(StatementError) as raised:
        mt940.parse(data)
    return [(problem.where, problem.message) for problem in raised.value.problems]


def crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("utf-8")


@settings(max_examples=40, deadline=None)
@given(statements())
def test_a_rendered_statement_reads_back_as_it_was_written(statement: Statement) -> None:
    back = mt940.parse(mt940.render(statement))

    assert len(back.accounts) == len(statement.accounts)
    for written, read in zip(statement.accounts, back.accounts, strict=True):
        assert (read.currency, read.iban, read.number) == (written.currency, written.iban, None)
        assert (read.period_from, read.period_to) == (written.period_from, written.period_to)
        assert (read.opening_balance, read.closing_balance) == (
            written.opening_balance,
            written.closing_balance,
        )
        assert (read.name, read.bic, read.type) == (None, None, None)
        assert [carried(entry) for entry in read.entries] == [
            carried(entry) for entry in written.entries
        ]
    assert (back.owner.name, back.bank.name, back.issued_on) == (None, None, None)


def test_a_german_savings_bank_export_reads_as_its_entries() -> None:
    statement = mt940.parse(crlf(SPARKASSE))

    [account] = statement.accounts
    assert (account.iban, account.currency) == ("DE89370400440532013000", "EUR")
    assert (account.period_from, account.period_to) == (date(2026, 11, 30), date(2026, 12, 31))
    assert (account.opening_balance, account.closing_balance) == (
        Decimal("1523.45"),
        Decimal("2711.55"),
    )
    assert account.entries == (
        Entry(
            booked_on=date(2026, 12, 1),
            value_on=date(2026, 12, 1),
            amount=Decimal("-49.90"),
            description="EREF+4711 MREF+M-88SVWZ+Telefon Dezember 2026",
            counterparty_name="Telekom Deutschland GmbH",
            counterparty_iban="DE02120300000000202051",
        ),
        Entry(
            booked_on=date(2026, 12, 31),
            value_on=date(2026, 12, 31),
            amount=Decimal("1250.00"),
            description="Gehalt Dezember",
            counterparty_name="ACME GMBH",
            reference="POS 1234",
        ),
        Entry(
            booked_on=date(2027, 1, 2),
            value_on=date(2026, 12, 31),
            amount=Decimal("-12.00"),
            description="ABSCHLUSS",
            reference="GEB-2026-12",
        ),
    )


def test_an_account_given_as_bank_code_and_number_keeps_it_as_the_number() -> None:
    text = SPARKASSE.replace(":25:DE89370400440532013000", ":25:37040044/0532013000")

    [account] = mt940.parse(crlf(text)).accounts

    assert (account.iban, account.number) == (None, "37040044/0532013000")


def test_a_german_export_in_windows_1252_reads_its_umlauts() -> None:
    text = SPARKASSE.replace("ACME GMBH", "Müller & Söhne")

    [account] = mt940.parse(text.encode("cp1252")).accounts

    assert account.entries[1].counterparty_name == "Müller & Söhne"


def test_a_polish_bank_export_in_windows_1250_with_tilde_subfields_reads_as_its_entries() -> None:
    text = """\
:20:MT940
:25:/PL61109010140000071219812874
:28C:1
:60F:C261201PLN10000,00
:61:2612021202D150,00S0340000001
:86:034~00VE02~20Opłata za telefon ~21grudzień 2026~3010201026~310000071219812874
~32ORANGE POLSKA S.A.~38PL27114020040000300201355387
:61:2612031203C2500,00S0510000002
:86:051<00PRZELEW<20Czynsz za mieszkanie<32Łukasz Żak
:62F:C261203PLN12350,00
-
"""
    [account] = mt940.parse(crlf(text).decode().encode("cp1250")).accounts

    assert (account.iban, account.currency) == ("PL61109010140000071219812874", "PLN")
    assert [
        (entry.amount, entry.description, entry.counterparty_name, entry.counterparty_iban)
        for entry in account.entries
    ] == [
        (
            Decimal("-150.00"),
            "Opłata za telefon grudzień 2026",
            "ORANGE POLSKA S.A.",
            "PL27114020040000300201355387",
        ),
        (Decimal("2500.00"), "Czynsz za mieszkanie", "Łukasz Żak", None),
    ]
    assert [entry.reference for entry in account.entries] == ["0000001", "0000002"]


def test_unstructured_details_are_the_description_with_cut_lines_joined_as_they_were() -> None:
    full_line = ":86:/EREF/20261201-1/REMI/Invoice 2026-117 for consulting service"
    text = SPARKASSE.replace(
        ":86:166?00GUTSCHRIFT?20Gehalt Dezember?32ACME GMBH",
        f"{full_line}\ns in November and December\nthank you",
    )
    assert len(full_line) == 65

    [account] = mt940.parse(crlf(text)).accounts

    assert account.entries[1].description == (
        "/EREF/20261201-1/REMI/Invoice 2026-117 for consulting services in November and"
        " December thank you"
    )


def test_a_swift_envelope_around_the_statement_is_read_through() -> None:
    text = "{1:F01COBADEFFAXXX0000000000}{2:O9401200261231COBADEFFXXXX00000000002612311200N}{4:\n"
    text += SPARKASSE.replace("\n-\n", "\n-}{5:{CHK:ABCDEF123456}}\n")

    [account] = mt940.parse(crlf(text)).accounts

    assert len(account.entries) == 3


def test_a_statement_over_two_pages_reads_as_one_account() -> None:
    text = """\
:20:STARTUMS
:25:DE89370400440532013000
:28C:00007/001
:60F:C261201EUR100,00
:61:2612021202C10,00NTRFNONREF
:62M:C261202EUR110,00
-
:20:STARTUMS
:25:DE89370400440532013000
:28C:00007/002
:60M:C261202EUR110,00
:61:2612031203D5,00NTRFNONREF
:62F:C261203EUR105,00
-
"""
    [account] = mt940.parse(crlf(text)).accounts

    assert [entry.amount for entry in account.entries] == [Decimal("10.00"), Decimal("-5.00")]
    assert (account.period_from, account.period_to) == (date(2026, 12, 1), date(2026, 12, 3))
    assert account.closing_balance == Decimal("105.00")


def test_reversals_are_signed_as_the_money_moves() -> None:
    text = SPARKASSE.replace("DR49,90N005", "RCR49,90N005").replace("CR1250,00", "RD1250,00")

    [account] = mt940.parse(crlf(text)).accounts

    assert [entry.amount for entry in account.entries[:2]] == [
        Decimal("-49.90"),
        Decimal("1250.00"),
    ]


def test_a_two_digit_year_from_70_is_in_the_1900s() -> None:
    account = StatementAccount(
        currency="EUR",
        iban="DE89370400440532013000",
        period_from=date(1999, 12, 30),
        period_to=date(2000, 1, 2),
        opening_balance=Decimal("0.00"),
        closing_balance=Decimal("1.00"),
        entries=(Entry(date(2000, 1, 2), Decimal("1.00"), "Y2K", value_on=date(1999, 12, 31)),),
    )
    written = mt940.render(Statement(accounts=(account,)))

    assert b":60F:C991230EUR0,00\r\n" in written
    assert b":61:9912310102C1,00NTRFNONREF\r\n" in written
    assert mt940.parse(written).accounts[0].entries[0].booked_on == date(2000, 1, 2)


def test_a_rendered_statement_looks_like_a_bank_export() -> None:
    account = StatementAccount(
        currency="EUR",
        iban="DE89370400440532013000",
        period_from=date(2026, 12, 1),
        period_to=date(2026, 12, 31),
        opening_balance=Decimal("1000.00"),
        closing_balance=Decimal("987.50"),
        entries=(
            Entry(
                booked_on=date(2026, 12, 2),
                value_on=date(2026, 12, 1),
                amount=Decimal("-12.50"),
                description="Rechnung 2026-117 Büromaterial für das Büro in Köln",
                counterparty_name="Schreibwaren Müller GmbH und Söhne KG Berlin",
                counterparty_iban="DE02120300000000202051",
                reference="202612-0001",
            ),
        ),
    )

    written = mt940.render(Statement(accounts=(account, account)))

    assert written.decode("utf-8").split("\r\n")[:17] == [
        ":20:STARTUMS",
        ":25:DE89370400440532013000",
        ":28C:00001/001",
        ":60F:C261201EUR1000,00",
        ":61:2612011202D12,50NTRF202612-0001",
        ":86:177?00UEBERWEISUNG",
        "?20Rechnung 2026-117 Büromater",
        "?21ial für das Büro in Köln",
        "?31DE02120300000000202051",
        "?32Schreibwaren Müller GmbH un",
        "?33d Söhne KG Berlin",
        ":62F:C261231EUR987,50",
        "-",
        ":20:STARTUMS",
        ":25:DE89370400440532013000",
        ":28C:00002/001",
        ":60F:C261201EUR1000,00",
    ]
    assert written.endswith(b"-\r\n")
    assert mt940.render(Statement(accounts=(account, account))) == written


def test_a_file_with_two_bad_lines_lists_both_with_their_line_numbers() -> None:
    text = SPARKASSE.replace("2612011201DR49,90", "2613011201DR49,90").replace(
        "D12,00NMSC", "D12,005NMSC"
    )

    assert problems_of(crlf(text)) == [
        ("line 5", ":61: value date 261301 is not a date (YYMMDD)"),
        ("line 10", ":61: amount 12,005 has 3 decimal places; EUR has 2"),
    ]


def test_a_statement_without_account_or_closing_balance_says_what_is_missing() -> None:
    text = SPARKASSE.replace(":25:DE89370400440532013000\n", "").replace(
        ":62F:C261231EUR2711,55\n", ""
    )

    assert problems_of(crlf(text)) == [
        ("line 1", "the statement has no :25: account identification"),
        ("line 1", "the statement has no :62F: closing balance"),
    ]


def test_balances_in_two_currencies_are_a_problem() -> None:
    text = SPARKASSE.replace(":62F:C261231EUR", ":62F:C261231USD")

    assert problems_of(crlf(text)) == [
        ("line 12", ":62F: currency USD differs from the opening balance's EUR")
    ]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (
            ":60F:C260230EUR1523,45",
            ("line 4", ":60F: date 260230 is not a date (YYMMDD)"),
        ),
        (
            ":60F:C261130EUR1234567890123456,00",
            (
                "line 4",
                ":60F: amount '1234567890123456,00' is not up to 15 digits with a decimal comma",
            ),
        ),
        (
            ":60F:1523,45 EUR",
            (
                "line 4",
                ":60F: should read C or D, date YYMMDD, currency and amount (like C261201EUR1000,00), not '1523,45 EUR'",
            ),
        ),
    ],
)
def test_a_broken_opening_balance_says_how_it_should_read(line: str, problem: tuple) -> None:
    text = SPARKASSE.replace(":60F:C261130EUR1523,45", line)

    assert problems_of(crlf(text)) == [problem]


def test_an_entry_line_that_is_not_an_entry_says_how_it_should_read() -> None:
    text = SPARKASSE.replace("2612311231CR1250,00NTRFNONREF//POS 1234", "Gehalt 1250 EUR")

    assert problems_of(crlf(text)) == [
        (
            "line 8",
            ":61: should read value date YYMMDD, booking date MMDD, C, D, RC or RD, amount, transaction type (like NTRF) and reference, not 'Gehalt 1250 EUR'",
        )
    ]


def test_a_booking_date_that_no_year_makes_a_date_is_a_problem() -> None:
    text = SPARKASSE.replace("2612311231CR", "2612311331CR")

    assert problems_of(crlf(text)) == [("line 8", ":61: booking date 1331 is not a date (MMDD)")]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", ("file", "the file is empty")),
        (b"\r\n  \r\n", ("file", "the file is empty")),
        (
            b"date;amount;description\r\n2026-12-01;-12.50;Miete\r\n",
            ("file", "this is not an MT940 file: no statement starts with a :20: line"),
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00",
            ("file", "this is not an MT940 file: no statement starts with a :20: line"),
        ),
    ],
)
def test_a_file_that_is_not_mt940_says_so(data: bytes, problem: tuple) -> None:
    assert problems_of(data) == [problem]


def test_text_before_the_first_field_is_a_problem_on_its_line() -> None:
    assert problems_of(crlf("Kontoauszug Dezember\n" + SPARKASSE)) == [
        ("line 1", "expected a field such as :61:, found 'Kontoauszug Dezember'")
    ]


def test_more_statements_than_an_upload_holds_is_one_problem() -> None:
    text = SPARKASSE * 101

    assert problems_of(crlf(text)) == [("file", "the file has 101 statements; at most 100")]


def test_more_entries_than_a_statement_holds_is_one_problem() -> None:
    head, tail = SPARKASSE.split(":61:2612011201", 1)
    text = head + ":61:2612011201C1,00NTRFNONREF\n" * 100_001 + ":61:2612011201" + tail

    assert problems_of(crlf(text)) == [
        ("line 5", "the statement has 100004 entries; at most 100000")
    ]


def test_a_description_longer_than_the_model_holds_is_a_problem() -> None:
    text = SPARKASSE.replace("?20Gehalt Dezember", "?20" + "Gehalt " * 200)

    assert problems_of(crlf(text)) == [("line 9", ":86: text is longer than 1000 characters")]


def test_an_account_without_balances_or_period_is_written_from_its_entries() -> None:
    account = StatementAccount(
        currency="PLN",
        iban="PL61109010140000071219812874",
        entries=(
            Entry(date(2026, 12, 3), Decimal("-5.00"), "Kawa"),
            Entry(date(2026, 12, 9), Decimal("20.00"), "Zwrot"),
        ),
    )

    [back] = mt940.parse(mt940.render(Statement(accounts=(account,)))).accounts

    assert (back.period_from, back.period_to) == (date(2026, 12, 3), date(2026, 12, 9))
    assert (back.opening_balance, back.closing_balance) == (Decimal("0.00"), Decimal("15.00"))


def test_a_currency_without_cents_is_written_with_a_bare_decimal_comma() -> None:
    account = StatementAccount(
        currency="JPY",
        iban="DE89370400440532013000",
        period_from=date(2026, 12, 1),
        period_to=date(2026, 12, 1),
        opening_balance=Decimal("10000"),
        closing_balance=Decimal("8500"),
        entries=(Entry(date(2026, 12, 1), Decimal("-1500"), "Bento"),),
    )

    written = mt940.render(Statement(accounts=(account,)))

    assert b":61:2612011201D1500,NTRFNONREF\r\n" in written
    assert mt940.parse(written.replace(b"D1500,", b"D1500")).accounts[0].entries[0].amount == (
        Decimal("-1500")
    )
