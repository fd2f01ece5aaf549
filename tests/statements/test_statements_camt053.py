"""camt.053 statements: what banks' files of any version read as, what a broken or hostile
one says, and that our own export reads back as it was written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from statement_cases import carried, statements

from sandbox.statements import camt053
from sandbox.statements.model import (
    Bank,
    Entry,
    Owner,
    Statement,
    StatementAccount,
    StatementError,
)

GERMAN_V02 = """\
<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <BkToCstmrStmt>
    <GrpHdr>
      <MsgId>053D2026120100000001</MsgId>
      <CreDtTm>2026-12-01T06:12:45.0+01:00</CreDtTm>
      <MsgPgntn><PgNb>1</PgNb><LastPgInd>true</LastPgInd></MsgPgntn>
    </GrpHdr>
    <Stmt>
      <Id>0352C5320261130235959</Id>
      <ElctrncSeqNb>235</ElctrncSeqNb>
      <CreDtTm>2026-12-01T06:12:45.0+01:00</CreDtTm>
      <FrToDt>
        <FrDtTm>2026-11-30T00:00:00.0+01:00</FrDtTm>
        <ToDtTm>2026-11-30T23:59:59.0+01:00</ToDtTm>
      </FrToDt>
      <Acct>
        <Id><IBAN>DE89370400440532013000</IBAN></Id>
        <Ccy>EUR</Ccy>
        <Ownr><Nm>Erika Mustermann</Nm></Ownr>
        <Svcr><FinInstnId><BIC>COBADEFFXXX</BIC><Nm>Commerzbank</Nm></FinInstnId></Svcr>
      </Acct>
      <Bal>
        <Tp><CdOrPrtry><Cd>PRCD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="EUR">1523.45</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Dt><Dt>2026-11-29</Dt></Dt>
      </Bal>
      <Bal>
        <Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="EUR">2700.55</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Dt><Dt>2026-11-30</Dt></Dt>
      </Bal>
      <Bal>
        <Tp><CdOrPrtry><Cd>CLAV</Cd></CdOrPrtry></Tp>
        <Amt Ccy="EUR">2600.55</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Dt><Dt>2026-11-30</Dt></Dt>
      </Bal>
      <Ntry>
        <Amt Ccy="EUR">49.90</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><DtTm>2026-11-30T08:01:02.0+01:00</DtTm></BookgDt>
        <ValDt><Dt>2026-11-30</Dt></ValDt>
        <AcctSvcrRef>2026113000123</AcctSvcrRef>
        <BkTxCd><Prtry><Cd>NDDT+105+9310+931</Cd><Issr>ZKA</Issr></Prtry></BkTxCd>
        <NtryDtls>
          <TxDtls>
            <RltdPties>
              <Dbtr><Nm>Erika Mustermann</Nm></Dbtr>
              <DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct>
              <Cdtr><Nm>Telekom Deutschland GmbH</Nm></Cdtr>
              <CdtrAcct><Id><IBAN>DE02120300000000202051</IBAN></Id></CdtrAcct>
            </RltdPties>
            <RmtInf>
              <Ustrd>EREF+4711 MREF+M-88</Ustrd>
              <Ustrd>SVWZ+Telefon November 2026</Ustrd>
            </RmtInf>
          </TxDtls>
        </NtryDtls>
        <AddtlNtryInf>LASTSCHRIFT</AddtlNtryInf>
      </Ntry>
      <Ntry>
        <Amt Ccy="EUR">1250.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2026-11-30</Dt></BookgDt>
        <ValDt><Dt>2026-11-30</Dt></ValDt>
        <AcctSvcrRef>2026113000124</AcctSvcrRef>
        <NtryDtls>
          <TxDtls>
            <RltdPties>
              <Dbtr><Nm>ACME GmbH</Nm></Dbtr>
              <DbtrAcct><Id><IBAN>DE75512108001245126199</IBAN></Id></DbtrAcct>
              <Cdtr><Nm>Erika Mustermann</Nm></Cdtr>
            </RltdPties>
            <RmtInf><Ustrd>Gehalt November</Ustrd></RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="EUR">23.00</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2026-11-30</Dt></BookgDt>
        <NtryDtls>
          <Btch><NbOfTxs>2</NbOfTxs></Btch>
          <TxDtls><RltdPties><Cdtr><Nm>Stadtwerke</Nm></Cdtr></RltdPties></TxDtls>
          <TxDtls><RltdPties><Cdtr><Nm>GEZ</Nm></Cdtr></RltdPties></TxDtls>
        </NtryDtls>
        <AddtlNtryInf>SAMMLER 2 POSTEN</AddtlNtryInf>
      </Ntry>
      <Ntry>
        <Amt Ccy="EUR">99.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>PDNG</Sts>
        <BookgDt><Dt>2026-12-01</Dt></BookgDt>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>
