"""Recurring payments and incomes: rent, salaries, subscriptions, insurance premiums.

How a series is found:
- Entries are grouped by account, direction (in or out) and counterparty: the letters of its
  name, case-folded, or when the entry names none, those of its description ("NETFLIX.COM
  12/01 4711" and "Netflix.com 12/02 4712" are one group).
- Within a group, only entries whose amount is within 20 % of the group's median amount count
  (a yearly bonus from an employer is not part of the salary series).
- The gaps between those entries' dates name the period: the median gap must fall in one of
  the windows of `PERIODS`, which take months of 28 to 31 days and a payment up to three days
  early or late (a weekend moves one by up to two). The series is the longest run of
  consecutive entries whose every gap falls in that window (the latest run on a tie), if it
  has at least 3 entries.
- `next_expected` is a week after the last date, or the series' commonest day of the month
  (a rent due on the 1st and paid on Monday the 3rd is next expected on the 1st again) in the
  month one, three or twelve months on (see `_next`), moved forward to Monday from a weekend.
  The series is still active while today is no later than that date plus the period's grace
  days.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from itertools import pairwise

from sandbox.analytics.ledger import Categories, Ledger, LedgerEntry
from sandbox.categories import Category

MIN_OCCURRENCES = 3
LETTERS = re.compile(r"[^\W\d_]+")  # runs of letters
AMOUNT_TOLERANCE = Decimal("0.2")  # an amount counts within 20 % of the group's median


@dataclass(frozen=True, slots=True)
class Period:
    name: str
    shortest: int  # the window a gap between two occurrences falls in, in days
    longest: int
    months: int  # the calendar step to the next occurrence; 0 for a week
    grace: int  # days after the expected date before a series counts as stopped


PERIODS = (
    Period("weekly", 5, 9, 0, 3),
    Period("monthly", 22, 38, 1, 7),
    Period("quarterly", 83, 98, 3, 14),
    Period("yearly", 357, 373, 12, 30),
)


@dataclass(frozen=True, slots=True)
class Series:
    account_id: int
    direction: str  # "in" or "out"
    counterparty: str  # the name the last entry carried, or the normalised description
    category: Category  # the commonest among its entries
    currency: str
    typical_amount: int  # the median, minor units, positive
    period: str  # "weekly", "monthly", "quarterly" or "yearly"
    period_days: int  # the median gap between occurrences
    occurrences: int
    first_date: date
    last_date: date
    next_expected: date
    still_active: bool


def recurring(ledger: Ledger, categories: Categories) -> tuple[Series, ...]:
    """The ledger's recurring series, by account, direction, counterparty and first date."""
    groups: dict[tuple[int, str, str], list[LedgerEntry]] = defaultdict(list)
    for entry in ledger.entries:
        if entry.amount_minor == 0:
            continue
        key = _normalised(entry.counterparty_name or entry.description)
        if key:
            direction = "in" if entry.amount_minor > 0 else "out"
            groups[entry.account_id, direction, key].append(entry)
    found = []
    for entries in groups.values():
        if len(entries) < MIN_OCCURRENCES:
            continue
        series = _series(_similar(entries), ledger.today, categories)
        if series is not None:
            found.append(series)
    found.sort(key=lambda s: (s.account_id, s.direction, s.counterparty, s.first_date))
    return tuple(found)


def _series(entries: list[LedgerEntry], today: date, categories: Categories) -> Series | None:
    if len(entries) < MIN_OCCURRENCES:
        return None
    gaps = [(b.booked_on - a.booked_on).days for a, b in pairwise(entries)]
    median_gap = sorted(gaps)[(len(gaps) - 1) // 2]
    period = next((p for p in PERIODS if p.shortest <= median_gap <= p.longest), None)
    if period is None:
        return None
    run = _longest_run(entries, gaps, period)
    if len(run) < MIN_OCCURRENCES:
        return None
    last = run[-1]
    next_expected = _weekday(_next(run, period))
    counted = Counter(categories.get(entry.id, Category.OTHER) for entry in run)
    run_gaps = sorted((b.booked_on - a.booked_on).days for a, b in pairwise(run))
    return Series(
        account_id=last.account_id,
        direction="in" if last.amount_minor > 0 else "out",
        counterparty=last.counterparty_name or _normalised(last.description),
        category=min(counted, key=lambda category: (-counted[category], category.value)),
        currency=last.currency,
        typical_amount=_median([abs(entry.amount_minor) for entry in run]),
        period=period.name,
        period_days=run_gaps[(len(run_gaps) - 1) // 2],
        occurrences=len(run),
        first_date=run[0].booked_on,
        last_date=last.booked_on,
        next_expected=next_expected,
        still_active=next_expected + timedelta(days=period.grace) >= today,
    )


def _similar(entries: list[LedgerEntry]) -> list[LedgerEntry]:
    """The entries whose amount is within the tolerance of the group's median amount."""
    median = Decimal(_median([abs(entry.amount_minor) for entry in entries]))
    margin = median * AMOUNT_TOLERANCE
    return [entry for entry in entries if abs(abs(entry.amount_minor) - median) <= margin]


def _longest_run(entries: list[LedgerEntry], gaps: list[int], period: Period) -> list[LedgerEntry]:
    """The longest stretch of entries whose gaps all fall in the period's window; the latest
    one on a tie."""
    best = (0, 0)  # start and stop index
    start = 0
    for index, gap in enumerate(gaps, start=1):
        if not period.shortest <= gap <= period.longest:
            start = index
        if index + 1 - start >= best[1] - best[0]:
            best = (start, index + 1)
    return entries[best[0] : best[1]]


def _next(run: list[LedgerEntry], period: Period) -> date:
    """The next date due: a week after the last, or the series' commonest day of the month
    (the day it is due; weekends and early payments move the others) in the earliest month
    that leaves at least the period's shortest gap after the last date. Stepping from the
    last date's month alone would miss when that payment was moved into the month after its
    own, or paid early in the month before."""
    last = run[-1].booked_on
    if not period.months:
        return last + timedelta(days=7)
    days = Counter(entry.booked_on.day for entry in run)
    due = min(days, key=lambda day: (-days[day], day))
    month = last.year * 12 + last.month - 1
    steps = (period.months - 1, period.months, period.months + 1)
    candidates = (_day_of_month(month + step, due) for step in steps)
    return next(day for day in candidates if (day - last).days >= period.shortest)


def _day_of_month(month_index: int, day: int) -> date:
    """The `day` of the month (year * 12 + month - 1), or its last day if it is shorter."""
    year, month = month_index // 12, month_index % 12 + 1
    following = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, min(day, (following - timedelta(days=1)).day))


def _weekday(day: date) -> date:
    """The day itself, or the Monday after it when it falls on a weekend."""
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def _normalised(text: str) -> str:
    return " ".join(LETTERS.findall(text.casefold()))


def _median(values: list[int]) -> int:
    """The median, the mean of the middle two rounded half-even when the count is even."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    pair = Decimal(ordered[middle - 1] + ordered[middle]) / 2
    return int(pair.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
