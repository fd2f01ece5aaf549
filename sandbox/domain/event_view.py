"""What a webhook body written when its event is emitted may read: the platform as the emitting
transaction sees it, read-only (`snapshots.py`)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.engine import Connection

from sandbox.domain.accounts import HeldAccount, held
from sandbox.domain.api_connect import Standing, standing_as_stored
from sandbox.domain.bank_logins import preferred_source
from sandbox.domain.banks import Bank, Source
from sandbox.domain.errors import NotFound
from sandbox.domain.records import Account, Transaction, User
from sandbox.domain.tenants import Tenant
from sandbox.store import accounts as account_rows
from sandbox.store import snapshots as rows
from sandbox.store import users as user_rows


class View:
    """The platform as the emitting transaction sees it, read-only: what a `Snapshotter` may
    read to write an event's body. Nothing here writes, settles or moves the clock."""

    def __init__(self, conn: Connection, tenant: Tenant, imports: Mapping[int, int]) -> None:
        self._conn = conn
        self.tenant = tenant
        self._imports = imports

    def user(self, external_id: str | None) -> User | None:
        """The user by the tenant's own id for them (an event's `subjects.user_id`)."""
        if external_id is None:
            return None
        found = user_rows.user_by_external_id(self._conn, self.tenant.id, external_id)
        return None if found is None else User.from_row(found)

    def standing(self, bank_login_id: int | None) -> Standing | None:
        """The bank login, with the SCA its user is passing; None when there is none."""
        if bank_login_id is None:
            return None
        try:
            return standing_as_stored(self._conn, self.tenant, bank_login_id)
        except NotFound:
            return None

    def accounts(self, bank_login_id: int) -> list[HeldAccount]:
        """The login's accounts the bank still shows (disabled ones too), oldest first, each
        with its bank and the source it was read through."""
        found = [
            Account.from_row(row)
            for row in account_rows.list_accounts(
                self._conn, self.tenant.id, bank_login_id=bank_login_id
            )
        ]
        if not found:
            return []
        return held(self._conn, self.tenant, found[0].user_id, found)

    def account(self, account_id: int | None) -> HeldAccount | None:
        if account_id is None:
            return None
        row = account_rows.account_by_id(self._conn, self.tenant.id, account_id)
        if row is None:
            return None
        account = Account.from_row(row)
        return held(self._conn, self.tenant, account.user_id, [account])[0]

    def new_transactions(self, account_id: int) -> list[Transaction]:
        """The account's transactions imported so far in this transaction, oldest first."""
        count = self._imports.get(account_id, 0)
        found = rows.newest_transactions(self._conn, self.tenant.id, account_id, count)
        return [Transaction.from_row(row) for row in reversed(found)]

    def banks(self) -> list[Bank]:
        """The tenant's banks, in its scenario's order."""
        return list(self.tenant.scenario.banks)

    def preferred_source(self, bank: Bank) -> Source:
        return preferred_source(bank)
