"""The sandbox's own JSON statement: round trip, the documented example, every kind of broken
file with its JSON paths, hostile input."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from statement_cases import statements

from sandbox.categories import Category
from sandbox.statements import json_format
from sandbox.statements.model import MAX_ACCOUNTS, MAX_ENTRIES, Problem, Statement, StatementError

DOCUMENTED = """
{
  "owner": {"name": "Lena Hoffmann", "address": ["Lindenstraße 4", "10115 Berlin", "DE"]},
  "bank": {"name": "Nordlicht Sparbank", "bic": "NOLADE21XXX"},
  "issued_on": "2026-04-01",
  "accounts": [
    {"iban": "DE89370400440532013000", "number": null, "bic": "NOLADE21XXX",
     "name": "Girokonto", "type": "checking", "currency": "EUR",
     "period": {"from": "2026-01-01", "to": "2026-03-31"},
     "opening_balance": "1204.50", "closing_balance": "1830.12",
     "transactions": [
       {"booked_on": "2026-01-03", "value_on": "2026-01-02", "amount": "-12.30",
        "description": "REWE SAGT DANKE 4711", "counterparty": {"name": "REWE", "iban": null},
        "reference": "202601-0001", "category": "groceries", "balance_after": "1192.20"}
     ]}
  ]
}
"""


DOCS = Path(__file__).resolve().parents[2] / "docs" / "statement-formats.md"


def documented_examples(section: str, language: str) -> list[str]:
    """The code blocks of one section of docs/statement-formats.md."""
    text = DOCS.read_text().split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def problems_of(data: bytes | str) -> list[Problem]:
    with pytest.raises(StatementError) as raised:
        json_format.parse(data.encode() if isinstance(data, str) else data)
    return raised.value.problems


def one_entry(**fields: object) -> str:
    """A one-account, one-transaction statement with the transaction's fields replaced."""
    entry = {"booked_on": "2026-01-03", "amount": "-12.30", "description": "REWE"} | fields
    return json.dumps({"accounts": [{"currency": "EUR", "transactions": [entry]}]})


@st.composite
def complete_statements(draw: st.DrawFn) -> Statement:
    """statement_cases' statements with what only JSON carries: categories, account numbers
    and types, an issue date, a bank BIC."""
    statement = draw(statements())
    categories = st.none() | st.sampled_from(list(Category))
    accounts = tuple(
        replace(
            account,
            number=draw(st.none() | st.sampled_from(["4711 0815", "**** **** **** 1234"])),
            type=draw(st.sampled_from(["checking", "savings", "credit_card", "loan"])),
            entries=tuple(replace(entry, category=draw(categories)) for entry in account.entries),
        )
        for account in statement.accounts
    )
    return replace(
        statement,
        accounts=accounts,
        issued_on=draw(st.none() | st.dates(date(2015, 1, 1), date(2030, 12, 31))),
        bank=replace(statement.bank, bic=draw(st.sampled_from([None, "NOLADE21XXX"]))),
    )


@given(complete_statements())
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_parsing_a_rendered_statement_gives_back_every_field(statement: Statement) -> None:
    assert json_format.parse(json_format.render(statement)) == statement


def test_the_documented_example_reads_with_every_field() -> None:
    statement = json_format.parse(DOCUMENTED.encode())

    assert statement.owner.name == "Lena Hoffmann"
    assert statement.owner.address == ("Lindenstraße 4", "10115 Berlin", "DE")
    assert (statement.bank.name, statement.bank.bic) == ("Nordlicht Sparbank", "NOLADE21XXX")
    assert statement.issued_on == date(2026, 4, 1)
    [account] = statement.accounts
    assert account.iban == "DE89370400440532013000"
    assert (account.name, account.type, account.currency) == ("Girokonto", "checking", "EUR")
    assert (account.period_from, account.period_to) == (date(2026, 1, 1), date(2026, 3, 31))
    assert (account.opening_balance, account.closing_balance) == (
        Decimal("1204.50"),
        Decimal("1830.12"),
    )
    [entry] = account.entries
    assert entry.booked_on == date(2026, 1, 3)
    assert entry.value_on == date(2026, 1, 2)
    assert entry.amount == Decimal("-12.30")
    assert entry.description == "REWE SAGT DANKE 4711"
    assert (entry.counterparty_name, entry.counterparty_iban) == ("REWE", None)
    assert (entry.reference, entry.category) == ("202601-0001", "groceries")
    assert entry.balance_after == Decimal("1192.20")


def test_the_example_on_the_docs_page_reads() -> None:
    [example] = documented_examples("JSON", "json")

    statement = json_format.parse(example.encode())

    assert statement.bank.colour == "#1d4e89"
    assert statement.accounts[0].entries[0].category == "groceries"


