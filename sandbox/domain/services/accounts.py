"""Accounts and their transactions."""

from __future__ import annotations

from sandbox.domain import accounts, transactions
from sandbox.domain.accounts import OwnedAccount
from sandbox.domain.tenants import Tenant
from sandbox.domain.transactions import Position, TransactionPage, TransactionQuery
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
    ) -> list[OwnedAccount]:
        return accounts.list_accounts(
            self._db,
            tenant,
            external_user_id=external_user_id,
            bank_login_id=bank_login_id,
            include_deleted=include_deleted,
        )

    def get(self, tenant: Tenant, account_id: int) -> OwnedAccount:
        return accounts.get_account(self._db, tenant, account_id)

    def activate(self, tenant: Tenant, account_id: int) -> OwnedAccount:
        """The user shares the account: its balance and history are imported at once."""
        return accounts.activate_account(self._db, tenant, account_id)

    def deactivate(self, tenant: Tenant, account_id: int) -> OwnedAccount:
        """The user stops sharing the account: its balance and transactions are deleted."""
        return accounts.deactivate_account(self._db, tenant, account_id)


class Transactions:
    def __init__(self, db: Database) -> None:
        self._db = db

    def page(
        self, tenant: Tenant, query: TransactionQuery, after: Position | None, limit: int
    ) -> TransactionPage:
        """Up to `limit` transactions, newest first, after the position a previous page
        ended at; the face encodes positions as its own cursors."""
        return transactions.page_of_transactions(self._db, tenant, query, after, limit)
