"""Deterministic bank truth: owners, accounts and transactions of the scenario's fake banks.

Every value is a pure function of (scenario seed, persona, bank, account, dates); see
`balances.py` for why any month can be generated on its own.
"""

from sandbox.bankdata.records import BankAccount, BankOwner, BankTransaction
from sandbox.bankdata.report import generate_report
from sandbox.bankdata.truth import (
    account,
    accounts,
    balance_at,
    owner,
    transactions,
    transactions_minor,
)

__all__ = [
    "BankAccount",
    "BankOwner",
    "BankTransaction",
    "account",
    "accounts",
    "balance_at",
    "generate_report",
    "owner",
    "transactions",
    "transactions_minor",
]
