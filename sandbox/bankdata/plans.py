"""An account's plan: everything month generation needs, resolved once from the scenario.

A persona's plans are built together (`book`), because accounts refer to each other: the current
account pays the credit card's statement and the loan's instalment and feeds the savings
account, and each side must show the same transfer. Books are cached by a key made of the
scenario values they depend on (pydantic models with lists cannot be hashed themselves).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

from sandbox.bankdata import identity, profiles
from sandbox.bankdata.dates import month_of
from sandbox.bankdata.habits import MODELS, Habits, Model, Setting, Terms
from sandbox.bankdata.merchants import Party, pool
from sandbox.bankdata.records import BankAccount, BankOwner
from sandbox.bankdata.rng import random_for
from sandbox.bankdata.wording import account_name, phrases
from sandbox.money import exponent, from_minor, to_minor
from sandbox.scenario.model import AccountSpec, AccountType, Bank, Persona, Scenario

_NO_IBAN = (AccountType.CREDIT_CARD,)


@dataclass(frozen=True, slots=True)
class Plan:
    key: str
    seed: int
    bank_name: str  # the other side of fees and interest
    currency: str
    places: int
    opened: date
    first: int  # month index of `opened`
    first_day: int  # day of month of `opened`
    opening: int  # minor units
    model: Model
    habits: Habits
    terms: Terms
    words: dict[str, str]
    own: Party  # this account as the other side of a transfer
    partner: Party  # the other side of this account's own balancing transfer
    links: tuple[Plan, ...]  # declared accounts whose transfers this current account mirrors
    sweep_out: str  # descriptions of the balancing transfer, money out / money in
    sweep_in: str


@dataclass(frozen=True, slots=True)
class Book:
    """One persona at one bank: the owner, the accounts as the bank shows them, their plans."""

    owner: BankOwner
    accounts: dict[str, BankAccount]
    plans: dict[str, Plan]


_BOOKS: OrderedDict[tuple[object, ...], Book] = OrderedDict()
_BOOKS_LOCK = threading.Lock()
_BOOKS_MAX = 512


def book(scenario: Scenario, persona: Persona, bank: Bank) -> Book:
    """The persona's book at `bank`, built on first use and cached."""
    key = (
        scenario.seed,
        bank.id,
        bank.name,
        bank.country,
        bank.bank_code,
        bank.bic,
        persona.login,
        persona.owner,
        tuple(persona.accounts),
    )
    with _BOOKS_LOCK:
        found = _BOOKS.get(key)
        if found is not None:
            _BOOKS.move_to_end(key)
            return found
    built = _build(scenario.seed, persona, bank)
    with _BOOKS_LOCK:
        _BOOKS[key] = built
        while len(_BOOKS) > _BOOKS_MAX:
            _BOOKS.popitem(last=False)
    return built


def _build(seed: int, persona: Persona, bank: Bank) -> Book:
    country = bank.country
    # An account that names no currency is in the bank's (so a persona of every bank banks
    # in PLN at a Polish bank and in EUR at a German one).
    specs = [
        spec if spec.currency else spec.model_copy(update={"currency": bank.default_currency})
        for spec in persona.accounts
    ]
    home_profile = next(
        (s.effective_profile for s in specs if MODELS[s.effective_profile] is Model.CURRENT),
        specs[0].effective_profile,
    )
    owner = identity.owner(seed, bank.id, country, persona.login, persona.owner, home_profile)
    code = identity.bank_code(seed, bank.id, country, bank.bank_code, bank.bic)
    bank_bic = bank.bic or identity.bic_of(country, code)
    words = phrases(country)
    counterparties = pool(seed, country)

    accounts: dict[str, BankAccount] = {}
    for spec in specs:
        key = f"{bank.id}/{persona.login}/{spec.id}"
        iban = spec.iban or (
            None if spec.type in _NO_IBAN else identity.iban(country, code, seed, key)
        )
        accounts[spec.id] = BankAccount(
            key=key,
            account_id=spec.id,
            type=spec.type,
            name=spec.name or account_name(country, spec.type),
            currency=spec.currency,
            iban=iban,
            bic=bank.bic or (identity.bic_of_iban(iban) if iban else None) or bank_bic,
            masked_pan=identity.masked_pan(seed, key) if spec.type in _NO_IBAN else None,
            opened=spec.opened or identity.opened_on(seed, key),
            opening_balance=from_minor(
                to_minor(spec.opening_balance, spec.currency), spec.currency
            ),
            profile=spec.effective_profile,
        )

    def own(spec: AccountSpec) -> Party:
        account = accounts[spec.id]
        return Party(owner.name, account.iban, account.name)

    def virtual(purpose: str, at_bank: bool = True) -> Party:
        """An own account the scenario does not declare (the money has to go somewhere)."""
        number = identity.iban(country, code if at_bank else None, seed, persona.login, purpose)
        return Party(owner.name, number, "")

    def setting(currency: str, opening: int) -> Setting:
        return Setting(
            pool=counterparties,
            words=words,
            currency=currency,
            owner_name=owner.name,
            bank_name=bank.name,
            opening=opening,
            family_iban=lambda name: identity.iban(country, None, seed, "person", name),
        )

    home = next((s for s in specs if MODELS[s.effective_profile] is Model.CURRENT), None)
    plans: dict[str, Plan] = {}
    # Linked accounts first: the current account's plan refers to theirs.
    for spec in sorted(specs, key=lambda s: s is home):
        account = accounts[spec.id]
        model = MODELS[spec.effective_profile]
        opening = to_minor(spec.opening_balance, spec.currency)
        habits, terms = profiles.build(
            spec.effective_profile,
            setting(spec.currency, opening),
            random_for(seed, account.key, "habits"),
        )
        links: tuple[Plan, ...] = ()
        if spec is home:
            links = tuple(p for p in plans.values() if p.model is not Model.CURRENT)
            declared_savings = any(p.model is Model.SAVINGS for p in links)
            partner = virtual("elsewhere", False) if declared_savings else virtual("savings")
            out_in = ("to_own", "from_own") if declared_savings else ("to_savings", "from_savings")
        elif model is Model.CURRENT:
            partner, out_in = virtual("savings"), ("to_savings", "from_savings")
        else:
            partner = own(home) if home is not None else virtual("current")
            out_in = _SWEEP_WORDS[model]
        plans[spec.id] = Plan(
            key=account.key,
            seed=seed,
            bank_name=bank.name,
            currency=spec.currency,
            places=exponent(spec.currency),
            opened=account.opened,
            first=month_of(account.opened),
            first_day=account.opened.day,
            opening=opening,
            model=model,
            habits=habits,
            terms=terms,
            words=words,
            own=own(spec),
            partner=partner,
            links=links,
            sweep_out=words[out_in[0]],
            sweep_in=words[out_in[1]],
        )
    ordered = {spec.id: plans[spec.id] for spec in specs}
    return Book(owner, accounts, ordered)


_SWEEP_WORDS = {
    Model.SAVINGS: ("to_checking", "from_checking"),
    Model.CARD: ("to_checking", "card_repayment"),
    Model.LOAN: ("to_checking", "instalment"),
}


def clear_books() -> None:
    """Forget every cached book (`truth.clear_caches` forgets every other cache too)."""
    with _BOOKS_LOCK:
        _BOOKS.clear()
