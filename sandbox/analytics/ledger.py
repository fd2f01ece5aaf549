"""What every analytics module reads: a user's accounts and their booked entries, as a
statement would show them (amounts, dates, counterparty, description), never the generator's
own labels.

Amounts are integer minor units of the account's currency (`sandbox/money.py`), signed:
negative for money going out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sandbox.categories import Category


@dataclass(frozen=True, slots=True)
class LedgerAccount:
    id: int
    currency: str
    # sandbox.scenario.model.AccountType's values: checking, savings, credit_card, loan,
    # deposit, investment.
    type: str
    balance_minor: int  # today's balance
    iban: str | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    id: int
    account_id: int
    booked_on: date
    amount_minor: int
    currency: str
    description: str
    counterparty_name: str | None = None
    counterparty_iban: str | None = None


@dataclass(frozen=True, slots=True)
class Ledger:
    """One user's enabled, not deleted accounts and their entries, oldest first (booked_on,
    then id), none after `today`."""

    accounts: tuple[LedgerAccount, ...]
    entries: tuple[LedgerEntry, ...]
    today: date
    owner_name: str | None = None  # a transfer to or from the owner's own name is their own


# The category of each entry, by entry id: what `categories.categorise` infers, or a category
# the user set on a manual transaction.
Categories = dict[int, Category]
