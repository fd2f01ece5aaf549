"""Accounts as the data APIs list them: a tenant's own, by user or bank login, each with the
external id of the user who holds it.

A deleted account (gone from the bank at a later sync) is left out of listings unless asked
for, but stays readable by id, as Powens and Kontomatik keep it.

GDPR (Powens' bank guide): an account found at an unattended sync is added disabled, with its
name and type only, until the user activates it; activating imports its balance and history at
once, deactivating deletes its balance and transactions. Only bank accounts have this switch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from sandbox.domain import events
from sandbox.domain.bank_logins import find_bank_login
from sandbox.domain.events import AccountRef, LoginRef
from sandbox.domain.records import DISABLED_AT, Account, BankLogin
from sandbox.domain.sources import OK
from sandbox.domain.states import LoginState
from sandbox.domain.sync import import_account
from sandbox.domain.tenants import Tenant
from sandbox.domain.users import find_user
from sandbox.errors import Conflict, InvalidInput, NotFound
from sandbox.store import accounts as rows
from sandbox.store import bank_logins as login_rows
from sandbox.store import transactions as transaction_rows
from sandbox.store import users as user_rows
from sandbox.store.database import Database

# What a user may set on an account: a name of their own, whether it is shown and counted in
# totals, bookmarked, and what it is used for. Kept in `accounts.annotations`, with the time
# the user stopped sharing it (`disabled_at`), which deactivation writes there too.
ACCOUNT_NOTES = ("name", "display", "bookmarked", "usage")


@dataclass(frozen=True)
class OwnedAccount:
    account: Account
    external_user_id: str


@dataclass(frozen=True)
class HeldAccount:
    """An account as a user's own data API shows it: the bank it is held at (None for a manual
    account) and the id of the bank login's source that a sync last read it through."""

    account: Account
    bank_id: str | None
    source_id: int | None


def list_accounts(
    db: Database,
    tenant: Tenant,
    *,
    external_user_id: str | None = None,
    bank_login_id: int | None = None,
    include_deleted: bool = False,
) -> list[OwnedAccount]:
    """The tenant's accounts, oldest first; a user or bank login named but unknown is a 404."""
    with db.connect() as conn:
        user_id = None
        if external_user_id is not None:
            user_id = find_user(conn, tenant, external_user_id).id
        if bank_login_id is not None:
            find_bank_login(conn, tenant, bank_login_id)
        found = _stored(conn, tenant, user_id, bank_login_id, include_deleted)
        holders = external_ids(conn, tenant, {account.user_id for account in found})
    return [OwnedAccount(account, holders[account.user_id]) for account in found]


def _stored(
    conn: Connection,
    tenant: Tenant,
    user_id: int | None,
    bank_login_id: int | None,
    include_deleted: bool,
) -> list[Account]:
    rows_ = rows.list_accounts(
        conn,
        tenant.id,
        user_id=user_id,
        bank_login_id=bank_login_id,
        include_deleted=include_deleted,
    )
    return [Account.from_row(row) for row in rows_]


def of_bank_login(conn: Connection, tenant: Tenant, bank_login_id: int) -> list[Account]:
    """The bank login's accounts that are not deleted, oldest first."""
    return _stored(conn, tenant, None, bank_login_id, False)


def find_account(conn: Connection, tenant: Tenant, account_id: int) -> Account:
    row = rows.account_by_id(conn, tenant.id, account_id)
    if row is None:
        raise NotFound(f"no account {account_id}", details={"account_id": account_id})
    return Account.from_row(row)


def get_account(db: Database, tenant: Tenant, account_id: int) -> OwnedAccount:
    """One account of the tenant, deleted or not."""
    with db.connect() as conn:
        account = find_account(conn, tenant, account_id)
        holder = external_ids(conn, tenant, {account.user_id})[account.user_id]
    return OwnedAccount(account, holder)


