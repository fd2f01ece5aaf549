"""CSV statements: our own export's round trip, German, French and Polish banks' exports as
they look, broken files with their lines and columns, hostile input."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from statement_cases import IBANS, statements

from sandbox.categories import Category
from sandbox.statements import csv_format
from sandbox.statements.model import (
    MAX_ACCOUNTS,
    MAX_ENTRIES,
    Entry,
    Problem,
    Statement,
    StatementAccount,
    StatementError,
)

OWN_EXPORT = """\
account_iban,account_name,currency,booked_on,value_on,amount,description,counterparty_name,counterparty_iban,reference,category,balance_after
DE89370400440532013000,Girokonto,EUR,2026-01-03,2026-01-02,-12.30,REWE SAGT DANKE 4711,REWE,,202601-0001,groceries,1192.20
DE89370400440532013000,Girokonto,EUR,2026-01-05,2026-01-05,2450.00,"Gehalt Januar, Arbeitgeber AG",Arbeitgeber AG,DE02120300000000202051,202601-0002,salary,3642.20
PL61109010140000071219812874,Konto,PLN,,,,,,,,,
"""


DOCS = Path(__file__).resolve().parents[2] / "docs" / "statement-formats.md"


def problems_of(data: bytes | str) -> list[Problem]:
    with pytest.raises(StatementError) as raised:
        csv_format.parse(data.encode() if isinstance(data, str) else data)
    return raised.value.problems


def entry(booked_on: date, amount: str, description: str, **fields: Any) -> Entry:
    return Entry(booked_on=booked_on, amount=Decimal(amount), description=description, **fields)


@st.composite
def csv_statements(draw: st.DrawFn) -> Statement:
    """statement_cases' statements whose accounts have different IBANs (a CSV tells its
    accounts apart by IBAN), with categories on some entries."""
    statement = draw(statements())
    ibans = draw(st.permutations(IBANS))
    categories = st.none() | st.sampled_from(list(Category))
    accounts = tuple(
        replace(
            account,
            iban=iban,
            entries=tuple(replace(e, category=draw(categories)) for e in account.entries),
        )
        for account, iban in zip(statement.accounts, ibans, strict=False)
    )
    return replace(statement, accounts=accounts)


@given(csv_statements())
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_parsing_a_rendered_statement_gives_back_what_the_columns_carry(
    statement: Statement,
) -> None:
    parsed = csv_format.parse(csv_format.render(statement))

    assert len(parsed.accounts) == len(statement.accounts)
    for read, made in zip(parsed.accounts, statement.accounts, strict=True):
        assert (read.iban, read.name, read.currency) == (made.iban, made.name, made.currency)
        assert read.entries == made.entries
        if made.entries:
            assert (read.opening_balance, read.closing_balance) == (
                made.opening_balance,
                made.closing_balance,
            )
        assert (read.number, read.bic, read.type, read.period_from) == (None, None, None, None)
    assert parsed.owner.name is None and parsed.bank.name is None


FORMULAS = ('=HYPERLINK("http://x.example","pay")', "+49 30 1234", "-5", "@SUM(A1)")


def test_a_cell_a_spreadsheet_would_evaluate_is_written_as_text_and_reads_back() -> None:
    made = Statement(
        accounts=(
            StatementAccount(
                iban=IBANS[0],
                name=FORMULAS[3],
                currency="EUR",
                entries=(
                    entry(
                        date(2026, 1, 3),
                        "-12.30",
                        FORMULAS[0],
                        counterparty_name=FORMULAS[1],
                        reference=FORMULAS[2],
                    ),
                    entry(date(2026, 1, 4), "5.00", "'quoted' already", reference="plain"),
                ),
            ),
        )
    )
    rendered = csv_format.render(made)
    rows = list(csv.DictReader(io.StringIO(rendered.decode())))
    first, second = rows
    assert first["account_name"] == "'" + FORMULAS[3]
    assert first["description"] == "'" + FORMULAS[0]
    assert (first["counterparty_name"], first["reference"]) == ("'+49 30 1234", "'-5")
    assert first["amount"] == "-12.30"  # a number stays a number
    assert (second["description"], second["reference"]) == ("''quoted' already", "plain")
    read = csv_format.parse(rendered)
    assert read.accounts[0].name == made.accounts[0].name
    assert read.accounts[0].entries == made.accounts[0].entries


def test_a_banks_export_keeps_a_leading_apostrophe() -> None:
    # Only our own export is written with the guard; a bank's cell is read as it is.
    found = csv_format.parse(b"Buchungstag;Betrag;Verwendungszweck\n03.01.2026;-1,00;'Miete\n")
    assert found.accounts[0].entries[0].description == "'Miete"


@given(
    csv_statements(),
    st.sampled_from(["=", "+", "-", "@", "'", " ="]),
    st.sampled_from(["description", "counterparty_name", "reference"]),
)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_text_starting_like_a_formula_round_trips(
    statement: Statement, start: str, column: str
) -> None:
    accounts = tuple(
        replace(
            account,
            entries=tuple(
                replace(e, **{column: start.strip() + (getattr(e, column) or "x")})
                for e in account.entries
            ),
        )
        for account in statement.accounts
    )
    made = replace(statement, accounts=accounts)
    rendered = csv_format.parse(csv_format.render(made))
    assert [a.entries for a in rendered.accounts] == [a.entries for a in made.accounts]


def test_our_export_reads_with_accounts_told_apart_by_iban() -> None:
    statement = csv_format.parse(OWN_EXPORT.encode())

    giro, konto = statement.accounts
    assert (giro.iban, giro.name, giro.currency) == ("DE89370400440532013000", "Girokonto", "EUR")
    assert giro.entries == (
        entry(
            date(2026, 1, 3), "-12.30", "REWE SAGT DANKE 4711", value_on=date(2026, 1, 2),
            counterparty_name="REWE", reference="202601-0001", category="groceries",
            balance_after=Decimal("1192.20"),
        ),
        entry(
            date(2026, 1, 5), "2450.00", "Gehalt Januar, Arbeitgeber AG", value_on=date(2026, 1, 5),
            counterparty_name="Arbeitgeber AG", counterparty_iban="DE02120300000000202051",
            reference="202601-0002", category="salary", balance_after=Decimal("3642.20"),
        ),
    )  # fmt: skip
    assert (giro.opening_balance, giro.closing_balance) == (Decimal("1204.50"), Decimal("3642.20"))
    assert (konto.iban, konto.currency, konto.entries) == (
        "PL61109010140000071219812874",
        "PLN",
        (),
    )
    assert konto.opening_balance is None


def test_a_render_is_our_documented_export_and_the_same_bytes_each_time() -> None:
    rendered = csv_format.render(csv_format.parse(OWN_EXPORT.encode()))

    assert rendered.decode().splitlines() == OWN_EXPORT.splitlines()
    assert csv_format.render(csv_format.parse(rendered)) == rendered


def test_the_examples_on_the_docs_page_read() -> None:
    section = DOCS.read_text().split("\n## CSV\n", 1)[1].split("\n## ", 1)[0]
    own, sparkasse = re.findall(r"```csv\n(.*?)```", section, flags=re.DOTALL)

    assert csv_format.parse(own.encode()) == csv_format.parse(OWN_EXPORT.encode())
    [account] = csv_format.parse(sparkasse.encode()).accounts
    assert [entry.amount for entry in account.entries] == [Decimal("-12.30"), Decimal("2450.00")]


def test_a_sparkasse_export_in_windows_1252_with_a_wrapped_purpose_reads() -> None:
    data = (
        '"Auftragskonto";"Buchungstag";"Valutadatum";"Buchungstext";"Verwendungszweck";'
        '"Glaeubiger ID";"Mandatsreferenz";"Kundenreferenz (End-to-End)";"Sammlerreferenz";'
        '"Lastschrift Ursprungsbetrag";"Auslagenersatz Ruecklastschrift";'
        '"Beguenstigter/Zahlungspflichtiger";"Kontonummer/IBAN";"BIC (SWIFT-Code)";"Betrag";'
        '"Waehrung";"Info"\r\n'
        '"DE89370400440532013000";"03.01.26";"02.01.26";"FOLGELASTSCHRIFT";"REWE SAGT DANKE 4711";'
        '"DE7000100000077777";"M-123";"";"";"";"";"REWE Markt GmbH";"DE02120300000000202051";'
        '"BYLADEM1001";"-12,30";"EUR";"Umsatz gebucht"\r\n'
        '"DE89370400440532013000";"05.01.26";"05.01.26";"GUTSCHR. UEBERWEISUNG";"Gehalt Januar\r\n'
        'Arbeitgeber AG";"";"";"";"";"";"";"Müller & Söhne";"DE02120300000000202051";"BYLADEM1001";'
        '"2.450,00";"EUR";"Umsatz gebucht"\r\n'
        '"DE89370400440532013000";"31.01.26";"31.01.26";"ENTGELTABSCHLUSS";"";"";"";"";"";"";"";"";'
        '"";"";"-4,95";"EUR";"Umsatz gebucht"\r\n'
    ).encode("cp1252")

    [account] = csv_format.parse(data).accounts

    assert (account.iban, account.currency) == ("DE89370400440532013000", "EUR")
    assert account.entries == (
        entry(
            date(2026, 1, 3), "-12.30", "REWE SAGT DANKE 4711", value_on=date(2026, 1, 2),
            counterparty_name="REWE Markt GmbH", counterparty_iban="DE02120300000000202051",
        ),
        entry(
            date(2026, 1, 5), "2450.00", "Gehalt Januar Arbeitgeber AG", value_on=date(2026, 1, 5),
            counterparty_name="Müller & Söhne", counterparty_iban="DE02120300000000202051",
        ),
        entry(date(2026, 1, 31), "-4.95", "ENTGELTABSCHLUSS", value_on=date(2026, 1, 31)),
    )  # fmt: skip


def test_a_deutsche_bank_export_reads_oldest_first_in_the_preamble_account() -> None:
    data = (
        "Umsätze Girokonto;Zeitraum: 01.01.2026 - 31.03.2026\n"
        "Kontonummer:;DE89 3704 0044 0532 0130 00\n"
        "Währung:;EUR\n"
        "\n"
        "Buchungstag;Wert;Umsatzart;Begünstigter / Auftraggeber;Verwendungszweck;IBAN;BIC;"
        "Kundenreferenz;Mandatsreferenz ;Gläubiger ID;Fremde Gebühren;Betrag;"
        "Abweichender Empfänger;Anzahl der Aufträge;Anzahl der Schecks;Soll;Haben;Währung\n"
        "05.01.2026;05.01.2026;SEPA-Überweisung;Arbeitgeber AG;Gehalt;DE02120300000000202051;"
        "BYLADEM1001;;;;;;;;;;2.450,00;EUR\n"
        "03.01.2026;02.01.2026;Lastschrift;REWE;REWE SAGT DANKE;;;;;;;;;;;-12,30;;EUR\n"
        "Kontostand;31.03.2026;;;;;;;;;;1.830,12;;;;;;EUR\n"
    ).encode("utf-8-sig")

    [account] = csv_format.parse(data).accounts

    assert (account.iban, account.currency) == ("DE89370400440532013000", "EUR")
    assert account.entries == (
        entry(date(2026, 1, 3), "-12.30", "REWE SAGT DANKE", value_on=date(2026, 1, 2),
              counterparty_name="REWE"),
        entry(date(2026, 1, 5), "2450.00", "Gehalt", value_on=date(2026, 1, 5),
              counterparty_name="Arbeitgeber AG", counterparty_iban="DE02120300000000202051"),
    )  # fmt: skip


def test_an_ing_export_with_its_preamble_and_two_currency_columns_reads() -> None:
    data = (
        "Umsatzanzeige;Datei erstellt am: 01.04.2026 10:00\n"
        ";Letztes Update: aktuell\n"
        "\n"
        "IBAN;DE89 3704 0044 0532 0130 00\n"
        "Kontoname;Girokonto\n"
        "Bank;ING\n"
        "Zeitraum;01.01.2026 - 31.03.2026\n"
        "Saldo;3.642,20;EUR\n"
        "\n"
        "Buchung;Valuta;Auftraggeber/Empfänger;Buchungstext;Verwendungszweck;Saldo;Währung;Betrag;Währung\n"
        "05.01.2026;05.01.2026;Arbeitgeber AG;Gehalt/Rente;Gehalt Januar;3.642,20;EUR;2.450,00;EUR\n"
        "03.01.2026;02.01.2026;REWE;Lastschrift;;1.192,20;EUR;-12,30;EUR\n"
    ).encode("cp1252")

    [account] = csv_format.parse(data).accounts

    assert (account.iban, account.currency) == ("DE89370400440532013000", "EUR")
    assert account.entries == (
        entry(date(2026, 1, 3), "-12.30", "Lastschrift", value_on=date(2026, 1, 2),
              counterparty_name="REWE", balance_after=Decimal("1192.20")),
        entry(date(2026, 1, 5), "2450.00", "Gehalt Januar", value_on=date(2026, 1, 5),
              counterparty_name="Arbeitgeber AG", balance_after=Decimal("3642.20")),
    )  # fmt: skip
    assert (account.opening_balance, account.closing_balance) == (
        Decimal("1204.50"),
        Decimal("3642.20"),
    )


def test_a_volksbank_export_signs_its_amounts_by_their_soll_haben_column() -> None:
    data = (
        "Buchungstag;Valuta;Auftraggeber/Zahlungsempfänger;Empfänger/Zahlungspflichtiger;"
        "Konto-Nr.;IBAN;BLZ;BIC;Vorgang/Verwendungszweck;Kundenreferenz;Währung;Umsatz;Soll/Haben\n"
        "03.01.2026;02.01.2026;Lena Hoffmann;REWE;;DE02120300000000202051;;;REWE SAGT DANKE;;EUR;12,30;S\n"
        "05.01.2026;05.01.2026;Lena Hoffmann;Arbeitgeber AG;;;;;Gehalt;;EUR;2.450,00;H\n"
        "06.01.2026;06.01.2026;Lena Hoffmann;X;;;;;?;;EUR;1,00;X\n"
    )

    assert problems_of(data) == [
        Problem("line 4, column Soll/Haben", "'X' is neither S (Soll) nor H (Haben)")
    ]
    [account] = csv_format.parse(data.split("06.01.2026", 1)[0].encode()).accounts
    assert [(e.amount, e.description, e.counterparty_name) for e in account.entries] == [
        (Decimal("-12.30"), "REWE SAGT DANKE", "REWE"),
        (Decimal("2450.00"), "Gehalt", "Arbeitgeber AG"),
    ]


def test_a_dkb_export_takes_its_currency_from_the_amount_header() -> None:
    data = (
        '"Girokonto";"DE89370400440532013000"\n'
        '""\n'
        '"Kontostand vom 31.03.2026:";"1.830,12 €"\n'
        '""\n'
        '"Buchungsdatum";"Wertstellung";"Status";"Zahlungspflichtige*r";"Zahlungsempfänger*in";'
        '"Verwendungszweck";"Umsatztyp";"IBAN";"Betrag (€)";"Gläubiger-ID";"Mandatsreferenz";'
        '"Kundenreferenz"\n'
        '"03.01.26";"03.01.26";"Gebucht";"Lena Hoffmann";"REWE";"REWE SAGT DANKE";"Ausgang";'
        '"DE02120300000000202051";"-12,3 €";"";"";""\n'
    ).encode()

    [account] = csv_format.parse(data).accounts

    assert (account.iban, account.currency) == ("DE89370400440532013000", "EUR")
    assert [(e.amount, e.description) for e in account.entries] == [
        (Decimal("-12.30"), "REWE SAGT DANKE")
    ]


def test_a_credit_agricole_export_with_debit_and_credit_columns_reads() -> None:
    data = (
        "Téléchargement du 01/04/2026;\n"
        "Compte de Dépôt carte n° FR14 2004 1010 0505 0001 3M02 606;\n"
        "\n"
        "Date;Libellé;Débit euros;Crédit euros;\n"
        '03/01/2026;"CB CARREFOUR; PARIS 15";12,30;;\n'
        "05/01/2026;VIR SALAIRE JANVIER;;2 450,00;\n"
    ).encode("cp1252")

    [account] = csv_format.parse(data).accounts

    assert (account.iban, account.currency) == ("FR1420041010050500013M02606", "EUR")
    assert account.entries == (
        entry(date(2026, 1, 3), "-12.30", "CB CARREFOUR; PARIS 15"),
        entry(date(2026, 1, 5), "2450.00", "VIR SALAIRE JANVIER"),
    )


def test_a_bnp_export_with_one_amount_column_and_a_currency_reads() -> None:
    data = (
        "Date opération;Date valeur;Libellé;Montant;Devise\n"
        "03/01/2026;02/01/2026;PRLV SEPA EDF;-54,10;EUR\n"
        "04/01/2026;04/01/2026;VIR M DUPONT;1 200,00;EUR\n"
    ).encode()

    [account] = csv_format.parse(data).accounts

    assert account.entries == (
        entry(date(2026, 1, 3), "-54.10", "PRLV SEPA EDF", value_on=date(2026, 1, 2)),
        entry(date(2026, 1, 4), "1200.00", "VIR M DUPONT", value_on=date(2026, 1, 4)),
    )


def test_an_mbank_export_in_windows_1250_reads_in_zloty_with_its_balances() -> None:
    data = (
        "mBank S.A. Bankowość Detaliczna;\n"
        "#Numer rachunku;\n"
        "61 1090 1014 0000 0712 1981 2874;\n"
        "\n"
        "#Data operacji;#Opis operacji;#Rachunek;#Kategoria;#Kwota;#Saldo po operacji;\n"
        "2026-01-05;PRZELEW PRZYCHODZĄCY WYNAGRODZENIE;eKonto;Wpływy;4 500,00 PLN;5 704,50 PLN;\n"
        "2026-01-03;ŻABKA Z1234 WARSZAWA;eKonto;Jedzenie;-12,30 PLN;1 204,50 PLN;\n"
    ).encode("cp1250")

    [account] = csv_format.parse(data).accounts

    assert (account.iban, account.currency) == ("PL61109010140000071219812874", "PLN")
    assert account.entries == (
        entry(date(2026, 1, 3), "-12.30", "ŻABKA Z1234 WARSZAWA", balance_after=Decimal("1204.50")),
        entry(date(2026, 1, 5), "4500.00", "PRZELEW PRZYCHODZĄCY WYNAGRODZENIE",
              balance_after=Decimal("5704.50")),
    )  # fmt: skip
    assert (account.opening_balance, account.closing_balance) == (
        Decimal("1216.80"),
        Decimal("5704.50"),
    )


def test_a_pko_export_with_commas_and_decimal_points_reads() -> None:
    data = (
        '"Data operacji","Data waluty","Typ transakcji","Kwota","Waluta","Saldo po transakcji",'
        '"Opis transakcji","",""\n'
        '"2026-01-03","2026-01-03","Płatność kartą","-12.30","PLN","1204.50",'
        '"Tytuł: ŻABKA Z1234","Lokalizacja: Warszawa",""\n'
        '"2026-01-05","2026-01-05","Przelew na konto","+4500.00","PLN","5704.50",'
        '"Nazwa nadawcy: ACME SP. Z O.O.","",""\n'
    ).encode()

    [account] = csv_format.parse(data).accounts

    assert [(e.booked_on, e.amount, e.description) for e in account.entries] == [
        (date(2026, 1, 3), Decimal("-12.30"), "Tytuł: ŻABKA Z1234"),
        (date(2026, 1, 5), Decimal("4500.00"), "Nazwa nadawcy: ACME SP. Z O.O."),
    ]


def test_a_file_without_a_known_header_is_one_problem_naming_the_columns_needed() -> None:
    data = b"Datum,Wert,Text\n2026-01-03,-12.30,REWE\n"

    assert problems_of(data) == [
        Problem(
            "file",
            "has no header row this sandbox knows; it needs a header row naming at least the "
            "booking date (booked_on, Buchungstag, Date opération, Data operacji), the amount "
            "(amount, Betrag, Montant, Kwota, or Soll and Haben, Débit and Crédit) and the "
            "description (description, Verwendungszweck, Libellé, Opis operacji)",
        )
    ]


def test_a_file_with_bad_rows_lists_each_with_its_line_and_column() -> None:
    data = (
        "Buchungstag;Valutadatum;Verwendungszweck;Betrag;Währung;Kontonummer/IBAN\n"
        "03.01.2026;02.01.2026;ok;-12,30;EUR;\n"
        '30.02.2026;02.01.2026;"wrapped\nover two lines";-12,345;EUR;\n'
        "04.01.2026;;x;12.30.00;EUR;DE00 1234\n"
        ";;no date;1,00;EUR;\n"
        "05.01.2026;;y;;EUR;\n"
    )

    assert problems_of(data) == [
        Problem("line 3, column Buchungstag", "'30.02.2026' is not a day of the calendar"),
        Problem("line 3, column Betrag", "'-12,345' has more decimal places than EUR has (2)"),
        Problem("line 5, column Betrag", "'12.30.00' is not an amount like -1234.56 or -1.234,56"),
        Problem(
            "line 5, column Kontonummer/IBAN",
            "'DE00 1234' is not a valid IBAN (invalid iban length)",
        ),
        Problem("line 6, column Buchungstag", "is empty; a row needs its booking date"),
        Problem("line 7, column Betrag", "is empty; a row needs its amount"),
    ]


def test_a_header_without_a_description_column_is_a_problem_on_its_line() -> None:
    data = "Export\nBuchungstag;Betrag\n03.01.2026;-12,30\n"

    assert problems_of(data) == [
        Problem(
            "line 2",
            "has no description column (description, Verwendungszweck, Libellé, Opis operacji, Tytuł)",
        )
    ]


def test_an_account_given_in_two_currencies_is_a_problem() -> None:
    data = (
        "account_iban,currency,booked_on,amount,description\n"
        "DE89370400440532013000,EUR,2026-01-03,-12.30,a\n"
        "DE89370400440532013000,PLN,2026-01-04,-1.00,b\n"
    )

    assert problems_of(data) == [
        Problem("line 3, column currency", "is PLN, but line 2 puts this account in EUR")
    ]


def test_an_amount_in_another_currency_than_its_row_is_a_problem() -> None:
    data = "Buchungstag;Verwendungszweck;Betrag;Währung\n03.01.2026;x;-12,30 PLN;EUR\n"

    assert problems_of(data) == [
        Problem("line 2, column Betrag", "'-12,30 PLN' is in PLN, but the row is in EUR")
    ]


def test_a_quote_never_closed_is_a_problem_on_the_line_it_opens() -> None:
    data = (
        "booked_on,amount,description\n"
        '2026-01-03,-12.30,"wrapped\nonce"\n'
        '2026-01-04,-1.00,"never closed\nmore\n'
    )

    assert problems_of(data) == [Problem("line 4", "has a quote that is never closed")]


def test_a_stray_quote_inside_a_field_is_a_problem_on_its_line() -> None:
    data = (
        'booked_on,amount,description\n2026-01-03,-12.30,ok\n2026-01-04,-1.00,"quoted" then not\n'
    )

    assert problems_of(data) == [
        Problem("line 3", "has text after a closing quote; quote the whole field")
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            b"",
            Problem(
                "file",
                "is empty; a statement CSV needs a header row naming at least the booking date (booked_on, Buchungstag, Date opération, Data operacji), the amount (amount, Betrag, Montant, Kwota, or Soll and Haben, Débit and Crédit) and the description (description, Verwendungszweck, Libellé, Opis operacji)",
            ),
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", Problem("file", "is binary, not CSV text")),
        (
            b"Buchungstag;Betrag;Verwendungszweck\n\x81\x8d\x8f",
            Problem("line 2", "is neither UTF-8 nor Windows-1252 text"),
        ),
    ],
)
def test_files_that_are_not_csv_text_say_so(data: bytes, expected: Problem) -> None:
    assert problems_of(data) == [expected]


def test_a_cell_past_the_length_limit_is_refused() -> None:
    data = f"booked_on,amount,description\n2026-01-03,-12.30,{'x' * 1001}\n"

    assert problems_of(data) == [
        Problem("line 2, column description", "is 1001 characters long, more than the 1000 allowed")
    ]


def test_more_rows_than_allowed_is_one_problem() -> None:
    rows = "2026-01-03,1.00,x\n" * (MAX_ENTRIES + 1)

    assert problems_of("booked_on,amount,description\n" + rows) == [
        Problem("line 100002", "is past the 100000 rows a file may have")
    ]


def test_more_accounts_than_allowed_is_one_problem() -> None:
    rows = "".join(f"Konto {n},EUR,2026-01-03,1.00,x\n" for n in range(MAX_ACCOUNTS + 1))

    assert problems_of("account_name,currency,booked_on,amount,description\n" + rows) == [
        Problem("line 102", "is past the 100 accounts a file may have")
    ]


@given(st.lists(st.lists(st.text(max_size=15), max_size=6), max_size=5))
@settings(max_examples=200, deadline=None)
def test_any_rows_under_a_known_header_give_problems_with_lines_not_a_crash(
    rows: list[list[str]],
) -> None:
    lines = ["Buchungstag;Wertstellung;Verwendungszweck;Soll;Haben;Saldo nach Buchung"]
    lines += [";".join(row) for row in rows]
    try:
        csv_format.parse("\n".join(lines).encode())
    except StatementError as error:
        assert all(problem.where.startswith(("line", "file")) for problem in error.problems)


@given(st.data())
@settings(max_examples=200, deadline=None)
def test_our_export_with_any_text_put_anywhere_gives_problems_not_a_crash(
    data: st.DataObject,
) -> None:
    at = data.draw(st.integers(0, len(OWN_EXPORT)))
    cut = data.draw(st.integers(0, 30))
    mangled = OWN_EXPORT[:at] + data.draw(st.text(max_size=20)) + OWN_EXPORT[at + cut :]
    try:
        csv_format.parse(mangled.encode())
    except StatementError as error:
        assert all(problem.where.startswith(("line", "file")) for problem in error.problems)
