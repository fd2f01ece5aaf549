"""What a fake bank shows: its owner, accounts and transactions (the public records).

Plain frozen dataclasses so the domain can copy them into its tables and compare them; money is
`Decimal` with exactly the currency's places (built from integer minor units, sandbox/money.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sandbox.scenario.model import AccountType, Profile


@dataclass(frozen=True, slots=True)
class BankOwner:
    name: str
    street: str
    postcode: str
    city: str
    country: str
    birth_date: date
    email: str
    phone: str
    national_id: str


@dataclass(frozen=True, slots=True)
class BankAccount:
    key: str  # "<bank_id>/<login>/<account id>": stable, seeds everything about the account
    account_id: str
    type: AccountType
    name: str
    currency: str
    iban: str | None
    bic: str | None
    masked_pan: str | None  # credit cards: "4971 **** **** 1234"; their iban is None
    opened: date
    opening_balance: Decimal
    profile: Profile


class BankTransaction(NamedTuple):
    """One booked transaction. A NamedTuple rather than a frozen dataclass: just as immutable,
    and built several times faster, which matters at hundreds of thousands a second."""

    ref: str  # "202601-0007": month and position, unique and stable within the account
    booked_on: date
    value_on: date
    amount: Decimal  # signed, with the currency's places
    currency: str
    counterparty_name: str
    counterparty_iban: str | None
    description: str
    category: str  # the bank's kind of transaction (card, cash, transfer, ...), shown as such
    balance_after: Decimal
    # The generator's truth of its sandbox.categories.Category, for the categories benchmark:
    # never stored, never shown by a face.
    label: str
