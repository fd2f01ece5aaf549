"""The fake bank's side of a connection: which of a persona's accounts a connection reaches."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sandbox.domain.fakebank import Moment, account_ids_at, connected_accounts, filed_under
from sandbox.scenario.model import ANY_BANK, AccountType

FIRST_SYNC = Moment(1, datetime(2026, 1, 15, 9, tzinfo=UTC))


def magic_personas(scenario):
    return [persona for persona in scenario.personas if persona.bank == ANY_BANK]


def reached(scenario, persona, bank, account_type: str | None) -> list[str]:
    found = connected_accounts(scenario, persona, bank, account_type, FIRST_SYNC)
    return [account.account_id for account in found]


def test_a_magic_persona_has_the_same_accounts_at_every_bank(default_scenario):
    """At every bank, the bank's types between them reach each of the persona's accounts
    exactly once, whatever types the bank offers."""
    for persona in magic_personas(default_scenario):
        held = account_ids_at(persona, FIRST_SYNC)
        for bank in default_scenario.banks:
            assert reached(default_scenario, persona, bank, None) == held
            by_type = [
                key
                for kind in bank.account_types
                for key in reached(default_scenario, persona, bank, kind.value)
            ]
            assert sorted(by_type) == sorted(held), (persona.login, bank.id)


def test_multi_currency_at_a_checking_only_bank_brings_all_four_accounts(default_scenario):
    persona = default_scenario.persona("rheinwert-bank", "multi-currency")
    bank = default_scenario.bank("rheinwert-bank")
    found = connected_accounts(default_scenario, persona, bank, "checking", FIRST_SYNC)
    assert [a.currency for a in found] == ["EUR", "USD", "GBP", "CHF"]


@pytest.mark.parametrize(
    ("bank_id", "account_type", "filed"),
    [
        ("nordlicht-sparbank", AccountType.SAVINGS, AccountType.SAVINGS),
        ("rheinwert-bank", AccountType.SAVINGS, AccountType.CHECKING),
        ("banca-laguna", AccountType.CREDIT_CARD, AccountType.CHECKING),
        ("banca-laguna", AccountType.LOAN, AccountType.LOAN),
    ],
)
def test_a_type_the_bank_does_not_offer_is_filed_under_its_first(
    default_scenario, bank_id, account_type, filed
):
    assert filed_under(default_scenario.bank(bank_id), account_type) is filed


def test_an_account_not_there_yet_is_not_reached(default_scenario):
    persona = default_scenario.persona("polderbank", "new-account-on-sync-2")
    bank = default_scenario.bank("polderbank")
    first = connected_accounts(default_scenario, persona, bank, None, FIRST_SYNC)
    second = connected_accounts(default_scenario, persona, bank, None, Moment(2, FIRST_SYNC.now))
    assert len(first) == 1 and len(second) == 2