def test_a_render_has_the_documented_shape_and_is_the_same_bytes_each_time() -> None:
    statement = json_format.parse(DOCUMENTED.encode())
    rendered = json_format.render(statement)

    expected = json.loads(DOCUMENTED)
    expected["bank"]["colour"] = None
    assert json.loads(rendered) == expected
    assert json_format.render(json_format.parse(rendered)) == rendered
    assert rendered.startswith(b'{\n  "owner": {\n    "name": "Lena Hoffmann",')


def test_amounts_may_be_json_numbers_and_come_back_with_the_currency_places() -> None:
    statement = json_format.parse(one_entry(amount=-12.3, balance_after=100).encode())

    entry = statement.accounts[0].entries[0]
    assert str(entry.amount) == "-12.30"
    assert str(entry.balance_after) == "100.00"


def test_an_iban_with_spaces_in_lower_case_is_stored_compact_in_upper_case() -> None:
    data = one_entry(counterparty={"name": "REWE", "iban": "de89 3704 0044 0532 0130 00"})

    entry = json_format.parse(data.encode()).accounts[0].entries[0]
    assert entry.counterparty_iban == "DE89370400440532013000"


def test_only_currency_booked_on_amount_and_description_are_needed() -> None:
    statement = json_format.parse(one_entry().encode())

    [account] = statement.accounts
    assert account.iban is None and account.opening_balance is None
    assert account.entries[0].value_on is None and account.entries[0].category is None
    assert statement.owner.name is None and statement.bank.name is None


def test_a_file_with_several_bad_values_lists_each_with_its_json_path() -> None:
    data = json.dumps(
        {
            "accounts": [
                {
                    "iban": "DE89370400440532013001",
                    "currency": "EUR",
                    "type": "current",
                    "transactions": [
                        {"booked_on": "2026-01-03", "amount": "-12.30", "description": "ok"},
                        {"booked_on": "2026-02-30", "amount": "-12.345", "description": "x"},
                        {"booked_on": "2026-01-05", "amount": "1", "descripton": "typo"},
                        {
                            "booked_on": "2026-01-06",
                            "amount": "1,50",
                            "description": "y",
                            "category": "food",
                        },
                    ],
                }
            ]
        }
    )

    problems = problems_of(data)

    where = [problem.where for problem in problems]
    assert where == [
        "$.accounts[0].iban",
        "$.accounts[0].type",
        "$.accounts[0].transactions[1].booked_on",
        "$.accounts[0].transactions[1].amount",
        "$.accounts[0].transactions[2].descripton",
        "$.accounts[0].transactions[2].description",
        "$.accounts[0].transactions[3].amount",
        "$.accounts[0].transactions[3].category",
    ]
    messages = dict(zip(where, (problem.message for problem in problems), strict=True))
    assert "checksum" in messages["$.accounts[0].iban"]
    assert messages["$.accounts[0].type"] == (
        "'current' is not an account type; use one of checking, savings, credit_card, loan, "
        "deposit, investment"
    )
    assert messages["$.accounts[0].transactions[1].booked_on"] == (
        "'2026-02-30' is not a day of the calendar"
    )
    assert messages["$.accounts[0].transactions[1].amount"] == (
        "'-12.345' has more decimal places than EUR has (2)"
    )
    assert messages["$.accounts[0].transactions[2].descripton"].startswith(
        "is not a key here; use booked_on, value_on, amount, description,"
    )
    assert messages["$.accounts[0].transactions[2].description"] == "is missing"
    assert messages["$.accounts[0].transactions[3].amount"] == (
        "'1,50' is not an amount like \"-12.30\""
    )
    assert messages["$.accounts[0].transactions[3].category"].startswith(
        "'food' is not a category; use one of salary, pension,"
    )


def test_an_amount_in_yen_with_cents_is_refused_not_rounded() -> None:
    data = json.dumps(
        {
            "accounts": [
                {
                    "currency": "JPY",
                    "transactions": [
                        {"booked_on": "2026-01-03", "amount": 1200.5, "description": "x"}
                    ],
                }
            ]
        }
    )

    assert problems_of(data) == [
        Problem(
            "$.accounts[0].transactions[0].amount",
            "'1200.5' has more decimal places than JPY has (0)",
        )
    ]


def test_malformed_json_gives_the_line_and_column() -> None:
    data = '{\n  "accounts": [\n    {"currency": "EUR",}\n  ]\n}'

    assert problems_of(data) == [
        Problem(
            "line 3, column 24",
            "is not valid JSON: Expecting property name enclosed in double quotes",
        )
    ]


def test_a_key_given_twice_is_a_problem_not_silently_the_last() -> None:
    data = '{"accounts": [{"currency": "EUR", "currency": "PLN"}]}'

    assert problems_of(data) == [Problem("$.accounts[0].currency", "is given more than once")]


