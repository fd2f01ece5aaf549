"""Changes to manual data: a client adds, changes and deletes the transactions of accounts it
uploaded, and deletes those accounts. Data retrieved from a bank is never changed
(regulatory requirements): the same calls on it are refused with `bank_data_read_only` and
change nothing.

A manual account's balance is its opening balance plus its transactions; every change writes
the balance after each transaction again, in booking order, and the account's balance.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Connection

from sandbox.domain.accounts import find_account
from sandbox.domain.errors import BankDataReadOnly
from sandbox.domain.records import Account, Transaction
from sandbox.domain.tenants import Tenant
from sandbox.errors import InvalidInput, NotFound
from sandbox.money import exponent, to_minor
from sandbox.store import accounts as account_rows
from sandbox.store import transactions as transaction_rows
from sandbox.store import uploads as rows
from sandbox.store.database import Database

# What a client may change on a manual transaction.
CHANGEABLE = (
    "description",
    "counterparty_name",
    "counterparty_iban",
    "amount",
    "booked_on",
    "value_on",
    "category",
)


@dataclass(frozen=True)
class NewTransaction:
    booked_on: date
    amount: Decimal
    description: str
    value_on: date | None = None
    counterparty_name: str | None = None
    counterparty_iban: str | None = None
    category: str | None = None


def _manual(account: Account) -> Account:
    if account.origin != "manual":
        raise BankDataReadOnly(
            f"account {account.id} was retrieved from a bank: its data cannot be changed; "
            "only uploaded (manual) accounts can",
            details={"account_id": account.id, "origin": account.origin},
        )
    return account


def _minor(amount: Decimal, currency: str) -> int:
    """The amount in minor units; more places than the currency has is refused, not rounded."""
    if amount.is_nan() or amount.is_infinite():
        raise InvalidInput("the amount must be a number", details={"field": "amount"})
    minor = to_minor(amount, currency)
    if Decimal(minor).scaleb(-exponent(currency)) != amount:
        raise InvalidInput(
            f"{currency} amounts have {exponent(currency)} decimal places: {amount} has more",
            details={"field": "amount", "currency": currency},
        )
    if abs(minor) >= 10**15:
        raise InvalidInput("the amount is too large", details={"field": "amount"})
    return minor


def _find_transaction(conn: Connection, tenant: Tenant, transaction_id: int) -> Transaction:
    row = transaction_rows.transaction_by_id(conn, tenant.id, transaction_id)
    if row is None:
        raise NotFound(
            f"no transaction {transaction_id}", details={"transaction_id": transaction_id}
        )
    return Transaction.from_row(row)


def _refuse_bank(transaction: Transaction) -> None:
    if transaction.origin != "manual":
        raise BankDataReadOnly(
            f"transaction {transaction.id} was retrieved from a bank: it cannot be changed; "
            "only uploaded (manual) transactions can",
            details={"transaction_id": transaction.id, "origin": transaction.origin},
        )


def rechain(conn: Connection, tenant: Tenant, account: Account) -> None:
    """Write the balance after each of the account's transactions, from its opening balance
    in booking order, and the account's balance and last update."""
    balance = (account.statement or {}).get("opening_balance_minor", 0)
    changed = []
    for row in rows.ledger_of_account(conn, account.id):
        balance += row["amount_minor"]
        if row["balance_after_minor"] != balance:
            changed.append((row["id"], balance))
    rows.set_balances_after(conn, changed)
    account_rows.update_account(conn, account.id, balance_minor=balance, last_update=tenant.now())


def add_transaction(
    db: Database, tenant: Tenant, account_id: int, new: NewTransaction
) -> Transaction:
    with db.begin() as conn:
        account = _manual(find_account(conn, tenant, account_id))
        if account.deleted_at is not None:
            raise NotFound(f"no account {account_id}", details={"account_id": account_id})
        transaction_id = rows.insert_transaction(
            conn,
            tenant_id=tenant.id,
            user_id=account.user_id,
            account_id=account.id,
            bank_ref=None,
            origin="manual",
            booked_on=new.booked_on,
            value_on=new.value_on,
            amount_minor=_minor(new.amount, account.currency),
            currency=account.currency,
            counterparty_name=new.counterparty_name,
            counterparty_iban=new.counterparty_iban,
            description=new.description,
            category=new.category,
            status="booked",
            imported_at=tenant.now(),
        )
        rechain(conn, tenant, account)
        return _find_transaction(conn, tenant, transaction_id)


def change_transaction(
    db: Database, tenant: Tenant, transaction_id: int, changes: Mapping[str, Any]
) -> Transaction:
    """Change the named fields (CHANGEABLE) of a manual transaction."""
    unknown = sorted(set(changes) - set(CHANGEABLE))
    if unknown:
        raise InvalidInput(
            f"these fields cannot be changed: {', '.join(unknown)}",
            details={"fields": unknown, "changeable": list(CHANGEABLE)},
        )
    with db.begin() as conn:
        transaction = _find_transaction(conn, tenant, transaction_id)
        _refuse_bank(transaction)
        values = {name: value for name, value in changes.items() if name != "amount"}
        if "amount" in changes:
            values["amount_minor"] = _minor(changes["amount"], transaction.currency)
        if values:
            transaction_rows.update_transaction(conn, transaction.id, **values)
            rechain(conn, tenant, find_account(conn, tenant, transaction.account_id))
        return _find_transaction(conn, tenant, transaction.id)


def delete_transaction(db: Database, tenant: Tenant, transaction_id: int) -> None:
    with db.begin() as conn:
        transaction = _find_transaction(conn, tenant, transaction_id)
        _refuse_bank(transaction)
        rows.delete_transaction(conn, transaction.id)
        rechain(conn, tenant, find_account(conn, tenant, transaction.account_id))


def delete_account(db: Database, tenant: Tenant, account_id: int) -> None:
    """A manual account and its transactions, gone for good."""
    with db.begin() as conn:
        account = _manual(find_account(conn, tenant, account_id))
        rows.delete_account(conn, account.id)


def get_transaction(db: Database, tenant: Tenant, transaction_id: int) -> Transaction:
    with db.connect() as conn:
        return _find_transaction(conn, tenant, transaction_id)