"""

POLISH_V10 = """\
<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.10">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>PKO-20261201</MsgId><CreDtTm>2026-12-01T00:30:00Z</CreDtTm></GrpHdr>
    <Stmt>
      <Id>STMT-1</Id>
      <Acct>
        <Id><Othr><Id>4111 **** **** 1111</Id></Othr></Id>
        <Ccy>PLN</Ccy>
        <Nm>Karta kredytowa</Nm>
        <Ownr>
          <Nm>Łukasz Żak</Nm>
          <PstlAdr>
            <StrtNm>ul. Świętokrzyska</StrtNm><BldgNb>11</BldgNb>
            <PstCd>00-049</PstCd><TwnNm>Warszawa</TwnNm><Ctry>PL</Ctry>
          </PstlAdr>
        </Ownr>
        <Svcr><FinInstnId><BICFI>BPKOPLPWXXX</BICFI><Nm>PKO Bank Polski</Nm></FinInstnId></Svcr>
      </Acct>
      <Bal>
        <Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="PLN">500.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>
        <Dt><Dt>2026-11-01</Dt></Dt>
      </Bal>
      <Bal>
        <Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="PLN">650.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>
        <Dt><Dt>2026-11-30</Dt></Dt>
      </Bal>
      <Ntry>
        <Amt Ccy="PLN">150.00</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-11-20</Dt></BookgDt>
        <ValDt><DtTm>2026-11-19T18:45:00+01:00</DtTm></ValDt>
        <AcctSvcrRef>KRT/2026/11/0042</AcctSvcrRef>
        <AddtlNtryInf>BIEDRONKA 1234 WARSZAWA</AddtlNtryInf>
      </Ntry>
      <Ntry>
        <Amt Ccy="PLN">80.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-11-25</Dt></BookgDt>
        <NtryDtls>
          <TxDtls>
            <RltdPties>
              <Dbtr><Pty><Nm>Zwrot Allegro</Nm></Pty></Dbtr>
              <DbtrAcct><Id><IBAN>PL27114020040000300201355387</IBAN></Id></DbtrAcct>
            </RltdPties>
            <RmtInf><Ustrd>Zwrot zamówienia 2026/11/77</Ustrd></RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="PLN">12.00</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts><Cd>INFO</Cd></Sts>
        <BookgDt><Dt>2026-11-30</Dt></BookgDt>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>
