"""Income confirmation, after Kontomatik's: per currency, and per account within it, the income
of the current month so far and the two before, split by kind, and the 90-day monthly average.

Income is a credit whose category is in `categories.INCOME`; own transfers and transfers to or
from another person are not income, nor is a debit whatever its category (a refund's reversal
does not lower income).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sandbox.analytics.ledger import Categories, Ledger
from sandbox.categories import INCOME, Category

MONTHS = 3  # M-0 (the current month up to today), M-1, M-2
AVERAGE_DAYS = 90  # Kontomatik's "90-day monthly average": the income of 90 days ÷ 3

# The kind each income category is reported under.
KIND = {
    Category.SALARY: "salary",
    Category.PENSION: "pension",
    Category.WELFARE: "welfare_and_alimony",
    Category.ALIMONY: "welfare_and_alimony",
    Category.INVOICE_PAYMENT: "invoice_payments",
    Category.INTEREST: "other",
    Category.REFUND: "other",
    Category.OTHER_INCOME: "other",
}
KINDS = ("salary", "pension", "welfare_and_alimony", "invoice_payments", "other")


@dataclass(frozen=True, slots=True)
class MonthIncome:
    """One month's income in minor units; `total` is the sum of the five kinds."""

    month: str  # "2026-02"
    salary: int
    pension: int
    welfare_and_alimony: int
    invoice_payments: int
    other: int  # interest, refunds, other income
    total: int


@dataclass(frozen=True, slots=True)
class AccountIncome:
    account_id: int
    months: tuple[MonthIncome, ...]  # M-0, M-1, M-2
    average_monthly: int


@dataclass(frozen=True, slots=True)
class CurrencyIncome:
    currency: str
    months: tuple[MonthIncome, ...]  # M-0, M-1, M-2: the accounts' months summed
    average_monthly: int
    accounts: tuple[AccountIncome, ...]  # by account id, every account of the currency


@dataclass(frozen=True, slots=True)
class IncomeReport:
    as_of: date
    currencies: tuple[CurrencyIncome, ...]  # by currency code


def income(ledger: Ledger, categories: Categories) -> IncomeReport:
    """The ledger's income as of its today, for every currency it holds an account in."""
    today = ledger.today
    months = _last_months(today, MONTHS)
    month_index = {month: index for index, month in enumerate(months)}
    average_from = today - timedelta(days=AVERAGE_DAYS - 1)
    kind_index = {category: KINDS.index(kind) for category, kind in KIND.items()}
    # (currency, account id) -> per month, per kind, the amount; then the 90 days' total
    tallies: dict[tuple[str, int], _Tally] = {
        (account.currency, account.id): _Tally(len(months)) for account in ledger.accounts
    }
    for entry in ledger.entries:
        category = categories.get(entry.id)
        if entry.amount_minor <= 0 or category not in INCOME:
            continue
        tally = tallies.setdefault((entry.currency, entry.account_id), _Tally(len(months)))
        index = month_index.get((entry.booked_on.year, entry.booked_on.month))
        if index is not None:
            tally.months[index][kind_index[category]] += entry.amount_minor
        if entry.booked_on >= average_from:
            tally.ninety_days += entry.amount_minor
    currencies = sorted({currency for currency, _ in tallies})
    return IncomeReport(
        as_of=today,
        currencies=tuple(_currency(currency, months, tallies) for currency in currencies),
    )


class _Tally:
    """One account's income as it is added up."""

    __slots__ = ("months", "ninety_days")

    def __init__(self, months: int) -> None:
        self.months = [[0] * len(KINDS) for _ in range(months)]
        self.ninety_days = 0


def _currency(
    currency: str, months: list[tuple[int, int]], tallies: dict[tuple[str, int], _Tally]
) -> CurrencyIncome:
    mine = sorted((id, tally) for (code, id), tally in tallies.items() if code == currency)
    summed = [
        [sum(tally.months[month][kind] for _, tally in mine) for kind in range(len(KINDS))]
        for month in range(len(months))
    ]
    return CurrencyIncome(
        currency=currency,
        months=_months(months, summed),
        average_monthly=monthly_average(sum(tally.ninety_days for _, tally in mine)),
        accounts=tuple(
            AccountIncome(id, _months(months, tally.months), monthly_average(tally.ninety_days))
            for id, tally in mine
        ),
    )


def _months(months: list[tuple[int, int]], amounts: list[list[int]]) -> tuple[MonthIncome, ...]:
    return tuple(
        MonthIncome(f"{year:04d}-{month:02d}", *kinds, total=sum(kinds))
        for (year, month), kinds in zip(months, amounts, strict=True)
    )


def _last_months(today: date, count: int) -> list[tuple[int, int]]:
    """(year, month) of today's month and the `count - 1` before it, newest first."""
    index = today.year * 12 + today.month - 1
    return [((index - back) // 12, (index - back) % 12 + 1) for back in range(count)]


def monthly_average(ninety_days: int) -> int:
    """A 90-day total in minor units as a monthly average, rounded to the nearest minor unit
    (a third is never a half, so half-even and half-up agree)."""
    whole, rest = divmod(ninety_days, 3)
    return whole + 1 if rest == 2 else whole
