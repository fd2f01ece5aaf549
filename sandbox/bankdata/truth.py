"""What a fake bank has: the public questions the domain asks about a persona's bank data.

Every answer is a pure function of (scenario seed, persona, bank, account, dates): a window of
transactions generates only the months it touches, and a balance on any day generates at most
that day's month (the month's opening balance is closed form, balances.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TypeVar

from sandbox.bankdata import dates, identity, kept, merchants, months, plans
from sandbox.bankdata.dates import month_of
from sandbox.bankdata.months import MinorTransaction
from sandbox.bankdata.plans import Plan, book
from sandbox.bankdata.records import BankAccount, BankOwner, BankTransaction
from sandbox.money import from_minor
from sandbox.scenario.model import Bank, Persona, Scenario

Row = TypeVar("Row", BankTransaction, MinorTransaction)


def owner(scenario: Scenario, persona: Persona, bank: Bank) -> BankOwner:
    """The account holder; values the persona's `owner` declares win, the rest is generated."""
    return book(scenario, persona, bank).owner


def accounts(scenario: Scenario, persona: Persona, bank: Bank) -> list[BankAccount]:
    """Every account the persona declares, in declaration order."""
    return list(book(scenario, persona, bank).accounts.values())


def account(scenario: Scenario, persona: Persona, bank: Bank, account_id: str) -> BankAccount:
    """One declared account; KeyError when the persona declares no such account."""
    return book(scenario, persona, bank).accounts[account_id]


def transactions(
    scenario: Scenario, persona: Persona, bank: Bank, account_id: str, start: date, end: date
) -> list[BankTransaction]:
    """The account's transactions booked from `start` to `end` inclusive, sorted by
    (booked_on, ref); nothing before the account opened."""
    plan = _plan(scenario, persona, bank, account_id)
    return window(plan, start, end)


def transactions_minor(
    scenario: Scenario, persona: Persona, bank: Bank, account_id: str, start: date, end: date
) -> list[MinorTransaction]:
    """`transactions`, each as a tuple of BankTransaction's fields with the amount and the
    balance after in minor units: what an import stores."""
    plan = _plan(scenario, persona, bank, account_id)
    return window(plan, start, end, kept.transactions_minor)


def balance_at(
    scenario: Scenario, persona: Persona, bank: Bank, account_id: str, day: date
) -> Decimal:
    """The balance at the end of `day`; the opening balance before the account opened."""
    plan = _plan(scenario, persona, bank, account_id)
    return from_minor(balance_minor(plan, day, kept.events_of), plan.currency)


def window(
    plan: Plan,
    start: date,
    end: date,
    month_of_transactions: Callable[[Plan, int], list[Row]] = months.transactions,
) -> list[Row]:
    """Transactions of `plan` booked in [start, end], generating only the months touched
    (each as `month_of_transactions` gives them; the booking date comes second)."""
    if end < start or end < plan.opened:
        return []
    out: list[Row] = []
    first, last = max(month_of(start), plan.first), month_of(end)
    for month in range(first, last + 1):
        batch = month_of_transactions(plan, month)
        if month in (first, last):
            out.extend(t for t in batch if start <= t[1] <= end)
        else:
            out.extend(batch)
    return out


def balance_minor(
    plan: Plan,
    day: date,
    events_of: Callable[[Plan, int], tuple[int, list[months.Event]]] = months.month_events,
) -> int:
    """The balance at the end of `day`, in minor units: the month's closed-form opening plus
    the month's amounts up to `day` (`events_of` gives a month's opening and events)."""
    if day < plan.opened:
        return plan.opening
    balance, events = events_of(plan, month_of(day))
    for event in events:
        if event[0] > day.day:
            break
        balance += event[1]
    return balance


def _plan(scenario: Scenario, persona: Persona, bank: Bank, account_id: str) -> Plan:
    return book(scenario, persona, bank).plans[account_id]


def clear_caches() -> None:
    """Forget every cached book, kept month, pool, IBAN and calendar: a cold start, for tests
    and benchmarks (never needed for correctness: every cache holds pure results). It lives
    here, above every module that caches, so none of them imports another to clear it."""
    plans.clear_books()
    kept.clear()
    for cached in (
        merchants.pool,
        dates.month_days,
        identity.owner,
        identity.bank_code,
        identity.iban,
        identity.bic_of,
        identity.bic_of_iban,
    ):
        cached.cache_clear()
