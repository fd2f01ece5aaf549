"""A risk score in [0, 1], higher riskier: a logistic of a weighted sum of named features.

The features, their weights, the tier bands and the percentile's reference population are
documented in docs/analytics.md; the tables below are the same numbers. Everything is read
from the user's main currency: the one whose accounts hold the most entries (the first code
alphabetically on a tie), since amounts of two currencies cannot be added.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from sandbox.analytics.cashflow import liquid_balances
from sandbox.analytics.income import monthly_average
from sandbox.analytics.ledger import Categories, Ledger, LedgerEntry
from sandbox.categories import INCOME, Category

# A bank's default import covers 90 days, whose first entry is often a few days in: two
# months of history is enough to score, as after any first connection.
MIN_HISTORY_DAYS = 60
RECENT_DAYS = 90  # "the last 90 days": today and the 89 before
REGULAR_INCOME = frozenset({Category.SALARY, Category.PENSION, Category.WELFARE})
REGULARITY_MONTHS = 6  # the last full months income_regularity looks at
HISTORY_CAP_MONTHS = 24  # more history than this says nothing more
BUFFER_CAP_MONTHS = 6
COVERAGE_CAP = 2
DEBT_COLLECTION_CAP = 6
PLACES = 4  # ratios and the score are rounded to this many decimals, then used as shown

# The weight of each input (a feature scaled to a comparable range, see `_inputs`) in the sum
# the logistic takes; a positive weight raises the risk.
INTERCEPT = 1.0
WEIGHTS = {
    "history": -0.8,  # months_of_history / 24, at most 1
    "income_regularity": -1.5,
    "income_coverage": -1.0,  # monthly_income / monthly_outflow, at most 2
    "buffer_months": -0.3,  # at most 6
    "overdrawn_share": 2.5,  # overdrawn_days_90d / 90
    "gambling_share": 3.0,
    "debt_collection": 0.4,  # per payment, at most 6
    "income_trend": -0.5,
}

# A tier is the first whose bound the score is below.
BANDS = (("A", 0.10), ("B", 0.25), ("C", 0.50), ("D", math.inf))

# The reference population's scores follow a Beta(2, 10) distribution (mean 1/6, mode 0.1):
# most people are low risk, a long tail is not. Its CDF has a closed form for these integer
# parameters: P(X <= x) = 1 - (1 - x)^11 - 11 x (1 - x)^10.
REFERENCE_ALPHA, REFERENCE_BETA = 2, 10


@dataclass(frozen=True, slots=True)
class Features:
    """What the score was computed from; amounts in minor units of the score's currency."""

    months_of_history: int  # days since the first entry, ÷ 30, rounded down
    income_regularity: float  # share of the last 6 full months with salary, pension or welfare
    monthly_income: int  # income of the last 90 days ÷ 3 (income.py's average_monthly)
    monthly_outflow: int  # debits of the last 90 days, own transfers excluded, ÷ 3
    income_coverage: float  # monthly_income ÷ monthly_outflow, at most 2
    liquid_balance: int  # today's checking, savings and deposit balances summed
    buffer_months: float  # liquid_balance (0 if negative) ÷ monthly_outflow, at most 6
    overdrawn_days_90d: int  # of the last 90 days, those that ended below zero
    gambling_share: float  # gambling debits ÷ income, last 180 days, at most 1
    debt_collection_payments_180d: int
    income_trend: float  # income of the last 90 days ÷ the 90 before, minus 1, in [-1, 1]


@dataclass(frozen=True, slots=True)
class Score:
    score: float  # in [0, 1], higher is riskier
    percentile: float  # the share of the reference population scoring lower
    tier: str  # "A" (lowest risk) to "D"
    currency: str
    features: Features


@dataclass(frozen=True, slots=True)
class NoData:
    reason: str


def score(ledger: Ledger, categories: Categories) -> Score | NoData:
    """The ledger's risk score as of its today, or why there is none."""
    currency = _main_currency(ledger)
    if currency is None:
        return NoData("there is no entry to score")
    entries = [entry for entry in ledger.entries if entry.currency == currency]
    history_days = (ledger.today - entries[0].booked_on).days + 1
    if history_days < MIN_HISTORY_DAYS:
        return NoData(
            f"the history covers {history_days} days; a score needs at least {MIN_HISTORY_DAYS}"
        )
    features = _features(ledger, categories, currency, entries, history_days)
    value = round(_logistic(_sum(_inputs(features))), PLACES)
    return Score(
        score=value,
        percentile=round(_reference_share_below(value), PLACES),
        tier=next(tier for tier, bound in BANDS if value < bound),
        currency=currency,
        features=features,
    )


