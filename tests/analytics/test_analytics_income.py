"""Income confirmation: the last three months by kind and the 90-day monthly average."""

from __future__ import annotations

from datetime import date, timedelta

from analytics_cases import TODAY, Book, freelancer, ledgers, pensioner, salaried
from hypothesis import given, settings

from sandbox.analytics.income import MonthIncome, income
from sandbox.categories import INCOME, Category

PROPERTY = settings(max_examples=60, deadline=None)


def _month(month: str, **kinds: int) -> MonthIncome:
    amounts = {
        kind: kinds.get(kind, 0)
        for kind in ("salary", "pension", "welfare_and_alimony", "invoice_payments", "other")
    }
    return MonthIncome(month, **amounts, total=sum(amounts.values()))


def test_a_salaried_person_shows_two_salaries_the_interest_and_a_90_day_average():
    book = salaried()
    report = income(book.ledger(), book.categories)
    assert report.as_of == TODAY
    [eur] = report.currencies
    assert eur.currency == "EUR"
    assert eur.months == (
        _month("2026-03", other=1_23),  # March's salary is not paid yet
        _month("2026-02", salary=3_000_00),
        _month("2026-01", salary=3_000_00),
    )
    # 16 December to 15 March: the salaries of 25 December, January and February and the
    # interest, 9,001.23 ÷ 3
    assert eur.average_monthly == 3_000_41


def test_own_transfers_are_not_income_and_the_savings_account_shows_none():
    book = salaried()
    checking, savings = income(book.ledger(), book.categories).currencies[0].accounts
    assert checking.account_id == 1
    assert checking.months[1].salary == 3_000_00
    assert savings.account_id == 2
    assert savings.months == (_month("2026-03"), _month("2026-02"), _month("2026-01"))
    assert savings.average_monthly == 0


def test_a_transfer_from_a_friend_and_a_debit_categorised_as_income_are_not_income():
    book = Book()
    account = book.account(0)
    book.add(account, date(2026, 3, 2), 50_00, Category.TRANSFER, "A friend")
    book.add(account, date(2026, 3, 3), -20_00, Category.REFUND, "Shop")
    book.add(account, date(2026, 3, 4), 10_00, Category.REFUND, "Shop")
    [eur] = income(book.ledger(), book.categories).currencies
    assert eur.months[0] == _month("2026-03", other=10_00)


def test_a_pensioner_with_an_allowance_shows_them_apart_in_zloty():
    book = pensioner()
    [pln] = income(book.ledger(), book.categories).currencies
    assert pln.currency == "PLN"
    assert pln.months == (
        _month("2026-03", pension=2_400_00, welfare_and_alimony=250_00),
        _month("2026-02", pension=2_400_00, welfare_and_alimony=250_00),
        _month("2026-01", pension=2_400_00, welfare_and_alimony=250_00),
    )
    assert pln.average_monthly == 2_650_00


def test_a_freelancer_s_invoices_count_in_the_month_they_were_paid():
    book = freelancer()
    [eur] = income(book.ledger(), book.categories).currencies
    assert eur.months == (
        _month("2026-03", invoice_payments=1_900_00),
        _month("2026-02", invoice_payments=2_750_00),
        _month("2026-01", invoice_payments=3_100_00),
    )
    # 7,750.00 ÷ 3 = 2,583.333… rounds to 2,583.33
    assert eur.average_monthly == 2_583_33


def test_alimony_and_welfare_share_a_kind_and_interest_refunds_and_other_income_are_other():
    book = Book()
    account = book.account(0)
    for category, amount in [
        (Category.ALIMONY, 300_00),
        (Category.WELFARE, 200_00),
        (Category.INTEREST, 1_00),
        (Category.REFUND, 2_00),
        (Category.OTHER_INCOME, 4_00),
    ]:
        book.add(account, date(2026, 3, 10), amount, category)
    [eur] = income(book.ledger(), book.categories).currencies
    assert eur.months[0] == _month("2026-03", welfare_and_alimony=500_00, other=7_00)


def test_the_average_is_rounded_to_the_nearest_minor_unit():
    for total, average in [(100, 33), (200, 67), (300, 100), (1, 0), (2, 1)]:
        book = Book()
        book.add(book.account(0), TODAY, total, Category.SALARY)
        assert income(book.ledger(), book.categories).currencies[0].average_monthly == average


def test_the_90_days_start_89_days_before_today():
    book = Book()
    account = book.account(0)
    book.add(account, TODAY - timedelta(days=90), 300_00, Category.SALARY)
    book.add(account, TODAY - timedelta(days=89), 3_00, Category.SALARY)
    assert income(book.ledger(), book.categories).currencies[0].average_monthly == 1_00


def test_in_january_the_months_before_are_last_year_s():
    book = Book(today=date(2026, 1, 5))
    book.add(book.account(0), date(2025, 11, 30), 10_00, Category.PENSION)
    [eur] = income(book.ledger(), book.categories).currencies
    assert [month.month for month in eur.months] == ["2026-01", "2025-12", "2025-11"]
    assert eur.months[2].pension == 10_00


def test_every_currency_and_account_is_listed_even_without_income():
    book = Book()
    zloty = book.account(0, currency="PLN")
    euro = book.account(0, currency="EUR")
    card = book.account(0, type="credit_card", currency="EUR")
    book.add(zloty, TODAY, 100_00, Category.SALARY)
    report = income(book.ledger(), book.categories)
    assert [
        (found.currency, [a.account_id for a in found.accounts]) for found in report.currencies
    ] == [
        ("EUR", [euro, card]),
        ("PLN", [zloty]),
    ]
    assert report.currencies[0].months[0] == _month("2026-03")
    assert report.currencies[1].months[0] == _month("2026-03", salary=100_00)


@PROPERTY
@given(ledgers())
def test_totals_equal_the_income_entries_summed(drawn):
    ledger, categories = drawn
    today = ledger.today
    report = income(ledger, categories)
    for found in report.currencies:
        mine = [
            entry
            for entry in ledger.entries
            if entry.currency == found.currency
            and entry.amount_minor > 0
            and categories[entry.id] in INCOME
        ]
        for back, month in enumerate(found.months):
            year, number = divmod(today.year * 12 + today.month - 1 - back, 12)
            in_month = [
                e for e in mine if (e.booked_on.year, e.booked_on.month) == (year, number + 1)
            ]
            assert month.month == f"{year:04d}-{number + 1:02d}"
            assert month.total == sum(entry.amount_minor for entry in in_month)
            assert month.total == (
                month.salary
                + month.pension
                + month.welfare_and_alimony
                + month.invoice_payments
                + month.other
            )
            assert month.salary == sum(
                e.amount_minor for e in in_month if categories[e.id] == Category.SALARY
            )
            assert month.total == sum(account.months[back].total for account in found.accounts)
        ninety = sum(e.amount_minor for e in mine if (today - e.booked_on).days < 90)
        assert abs(3 * found.average_monthly - ninety) <= 1
