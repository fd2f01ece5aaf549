"""What a statement file says, whatever its format: who holds the accounts, at which bank,
and per account its period, opening and closing balances and entries.

Money is `Decimal` with exactly the currency's places (`sandbox/money.py`); an entry's amount
is signed (negative for money going out). Every field a format cannot carry is None, so a
parser fills in what its file has and nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# Bounds every parser keeps, so a hostile file cannot make one of them allocate without end
# (the upload's byte limit comes first: SANDBOX_MAX_UPLOAD_BYTES).
MAX_ACCOUNTS = 100
MAX_ENTRIES = 100_000
MAX_TEXT = 1_000  # characters of a description, name or address
MAX_PROBLEMS = 100  # a StatementError lists at most this many, then says how many more


@dataclass(frozen=True, slots=True)
class Entry:
    """One booked transaction."""

    booked_on: date
    amount: Decimal  # signed
    description: str
    value_on: date | None = None
    counterparty_name: str | None = None
    counterparty_iban: str | None = None
    # The bank's own reference for the entry, where the format carries one (MT940's
    # reference, camt.053's AcctSvcrRef, a CSV or JSON `reference` column).
    reference: str | None = None
    category: str | None = None  # only JSON and CSV carry one
    balance_after: Decimal | None = None


@dataclass(frozen=True, slots=True)
class StatementAccount:
    currency: str
    entries: tuple[Entry, ...] = ()
    iban: str | None = None
    # Where there is no IBAN (cards, some loans): the bank's account number or masked card
    # number as printed.
    number: str | None = None
    bic: str | None = None
    name: str | None = None
    # One of sandbox.scenario.model.AccountType's values: checking, savings, credit_card, loan,
    # deposit, investment.
    type: str | None = None
    period_from: date | None = None
    period_to: date | None = None
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Owner:
    name: str | None = None
    # Printed lines: street, then postcode and city, then country.
    address: tuple[str, ...] = ()
    # Who holds the accounts with them, where the bank lists them (Kontomatik's CO_OWNER);
    # no statement format carries them.
    co_owners: tuple[Owner, ...] = ()


@dataclass(frozen=True, slots=True)
class Bank:
    name: str | None = None
    bic: str | None = None
    colour: str | None = None  # "#1d4e89": the bank's colour on a rendered PDF


@dataclass(frozen=True, slots=True)
class Finding:
    """A check a parsed statement fails, as Kontomatik's PDF verifications report them: the
    file was read, but something in it does not add up or was changed."""

    code: str  # balance_mismatch, balances_do_not_chain, modified_after_rendering, ...
    message: str
    where: str | None = None  # "page 2", "account PL61…, entry 14"


@dataclass(frozen=True, slots=True)
class Statement:
    accounts: tuple[StatementAccount, ...]
    owner: Owner = field(default_factory=Owner)
    bank: Bank = field(default_factory=Bank)
    # When the file was made, where it says (a camt.053 CreDtTm, the PDF's issue date).
    issued_on: date | None = None
    # Filled by parsers that check what they read (PDF); empty means nothing was found.
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a file cannot be read, and where: "line 12", "line 12, column amount",
    "element Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt", "page 2", "$.accounts[0].iban"."""

    where: str
    message: str


class StatementError(Exception):
    """The file cannot be stored: every problem found, each with where it is."""

    def __init__(self, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("a StatementError needs at least one problem")
        more = len(problems) - MAX_PROBLEMS
        self.problems = problems[:MAX_PROBLEMS]
        if more > 0:
            self.problems.append(Problem("file", f"and {more} more problems"))
        super().__init__("; ".join(f"{p.where}: {p.message}" for p in self.problems[:3]))
