"""Each profile's months hold what such a customer's statement holds, in the bank's language,
with merchants of the bank's country and amounts sized for the account's currency."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from statistics import median

import pytest

from sandbox.bankdata import balance_at, transactions
from sandbox.bankdata.records import BankTransaction
from sandbox.scenario.model import Profile

YEAR = (date(2024, 1, 1), date(2024, 12, 31))


def _year(scenario, start: date = YEAR[0], end: date = YEAR[1]) -> list[BankTransaction]:
    return transactions(scenario, scenario.personas[0], scenario.banks[0], "main", start, end)


def _by_month(listed: list[BankTransaction]) -> dict[str, set[str]]:
    months: dict[str, set[str]] = defaultdict(set)
    for t in listed:
        months[t.ref[:6]].add(t.category)
    return months


EVERY_MONTH = {
    Profile.SALARIED: {"salary", "rent", "utilities", "insurance", "subscriptions", "groceries"},
    Profile.STUDENT: {"transfer", "rent", "utilities", "subscriptions", "groceries"},
    Profile.FREELANCER: {"income", "rent", "insurance", "utilities", "groceries"},
    Profile.RETIRED: {"pension", "rent", "utilities", "insurance", "groceries"},
    Profile.SMALL_BUSINESS: {"income", "suppliers", "payroll", "rent", "tax", "fees"},
    Profile.CARD_SPENDER: {"card", "subscriptions", "transfer"},
    Profile.SAVER: {"interest", "transfer"},
    Profile.BORROWER: {"loan"},
    Profile.GAMBLER: {"salary", "rent", "utilities", "groceries", "card"},
    Profile.OVERDRAWN: {"salary", "rent", "utilities", "fees", "groceries"},
    Profile.IRREGULAR: {"rent", "utilities", "groceries"},
}


@pytest.mark.parametrize("profile", list(Profile))
def test_each_month_holds_what_the_profile_pays_and_earns(scenario_of, profile):
    # A loan opened in 2016 may be repaid by 2024: this one is still running.
    opened = date(2023, 6, 1) if profile is Profile.BORROWER else date(2016, 1, 1)
    listed = _year(scenario_of(profile=profile, seed=11, opened=opened))
    months = _by_month(listed)
    assert len(months) == 12
    for month, categories in months.items():
        missing = EVERY_MONTH[profile] - categories
        assert not missing, f"{profile} {month} lacks {missing}"


def test_salaried_is_paid_once_a_month_and_pays_rent_once(scenario_of):
    listed = _year(scenario_of(profile=Profile.SALARIED))
    for month, count in _count(listed, "salary").items():
        assert count == 1, month
    for month, count in _count(listed, "rent").items():
        assert count == 1, month
    salary = [t for t in listed if t.category == "salary"]
    assert all(t.amount > 0 and t.counterparty_iban for t in salary)
    assert all(t.booked_on.weekday() < 5 for t in salary)


def test_freelancer_pays_income_tax_every_quarter(scenario_of):
    listed = _year(scenario_of(profile=Profile.FREELANCER))
    assert sorted(_count(listed, "tax")) == ["202403", "202406", "202409", "202412"]


def test_student_pays_tuition_twice_a_year(scenario_of):
    listed = _year(scenario_of(profile=Profile.STUDENT))
    assert sorted(_count(listed, "education")) == ["202404", "202410"]


def test_card_spender_owes_the_month_and_repays_the_previous_statement(scenario_of):
    scenario = scenario_of(profile=Profile.CARD_SPENDER, opening_balance=Decimal("0"))
    persona, bank = scenario.personas[0], scenario.banks[0]
    for month_end, following in [(date(2024, 1, 31), YEAR), (date(2024, 6, 30), YEAR)]:
        owed = balance_at(scenario, persona, bank, "main", month_end)
        assert owed < 0
        next_month = [t for t in _year(scenario, *following) if t.category == "transfer"]
        repayment = next(t for t in next_month if t.booked_on > month_end)
        assert repayment.amount == -owed


def test_savings_grow_and_loans_shrink_to_nothing(scenario_of):
    saver = scenario_of(profile=Profile.SAVER, opening_balance=Decimal("0"))
    yearly = [
        balance_at(saver, saver.personas[0], saver.banks[0], "main", date(year, 12, 31))
        for year in range(2016, 2026)
    ]
    assert yearly == sorted(yearly) and yearly[0] > 0

    loan = scenario_of(profile=Profile.BORROWER, opening_balance=Decimal("-9000"))
    owed = [
        balance_at(loan, loan.personas[0], loan.banks[0], "main", date(year, 12, 31))
        for year in range(2016, 2032)
    ]
    assert all(b <= 0 for b in owed)
    assert owed == sorted(owed) and owed[-1] == 0


def test_merchants_and_wording_follow_the_bank_country(scenario_of):
    german = _year(scenario_of(country="DE"))
    polish = _year(scenario_of(country="PL", currency="PLN"))
    german_shops = {t.counterparty_name for t in german if t.category == "groceries"}
    polish_shops = {t.counterparty_name for t in polish if t.category == "groceries"}
    # Lidl and Kaufland trade in both countries; the national chains do not.
    assert german_shops <= {
        "REWE",
        "EDEKA",
        "Lidl",
        "ALDI SÜD",
        "Kaufland",
        "Netto Marken-Discount",
        "PENNY",
    }
    assert polish_shops <= {"Biedronka", "Lidl", "Żabka", "Kaufland", "Auchan", "Carrefour", "Dino"}
    assert german_shops - polish_shops and polish_shops - german_shops
    german_cities = {t.description.split()[-1] for t in german if t.category == "groceries"}
    polish_cities = {t.description.split()[-1] for t in polish if t.category == "groceries"}
    assert not german_cities & polish_cities
    assert any(t.description.startswith("Kartenzahlung") for t in german)
    assert any(t.description.startswith("Płatność kartą") for t in polish)
    assert any(t.description.startswith("Gehalt") for t in german)
    assert any(t.description.startswith("Wynagrodzenie") for t in polish)


def test_amounts_are_sized_for_the_currency(scenario_of):
    # Same seed and account: the same draws, in euros and in zloty.
    euro = _year(scenario_of(currency="EUR"))
    zloty = _year(scenario_of(currency="PLN"))
    euro_rent = median(-t.amount for t in euro if t.category == "rent")
    zloty_rent = median(-t.amount for t in zloty if t.category == "rent")
    assert Decimal("3.8") < zloty_rent / euro_rent < Decimal("4.8")
    yen = _year(scenario_of(currency="JPY"))
    assert all(t.amount == t.amount.to_integral_value() for t in yen)
    assert all(t.amount.as_tuple().exponent == -2 for t in euro)


def test_every_transaction_has_its_dates_in_order(scenario_of):
    for profile in Profile:
        for t in _year(scenario_of(profile=profile)):
            assert t.value_on <= t.booked_on
            assert t.booked_on.year == 2024
            assert t.amount != 0


def _count(listed: list[BankTransaction], category: str) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for t in listed:
        if t.category == category:
            counts[t.ref[:6]] += 1
    return counts
