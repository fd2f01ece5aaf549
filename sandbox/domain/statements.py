"""Statements out: any account's statement (bank or manual) for a period, in a file format of
`sandbox/statements`. Uploading the file again gives back the same transactions.

The closing balance is the account's balance less what was booked after the period; the
opening balance is the closing one less what was booked in it. The owner and bank are the
fake bank's for a bank account and what the uploaded statement said for a manual one.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.engine import Connection

from sandbox import bankdata
from sandbox.domain.accounts import find_account
from sandbox.domain.bank_logins import find_bank_login
from sandbox.domain.records import Account, BankLogin, Person, Transaction
from sandbox.domain.tenants import Tenant
from sandbox.errors import InvalidInput
from sandbox.money import from_minor
from sandbox.statements import formats
from sandbox.statements.model import Bank, Entry, Owner, Statement, StatementAccount
from sandbox.store import transactions as transaction_rows
from sandbox.store import uploads as upload_rows
from sandbox.store.database import Database


def export(
    db: Database,
    tenant: Tenant,
    account_id: int,
    format_name: str,
    start: date | None,
    end: date | None,
) -> tuple[bytes, str, str]:
    """The file, its media type and a file name for it."""
    statement = statement_of(db, tenant, account_id, start, end)
    account = statement.accounts[0]
    name = f"statement-{account_id}-{account.period_from}-{account.period_to}"
    module = formats.module(format_name)
    return formats.render(format_name, statement), module.MEDIA_TYPE, name + module.EXTENSION


def statement_of(
    db: Database, tenant: Tenant, account_id: int, start: date | None, end: date | None
) -> Statement:
    today = tenant.now().date()
    if start is not None and end is not None and start > end:
        raise InvalidInput("`from` is after `to`", details={"from": str(start), "to": str(end)})
    if start is not None and start > today:
        raise InvalidInput(
            "`from` is after the tenant's today", details={"from": str(start), "today": str(today)}
        )
    end = min(end or today, today)
    with db.connect() as conn:
        account = find_account(conn, tenant, account_id)
        rows = transaction_rows.entries_of_account(conn, account.id, start, end)
        entries = tuple(_entry(Transaction.from_row(row)) for row in rows)
        opening = closing = None
        if account.balance_minor is not None:
            later = transaction_rows.sum_after(conn, account.id, end)
            closing = from_minor(account.balance_minor - later, account.currency)
            opening = closing - sum((entry.amount for entry in entries), Decimal(0))
        owner, bank = _owner_and_bank(conn, tenant, account)
    statement_start = start or (entries[0].booked_on if entries else end)
    return Statement(
        accounts=(
            StatementAccount(
                currency=account.currency,
                entries=entries,
                iban=account.iban,
                number=account.masked_pan or (account.statement or {}).get("number"),
                bic=bank.bic if account.origin == "bank" else _bic_of(account),
                name=account.name,
                type=account.type,
                period_from=statement_start,
                period_to=end,
                opening_balance=opening,
                closing_balance=closing,
            ),
        ),
        owner=owner,
        bank=bank,
        issued_on=end,
    )


def _entry(transaction: Transaction) -> Entry:
    balance = transaction.balance_after_minor
    return Entry(
        booked_on=transaction.booked_on,
        amount=transaction.amount,
        description=transaction.description,
        value_on=transaction.value_on,
        counterparty_name=transaction.counterparty_name,
        counterparty_iban=transaction.counterparty_iban,
        reference=transaction.bank_ref,
        category=transaction.category if transaction.origin == "manual" else None,
        balance_after=None if balance is None else from_minor(balance, transaction.currency),
    )


def _bic_of(account: Account) -> str | None:
    return (account.statement or {}).get("bic")


def holder_of_login(tenant: Tenant, login: BankLogin) -> tuple[Owner, Bank]:
    """Who holds a bank login's accounts, as the fake bank knows them, and the bank."""
    scenario_bank = tenant.scenario.bank(login.bank_id)
    persona = tenant.scenario.persona(login.bank_id, login.persona_login)
    bank = Bank(name=scenario_bank.name, bic=scenario_bank.bic, colour=scenario_bank.colour)
    if persona is None:
        return Owner(), bank
    held = bankdata.owner(tenant.scenario, persona, scenario_bank)
    address = (held.street, f"{held.postcode} {held.city}", held.country)
    return Owner(name=held.name, address=address), bank


def person_of_login(tenant: Tenant, login: BankLogin) -> Person | None:
    """The holder with the details the bank keeps (None for a login of no known person)."""
    scenario_bank = tenant.scenario.bank(login.bank_id)
    persona = tenant.scenario.persona(login.bank_id, login.persona_login)
    if persona is None:
        return None
    held = bankdata.owner(tenant.scenario, persona, scenario_bank)
    return Person(
        name=held.name,
        address=(held.street, f"{held.postcode} {held.city}", held.country),
        country=held.country,
        birth_date=held.birth_date,
        email=held.email,
        phone=held.phone,
        national_id=held.national_id,
    )


def _owner_and_bank(conn: Connection, tenant: Tenant, account: Account) -> tuple[Owner, Bank]:
    if account.bank_login_id is not None:
        return holder_of_login(tenant, find_bank_login(conn, tenant, account.bank_login_id))
    if account.upload_id is not None:
        upload = upload_rows.upload_by_id(conn, tenant.id, account.upload_id)
        if upload is not None:
            owner, bank = upload["owner"], upload["bank"]
            return (
                Owner(name=owner.get("name"), address=tuple(owner.get("address") or ())),
                Bank(name=bank.get("name"), bic=bank.get("bic"), colour=bank.get("colour")),
            )
    return Owner(), Bank()
