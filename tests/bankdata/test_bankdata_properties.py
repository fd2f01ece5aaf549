"""The properties bank truth promises whatever the seed, country, currency and profile."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.bankdata import accounts, balance_at, transactions, transactions_minor
from sandbox.bankdata.identity import valid_iban
from sandbox.bankdata.truth import clear_caches
from sandbox.money import to_minor
from sandbox.scenario.model import Profile

COUNTRIES = ["DE", "FR", "PL", "ES", "IT", "NL", "GB", "AT", "BE", "CH", "SE", "CZ", "DK", "PT"]
CURRENCIES = ["EUR", "PLN", "GBP", "CHF", "SEK", "CZK", "JPY", "USD"]

seeds = st.integers(min_value=0, max_value=2**40)
countries = st.sampled_from(COUNTRIES)
currencies = st.sampled_from(CURRENCIES)
profiles = st.sampled_from(list(Profile))
days = st.dates(min_value=date(2014, 1, 1), max_value=date(2027, 12, 31))
openings = st.decimals(min_value=-50000, max_value=50000, places=2)

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _window(first: date, length: int) -> tuple[date, date]:
    return first, first + timedelta(days=length)


@PROPERTY
@given(
    seed=seeds,
    country=countries,
    currency=currencies,
    profile=profiles,
    opened=days,
    start=days,
    length=st.integers(0, 400),
)
def test_same_inputs_give_identical_transactions(
    scenario_of, seed, country, currency, profile, opened, start, length
):
    start, end = _window(start, length)
    scenario = scenario_of(
        seed=seed, country=country, currency=currency, profile=profile, opened=opened
    )
    persona, bank = scenario.personas[0], scenario.banks[0]
    first = transactions(scenario, persona, bank, "main", start, end)
    clear_caches()  # the second answer is computed from scratch, not read back
    again = scenario_of(
        seed=seed, country=country, currency=currency, profile=profile, opened=opened
    )
    assert transactions(again, again.personas[0], again.banks[0], "main", start, end) == first


@PROPERTY
@given(
    seed=seeds,
    currency=currencies,
    profile=profiles,
    opened=days,
    start=days,
    length=st.integers(0, 400),
)
def test_minor_unit_transactions_are_the_transactions_in_minor_units(
    scenario_of, seed, currency, profile, opened, start, length
):
    start, end = _window(start, length)
    scenario = scenario_of(seed=seed, currency=currency, profile=profile, opened=opened)
    persona, bank = scenario.personas[0], scenario.banks[0]
    expected = [
        (*t[:3], to_minor(t.amount, t.currency), *t[4:9], to_minor(t.balance_after, t.currency))
        for t in transactions(scenario, persona, bank, "main", start, end)
    ]
    assert transactions_minor(scenario, persona, bank, "main", start, end) == expected


@PROPERTY
@given(
    seed=seeds,
    profile=profiles,
    currency=currencies,
    opened=days,
    start=days,
    first_length=st.integers(0, 200),
    second_length=st.integers(0, 200),
)
def test_adjacent_windows_are_additive(
    scenario_of, seed, profile, currency, opened, start, first_length, second_length
):
    scenario = scenario_of(seed=seed, profile=profile, currency=currency, opened=opened)
    persona, bank = scenario.personas[0], scenario.banks[0]
    middle = start + timedelta(days=first_length)
    end = middle + timedelta(days=1 + second_length)
    whole = transactions(scenario, persona, bank, "main", start, end)
    parts = transactions(scenario, persona, bank, "main", start, middle) + transactions(
        scenario, persona, bank, "main", middle + timedelta(days=1), end
    )
    assert parts == whole


@PROPERTY
@given(
    seed=seeds,
    profile=profiles,
    currency=currencies,
    opened=days,
    opening=openings,
    start=days,
    length=st.integers(0, 400),
)
def test_closing_balance_is_opening_plus_amounts(
    scenario_of, seed, profile, currency, opened, opening, start, length
):
    start, end = _window(start, length)
    scenario = scenario_of(
        seed=seed, profile=profile, currency=currency, opened=opened, opening_balance=opening
    )
    persona, bank = scenario.personas[0], scenario.banks[0]
    listed = transactions(scenario, persona, bank, "main", start, end)
    balance = balance_at(scenario, persona, bank, "main", start - timedelta(days=1))
    for transaction in listed:
        balance += transaction.amount
        assert transaction.balance_after == balance, transaction.ref
        assert transaction.booked_on >= opened and start <= transaction.booked_on <= end
    assert balance_at(scenario, persona, bank, "main", end) == balance
    assert listed == sorted(listed, key=lambda t: (t.booked_on, t.ref))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=seeds, country=countries, profile=profiles, start=days)
def test_every_iban_is_valid(scenario_of, seed, country, profile, start):
    scenario = scenario_of(seed=seed, country=country, profile=profile, opened=date(2014, 1, 1))
    persona, bank = scenario.personas[0], scenario.banks[0]
    own = [a.iban for a in accounts(scenario, persona, bank) if a.iban]
    listed = transactions(scenario, persona, bank, "main", start, start + timedelta(days=62))
    others = {t.counterparty_iban for t in listed if t.counterparty_iban}
    assert all(valid_iban(iban) for iban in [*own, *others]), [*own, *others]


@settings(max_examples=10, deadline=None)
@given(seed=seeds, country=countries, profile=profiles)
def test_balance_before_opening_is_the_opening_balance(scenario_of, seed, country, profile):
    scenario = scenario_of(
        seed=seed, country=country, profile=profile, opening_balance=Decimal("123.45")
    )
    persona, bank = scenario.personas[0], scenario.banks[0]
    assert balance_at(scenario, persona, bank, "main", date(2015, 12, 31)) == Decimal("123.45")
    assert transactions(scenario, persona, bank, "main", date(2010, 1, 1), date(2015, 12, 31)) == []
