"""Month arithmetic and each month's calendar (dates, business days), shared by all accounts.

A month is an integer index (`year * 12 + month - 1`) so "the month before" is `m - 1` and a
balance target can be a function of it. Calendars are cached per month: the cache never depends
on which months were generated before, so month 120 costs what month 1 costs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

REFERENCE_DAY = date(2026, 1, 1)
"""The fixed "today" undeclared dates (opening, birth) are derived from: never the clock."""


def month_of(day: date) -> int:
    return day.year * 12 + day.month - 1


def first_day(month: int) -> date:
    return date(month // 12, month % 12 + 1, 1)


@dataclass(frozen=True, slots=True)
class MonthDays:
    """One month's dates, indexed by day number (1-based: `days[d]`)."""

    month: int
    label: str  # "202601", the prefix of every transaction reference of the month
    days: tuple[date, ...]  # days[0] is unused padding so days[d] is the d-th
    length: int
    business: tuple[int, ...]  # day numbers Monday to Friday
    after: tuple[int, ...]  # after[d]: the first business day from d on (the last one if none)
    before: tuple[int, ...]  # before[d]: the last business day up to d (the first one if none)

    def business_on_or_after(self, day: int) -> int:
        return self.after[day]

    def business_on_or_before(self, day: int) -> int:
        return self.before[day]


@lru_cache(maxsize=4096)
def month_days(month: int) -> MonthDays:
    start = first_day(month)
    following = first_day(month + 1)
    length = (following - start).days
    days = (start, *(start + timedelta(days=n) for n in range(length)))
    business = tuple(d for d in range(1, length + 1) if days[d].weekday() < 5)
    # Lookup tables, because payments move to business days in the generator's inner loop.
    after = [business[-1]] * (length + 2)
    for d in range(length, -1, -1):
        after[d] = d if d in business else after[d + 1]
    before = [business[0]] * (length + 1)
    for d in range(1, length + 1):
        before[d] = d if d in business else before[d - 1]
    label = f"{start.year:04d}{start.month:02d}"
    return MonthDays(month, label, days, length, business, tuple(after[:-1]), tuple(before))
