"""`generate_report`: the JSON `bank-sandbox generate` prints."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import orjson
import pytest

from sandbox.bankdata import generate_report
from sandbox.scenario.model import AccountSpec, Bank, Persona, Scenario

ACCOUNT_KEYS = {
    "key",
    "account_id",
    "type",
    "name",
    "currency",
    "iban",
    "bic",
    "masked_pan",
    "opened",
    "profile",
    "account_opening_balance",
    "opening_balance",
    "closing_balance",
    "transactions",
}
TRANSACTION_KEYS = {
    "ref",
    "booked_on",
    "value_on",
    "amount",
    "currency",
    "counterparty_name",
    "counterparty_iban",
    "description",
    "category",
    "balance_after",
}


def test_the_report_lists_owner_accounts_and_transactions(household):
    report = generate_report(
        household, "alice", None, date(2024, 1, 1), date(2024, 3, 31), progress=False
    )
    assert report["persona"] == "alice"
    assert report["bank"] == {"id": "hausbank", "name": "Hausbank", "country": "DE"}
    assert set(report["owner"]) >= {"name", "street", "postcode", "city", "birth_date", "email"}
    assert [a["account_id"] for a in report["accounts"]] == ["giro", "savings", "card", "loan"]
    for listed in report["accounts"]:
        assert set(listed) == ACCOUNT_KEYS
        assert listed["transactions"]
        assert all(set(t) == TRANSACTION_KEYS for t in listed["transactions"])
        amounts = sum(Decimal(t["amount"]) for t in listed["transactions"])
        opening, closing = Decimal(listed["opening_balance"]), Decimal(listed["closing_balance"])
        assert opening + amounts == closing == Decimal(listed["transactions"][-1]["balance_after"])


def test_the_report_is_plain_json_with_exact_decimals(household):
    report = generate_report(
        household, "alice", "hausbank", date(2024, 1, 1), date(2024, 1, 31), progress=False
    )
    assert orjson.loads(orjson.dumps(report)) == report
    giro = report["accounts"][0]
    assert giro["type"] == "checking" and giro["opened"] == "2016-01-01"
    first = giro["transactions"][0]
    assert first["booked_on"].startswith("2024-01-")
    assert first["amount"].split(".")[1].__len__() == 2


def test_a_long_window_draws_a_progress_bar_and_gives_the_same_report(household, capsys):
    quiet = generate_report(
        household, "alice", None, date(2020, 1, 1), date(2022, 12, 31), progress=False
    )
    shown = generate_report(household, "alice", None, date(2020, 1, 1), date(2022, 12, 31))
    assert shown == quiet
    assert capsys.readouterr().out == ""  # the bar goes to stderr, never into the JSON


def test_unknown_logins_and_banks_are_clear_lookup_errors(household):
    with pytest.raises(LookupError, match="no persona 'bob'"):
        generate_report(household, "bob", None, date(2024, 1, 1), date(2024, 1, 31))
    with pytest.raises(LookupError, match="no bank 'nope'"):
        generate_report(household, "alice", "nope", date(2024, 1, 1), date(2024, 1, 31))


def test_a_persona_of_every_bank_needs_the_bank():
    scenario = Scenario(
        seed=1,
        banks=[Bank(id="one", name="One", country="DE"), Bank(id="two", name="Two", country="NL")],
        personas=[Persona(login="good", bank="*", accounts=[AccountSpec(id="main")])],
    )
    with pytest.raises(LookupError, match="give the bank"):
        generate_report(scenario, "good", None, date(2024, 1, 1), date(2024, 1, 31))
    report = generate_report(
        scenario, "good", "two", date(2024, 1, 1), date(2024, 1, 31), progress=False
    )
    assert report["bank"]["id"] == "two"
    assert report["accounts"][0]["iban"].startswith("NL")
