"""Ledgers for the analytics tests: a builder that reads like a bank statement, the people the
tests follow, and hypothesis strategies for arbitrary ledgers."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from sandbox.analytics.ledger import Categories, Ledger, LedgerAccount, LedgerEntry
from sandbox.categories import Category

TODAY = date(2026, 3, 15)  # a Sunday


class Book:
    """A user's accounts and entries, written in any order, read back as a Ledger."""

    def __init__(self, today: date = TODAY) -> None:
        self.today = today
        self.accounts: list[LedgerAccount] = []
        self.entries: list[LedgerEntry] = []
        self.categories: Categories = {}

    def account(self, balance: int, type: str = "checking", currency: str = "EUR") -> int:
        id = len(self.accounts) + 1
        self.accounts.append(
            LedgerAccount(id=id, currency=currency, type=type, balance_minor=balance)
        )
        return id

    def add(
        self,
        account: int,
        day: date,
        amount: int,
        category: Category,
        counterparty: str | None = None,
        description: str = "",
    ) -> int:
        id = len(self.entries) + 1
        currency = self.accounts[account - 1].currency
        self.entries.append(
            LedgerEntry(
                id, account, day, amount, currency, description or category.value, counterparty
            )
        )
        self.categories[id] = category
        return id

    def monthly(
        self,
        account: int,
        first: date,
        last: date,
        amount: int,
        category: Category,
        counterparty: str | None = None,
        description: str = "",
    ) -> None:
        """The same amount on `first`'s day of every month up to `last`, moved to the Monday
        after a weekend, as banks do."""
        day = first
        while day <= last:
            booked = day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)
            if booked <= self.today:
                self.add(account, booked, amount, category, counterparty, description)
            day = next_month(day)

    def ledger(self) -> Ledger:
        entries = sorted(self.entries, key=lambda entry: (entry.booked_on, entry.id))
        return Ledger(tuple(self.accounts), tuple(entries), self.today)


def next_month(day: date) -> date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, 28))


def salaried() -> Book:
    """Anna: a salary on the 25th for two years, rent, a subscription, weekly groceries, a
    monthly move to savings."""
    book = Book()
    checking = book.account(2_480_00)
    savings = book.account(7_200_00, type="savings")
    start = date(2024, 3, 25)
    book.monthly(checking, start, TODAY, 3_000_00, Category.SALARY, "Acme GmbH")
    book.monthly(checking, date(2024, 4, 1), TODAY, -1_100_00, Category.RENT, "Hausverwaltung Nord")
    book.monthly(checking, date(2024, 4, 3), TODAY, -12_99, Category.SUBSCRIPTIONS, "Netflix")
    book.monthly(checking, date(2024, 3, 26), TODAY, -300_00, Category.OWN_TRANSFER, "Anna Nowak")
    book.monthly(savings, date(2024, 3, 26), TODAY, 300_00, Category.OWN_TRANSFER, "Anna Nowak")
    day = date(2024, 3, 30)
    while day <= TODAY:
        book.add(
            checking,
            day,
            -85_00 - (day.toordinal() % 7) * 100,
            Category.GROCERIES,
            None,
            f"CARD {day:%d.%m} REWE 4711",
        )
        day += timedelta(days=7)
    book.add(checking, date(2026, 3, 1), 1_23, Category.INTEREST, None, "Interest")
    return book


def pensioner() -> Book:
    """Jan: a pension on the 10th for three years, a welfare allowance, utilities."""
    book = Book()
    checking = book.account(9_000_00, currency="PLN")
    book.monthly(checking, date(2023, 3, 10), TODAY, 2_400_00, Category.PENSION, "ZUS")
    book.monthly(checking, date(2025, 9, 5), TODAY, 250_00, Category.WELFARE, "MOPS Kraków")
    book.monthly(checking, date(2023, 3, 12), TODAY, -410_00, Category.UTILITIES, "Tauron")
    book.monthly(checking, date(2023, 3, 15), TODAY, -1_300_00, Category.GROCERIES, "Biedronka")
    return book


