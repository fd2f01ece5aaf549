"""The management list of the hosted UI (as the connect platform documents it): the session
user's bank logins, and what the user may do from it: connect another bank, renew a login's
consent, remove a login. Leaving the list goes back to the client (`connect.leave`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Connection

from sandbox.domain import bank_logins
from sandbox.domain.bank_choice import renewal_start
from sandbox.domain.bank_logins import find_bank_login, list_bank_logins
from sandbox.domain.connections import bank_of
from sandbox.domain.flow import Check, Flow, advance, at, session_user
from sandbox.domain.progress import Step
from sandbox.domain.records import BankLogin, User
from sandbox.domain.states import NEEDS_USER
from sandbox.errors import NotFound
from sandbox.scenario.model import Bank
from sandbox.store import accounts as account_rows
from sandbox.store.database import Database


@dataclass(frozen=True)
class ManagedLogin:
    """A bank login as the management list shows it."""

    login: BankLogin
    bank: Bank
    accounts_count: int

    @property
    def needs_action(self) -> bool:
        return self.login.state in NEEDS_USER


def managed_logins(db: Database, flow: Flow) -> list[ManagedLogin]:
    """The session user's bank logins, oldest first, with how many accounts each shares."""
    found = list_bank_logins(db, flow.tenant, flow.session.user_id)
    with db.connect() as conn:
        return [
            ManagedLogin(
                login,
                bank_of(flow.tenant, login.bank_id),
                len(account_rows.list_accounts(conn, flow.tenant.id, bank_login_id=login.id)),
            )
            for login in sorted(found, key=lambda login: login.id)
        ]


def user_of(db: Database, flow: Flow) -> User:
    """The end user the session is for (the list names them by the client's id)."""
    with db.connect() as conn:
        return session_user(conn, flow)


def _own_login(conn: Connection, flow: Flow, bank_login_id: int) -> BankLogin:
    """One of the session user's bank logins; anyone else's is not found, as if it were none."""
    login = find_bank_login(conn, flow.tenant, bank_login_id)
    if login.user_id != flow.session.user_id:
        raise NotFound(f"no bank login {bank_login_id}", details={"bank_login_id": bank_login_id})
    return login


def start_renewal(
    db: Database, session_id: str, bank_login_id: int, *, check: Check | None = None
) -> Flow:
    """Renew from the management list, or from the notice that the login the user typed is
    connected already: log in and pass SCA again, then consent anew."""
    with at(db, session_id, Step.MANAGE, Step.ALREADY_CONNECTED, check=check) as (conn, flow):
        login = _own_login(conn, flow, bank_login_id)
        return advance(conn, flow, **renewal_start(bank_of(flow.tenant, login.bank_id), login))


def remove_bank_login(
    db: Database, session_id: str, bank_login_id: int, *, check: Check | None = None
) -> Flow:
    with at(db, session_id, Step.MANAGE, check=check) as (conn, flow):
        bank_logins.remove(conn, flow.tenant, _own_login(conn, flow, bank_login_id))
        kept = tuple(i for i in flow.progress.bank_login_ids if i != bank_login_id)
        deleted = (*flow.progress.deleted_login_ids, bank_login_id)
        return advance(conn, flow, bank_login_ids=kept, deleted_login_ids=deleted)
