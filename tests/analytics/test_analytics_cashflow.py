"""Monthly cash flow: inflow, outflow, the liquid balance at each month's end, overdrawn days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from analytics_cases import TODAY, Book, ledgers, overdrawn, salaried
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.analytics.cashflow import LIQUID, MonthFlow, cashflow
from sandbox.categories import Category

PROPERTY = settings(max_examples=60, deadline=None)


def _tight_month_book() -> Book:
    """In the red until the salary, in the black until the rent, in the red since."""
    book = Book()
    checking = book.account(-500_00)
    savings = book.account(300_00, type="savings")
    card = book.account(-40_00, type="credit_card")
    book.add(checking, date(2026, 1, 10), 1_000_00, Category.SALARY, "Acme GmbH")
    book.add(checking, date(2026, 1, 15), -300_00, Category.OWN_TRANSFER, "Own savings")
    book.add(savings, date(2026, 1, 15), 300_00, Category.OWN_TRANSFER, "Own checking")
    book.add(checking, date(2026, 2, 3), -1_200_00, Category.RENT, "Landlord")
    book.add(card, date(2026, 2, 14), -40_00, Category.RESTAURANTS, "Trattoria")
    book.add(checking, date(2026, 3, 1), 50_00, Category.REFUND, "Shop")
    return book


def test_each_month_shows_its_flows_its_closing_balance_and_its_days_in_the_red():
    book = _tight_month_book()
    rows = cashflow(book.ledger(), book.categories, date(2025, 12, 1), date(2026, 12, 31))
    assert rows == (
        # before the salary: today's -200.00, less the refund, plus the rent, less the salary
        MonthFlow("2025-12", "EUR", inflow=0, outflow=0, closing_balance=-50_00, overdrawn_days=31),
        # 1 to 9 January in the red; the move to savings is neither in nor out
        MonthFlow(
            "2026-01", "EUR", inflow=1_000_00, outflow=0, closing_balance=950_00, overdrawn_days=9
        ),
        # the card's restaurant bill is an outflow, but the card is not part of the balance
        MonthFlow(
            "2026-02", "EUR", inflow=0, outflow=1_240_00, closing_balance=-250_00, overdrawn_days=26
        ),
        # the current month: its days up to today, today's balance
        MonthFlow(
            "2026-03", "EUR", inflow=50_00, outflow=0, closing_balance=-200_00, overdrawn_days=15
        ),
    )


def test_a_month_in_the_past_is_shown_whole_whatever_day_the_range_names():
    book = _tight_month_book()
    [january] = cashflow(book.ledger(), book.categories, date(2026, 1, 20), date(2026, 1, 21))
    assert (january.inflow, january.closing_balance, january.overdrawn_days) == (
        1_000_00,
        950_00,
        9,
    )


def test_a_salaried_person_s_move_to_savings_is_neither_in_nor_out():
    book = salaried()
    february, march = cashflow(book.ledger(), book.categories, date(2026, 2, 1), TODAY)
    # the salary; rent, Netflix and four Saturdays' groceries, not the 300.00 to savings
    assert (february.inflow, february.outflow) == (3_000_00, 1_100_00 + 12_99 + 4 * 91_00)
    # so far: the interest; rent, Netflix and two Saturdays' groceries
    assert (march.inflow, march.outflow) == (1_23, 1_100_00 + 12_99 + 2 * 91_00)
    assert march.closing_balance == 2_480_00 + 7_200_00
    assert february.closing_balance == march.closing_balance - 1_23 + 1_100_00 + 12_99 + 2 * 91_00


def test_someone_always_overdrawn_has_every_day_in_the_red():
    book = overdrawn()
    rows = cashflow(book.ledger(), book.categories, date(2025, 12, 1), TODAY)
    assert [row.overdrawn_days for row in rows] == [31, 31, 28, 15]
    assert rows[-1].closing_balance == -1_250_00
    assert all(row.closing_balance < 0 for row in rows)


def test_each_currency_has_its_own_row_each_month():
    book = Book()
    euro = book.account(100_00)
    zloty = book.account(400_00, currency="PLN")
    book.add(zloty, date(2026, 2, 10), 400_00, Category.SALARY)
    book.add(euro, date(2026, 3, 2), -20_00, Category.GROCERIES)
    rows = cashflow(book.ledger(), book.categories, date(2026, 2, 1), TODAY)
    assert [
        (row.month, row.currency, row.inflow, row.outflow, row.closing_balance) for row in rows
    ] == [
        ("2026-02", "EUR", 0, 0, 120_00),
        ("2026-02", "PLN", 400_00, 0, 400_00),
        ("2026-03", "EUR", 0, 20_00, 100_00),
        ("2026-03", "PLN", 0, 0, 400_00),
    ]


def test_a_range_after_today_s_month_is_empty_and_a_reversed_one_is_refused():
    book = _tight_month_book()
    assert cashflow(book.ledger(), book.categories, date(2026, 4, 1), date(2026, 5, 1)) == ()
    with pytest.raises(ValueError, match="the start 2026-03-01 is after the end 2026-02-01"):
        cashflow(book.ledger(), book.categories, date(2026, 3, 1), date(2026, 2, 1))


def test_a_range_of_more_than_fifty_years_is_refused():
    book = _tight_month_book()
    with pytest.raises(ValueError, match="a cash flow covers at most 600 months, not 605"):
        cashflow(book.ledger(), book.categories, date(1975, 11, 1), date(2030, 1, 1))


def _replay(ledger, currency: str, first: date) -> dict[date, int]:
    """End-of-day liquid balances from `first` to today, replayed forward from the balance
    before the first entry."""
    liquid = {a.id for a in ledger.accounts if a.currency == currency and a.type in LIQUID}
    entries = [e for e in ledger.entries if e.account_id in liquid]
    start = min([first, *(e.booked_on for e in entries)])
    balance = sum(a.balance_minor for a in ledger.accounts if a.id in liquid) - sum(
        e.amount_minor for e in entries
    )
    balances = {}
    day = start
    while day <= ledger.today:
        balance += sum(e.amount_minor for e in entries if e.booked_on == day)
        balances[day] = balance
        day += timedelta(days=1)
    return balances


@PROPERTY
@given(ledgers(days=200), st.integers(0, 300), st.integers(-40, 40))
def test_flows_are_the_entries_summed_and_balances_a_day_by_day_replay(drawn, back, ahead):
    ledger, categories = drawn
    start = ledger.today - timedelta(days=back)
    end = max(start, ledger.today + timedelta(days=ahead))
    rows = cashflow(ledger, categories, start, end)
    currencies = sorted({account.currency for account in ledger.accounts})
    for row in rows:
        mine = [
            e
            for e in ledger.entries
            if e.currency == row.currency
            and f"{e.booked_on:%Y-%m}" == row.month
            and categories[e.id] != Category.OWN_TRANSFER
        ]
        assert row.inflow == sum(e.amount_minor for e in mine if e.amount_minor > 0)
        assert row.outflow == -sum(e.amount_minor for e in mine if e.amount_minor < 0)
        replayed = _replay(ledger, row.currency, start.replace(day=1))
        days = [day for day in replayed if f"{day:%Y-%m}" == row.month]
        assert row.closing_balance == replayed[max(days)]
        assert row.overdrawn_days == sum(1 for day in days if replayed[day] < 0)
    months = sorted({row.month for row in rows})
    assert (months[0], months[-1]) == (f"{start:%Y-%m}", f"{min(end, ledger.today):%Y-%m}")
    assert len(rows) == len(months) * len(currencies)