"""


def problems_of(data: bytes) -> list[tuple[str, str]]:
    with pytest.raises(StatementError) as raised:
        camt053.parse(data)
    return [(problem.where, problem.message) for problem in raised.value.problems]


@settings(max_examples=40, deadline=None)
@given(statements())
def test_a_rendered_statement_reads_back_as_it_was_written(statement: Statement) -> None:
    back = camt053.parse(camt053.render(statement))

    assert len(back.accounts) == len(statement.accounts)
    for written, read in zip(statement.accounts, back.accounts, strict=True):
        assert (read.currency, read.iban, read.number, read.name, read.bic) == (
            written.currency,
            written.iban,
            written.number,
            written.name,
            written.bic,
        )
        assert (read.period_from, read.period_to) == (written.period_from, written.period_to)
        assert (read.opening_balance, read.closing_balance) == (
            written.opening_balance,
            written.closing_balance,
        )
        assert [carried(entry) for entry in read.entries] == [
            carried(entry) for entry in written.entries
        ]
    assert back.owner == statement.owner
    assert back.bank.name == statement.bank.name


def test_a_german_bank_file_of_version_02_reads_as_its_booked_entries() -> None:
    statement = camt053.parse(GERMAN_V02.encode())

    assert statement.issued_on == date(2026, 12, 1)
    assert statement.owner == Owner(name="Erika Mustermann")
    assert statement.bank == Bank(name="Commerzbank", bic="COBADEFFXXX")
    [account] = statement.accounts
    assert (account.iban, account.currency, account.bic) == (
        "DE89370400440532013000",
        "EUR",
        "COBADEFFXXX",
    )
    assert (account.period_from, account.period_to) == (date(2026, 11, 30), date(2026, 11, 30))
    assert (account.opening_balance, account.closing_balance) == (
        Decimal("1523.45"),
        Decimal("2700.55"),
    )
    assert account.entries == (
        Entry(
            booked_on=date(2026, 11, 30),
            value_on=date(2026, 11, 30),
            amount=Decimal("-49.90"),
            description="EREF+4711 MREF+M-88 SVWZ+Telefon November 2026",
            counterparty_name="Telekom Deutschland GmbH",
            counterparty_iban="DE02120300000000202051",
            reference="2026113000123",
        ),
        Entry(
            booked_on=date(2026, 11, 30),
            value_on=date(2026, 11, 30),
            amount=Decimal("1250.00"),
            description="Gehalt November",
            counterparty_name="ACME GmbH",
            counterparty_iban="DE75512108001245126199",
            reference="2026113000124",
        ),
        Entry(
            booked_on=date(2026, 11, 30),
            amount=Decimal("-23.00"),
            description="SAMMLER 2 POSTEN",
        ),
    )


def test_a_polish_card_statement_of_version_10_reads_with_its_newer_fields() -> None:
    statement = camt053.parse(POLISH_V10.encode())

    assert statement.issued_on == date(2026, 12, 1)
    assert statement.owner == Owner(
        name="Łukasz Żak", address=("ul. Świętokrzyska 11", "00-049 Warszawa", "PL")
    )
    assert statement.bank == Bank(name="PKO Bank Polski", bic="BPKOPLPWXXX")
    [account] = statement.accounts
    assert (account.iban, account.number, account.name) == (
        None,
        "4111 **** **** 1111",
        "Karta kredytowa",
    )
    assert (account.period_from, account.period_to) == (date(2026, 11, 1), date(2026, 11, 30))
    assert (account.opening_balance, account.closing_balance) == (
        Decimal("-500.00"),
        Decimal("-650.00"),
    )
    assert account.entries == (
        Entry(
            booked_on=date(2026, 11, 20),
            value_on=date(2026, 11, 19),
            amount=Decimal("-150.00"),
            description="BIEDRONKA 1234 WARSZAWA",
            reference="KRT/2026/11/0042",
        ),
        Entry(
            booked_on=date(2026, 11, 25),
            amount=Decimal("80.00"),
            description="Zwrot zamówienia 2026/11/77",
            counterparty_name="Zwrot Allegro",
            counterparty_iban="PL27114020040000300201355387",
        ),
    )


@pytest.mark.parametrize("version", ["02", "04", "08", "13"])
def test_every_version_from_02_to_13_is_read(version: str) -> None:
    data = GERMAN_V02.replace("camt.053.001.02", f"camt.053.001.{version}").encode()

    assert len(camt053.parse(data).accounts[0].entries) == 3


def test_a_file_in_windows_1250_as_its_declaration_says_reads_its_letters() -> None:
    data = POLISH_V10.replace('encoding="UTF-8"', 'encoding="windows-1250"').encode("cp1250")

    assert camt053.parse(data).owner.name == "Łukasz Żak"


def test_a_rendered_file_is_indented_utf8_camt_053_001_08_with_a_content_hash_as_id() -> None:
    statement = camt053.parse(GERMAN_V02.encode())

    written = camt053.render(statement)
    text = written.decode("utf-8")

    assert text.startswith(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">\n'
        "  <BkToCstmrStmt>\n"
        "    <GrpHdr>\n"
        "      <MsgId>CAMT053-"
    )
    assert "<CreDtTm>2026-12-01T00:00:00</CreDtTm>" in text
    assert camt053.render(statement) == written
    other = Statement(accounts=statement.accounts, issued_on=date(2026, 12, 2))
    assert _message_id(camt053.render(other)) != _message_id(written)
    assert camt053.parse(written) == statement


def _message_id(written: bytes) -> str:
    return written.decode().split("<MsgId>")[1].split("</MsgId>")[0]


def test_a_long_description_is_cut_into_ustrd_lines_and_joined_back() -> None:
    description = ("Rechnung 2026-117 Büromaterial für das Büro in Köln " * 6).strip()
    account = StatementAccount(
        currency="EUR",
        iban="DE89370400440532013000",
        entries=(Entry(date(2026, 12, 2), Decimal("-12.50"), description),),
    )

    written = camt053.render(Statement(accounts=(account,)))

    assert written.count(b"<Ustrd>") == 3
    assert camt053.parse(written).accounts[0].entries[0].description == description


ENTRY = """\
      <Ntry>
        <Amt Ccy="EUR">1250.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2026-11-30</Dt></BookgDt>
      </Ntry>
