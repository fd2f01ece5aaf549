"""Scenario builders for the bank data tests: small scenarios made with the pydantic model."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from sandbox.scenario.model import AccountSpec, AccountType, Bank, Persona, Profile, Scenario

TYPE_OF = {
    Profile.CARD_SPENDER: AccountType.CREDIT_CARD,
    Profile.SAVER: AccountType.SAVINGS,
    Profile.BORROWER: AccountType.LOAN,
}
"""The account type a profile usually lives on (the others are current accounts)."""


def one_account_scenario(
    *,
    seed: int = 7,
    country: str = "DE",
    bank_code: str | None = None,
    profile: Profile = Profile.SALARIED,
    currency: str = "EUR",
    opened: date | None = date(2016, 1, 1),
    opening_balance: Decimal = Decimal("1500"),
) -> Scenario:
    """A scenario with one bank and one persona, `alice`, holding one account, `main`."""
    spec = AccountSpec(
        id="main",
        type=TYPE_OF.get(profile, AccountType.CHECKING),
        currency=currency,
        opened=opened,
        opening_balance=opening_balance,
        profile=profile,
    )
    bank = Bank(id="hausbank", name="Hausbank", country=country, bank_code=bank_code)
    return Scenario(
        seed=seed, banks=[bank], personas=[Persona(login="alice", bank="hausbank", accounts=[spec])]
    )


def household_scenario(seed: int = 7, country: str = "DE", currency: str = "EUR") -> Scenario:
    """Alice with a current account, savings, a credit card and a loan that refer to each other."""
    accounts = [
        AccountSpec(
            id="giro", currency=currency, opened=date(2016, 1, 1), opening_balance=Decimal("1500")
        ),
        AccountSpec(
            id="savings",
            type=AccountType.SAVINGS,
            currency=currency,
            opened=date(2017, 3, 15),
            opening_balance=Decimal("2000"),
        ),
        AccountSpec(
            id="card", type=AccountType.CREDIT_CARD, currency=currency, opened=date(2018, 5, 20)
        ),
        AccountSpec(
            id="loan",
            type=AccountType.LOAN,
            currency=currency,
            opened=date(2022, 2, 10),
            opening_balance=Decimal("-18000"),
        ),
    ]
    bank = Bank(id="hausbank", name="Hausbank", country=country)
    return Scenario(
        seed=seed,
        banks=[bank],
        personas=[Persona(login="alice", bank="hausbank", accounts=accounts)],
    )


@pytest.fixture(scope="session")
def scenario_of() -> Callable[..., Scenario]:
    return one_account_scenario


@pytest.fixture(scope="session")
def household() -> Scenario:
    return household_scenario()
