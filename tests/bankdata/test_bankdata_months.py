"""Random access by month: a month is generated from its own inputs, never from earlier months,
and the accounts of one persona show each other's transfers to the cent."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from sandbox.bankdata import accounts, balance_at, balances, months, owner, transactions
from sandbox.bankdata.dates import month_of
from sandbox.bankdata.plans import book
from sandbox.bankdata.truth import clear_caches
from sandbox.scenario.model import Profile

TEN_YEARS = date(2016, 1, 1)
LAST_MONTH = (date(2025, 12, 1), date(2025, 12, 31))


@pytest.fixture
def spy(monkeypatch):
    """Records which months are generated and which month-end targets are asked for."""
    generated: list[int] = []
    targets: set[int] = set()
    events_of, target = months.events_of, balances.target

    def spying_events_of(plan, md):
        generated.append(md.month)
        return events_of(plan, md)

    def spying_target(plan, month):
        targets.add(month)
        return target(plan, month)

    monkeypatch.setattr(months, "events_of", spying_events_of)
    monkeypatch.setattr(balances, "target", spying_target)
    clear_caches()  # cold: nothing warmed by earlier tests
    return generated, targets


@pytest.mark.parametrize("profile", list(Profile))
def test_month_120_of_a_ten_year_account_needs_no_earlier_month(scenario_of, spy, profile):
    generated, targets = spy
    scenario = scenario_of(profile=profile, opened=TEN_YEARS)
    persona, bank = scenario.personas[0], scenario.banks[0]
    listed = transactions(scenario, persona, bank, "main", *LAST_MONTH)
    december = month_of(LAST_MONTH[0])
    assert generated == [december]
    assert targets <= {december, december - 1}
    assert listed or profile is Profile.BORROWER  # a loan from 2016 may be repaid by now

    generated.clear()
    targets.clear()
    balance_at(scenario, persona, bank, "main", date(2025, 12, 15))
    assert generated == [december] and targets <= {december, december - 1}


def test_the_current_account_mirrors_its_linked_accounts_without_generating_them(household, spy):
    generated, targets = spy
    persona, bank = household.personas[0], household.banks[0]
    transactions(household, persona, bank, "giro", *LAST_MONTH)
    december = month_of(LAST_MONTH[0])
    assert generated == [december]  # savings, card and loan months were not generated
    assert targets <= {december, december - 1}


@pytest.mark.parametrize(
    ("linked", "category"), [("savings", "transfer"), ("card", "transfer"), ("loan", "loan")]
)
def test_transfers_between_own_accounts_match_on_both_sides(household, linked, category):
    persona, bank = household.personas[0], household.banks[0]
    start, end = date(2023, 1, 1), date(2024, 12, 31)
    giro = transactions(household, persona, bank, "giro", start, end)
    other = transactions(household, persona, bank, linked, start, end)
    linked_iban = next(
        a.iban for a in _accounts(household) if a.account_id == linked
    )  # None for the card
    giro_side = {
        (t.booked_on, -t.amount)
        for t in giro
        if t.counterparty_name == _owner_name(household)
        and t.counterparty_iban == linked_iban
        and t.category == category
    }
    giro_iban = next(a.iban for a in _accounts(household) if a.account_id == "giro")
    other_side = {(t.booked_on, t.amount) for t in other if t.counterparty_iban == giro_iban}
    assert other_side and giro_side == other_side


def test_a_month_costs_the_same_work_at_any_age(scenario_of):
    # Structural: the number of events of month 1 and month 120 are of the same size, and
    # generating month 120 touches exactly one month.
    scenario = scenario_of(opened=TEN_YEARS)
    plan = _plan(scenario)
    early = len(months.events_of(plan, months.month_days(month_of(TEN_YEARS)))[1])
    late = len(months.events_of(plan, months.month_days(month_of(LAST_MONTH[0])))[1])
    assert 0.5 < late / early < 2


def test_balance_on_a_day_is_the_last_balance_after_up_to_that_day(scenario_of):
    scenario = scenario_of(profile=Profile.SMALL_BUSINESS)
    persona, bank = scenario.personas[0], scenario.banks[0]
    month = transactions(scenario, persona, bank, "main", date(2024, 3, 1), date(2024, 3, 31))
    for day in (date(2024, 3, 1) + timedelta(days=n) for n in range(31)):
        upto = [t for t in month if t.booked_on <= day]
        expected = (
            upto[-1].balance_after
            if upto
            else balance_at(scenario, persona, bank, "main", date(2024, 2, 29))
        )
        assert balance_at(scenario, persona, bank, "main", day) == expected


def test_refs_are_unique_and_name_their_month(scenario_of):
    scenario = scenario_of(profile=Profile.SMALL_BUSINESS, opening_balance=Decimal("0"))
    persona, bank = scenario.personas[0], scenario.banks[0]
    listed = transactions(scenario, persona, bank, "main", date(2023, 1, 1), date(2024, 12, 31))
    refs = [t.ref for t in listed]
    assert len(set(refs)) == len(refs)
    assert all(t.ref[:6] == t.booked_on.strftime("%Y%m") for t in listed)


def _plan(scenario):
    return book(scenario, scenario.personas[0], scenario.banks[0]).plans["main"]


def _accounts(scenario):
    return accounts(scenario, scenario.personas[0], scenario.banks[0])


def _owner_name(scenario) -> str:
    return owner(scenario, scenario.personas[0], scenario.banks[0]).name


@pytest.mark.parametrize("opened", [date(2026, 1, 31), date(2026, 2, 28), date(2027, 1, 30)])
def test_an_account_opened_after_its_months_last_business_day_has_nothing_before(
    scenario_of, opened
):
    """Opened on a weekend that ends the month: the money fetched to start it arrives on the
    opening day itself, not on the Friday before."""
    scenario = scenario_of(opened=opened, opening_balance=Decimal("0.00"))
    persona, bank = scenario.personas[0], scenario.banks[0]
    before, after = opened - timedelta(days=7), opened + timedelta(days=40)
    listed = transactions(scenario, persona, bank, "main", before, after)
    assert listed and min(t.booked_on for t in listed) == opened
    assert balance_at(scenario, persona, bank, "main", opened - timedelta(days=1)) == 0
    assert listed[0].balance_after == listed[0].amount