def activate_account(db: Database, tenant: Tenant, account_id: int) -> OwnedAccount:
    """The user shares the account: it is enabled and, while its bank login is connected, its
    balance and the consent's history window are imported at once (else at the next sync).
    A deleted account cannot be activated (409)."""
    with db.begin() as conn:
        account = _bank_account(conn, tenant, account_id)
        if account.deleted_at is not None:
            raise Conflict(
                f"account {account_id} is gone from the bank and cannot be activated",
                details={"account_id": account_id, "deleted_at": account.deleted_at.isoformat()},
            )
        if account.disabled:
            now = tenant.now()
            notes = _merged(account.annotations, {DISABLED_AT: None})
            rows.update_account(
                conn, account.id, disabled=False, activated_at=now, annotations=notes
            )
            assert account.bank_login_id is not None and account.bank_key is not None
            login = find_bank_login(conn, tenant, account.bank_login_id)
            imported = None
            if login.state is LoginState.CONNECTED:
                bank = tenant.scenario.bank(login.bank_id)
                persona = tenant.scenario.persona(bank.id, login.persona_login)
                assert persona is not None
                history_days = login.history_days(bank.history_days)
                imported = import_account(
                    conn, tenant, account.user_id, account.id, bank, persona,
                    account.bank_key, history_days, now,
                )  # fmt: skip
            _announce_sharing(conn, tenant, login, account.id, enabled=True, imported=imported)
    return get_account(db, tenant, account_id)


def deactivate_account(db: Database, tenant: Tenant, account_id: int) -> OwnedAccount:
    """The user stops sharing the account: it stays listed, disabled, without its balance and
    transactions (deleted, not hidden). When it was shared, the time it stopped is kept in
    its annotations (`disabled_at`)."""
    with db.begin() as conn:
        account = _bank_account(conn, tenant, account_id)
        notes = account.annotations
        if not account.disabled:
            notes = _merged(notes, {DISABLED_AT: tenant.now().isoformat()})
        rows.update_account(
            conn,
            account.id,
            disabled=True,
            activated_at=None,
            balance_minor=None,
            annotations=notes,
        )
        transaction_rows.delete_account_transactions(conn, account.id)
        if not account.disabled:
            login = find_bank_login(conn, tenant, account.bank_login_id)
            _announce_sharing(conn, tenant, login, account.id, enabled=False)
    return get_account(db, tenant, account_id)


def _announce_sharing(
    conn: Connection,
    tenant: Tenant,
    login: BankLogin,
    account_id: int,
    *,
    enabled: bool,
    imported: int | None = None,
) -> None:
    """`account.enabled` (then `account.synced` when its data was imported at once) or
    `account.disabled`, with the account as it is now."""
    ref = LoginRef(login.external_user_id, login.id, login.bank_id)
    account = AccountRef.from_row(rows.account_by_id(conn, tenant.id, account_id))
    if not enabled:
        events.account_disabled(conn, tenant, ref, account)
        return
    events.account_enabled(conn, tenant, ref, account)
    if imported is not None:
        events.account_synced(conn, tenant, ref, account, imported)


def accounts_of_user(
    db: Database,
    tenant: Tenant,
    user_id: int,
    *,
    bank_login_id: int | None = None,
    include_disabled: bool = False,
    include_deleted: bool = False,
) -> list[HeldAccount]:
    """A user's accounts (of one of their bank logins), oldest first; disabled and deleted ones
    only when asked for. A bank login that is not the user's is a 404."""
    with db.connect() as conn:
        if bank_login_id is not None:
            _check_login_of_user(conn, tenant, user_id, bank_login_id)
        found = [
            account
            for account in _stored(conn, tenant, user_id, bank_login_id, include_deleted)
            if include_disabled or not account.disabled
        ]
        return _held(conn, tenant, user_id, found)


def account_of_user(
    db: Database,
    tenant: Tenant,
    user_id: int,
    account_id: int,
    *,
    include_disabled: bool = False,
    include_deleted: bool = False,
) -> HeldAccount:
    """One of the user's accounts; another user's, or a disabled or deleted one not asked
    for, is a 404."""
    with db.connect() as conn:
        account = _account_of_user(conn, tenant, user_id, account_id)
        if (account.disabled and not include_disabled) or (
            account.deleted_at is not None and not include_deleted
        ):
            raise NotFound(f"no account {account_id}", details={"account_id": account_id})
        return _held(conn, tenant, user_id, [account])[0]


