"""The public questions about a persona's bank: owner, accounts, transactions, balances."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from sandbox.bankdata import (
    BankAccount,
    BankTransaction,
    account,
    accounts,
    balance_at,
    owner,
    transactions,
)
from sandbox.bankdata.dates import REFERENCE_DAY
from sandbox.scenario.model import AccountSpec, AccountType, Address, Bank, Owner, Persona, Scenario


def _alice(**owner_values) -> Scenario:
    return Scenario(
        seed=7,
        banks=[Bank(id="hausbank", name="Hausbank", country="DE", bank_code="37040044")],
        personas=[
            Persona(
                login="alice",
                bank="hausbank",
                owner=Owner(**owner_values),
                accounts=[
                    AccountSpec(
                        id="main", opened=date(2016, 1, 1), opening_balance=Decimal("1500")
                    ),
                    AccountSpec(id="later", type=AccountType.SAVINGS),
                    AccountSpec(id="card", type=AccountType.CREDIT_CARD, name="Visa Gold"),
                ],
            )
        ],
    )


def test_accounts_are_the_declared_ones_in_order(household):
    persona, bank = household.personas[0], household.banks[0]
    listed = accounts(household, persona, bank)
    assert [a.account_id for a in listed] == ["giro", "savings", "card", "loan"]
    assert all(isinstance(a, BankAccount) for a in listed)
    assert listed[0].key == "hausbank/alice/giro"
    assert account(household, persona, bank, "card") == listed[2]


def test_an_unknown_account_is_a_key_error(household):
    with pytest.raises(KeyError):
        account(household, household.personas[0], household.banks[0], "nope")
    with pytest.raises(KeyError):
        transactions(
            household,
            household.personas[0],
            household.banks[0],
            "nope",
            date(2024, 1, 1),
            date(2024, 1, 31),
        )


def test_a_credit_card_has_a_masked_number_and_no_iban():
    scenario = _alice()
    card = account(scenario, scenario.personas[0], scenario.banks[0], "card")
    assert card.iban is None and card.name == "Visa Gold"
    assert card.masked_pan is not None
    first, stars1, stars2, last = card.masked_pan.split(" ")
    assert first.isdigit() and len(first) == 4 and first[0] in "45"
    assert stars1 == stars2 == "****" and last.isdigit() and len(last) == 4


def test_declared_owner_values_win_and_the_rest_is_generated():
    declared = _alice(
        name="Alice Example",
        birth_date=date(1980, 5, 17),
        address=Address(street="Hauptstr. 1", postcode="10115", city="Berlin"),
    )
    generated = _alice()
    mine = owner(declared, declared.personas[0], declared.banks[0])
    theirs = owner(generated, generated.personas[0], generated.banks[0])
    assert (mine.name, mine.birth_date, mine.street, mine.city) == (
        "Alice Example",
        date(1980, 5, 17),
        "Hauptstr. 1",
        "Berlin",
    )
    assert mine.country == "DE"
    assert mine.email.startswith("alice.example")
    assert (mine.phone, mine.national_id) == (theirs.phone, theirs.national_id)
    assert theirs.name and theirs.street and theirs.postcode and theirs.city
    assert date(1960, 1, 1) <= theirs.birth_date <= date(2005, 1, 1)


def test_an_undeclared_opening_date_is_a_few_years_back_and_stable():
    scenario = _alice()
    later = account(scenario, scenario.personas[0], scenario.banks[0], "later")
    assert (
        REFERENCE_DAY - timedelta(days=8 * 366)
        <= later.opened
        <= REFERENCE_DAY - timedelta(days=2 * 365)
    )
    assert (
        account(_alice(), _alice().personas[0], _alice().banks[0], "later").opened == later.opened
    )


def test_a_window_lists_booked_transactions_only_inside_it(household):
    persona, bank = household.personas[0], household.banks[0]
    listed = transactions(household, persona, bank, "giro", date(2024, 2, 10), date(2024, 4, 20))
    assert listed and all(isinstance(t, BankTransaction) for t in listed)
    assert all(date(2024, 2, 10) <= t.booked_on <= date(2024, 4, 20) for t in listed)
    assert (
        transactions(household, persona, bank, "giro", date(2024, 4, 20), date(2024, 2, 10)) == []
    )


def test_nothing_is_booked_before_the_account_opened(household):
    persona, bank = household.personas[0], household.banks[0]
    card = account(household, persona, bank, "card")
    listed = transactions(household, persona, bank, "card", date(2018, 1, 1), date(2018, 6, 30))
    assert listed and min(t.booked_on for t in listed) >= card.opened
    assert min(t.value_on for t in listed) >= card.opened
    assert balance_at(household, persona, bank, "card", card.opened - timedelta(days=1)) == 0


def test_transactions_are_frozen_values():
    scenario = _alice()
    listed = transactions(
        scenario,
        scenario.personas[0],
        scenario.banks[0],
        "main",
        date(2024, 1, 1),
        date(2024, 1, 31),
    )
    with pytest.raises(AttributeError):
        listed[0].amount = Decimal("1")  # type: ignore[misc]
    rebuilt = BankTransaction(**listed[0]._asdict())
    assert rebuilt == listed[0] and hash(rebuilt) == hash(listed[0])
    assert type(listed[0]) is BankTransaction


def test_a_persona_of_every_bank_gets_an_account_at_each():
    scenario = Scenario(
        seed=1,
        banks=[
            Bank(id="de-bank", name="DE Bank", country="DE"),
            Bank(id="pl-bank", name="PL Bank", country="PL"),
        ],
        personas=[Persona(login="good", bank="*")],
    )
    persona = scenario.personas[0]
    german, polish = (account(scenario, persona, bank, "main") for bank in scenario.banks)
    assert german.iban.startswith("DE") and polish.iban.startswith("PL")
    assert german.key == "de-bank/good/main" and german.name == "Girokonto"