"""


def with_entries(*entries: str) -> bytes:
    head, tail = GERMAN_V02.split("      <Ntry>", 1)
    return (head + "".join(entries) + "      <Ntry>" + tail).encode()


def test_a_file_with_broken_entries_lists_every_problem_with_its_element() -> None:
    data = with_entries(
        ENTRY.replace('        <Amt Ccy="EUR">1250.00</Amt>\n', ""),
        ENTRY.replace("CRDT", "CRED"),
        ENTRY.replace("2026-11-30", "2026-02-30"),
        ENTRY.replace('Ccy="EUR"', 'Ccy="USD"'),
        ENTRY.replace("1250.00", "1250.005"),
        ENTRY.replace("<Sts>BOOK</Sts>", "<Sts>BOKED</Sts>"),
        ENTRY.replace("<BookgDt><Dt>2026-11-30</Dt></BookgDt>", ""),
    )

    assert problems_of(data) == [
        ("element Stmt[1]/Ntry[1]/Amt", "there is no amount"),
        ("element Stmt[1]/Ntry[2]/CdtDbtInd", "CdtDbtInd is 'CRED'; it is CRDT or DBIT"),
        ("element Stmt[1]/Ntry[3]/BookgDt/Dt", "'2026-02-30' is not a date (YYYY-MM-DD)"),
        ("element Stmt[1]/Ntry[4]/Amt", "the amount is in USD; the account is in EUR"),
        ("element Stmt[1]/Ntry[5]/Amt", "1250.005 has 3 decimal places; EUR has 2"),
        ("element Stmt[1]/Ntry[6]/Sts", "the status is 'BOKED'; it is BOOK, PDNG, INFO or FUTR"),
        ("element Stmt[1]/Ntry[7]/BookgDt", "a booked entry needs its booking date"),
    ]


def test_a_broken_balance_and_account_say_where_they_are() -> None:
    data = (
        GERMAN_V02.replace('<Amt Ccy="EUR">2700.55</Amt>', '<Amt Ccy="EUR">2.700,55</Amt>')
        .replace('<Amt Ccy="EUR">2600.55</Amt>', '<Amt Ccy="USD">2600.55</Amt>')
        .replace("<Cd>CLAV</Cd>", "<Cd>OPBD</Cd>")
        .replace("<Id><IBAN>DE89370400440532013000</IBAN></Id>\n        <Ccy>", "<Ccy>")
        .encode()
    )

    assert problems_of(data) == [
        ("element Stmt[1]/Acct/Id", "the account has neither an IBAN nor an Othr/Id"),
        ("element Stmt[1]/Bal[2]/Amt", "'2.700,55' is not an amount like 1234.56"),
        ("element Stmt[1]/Bal[3]/Amt", "the amount is in USD; the account is in EUR"),
    ]


def test_an_account_without_a_currency_takes_its_amounts_one_or_says_there_is_none() -> None:
    without = GERMAN_V02.replace("<Ccy>EUR</Ccy>", "")

    assert camt053.parse(without.encode()).accounts[0].currency == "EUR"
    assert problems_of(without.replace(' Ccy="EUR"', "").encode()) == [
        (
            "element Stmt[1]/Acct/Ccy",
            "no currency: neither the account nor an amount has one",
        )
    ]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(
            b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">&lol3;</Document>""",
            id="billion laughs",
        ),
        pytest.param(
            b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">&xxe;</Document>""",
            id="external entity",
        ),
    ],
)
def test_an_entity_bomb_or_external_entity_is_refused_not_expanded(data: bytes) -> None:
    assert problems_of(data) == [
        (
            "file",
            "the file has a document type declaration (<!DOCTYPE lolz>): DTDs are refused, so no entity is expanded and nothing is fetched",
        )
    ]


