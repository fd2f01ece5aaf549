"""Sync: copy what the fake bank has now into the platform's tables, as a real aggregator does.

Bank truth is computed (sandbox/bankdata); a sync imports the accounts the bank shows at this
moment and every transaction booked up to today in the consent's history window (or since the
newest one already imported, if older) that is not imported yet, so two syncs with no time
passing change nothing and a long pause leaves no gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.engine import Connection

from sandbox import bankdata
from sandbox.domain import events
from sandbox.domain.events import AccountRef, LoginRef
from sandbox.domain.fakebank import Moment, account_ids_at
from sandbox.domain.tenants import Tenant
from sandbox.money import to_minor
from sandbox.scenario.model import Bank, Persona
from sandbox.store import accounts as account_rows
from sandbox.store import transactions as transaction_rows
from sandbox.store import users as user_rows


@dataclass(frozen=True)
class SyncResult:
    new_accounts: int
    new_transactions: int
    deleted_accounts: int


def import_from_bank(
    conn: Connection,
    tenant: Tenant,
    *,
    bank_login_id: int,
    user_id: int,
    bank: Bank,
    persona: Persona,
    account_type: str | None,
    history_days: int,
    moment: Moment,
    activate: set[str] | None = None,
) -> SyncResult:
    """Import accounts and transactions. `activate`: the bank account ids the user chose to
    share (new accounts outside it are added disabled); None activates every new account.
    Each account found or gone is announced (`account.discovered`, `account.deleted`)."""
    scenario, now = tenant.scenario, moment.now
    at_bank = {a.account_id: a for a in bankdata.accounts(scenario, persona, bank)}
    present = [
        account_id
        for account_id in account_ids_at(persona, moment)
        if account_type is None or at_bank[account_id].type.value == account_type
    ]
    stored = {row["bank_key"]: row for row in account_rows.accounts_of_login(conn, bank_login_id)}
    new_accounts = new_transactions = deleted = 0
    login = _login_ref(conn, tenant, bank_login_id, user_id, bank)
    for account_id in present:
        truth = at_bank[account_id]
        row = stored.get(account_id)
        if row is None:
            enabled = activate is None or account_id in activate
            row_id = account_rows.insert_account(
                conn,
                tenant_id=tenant.id,
                user_id=user_id,
                bank_login_id=bank_login_id,
                bank_key=account_id,
                origin="bank",
                type=truth.type.value,
                name=truth.name,
                currency=truth.currency,
                iban=truth.iban,
                masked_pan=truth.masked_pan,
                disabled=not enabled,
                discovered_at=now,
                activated_at=now if enabled else None,
            )
            new_accounts += 1
            found = AccountRef(row_id, truth.type.value, truth.name, truth.currency, not enabled)
            events.account_discovered(conn, tenant, login, found)
        else:
            row_id, enabled = row["id"], not row["disabled"]
            if row["deleted_at"] is not None:
                account_rows.update_account(conn, row_id, deleted_at=None)
        if not enabled:
            continue
        new_transactions += import_account(
            conn, tenant, user_id, row_id, bank, persona, account_id, history_days, now
        )
    for bank_key, row in stored.items():
        if bank_key not in present and row["deleted_at"] is None:
            account_rows.update_account(conn, row["id"], deleted_at=now)
            deleted += 1
            events.account_deleted(conn, tenant, login, AccountRef.from_row(row))
    return SyncResult(new_accounts, new_transactions, deleted)


def import_account(
    conn: Connection,
    tenant: Tenant,
    user_id: int,
    row_id: int,
    bank: Bank,
    persona: Persona,
    account_id: str,
    history_days: int,
    now: datetime,
) -> int:
    """One enabled account's balance now and its transactions in the history window that are
    not imported yet; returns how many were new."""
    truth = bankdata.account(tenant.scenario, persona, bank, account_id)
    today = now.date()
    balance = bankdata.balance_at(tenant.scenario, persona, bank, account_id, today)
    account_rows.update_account(
        conn, row_id, balance_minor=to_minor(balance, truth.currency), last_update=now
    )
    # The history window, stretched back to the newest transaction already imported so a
    # long pause between syncs leaves no gap.
    start = today - timedelta(days=history_days)
    last = transaction_rows.last_booked_on(conn, row_id)
    start = max(min(start, last) if last else start, truth.opened)
    return _import_transactions(
        conn, tenant, user_id, row_id, bank, persona, account_id, start, today
    )


def _login_ref(
    conn: Connection, tenant: Tenant, bank_login_id: int, user_id: int, bank: Bank
) -> LoginRef:
    user = user_rows.user_by_id(conn, tenant.id, user_id)
    assert user is not None
    return LoginRef(user["external_id"], bank_login_id, bank.id)


def _import_transactions(
    conn: Connection,
    tenant: Tenant,
    user_id: int,
    account_row_id: int,
    bank: Bank,
    persona: Persona,
    account_id: str,
    start: date,
    end: date,
) -> int:
    if start > end:
        return 0
    known = transaction_rows.known_refs(conn, account_row_id, start, end)
    now = tenant.now()
    rows = [
        {
            "tenant_id": tenant.id,
            "user_id": user_id,
            "account_id": account_row_id,
            "bank_ref": t.ref,
            "origin": "bank",
            "booked_on": t.booked_on,
            "value_on": t.value_on,
            "amount_minor": to_minor(t.amount, t.currency),
            "currency": t.currency,
            "counterparty_name": t.counterparty_name,
            "counterparty_iban": t.counterparty_iban,
            "description": t.description,
            "category": t.category,
            "status": "booked",
            "balance_after_minor": to_minor(t.balance_after, t.currency),
            "imported_at": now,
        }
        for t in bankdata.transactions(tenant.scenario, persona, bank, account_id, start, end)
        if t.ref not in known
    ]
    return transaction_rows.insert_transactions(conn, rows)
