"""The risky magic personas show their risk in their data, and every transaction carries the
generator's truth label (a Category), which never reaches what an import stores."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest

from sandbox.bankdata import transactions, transactions_minor
from sandbox.categories import Category
from sandbox.scenario.model import Profile

TWO_YEARS = (date(2024, 1, 1), date(2025, 12, 31))
BANKS = ["nordlicht-sparbank", "banque-lumiere", "bank-wislany"]


def _two_years(default_scenario, login: str, bank_id: str):
    bank = default_scenario.bank(bank_id)
    persona = default_scenario.persona(bank_id, login)
    return transactions(default_scenario, persona, bank, "main", *TWO_YEARS)


@pytest.mark.parametrize("bank_id", BANKS)
def test_the_gambler_bets_every_month_and_more_in_the_second_year(default_scenario, bank_id):
    listed = _two_years(default_scenario, "gambler", bank_id)
    bets = [t for t in listed if t.label == Category.GAMBLING and t.amount < 0]
    assert {t.booked_on.strftime("%Y%m") for t in bets} == {
        f"{y}{m:02d}" for y in (2024, 2025) for m in range(1, 13)
    }
    spent = defaultdict(int)
    for t in bets:
        spent[t.booked_on.year] -= t.amount
    assert spent[2025] > spent[2024]


@pytest.mark.parametrize("bank_id", BANKS)
def test_overdraft_often_is_overdrawn_for_several_days_in_most_months(default_scenario, bank_id):
    listed = _two_years(default_scenario, "overdraft-often", bank_id)
    days_below = defaultdict(int)
    day, balance = TWO_YEARS[0], listed[0].balance_after - listed[0].amount
    by_day = defaultdict(list)
    for t in listed:
        by_day[t.booked_on].append(t)
    while day <= TWO_YEARS[1]:
        if by_day[day]:
            balance = by_day[day][-1].balance_after
        if balance < 0:
            days_below[day.strftime("%Y%m")] += 1
        day += timedelta(days=1)
    overdrawn_months = [m for m, days in days_below.items() if days >= 3]
    assert len(overdrawn_months) >= 16
    assert any(t.label == Category.FEES for t in listed)


@pytest.mark.parametrize("bank_id", BANKS)
def test_irregular_income_has_no_salary_some_months_without_income_and_debt_collectors(
    default_scenario, bank_id
):
    listed = _two_years(default_scenario, "irregular-income", bank_id)
    assert not any(t.label == Category.SALARY for t in listed)
    income_months = {
        t.booked_on.strftime("%Y%m")
        for t in listed
        if t.amount > 0 and t.label in (Category.TRANSFER, Category.INVOICE_PAYMENT)
    }
    assert 6 <= len(income_months) < 24
    assert any(t.label == Category.DEBT_COLLECTION for t in listed)


@pytest.mark.parametrize("profile", list(Profile))
def test_every_transaction_is_labelled_with_a_category(scenario_of, profile):
    scenario = scenario_of(profile=profile, seed=3, opened=date(2023, 6, 1))
    persona, bank = scenario.personas[0], scenario.banks[0]
    listed = transactions(scenario, persona, bank, "main", date(2024, 1, 1), date(2024, 12, 31))
    assert listed and all(t.label in set(Category) for t in listed)


def test_fuel_stations_and_railways_of_one_pool_are_labelled_apart(scenario_of):
    scenario = scenario_of(profile=Profile.SMALL_BUSINESS, seed=5)
    persona, bank = scenario.personas[0], scenario.banks[0]
    listed = transactions(scenario, persona, bank, "main", date(2024, 1, 1), date(2024, 12, 31))
    labels = {
        t.counterparty_name: t.label
        for t in listed
        if t.counterparty_name in ("Aral", "Deutsche Bahn")
    }
    assert labels == {"Aral": Category.FUEL, "Deutsche Bahn": Category.TRANSPORT}


def test_an_import_never_stores_the_truth_label(scenario_of):
    scenario = scenario_of(profile=Profile.SALARIED)
    persona, bank = scenario.personas[0], scenario.banks[0]
    rows = transactions_minor(scenario, persona, bank, "main", date(2024, 1, 1), date(2024, 1, 31))
    assert rows and all(len(row) == 10 and row[-1] not in set(Category) for row in rows)