def test_a_dtd_naming_a_remote_file_is_refused_not_fetched() -> None:
    data = GERMAN_V02.replace(
        "<Document ",
        '<!DOCTYPE Document SYSTEM "http://127.0.0.1:9/camt.dtd">\n<Document ',
    ).encode()

    assert problems_of(data) == [
        (
            "file",
            "the file has a document type declaration (<!DOCTYPE Document>) (it names http://127.0.0.1:9/camt.dtd): DTDs are refused, so no entity is expanded and nothing is fetched",
        )
    ]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", ("line 1, column 1", "this is not well-formed XML: no element found")),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00",
            ("line 1, column 1", "this is not well-formed XML: not well-formed (invalid token)"),
        ),
        (
            GERMAN_V02.replace("</Ustrd>\n              <Ustrd>", "\n<Ustrd>", 1).encode(),
            ("line 60, column 15", "this is not well-formed XML: mismatched tag"),
        ),
        (
            GERMAN_V02.replace("camt.053.001.02", "camt.052.001.02").encode(),
            (
                "element Document",
                "this is not a camt.053 statement: the root should be a Document in a camt.053.001.02 to camt.053.001.13 namespace",
            ),
        ),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"/>',
            ("element Document", "the file has no BkToCstmrStmt"),
        ),
    ],
)
def test_a_file_that_is_not_a_camt_053_statement_says_why(data: bytes, problem: tuple) -> None:
    assert problems_of(data) == [problem]


def test_more_statements_than_an_upload_holds_is_one_problem() -> None:
    head, rest = GERMAN_V02.split("    <Stmt>", 1)
    statement, tail = rest.split("    </Stmt>\n", 1)
    data = head + ("    <Stmt>" + statement + "    </Stmt>\n") * 101 + tail

    assert problems_of(data.encode()) == [("file", "the file has 101 statements; at most 100")]


def test_more_entries_than_a_statement_holds_is_one_problem() -> None:
    data = with_entries("<Ntry><Sts>BOOK</Sts></Ntry>\n" * 100_001)

    assert problems_of(data) == [
        ("element Stmt[1]", "the statement has 100004 booked entries; at most 100000")
    ]