def test_values_of_the_wrong_kind_say_what_they_are() -> None:
    data = json.dumps(
        {
            "owner": "Lena",
            "accounts": [
                {"currency": "EUR", "transactions": {}},
                [],
                {
                    "currency": "EUR",
                    "transactions": [{"booked_on": 20260103, "amount": True, "description": None}],
                },
            ],
        }
    )

    assert problems_of(data) == [
        Problem("$.accounts[0].transactions", "is an object, not an array"),
        Problem("$.accounts[1]", "is an array, not an object"),
        Problem("$.accounts[2].transactions[0].booked_on", "is a number, not a string"),
        Problem("$.accounts[2].transactions[0].amount", "is true or false, not an amount"),
        Problem("$.accounts[2].transactions[0].description", "is missing"),
        Problem("$.owner", "is a string, not an object"),
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", Problem("file", "is empty; a JSON statement is an object")),
        (b"  \n", Problem("file", "is empty; a JSON statement is an object")),
        (b'{"accounts": []}\n\xff\xfe', Problem("line 2", "is not UTF-8 text")),
        (b"[1, 2]", Problem("$", "is an array, not an object")),
        (b'{"accounts": []}', Problem("$.accounts", "lists no accounts")),
        (b"{}", Problem("$.accounts", "is missing")),
        (
            b"[" * 100_000,
            Problem("line 1, column 7", "nests deeper than a statement does (6 levels)"),
        ),
        (
            b'{"accounts": [{"currency": "EUR", "transactions": [{"counterparty": {"name": [[]]}}]}]}',
            Problem("line 1, column 78", "nests deeper than a statement does (6 levels)"),
        ),
    ],
)
def test_files_that_are_not_a_statement_say_so_with_a_place(data: bytes, expected: Problem) -> None:
    assert problems_of(data) == [expected]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("NaN", "'NaN' is not an amount"),
        ("-Infinity", "'-Infinity' is not an amount"),
        ("1e999999999", "'1E+999999999' is too large (at most 15 digits before the point)"),
        ("9" * 5000, "'" + "9" * 40 + "…' is too large (at most 15 digits before the point)"),
        ("1e-999999999", "'1E-999999999' has more decimal places than EUR has (2)"),
        ('"١٢.٣٠"', "'١٢.٣٠' is not an amount like \"-12.30\""),
    ],
)
def test_hostile_numbers_are_refused_with_a_short_message(amount: str, message: str) -> None:
    data = one_entry().replace('"-12.30"', amount)

    assert problems_of(data) == [Problem("$.accounts[0].transactions[0].amount", message)]


def test_text_with_control_characters_or_past_the_length_limit_is_refused() -> None:
    data = one_entry(description="two\nlines", reference="x" * 1001)

    assert problems_of(data) == [
        Problem(
            "$.accounts[0].transactions[0].description",
            "contains U+000A, a control or invalid character; write one line",
        ),
        Problem(
            "$.accounts[0].transactions[0].reference",
            "is 1001 characters long, more than the 1000 allowed",
        ),
    ]


def test_more_accounts_than_allowed_is_one_problem() -> None:
    account = {"currency": "EUR"}
    data = json.dumps({"accounts": [account] * (MAX_ACCOUNTS + 1)})

    assert problems_of(data) == [Problem("$.accounts", "has 101 accounts, more than 100")]


def test_more_transactions_than_allowed_in_all_is_one_problem() -> None:
    entry = {"booked_on": "2026-01-03", "amount": "1.00", "description": "x"}
    half = MAX_ENTRIES // 2 + 1
    account = {"currency": "EUR", "transactions": [entry] * half}
    data = json.dumps({"accounts": [account, account]})

    assert problems_of(data) == [
        Problem("$.accounts", "has 100002 transactions in all, more than 100000")
    ]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=3)
    ),
    max_leaves=12,
)


PLACES = (
    ("owner",),
    ("bank", "name"),
    ("issued_on",),
    ("accounts",),
    ("accounts", 0),
    ("accounts", 0, "currency"),
    ("accounts", 0, "period"),
    ("accounts", 0, "transactions", 0),
    ("accounts", 0, "transactions", 0, "amount"),
    ("accounts", 0, "transactions", 0, "counterparty"),
)


@given(JSON_VALUES, st.sampled_from(PLACES))
@settings(max_examples=200, deadline=None)
def test_any_json_value_in_any_place_gives_problems_not_a_crash(
    value: object, place: tuple[str | int, ...]
) -> None:
    document = json.loads(DOCUMENTED)
    parent = document
    for step in place[:-1]:
        parent = parent[step]
    parent[place[-1]] = value
    try:
        json_format.parse(json.dumps(document).encode())
    except StatementError as error:
        assert all(problem.where.startswith(("$", "line")) for problem in error.problems)


@given(st.data())
@settings(max_examples=200, deadline=None)
def test_the_example_with_any_text_put_anywhere_gives_problems_not_a_crash(
    data: st.DataObject,
) -> None:
    at = data.draw(st.integers(0, len(DOCUMENTED)))
    cut = data.draw(st.integers(0, 30))
    mangled = DOCUMENTED[:at] + data.draw(st.text(max_size=20)) + DOCUMENTED[at + cut :]
    try:
        json_format.parse(mangled.encode())
    except StatementError as error:
        assert all(problem.where.startswith(("$", "line", "file")) for problem in error.problems)
