"""Checks every uploaded statement gets, whatever its format: do its balances add up?

Kontomatik's PDF verifications name what does not add up; the same findings are worked out
for every format that carries balances, so a doctored CSV is flagged as a doctored PDF is.
"""

from __future__ import annotations

from decimal import Decimal

from sandbox.statements.model import Finding, Statement, StatementAccount


def _label(index: int, account: StatementAccount) -> str:
    return f"account {index + 1} ({account.iban or account.number or account.currency})"


def balance_findings(statement: Statement) -> tuple[Finding, ...]:
    """balance_mismatch (opening + entries ≠ closing) and balances_do_not_chain (an entry's
    balance after ≠ the previous balance + its amount), per account."""
    found: list[Finding] = []
    for index, account in enumerate(statement.accounts):
        where = _label(index, account)
        total = sum((entry.amount for entry in account.entries), Decimal(0))
        opening, closing = account.opening_balance, account.closing_balance
        if opening is not None and closing is not None and opening + total != closing:
            found.append(
                Finding(
                    "balance_mismatch",
                    f"the opening balance {opening} plus the transactions ({total}) is "
                    f"{opening + total}, not the closing balance {closing}",
                    where,
                )
            )
        previous = opening
        for number, entry in enumerate(account.entries, 1):
            if entry.balance_after is None:
                previous = None
                continue
            if previous is not None and previous + entry.amount != entry.balance_after:
                found.append(
                    Finding(
                        "balances_do_not_chain",
                        f"the balance after it is {entry.balance_after}, but the balance "
                        f"before ({previous}) plus its amount ({entry.amount}) is "
                        f"{previous + entry.amount}",
                        f"{where}, transaction {number}",
                    )
                )
            previous = entry.balance_after
    return tuple(found)