def _main_currency(ledger: Ledger) -> str | None:
    counts: dict[str, int] = {}
    for entry in ledger.entries:
        counts[entry.currency] = counts.get(entry.currency, 0) + 1
    return min(counts, key=lambda code: (-counts[code], code)) if counts else None


def _features(
    ledger: Ledger,
    categories: Categories,
    currency: str,
    entries: list[LedgerEntry],
    history_days: int,
) -> Features:
    today = ledger.today
    last_90 = today - timedelta(days=RECENT_DAYS - 1)
    last_180 = today - timedelta(days=2 * RECENT_DAYS - 1)
    full_months = _full_months(today, REGULARITY_MONTHS)
    regular_months: set[tuple[int, int]] = set()
    income_90 = income_before = outflow_90 = gambling = debt_collection = 0
    for entry in entries:
        category = categories.get(entry.id)
        day = entry.booked_on
        if entry.amount_minor > 0 and category in INCOME:
            if day >= last_90:
                income_90 += entry.amount_minor
            elif day >= last_180:
                income_before += entry.amount_minor
            if category in REGULAR_INCOME and (day.year, day.month) in full_months:
                regular_months.add((day.year, day.month))
        elif entry.amount_minor < 0 and day >= last_180:
            if day >= last_90 and category != Category.OWN_TRANSFER:
                outflow_90 -= entry.amount_minor
            if category == Category.GAMBLING:
                gambling -= entry.amount_minor
            elif category == Category.DEBT_COLLECTION:
                debt_collection += 1
    monthly_income = monthly_average(income_90)
    monthly_outflow = monthly_average(outflow_90)
    balances = liquid_balances(ledger, currency, last_90, today)
    return Features(
        months_of_history=history_days // 30,
        income_regularity=round(len(regular_months) / REGULARITY_MONTHS, PLACES),
        monthly_income=monthly_income,
        monthly_outflow=monthly_outflow,
        income_coverage=_ratio(monthly_income, monthly_outflow, COVERAGE_CAP),
        liquid_balance=balances[-1],
        buffer_months=_ratio(max(balances[-1], 0), monthly_outflow, BUFFER_CAP_MONTHS),
        overdrawn_days_90d=sum(1 for balance in balances if balance < 0),
        gambling_share=_ratio(gambling, income_90 + income_before, 1),
        debt_collection_payments_180d=debt_collection,
        income_trend=_trend(income_90, income_before),
    )


def _inputs(features: Features) -> dict[str, float]:
    """The features scaled to the ranges the weights are for."""
    return {
        "history": min(features.months_of_history, HISTORY_CAP_MONTHS) / HISTORY_CAP_MONTHS,
        "income_regularity": features.income_regularity,
        "income_coverage": features.income_coverage,
        "buffer_months": features.buffer_months,
        "overdrawn_share": features.overdrawn_days_90d / RECENT_DAYS,
        "gambling_share": features.gambling_share,
        "debt_collection": min(features.debt_collection_payments_180d, DEBT_COLLECTION_CAP),
        "income_trend": features.income_trend,
    }


def _sum(inputs: dict[str, float]) -> float:
    return INTERCEPT + sum(WEIGHTS[name] * value for name, value in inputs.items())


def _logistic(weighted: float) -> float:
    return 1 / (1 + math.exp(-weighted))


def _reference_share_below(value: float) -> float:
    """Beta(2, 10)'s CDF: the chance that a Binomial(11, value) draw is 2 or more."""
    n = REFERENCE_ALPHA + REFERENCE_BETA - 1
    return 1 - (1 - value) ** n - n * value * (1 - value) ** (n - 1)


def _ratio(part: int, whole: int, cap: float) -> float:
    """part ÷ whole, at most `cap`; `cap` when there is a part but no whole, 0 when neither."""
    if whole <= 0:
        return float(cap) if part > 0 else 0.0
    return round(min(part / whole, float(cap)), PLACES)


def _trend(recent: int, before: int) -> float:
    """recent ÷ before - 1 in [-1, 1]; 1 when income started, 0 when there is none."""
    if before <= 0:
        return 1.0 if recent > 0 else 0.0
    return round(min(recent / before, 2) - 1, PLACES)


def _full_months(today: date, count: int) -> set[tuple[int, int]]:
    """The `count` calendar months before today's."""
    index = today.year * 12 + today.month - 1
    return {((index - back) // 12, (index - back) % 12 + 1) for back in range(1, count + 1)}
