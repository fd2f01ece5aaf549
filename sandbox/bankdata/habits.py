"""The vocabulary of a month: regular payments, spending baskets, balance terms, models.

`profiles.py` fills these in per account; `months.py` turns them into transactions and
`balances.py` into month-end balances. Amounts are in the account currency's minor units.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from sandbox.bankdata.merchants import Party, Pool
from sandbox.categories import Category
from sandbox.scenario.model import Profile


class Model(StrEnum):
    """How the month-end balance of an account moves (one closed form each in balances.py)."""

    CURRENT = "current"  # hovers around a level; surplus swept to and from savings
    SAVINGS = "savings"  # grows by a monthly saving plus interest
    CARD = "card"  # owes the month's spending, repaid from the current account next month
    LOAN = "loan"  # negative, shrinks towards zero by monthly instalments


MODELS = {
    Profile.SALARIED: Model.CURRENT,
    Profile.STUDENT: Model.CURRENT,
    Profile.FREELANCER: Model.CURRENT,
    Profile.RETIRED: Model.CURRENT,
    Profile.SMALL_BUSINESS: Model.CURRENT,
    Profile.CARD_SPENDER: Model.CARD,
    Profile.SAVER: Model.SAVINGS,
    Profile.BORROWER: Model.LOAN,
    Profile.GAMBLER: Model.CURRENT,
    Profile.OVERDRAWN: Model.CURRENT,
    Profile.IRREGULAR: Model.CURRENT,
}

LAST_DAY = 31  # a nominal day past every month's end means "the month's last day"


@dataclass(frozen=True, slots=True)
class Recurring:
    """A payment that comes back on the same day: salary, rent, a subscription, a tax."""

    day: int
    amount: int  # signed minor units in the opening year
    party: Party
    description: str  # may hold {period} ("01/2026")
    category: str
    label: Category  # the generator's truth for the benchmark, never shown
    growth_bp: int = 0  # yearly growth in basis points (raises, rent increases)
    vary: int = 0  # percent the amount varies month to month
    chance: float = 1.0  # probability it happens in a given month
    every: int = 1  # months between occurrences
    phase: int = 0  # happens when month % every == phase
    early: bool = False  # a weekend moves it to the business day before (salaries), not after
    lag: int = 0


@dataclass(frozen=True, slots=True)
class Basket:
    """Spending or income drawn fresh each month: how often, how much, with whom."""

    parties: tuple[Party, ...]
    low: int  # count range per month; counts below 1 mean "not this month"
    high: int
    small: int  # amount range in minor units, skewed towards `small`
    large: int
    category: str
    label: Category  # the truth, unless a party of a mixed pool has its own `kind`
    sign: int = -1
    step: int = 0  # round amounts to this many minor units (cash comes in notes)
    lag: int = 0  # booking is up to this many days after the purchase (value date)
    business: bool = False  # transfers are booked on business days, card payments any day
    numbered: str | None = None  # description with {ref}, numbered per month (invoices)
    growth_bp: int = 0  # yearly growth of the amounts in basis points (a habit getting worse)
    # Each party's truth label, worked out once rather than every month: its own kind, or
    # the basket's label.
    labels: tuple[Category, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", tuple(p.kind or self.label for p in self.parties))


@dataclass(frozen=True, slots=True)
class Terms:
    """The balance model's numbers for one account (see balances.py)."""

    level: int = 0  # CURRENT: the balance it hovers around
    amplitude: int = 0  # CURRENT: how far month ends stray from the level
    deposit: int = 0  # SAVINGS: monthly saving
    rate_bp: int = 0  # SAVINGS / LOAN: yearly interest in basis points
    spend: int = 0  # CARD: typical monthly spending
    fee: int = 0  # CARD: annual fee, charged in the opening month's anniversary
    principal: int = 0  # LOAN: amount borrowed
    term: int = 0  # LOAN: months to repay
    transfer_day: int = LAST_DAY  # the day of the month's own-account transfer


@dataclass(frozen=True, slots=True)
class Habits:
    recurring: tuple[Recurring, ...] = ()
    baskets: tuple[Basket, ...] = ()


@dataclass(frozen=True, slots=True)
class Setting:
    """What a profile builder may look at besides its random generator."""

    pool: Pool
    words: dict[str, str]
    currency: str
    owner_name: str
    bank_name: str
    opening: int  # opening balance, minor units
    family_iban: Callable[[str], str | None] = field(repr=False)  # IBAN of a named person
