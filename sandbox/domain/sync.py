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
from sandbox.domain import events, snapshots
from sandbox.domain.events import AccountRef, LoginRef
from sandbox.domain.fakebank import Moment, connected_accounts
from sandbox.domain.tenants import Tenant
from sandbox.money import to_minor
from sandbox.scenario.model import Bank, Persona
from sandbox.store import accounts as account_rows
from sandbox.store import transactions as transaction_rows


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
    external_user_id: str,
    bank: Bank,
    persona: Persona,
    account_type: str | None,
    history_days: int,
    moment: Moment,
    activate: set[str] | None = None,
    first_sync: bool = False,
) -> SyncResult:
    """Import accounts and transactions. `activate`: the bank account ids the user chose to
    share (new accounts outside it are added disabled); None activates every new account.
    `first_sync`: the login was made in this transaction, so it has no accounts yet.
    Each account found or gone is announced (`account.discovered`, `account.deleted`), then
    the list of accounts read (`bank_login.accounts_fetched`), then each enabled account's
    import (`account.synced`); the caller announces the sync's end."""
    scenario, now = tenant.scenario, moment.now
    at_bank = {
        a.account_id: a for a in connected_accounts(scenario, persona, bank, account_type, moment)
    }
    present = list(at_bank)
    stored = {}
    if not first_sync:
        stored = {r["bank_key"]: r for r in account_rows.accounts_of_login(conn, bank_login_id)}
    new_accounts = new_transactions = deleted = 0
    login = LoginRef(external_user_id, bank_login_id, bank.id)
    shown: list[int] = []  # the ids of the accounts the bank shows
    synced: list[tuple[AccountRef, int]] = []  # each enabled one, with its new transactions
    for account_id in present:
        truth = at_bank[account_id]
        row = stored.get(account_id)
        if row is None:
            enabled = activate is None or account_id in activate
            # A new shared account is stored with its balance, and its history window is
            # imported whole: an account made in this transaction has no transactions yet.
            shared = {"balance_minor": None, "activated_at": None, "last_update": None}
            if enabled:
                balance = _balance_minor(tenant, persona, bank, account_id, now)
                shared = {"balance_minor": balance, "activated_at": now, "last_update": now}
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
                **shared,
            )
            shown.append(row_id)
            new_accounts += 1
            found = AccountRef(row_id, truth.type.value, truth.name, truth.currency, not enabled)
            events.account_discovered(conn, tenant, login, found)
            if enabled:
                start = max(now.date() - timedelta(days=history_days), truth.opened)
                count = _import_transactions(
                    conn, tenant, user_id, row_id, bank, persona, account_id, start, now.date(),
                    known=set(),
                )  # fmt: skip
                synced.append((found, count))
            continue
        row_id, enabled = row["id"], not row["disabled"]
        shown.append(row_id)
        if row["deleted_at"] is not None:
            account_rows.update_account(conn, row_id, deleted_at=None)
        if not enabled:
            continue
        count = import_account(
            conn, tenant, user_id, row_id, bank, persona, account_id, history_days, now
        )
        synced.append((AccountRef.from_row(row), count))
    for bank_key, row in stored.items():
        if bank_key not in present and row["deleted_at"] is None:
            account_rows.update_account(conn, row["id"], deleted_at=now)
            deleted += 1
            events.account_deleted(conn, tenant, login, AccountRef.from_row(row))
    events.accounts_fetched(conn, tenant, login, sorted(shown))
    for ref, count in synced:
        new_transactions += count
        events.account_synced(conn, tenant, login, ref, count)
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
    balance = _balance_minor(tenant, persona, bank, account_id, now)
    account_rows.update_account(conn, row_id, balance_minor=balance, last_update=now)
    # The history window, stretched back to the newest transaction already imported so a
    # long pause between syncs leaves no gap.
    start = today - timedelta(days=history_days)
    last = transaction_rows.last_booked_on(conn, row_id)
    start = max(min(start, last) if last else start, truth.opened)
    return _import_transactions(
        conn, tenant, user_id, row_id, bank, persona, account_id, start, today
    )


def _balance_minor(
    tenant: Tenant, persona: Persona, bank: Bank, account_id: str, now: datetime
) -> int:
    """The account's balance at the bank at the end of today, in minor units."""
    truth = bankdata.account(tenant.scenario, persona, bank, account_id)
    balance = bankdata.balance_at(tenant.scenario, persona, bank, account_id, now.date())
    return to_minor(balance, truth.currency)


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
    known: set[str] | None = None,
) -> int:
    """The bank's transactions of the window that are not imported yet (`known`: the refs
    already stored in the window, looked up when not given)."""
    if start > end:
        return 0
    if known is None:
        known = transaction_rows.known_refs(conn, account_row_id, start, end)
    found = bankdata.transactions_minor(tenant.scenario, persona, bank, account_id, start, end)
    count = transaction_rows.insert_imported(
        conn,
        tenant_id=tenant.id,
        user_id=user_id,
        account_id=account_row_id,
        imported_at=tenant.now(),
        rows=[t for t in found if t[0] not in known] if known else found,
    )
    snapshots.imported(conn, account_row_id, count)
    return count
