"""Recurring series: what repeats, how often, for how much, and when it comes next."""

from __future__ import annotations

from datetime import date, timedelta

from analytics_cases import TODAY, Book, freelancer, irregular, ledgers, salaried
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.analytics.recurring import Series, recurring
from sandbox.categories import Category

PROPERTY = settings(max_examples=60, deadline=None)


def _by_counterparty(book: Book) -> dict[tuple[int, str, str], Series]:
    return {
        (series.account_id, series.direction, series.counterparty): series
        for series in recurring(book.ledger(), book.categories)
    }


def test_a_salary_is_a_monthly_income_expected_again_on_its_day():
    found = _by_counterparty(salaried())
    assert found[1, "in", "Acme GmbH"] == Series(
        account_id=1,
        direction="in",
        counterparty="Acme GmbH",
        category=Category.SALARY,
        currency="EUR",
        typical_amount=3_000_00,
        period="monthly",
        period_days=30,
        occurrences=24,
        first_date=date(2024, 3, 25),
        last_date=date(2026, 2, 25),
        next_expected=date(2026, 3, 25),
        still_active=True,
    )


def test_rent_paid_late_after_a_weekend_is_still_expected_on_the_first():
    rent = _by_counterparty(salaried())[1, "out", "Hausverwaltung Nord"]
    assert rent.last_date == date(2026, 3, 2)  # 1 March was a Sunday
    assert rent.next_expected == date(2026, 4, 1)
    assert (rent.period, rent.typical_amount, rent.category) == ("monthly", 1_100_00, Category.RENT)


def test_card_payments_without_a_counterparty_are_grouped_by_their_description_s_words():
    groceries = _by_counterparty(salaried())[1, "out", "card rewe"]
    assert groceries.period == "weekly"
    assert groceries.period_days == 7
    assert groceries.next_expected == date(2026, 3, 23)  # the 21st is a Saturday
    assert groceries.occurrences == 103


def test_the_transfer_to_savings_is_found_on_both_accounts():
    found = _by_counterparty(salaried())
    assert found[1, "out", "Anna Nowak"].category == Category.OWN_TRANSFER
    assert found[2, "in", "Anna Nowak"].typical_amount == 300_00


def test_a_freelancer_s_invoices_and_odd_jobs_are_not_recurring():
    assert {key[2] for key in _by_counterparty(freelancer())} == {"WBM", "Amazon"}
    assert {key[2] for key in _by_counterparty(irregular())} == {"Mieterverein"}


def test_a_due_date_on_a_saturday_is_expected_on_the_monday_after():
    book = Book(today=date(2026, 4, 20))
    book.monthly(
        book.account(0), date(2025, 10, 25), date(2026, 3, 25), 2_000_00, Category.SALARY, "Acme"
    )
    [salary] = recurring(book.ledger(), book.categories)
    assert salary.next_expected == date(2026, 4, 27)  # the 25th is a Saturday


def test_rent_paid_early_on_the_friday_before_is_next_expected_on_the_first_after():
    book = Book()
    account = book.account(0)
    for day in (
        date(2025, 10, 1),
        date(2025, 11, 3),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 2),
    ):
        book.add(account, day, -700_00, Category.RENT, "Landlord")
    book.add(account, date(2026, 2, 27), -700_00, Category.RENT, "Landlord")  # 1 March is a Sunday
    [rent] = recurring(book.ledger(), book.categories)
    assert (rent.occurrences, rent.last_date, rent.next_expected) == (
        6,
        date(2026, 2, 27),
        date(2026, 4, 1),
    )


def test_a_bonus_from_the_employer_is_not_part_of_the_salary_series():
    book = salaried()
    book.add(1, date(2025, 12, 18), 6_000_00, Category.SALARY, "Acme GmbH")
    salary = _by_counterparty(book)[1, "in", "Acme GmbH"]
    assert (salary.occurrences, salary.typical_amount) == (24, 3_000_00)


def test_a_cancelled_subscription_is_no_longer_active_after_its_grace_days():
    book = Book()
    gym = book.account(0)
    book.monthly(gym, date(2025, 3, 5), date(2025, 9, 5), -39_00, Category.SUBSCRIPTIONS, "FitX")
    [series] = recurring(book.ledger(), book.categories)
    assert (series.last_date, series.next_expected) == (date(2025, 9, 5), date(2025, 10, 6))
    assert series.still_active is False


