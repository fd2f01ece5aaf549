"""Monthly cash flow per currency: what came in, what went out, where the balance ended.

The choices, so that a reader of the numbers knows what they mean:
- A row per month and currency, whole months from the start date's month to the end date's
  month, bounded to today; every currency the ledger holds an account in gets a row each
  month, even an empty one.
- `inflow` and `outflow` add the credits and the debits (as positive numbers) of every
  account of the currency, cards and loans included, except entries categorised as own
  transfers: moving money between one's own accounts is neither.
- `closing_balance` is the liquid balance: the checking, savings and deposit accounts of the
  currency summed, at the end of the month's last day. Only today's balance is known; an
  earlier one is today's minus every entry booked after that day. The current month's is
  today's.
- `overdrawn_days` counts the month's days, up to today, at whose end that liquid balance was
  below zero.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sandbox.analytics.ledger import Categories, Ledger
from sandbox.categories import Category

LIQUID = frozenset({"checking", "savings", "deposit"})
MAX_MONTHS = 600  # 50 years a request


@dataclass(frozen=True, slots=True)
class MonthFlow:
    month: str  # "2026-02"
    currency: str
    inflow: int  # minor units, positive
    outflow: int  # minor units, positive
    closing_balance: int  # minor units, signed
    overdrawn_days: int


def cashflow(
    ledger: Ledger, categories: Categories, start: date, end: date
) -> tuple[MonthFlow, ...]:
    """The months from `start`'s to `end`'s (at most today's), by month then currency."""
    if start > end:
        raise ValueError(f"the start {start} is after the end {end}")
    end = min(_month_end(min(end, ledger.today)), ledger.today)
    first = start.replace(day=1)
    if first > end:
        return ()
    last_month = (end.year, end.month)
    months = _months_between((first.year, first.month), last_month)
    if len(months) > MAX_MONTHS:
        raise ValueError(f"a cash flow covers at most {MAX_MONTHS} months, not {len(months)}")
    flows: dict[tuple[str, tuple[int, int]], list[int]] = defaultdict(lambda: [0, 0])
    for entry in ledger.entries:
        if entry.booked_on < first or entry.booked_on > end:
            continue
        if categories.get(entry.id) == Category.OWN_TRANSFER:
            continue
        flow = flows[entry.currency, (entry.booked_on.year, entry.booked_on.month)]
        if entry.amount_minor > 0:
            flow[0] += entry.amount_minor
        else:
            flow[1] -= entry.amount_minor
    rows = []
    for currency in sorted({account.currency for account in ledger.accounts}):
        balances = liquid_balances(ledger, currency, first, end)
        closing, overdrawn = _month_balances(balances, first)
        for month in months:
            inflow, outflow = flows.get((currency, month), (0, 0))
            rows.append(
                MonthFlow(
                    month=f"{month[0]:04d}-{month[1]:02d}",
                    currency=currency,
                    inflow=inflow,
                    outflow=outflow,
                    closing_balance=closing[month],
                    overdrawn_days=overdrawn[month],
                )
            )
    rows.sort(key=lambda row: (row.month, row.currency))
    return tuple(rows)


def liquid_balances(ledger: Ledger, currency: str, since: date, until: date) -> list[int]:
    """The currency's liquid balance at the end of each day from `since` to `until` (at most
    today), oldest first: today's balance walked back through the entries booked after each
    day."""
    until = min(until, ledger.today)
    days = (until - since).days + 1
    if days <= 0:
        return []
    liquid = {
        account.id
        for account in ledger.accounts
        if account.currency == currency and account.type in LIQUID
    }
    balance = sum(account.balance_minor for account in ledger.accounts if account.id in liquid)
    moved = [0] * days  # what each day's entries changed, by day after `since`
    for entry in ledger.entries:
        if entry.account_id not in liquid or entry.booked_on < since:
            continue
        if entry.booked_on > until:
            balance -= entry.amount_minor
        else:
            moved[(entry.booked_on - since).days] += entry.amount_minor
    balances = [0] * days
    for day in range(days - 1, -1, -1):
        balances[day] = balance
        balance -= moved[day]
    return balances


def _month_balances(
    balances: list[int], first: date
) -> tuple[dict[tuple[int, int], int], dict[tuple[int, int], int]]:
    """Each month's last balance and its overdrawn days, from daily balances from `first`."""
    closing: dict[tuple[int, int], int] = {}
    overdrawn: dict[tuple[int, int], int] = defaultdict(int)
    day = first
    for balance in balances:
        month = (day.year, day.month)
        closing[month] = balance
        if balance < 0:
            overdrawn[month] += 1
        day += timedelta(days=1)
    return closing, overdrawn


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _months_between(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    start, stop = first[0] * 12 + first[1] - 1, last[0] * 12 + last[1] - 1
    return [(index // 12, index % 12 + 1) for index in range(start, stop + 1)]