def freelancer() -> Book:
    """Lena: invoices paid by three customers at irregular dates and amounts, no salary."""
    book = Book()
    checking = book.account(9_400_00)
    payments = [
        (date(2025, 6, 3), 4_200_00, "Studio Blau"),
        (date(2025, 7, 21), 1_150_00, "Kanzlei Roth"),
        (date(2025, 9, 2), 6_000_00, "Studio Blau"),
        (date(2025, 11, 17), 2_300_00, "Verlag Ost"),
        (date(2026, 1, 8), 3_100_00, "Kanzlei Roth"),
        (date(2026, 2, 20), 2_750_00, "Studio Blau"),
        (date(2026, 3, 9), 1_900_00, "Verlag Ost"),
    ]
    for day, amount, customer in payments:
        book.add(checking, day, amount, Category.INVOICE_PAYMENT, customer)
    book.monthly(checking, date(2025, 6, 1), TODAY, -900_00, Category.RENT, "WBM")
    book.monthly(checking, date(2025, 6, 15), TODAY, -700_00, Category.SHOPPING, "Amazon")
    return book


def gambler() -> Book:
    """Tom: a salary, and a third of it gone to betting sites every month."""
    book = Book()
    checking = book.account(140_00, currency="GBP")
    book.monthly(checking, date(2025, 3, 27), TODAY, 2_200_00, Category.SALARY, "Tesco Stores Ltd")
    book.monthly(checking, date(2025, 4, 1), TODAY, -800_00, Category.RENT, "Foxtons")
    for week in range(50):
        day = date(2025, 4, 4) + timedelta(days=7 * week)
        book.add(checking, day, -180_00, Category.GAMBLING, "Bet365")
    book.monthly(checking, date(2025, 4, 20), TODAY, -250_00, Category.GROCERIES, "Tesco")
    return book


def overdrawn() -> Book:
    """Marek: always in the red, a small irregular income, a debt collector every month."""
    book = Book()
    checking = book.account(-1_250_00)
    book.monthly(checking, date(2025, 6, 2), TODAY, 900_00, Category.WELFARE, "Jobcenter")
    book.monthly(checking, date(2025, 6, 3), TODAY, -750_00, Category.RENT, "GWG")
    book.monthly(
        checking, date(2025, 6, 20), TODAY, -60_00, Category.DEBT_COLLECTION, "Inkasso Süd"
    )
    book.monthly(checking, date(2025, 6, 10), TODAY, -150_00, Category.GROCERIES, "Aldi")
    return book


def irregular() -> Book:
    """Eva: odd jobs now and then, paid as other income, no regular payer."""
    book = Book()
    checking = book.account(620_00)
    for day, amount in [
        (date(2025, 5, 9), 400_00),
        (date(2025, 8, 27), 1_250_00),
        (date(2025, 10, 2), 90_00),
        (date(2026, 1, 30), 700_00),
        (date(2026, 3, 3), 310_00),
    ]:
        book.add(checking, day, amount, Category.OTHER_INCOME, "Private person")
    book.monthly(checking, date(2025, 5, 11), TODAY, -450_00, Category.RENT, "Mieterverein")
    return book


# Arbitrary ledgers ---------------------------------------------------------------------------

CURRENCIES = ("EUR", "PLN", "JPY")
TYPES = ("checking", "savings", "deposit", "credit_card", "loan", "investment")


@st.composite
def ledgers(draw: st.DrawFn, max_entries: int = 60, days: int = 400) -> tuple[Ledger, Categories]:
    """One to four accounts in up to three currencies, entries of any category up to `days`
    before today, some on the same day."""
    today = draw(st.dates(min_value=date(2018, 1, 1), max_value=date(2027, 12, 31)))
    book = Book(today)
    for _ in range(draw(st.integers(1, 4))):
        book.account(
            draw(st.integers(-1_000_000, 10_000_000)),
            type=draw(st.sampled_from(TYPES)),
            currency=draw(st.sampled_from(CURRENCIES)),
        )
    for _ in range(draw(st.integers(0, max_entries))):
        book.add(
            draw(st.integers(1, len(book.accounts))),
            today - timedelta(days=draw(st.integers(0, days))),
            draw(st.integers(-500_000, 500_000).filter(bool)),
            draw(st.sampled_from(list(Category))),
        )
    return book.ledger(), book.categories