def test_a_quarterly_premium_and_a_yearly_fee_are_found_with_their_periods():
    book = Book()
    account = book.account(0)
    for day in (
        date(2025, 1, 15),
        date(2025, 4, 15),
        date(2025, 7, 15),
        date(2025, 10, 15),
        date(2026, 1, 15),
    ):
        book.add(account, day, -120_00, Category.INSURANCE, "Allianz")
    for day in (date(2023, 3, 1), date(2024, 3, 1), date(2025, 3, 3)):
        book.add(account, day, -59_00, Category.FEES, "Bank card fee")
    quarterly, yearly = recurring(book.ledger(), book.categories)
    assert (quarterly.counterparty, quarterly.period, quarterly.period_days) == (
        "Allianz",
        "quarterly",
        91,
    )
    assert quarterly.next_expected == date(2026, 4, 15)
    assert (yearly.counterparty, yearly.period, yearly.occurrences) == (
        "Bank card fee",
        "yearly",
        3,
    )
    assert yearly.next_expected == date(2026, 3, 2)  # the 1st, a Sunday
    assert yearly.still_active is True


def test_daily_coffees_and_two_payments_are_not_series():
    book = Book()
    account = book.account(0)
    for day in range(20):
        book.add(account, TODAY - timedelta(days=day), -3_20, Category.RESTAURANTS, "Café Kranz")
    book.add(account, date(2026, 1, 1), -50_00, Category.DONATIONS, "Red Cross")
    book.add(account, date(2026, 2, 1), -50_00, Category.DONATIONS, "Red Cross")
    assert recurring(book.ledger(), book.categories) == ()


def test_the_commonest_category_names_the_series():
    book = Book()
    account = book.account(0)
    for month, category in [
        (10, Category.UTILITIES),
        (11, Category.OTHER),
        (12, Category.UTILITIES),
    ]:
        book.add(account, date(2025, month, 3), -80_00, category, "Vattenfall")
    [series] = recurring(book.ledger(), book.categories)
    assert series.category == Category.UTILITIES


@PROPERTY
@given(
    count=st.integers(3, 24),
    first=st.dates(min_value=date(2018, 1, 1), max_value=date(2026, 1, 1)),
    due=st.integers(1, 28),
    amount=st.integers(100, 1_000_000),
    jitter=st.lists(st.tuples(st.integers(-3, 3), st.integers(-8, 8)), min_size=24, max_size=24),
    extras=st.lists(st.integers(0, 700), max_size=2),
    noise=ledgers(max_entries=30),
)
def test_a_monthly_series_with_jitter_is_found(count, first, due, amount, jitter, extras, noise):
    """Paid up to three days early or late, amounts up to 8 % apart, among other payments of
    the account and one-off payments to the same counterparty of three times the amount."""
    ledger, categories = noise
    book = Book(today=date(2028, 6, 30))
    account = book.account(0)
    for entry in ledger.entries:
        moved = first + (entry.booked_on - ledger.today) + timedelta(days=400)
        book.add(
            account, moved, entry.amount_minor, categories[entry.id], description=entry.description
        )
    month = first.year * 12 + first.month - 1
    for index, (days, percent) in enumerate(jitter[:count]):
        day = date((month + index) // 12, (month + index) % 12 + 1, due) + timedelta(days=days)
        book.add(account, day, -(amount + amount * percent // 100), Category.RENT, "Landlord")
    for days in extras[: count - 1]:
        book.add(account, first + timedelta(days=days), -3 * amount, Category.RENT, "Landlord")
    found = [s for s in recurring(book.ledger(), book.categories) if s.counterparty == "Landlord"]
    assert [(s.period, s.direction, s.occurrences) for s in found] == [("monthly", "out", count)]
    assert abs(found[0].typical_amount - amount) <= amount * 8 // 100 + 1


@PROPERTY
@given(ledgers(max_entries=80, days=800))
def test_series_are_sorted_have_three_occurrences_and_positive_amounts(drawn):
    ledger, categories = drawn
    found = recurring(ledger, categories)
    assert list(found) == sorted(
        found, key=lambda s: (s.account_id, s.direction, s.counterparty, s.first_date)
    )
    for series in found:
        assert series.occurrences >= 3
        assert series.typical_amount > 0
        assert series.first_date <= series.last_date < series.next_expected
        assert series.next_expected.weekday() < 5
