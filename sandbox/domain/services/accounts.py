"""Accounts and their transactions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sandbox.domain import accounts, manual, statements, transactions
from sandbox.domain.accounts import HeldAccount, OwnedAccount
from sandbox.domain.manual import NewTransaction
from sandbox.domain.records import Account, Transaction
from sandbox.domain.tenants import Tenant
from sandbox.domain.transactions import (
    Position,
    TransactionPage,
    TransactionQuery,
    TransactionSearch,
    TransactionSlice,
)
from sandbox.store.database import Database


class Accounts:
    def __init__(self, db: Database) -> None:
        self._db = db

    def list(
        self,
        tenant: Tenant,
        *,
        external_user_id: str | None = None,
        bank_login_id: int | None = None,
        include_deleted: bool = False,
        origin: str | None = None,
    ) -> list[OwnedAccount]:
        found = accounts.list_accounts(
            self._db,
            tenant,
            external_user_id=external_user_id,
            bank_login_id=bank_login_id,
            include_deleted=include_deleted,
        )
        return [owned for owned in found if origin in (None, owned.account.origin)]

    def get(self, tenant: Tenant, account_id: int) -> OwnedAccount:
        return accounts.get_account(self._db, tenant, account_id)

    def activate(self, tenant: Tenant, account_id: int) -> OwnedAccount:
        """The user shares the account: its balance and history are imported at once."""
        return accounts.activate_account(self._db, tenant, account_id)

    def deactivate(self, tenant: Tenant, account_id: int) -> OwnedAccount:
        """The user stops sharing the account: its balance and transactions are deleted."""
        return accounts.deactivate_account(self._db, tenant, account_id)

    def of_user(
        self,
        tenant: Tenant,
        user_id: int,
        *,
        bank_login_id: int | None = None,
        include_disabled: bool = False,
        include_deleted: bool = False,
    ) -> list[HeldAccount]:
        """A user's accounts (by the platform's user id), of one of their bank logins when
        named; disabled and deleted ones only when asked for."""
        return accounts.accounts_of_user(
            self._db,
            tenant,
            user_id,
            bank_login_id=bank_login_id,
            include_disabled=include_disabled,
            include_deleted=include_deleted,
        )

    def held(
        self,
        tenant: Tenant,
        user_id: int,
        account_id: int,
        *,
        include_disabled: bool = False,
        include_deleted: bool = False,
    ) -> HeldAccount:
        """One of the user's accounts; a 404 for another user's, or a disabled or deleted
        one not asked for."""
        return accounts.account_of_user(
            self._db,
            tenant,
            user_id,
            account_id,
            include_disabled=include_disabled,
            include_deleted=include_deleted,
        )

    def annotate(
        self, tenant: Tenant, user_id: int, account_id: int, changes: Mapping[str, Any]
    ) -> Account:
        """Set the user's own name, display, bookmark or usage of one of their accounts."""
        return accounts.annotate_account(self._db, tenant, user_id, account_id, changes)

    def delete_manual(self, tenant: Tenant, account_id: int) -> None:
        """Delete an uploaded account with its transactions; a bank account is refused
        (BankDataReadOnly) and stays as it is."""
        manual.delete_account(self._db, tenant, account_id)

    def statement(
        self,
        tenant: Tenant,
        account_id: int,
        format_name: str,
        *,
        start: date | None,
        end: date | None,
    ) -> tuple[bytes, str, str]:
        """The account's statement file for the period (bank or manual account): its bytes,
        media type and file name. Rendering a PDF takes a while: call it from a worker
        thread, not the event loop."""
        return statements.export(self._db, tenant, account_id, format_name, start, end)


class Transactions:
    def __init__(self, db: Database) -> None:
        self._db = db

    def page(
        self, tenant: Tenant, query: TransactionQuery, after: Position | None, limit: int
    ) -> TransactionPage:
        """Up to `limit` transactions, newest first, after the position a previous page
        ended at; the face encodes positions as its own cursors."""
        return transactions.page_of_transactions(self._db, tenant, query, after, limit)

    def slice(
        self, tenant: Tenant, search: TransactionSearch, offset: int, limit: int
    ) -> TransactionSlice:
        """Up to `limit` of a user's transactions after the first `offset`, newest first, with
        the accounts of the listing's scope and its first and last dates."""
        return transactions.slice_of_transactions(self._db, tenant, search, offset, limit)

    def of_account(self, tenant: Tenant, account_id: int) -> list[Transaction]:
        """Every transaction of the account, newest first (a whole statement's worth)."""
        return transactions.transactions_of_account(self._db, tenant, account_id)

    def of_user(
        self, tenant: Tenant, user_id: int, transaction_id: int
    ) -> tuple[Transaction, Account]:
        """One of the user's transactions with its account; a 404 for another user's."""
        return transactions.transaction_of_user(self._db, tenant, user_id, transaction_id)

    def annotate(
        self, tenant: Tenant, user_id: int, transaction_id: int, changes: Mapping[str, object]
    ) -> tuple[Transaction, Account]:
        """Set the user's own wording, application date, comment or `active` flag."""
        return transactions.annotate_transaction(self._db, tenant, user_id, transaction_id, changes)

    # Manual data only: the same calls on bank data raise BankDataReadOnly and change nothing.

    def add(self, tenant: Tenant, account_id: int, new: NewTransaction) -> Transaction:
        return manual.add_transaction(self._db, tenant, account_id, new)

    def change(
        self, tenant: Tenant, transaction_id: int, changes: Mapping[str, Any]
    ) -> Transaction:
        return manual.change_transaction(self._db, tenant, transaction_id, changes)

    def delete(self, tenant: Tenant, transaction_id: int) -> None:
        manual.delete_transaction(self._db, tenant, transaction_id)

    def get(self, tenant: Tenant, transaction_id: int) -> Transaction:
        """One of the tenant's transactions, bank or manual."""
        return manual.get_transaction(self._db, tenant, transaction_id)