def annotate_account(
    db: Database, tenant: Tenant, user_id: int, account_id: int, changes: Mapping[str, Any]
) -> Account:
    """Set what the user says about one of their accounts (`ACCOUNT_NOTES`); a value of None
    forgets what was set, so the bank's own shows again."""
    unknown = sorted(set(changes) - set(ACCOUNT_NOTES))
    if unknown:
        raise InvalidInput(f"no account note {unknown[0]!r}", details={"field": unknown[0]})
    with db.begin() as conn:
        account = _account_of_user(conn, tenant, user_id, account_id)
        notes = _merged(account.annotations, changes)
        rows.update_account(conn, account.id, annotations=notes)
        return find_account(conn, tenant, account.id)


def _merged(annotations: dict[str, Any] | None, changes: Mapping[str, Any]) -> dict | None:
    notes = {**(annotations or {}), **changes}
    notes = {name: value for name, value in notes.items() if value is not None}
    return notes or None


def _account_of_user(conn: Connection, tenant: Tenant, user_id: int, account_id: int) -> Account:
    row = rows.account_by_id(conn, tenant.id, account_id)
    if row is None or row["user_id"] != user_id:
        raise NotFound(f"no account {account_id}", details={"account_id": account_id})
    return Account.from_row(row)


def _check_login_of_user(conn: Connection, tenant: Tenant, user_id: int, login_id: int) -> None:
    row = login_rows.bank_login_by_id(conn, tenant.id, login_id)
    if row is None or row["user_id"] != user_id:
        raise NotFound(f"no bank login {login_id}", details={"bank_login_id": login_id})


def held(
    conn: Connection, tenant: Tenant, user_id: int, found: Sequence[Account]
) -> list[HeldAccount]:
    """The user's accounts `found`, each with its bank and source, in the caller's transaction
    (a webhook body written when its event is emitted)."""
    return _held(conn, tenant, user_id, found)


def _held(
    conn: Connection, tenant: Tenant, user_id: int, found: Sequence[Account]
) -> list[HeldAccount]:
    """Each account with its bank and source, from two queries whatever their number."""
    login_ids = {account.bank_login_id for account in found} - {None}
    if not login_ids:
        return [HeldAccount(account, None, None) for account in found]
    banks = {key["id"]: key["bank_id"] for key in login_rows.keys_of_user(conn, tenant.id, user_id)}
    sources = login_rows.sources_of(conn, login_ids)
    read_through = {login_id: _read_through(sources.get(login_id, [])) for login_id in login_ids}
    return [
        HeldAccount(account, banks.get(login_id), read_through[login_id])
        if (login_id := account.bank_login_id) is not None
        else HeldAccount(account, None, None)
        for account in found
    ]


def _read_through(sources: Sequence[Any]) -> int | None:
    """The source a login's data last came through: the one whose last sync succeeded most
    recently, else the first in priority order (the one a sync tries first)."""
    succeeded = [s for s in sources if s["state"] == OK and s["last_update"] is not None]
    if succeeded:
        return max(succeeded, key=lambda s: (s["last_update"], -s["priority"]))["id"]
    return sources[0]["id"] if sources else None


def _bank_account(conn: Connection, tenant: Tenant, account_id: int) -> Account:
    account = find_account(conn, tenant, account_id)
    if account.origin != "bank" or account.bank_login_id is None:
        raise Conflict(
            f"account {account_id} was not imported from a bank: it has no sharing to switch",
            details={"account_id": account_id, "origin": account.origin},
        )
    return account


def external_ids(conn: Connection, tenant: Tenant, user_ids: Iterable[int]) -> dict[int, str]:
    """The tenant's own id of each user."""
    return user_rows.external_ids(conn, tenant.id, user_ids)


def bank_login_counts(db: Database, tenant: Tenant, user_ids: Iterable[int]) -> dict[int, int]:
    """How many bank logins each user holds (users without any are absent: read them as 0)."""
    with db.connect() as conn:
        return login_rows.bank_login_counts(conn, tenant.id, user_ids)
