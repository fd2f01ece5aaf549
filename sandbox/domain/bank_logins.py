"""Bank logins: a user's connection to one bank through one persona's credentials.

The stored state is what the last event left; the state as read also applies the clock: a
consent past its expiry reads `sca_required` (or `webauth_required` where the bank's source
authenticates in the browser) without any timer having run (DESIGN rule 3).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from sandbox.domain import events
from sandbox.domain.errors import AlreadyConnected
from sandbox.domain.lifecycle import SYNCING, Event, apply
from sandbox.domain.records import BankLogin, Consent, LoginSource, lapsed
from sandbox.domain.states import LoginState
from sandbox.domain.tenants import Tenant
from sandbox.errors import InvalidInput, NotFound
from sandbox.scenario.model import AuthMechanism, Bank, Source
from sandbox.store import bank_logins as rows
from sandbox.store.database import Database


def connected_already(
    conn: Connection,
    tenant: Tenant,
    user_id: int,
    bank: Bank,
    persona_login: str,
    account_type: str | None,
) -> int | None:
    """The id of the user's bank login that a new connection would repeat: the same bank and
    persona, and an account type that reaches the same accounts (None reaches every type)."""
    for row in rows.keys_of_user(conn, tenant.id, user_id):
        if (row["bank_id"], row["persona_login"]) != (bank.id, persona_login):
            continue
        if None in (account_type, row["account_type"]) or row["account_type"] == account_type:
            return row["id"]
    return None


def check_not_connected(
    conn: Connection,
    tenant: Tenant,
    user_id: int,
    bank: Bank,
    persona_login: str,
    account_type: str | None,
) -> None:
    """AlreadyConnected when the connection would repeat one of the user's bank logins."""
    existing = connected_already(conn, tenant, user_id, bank, persona_login, account_type)
    if existing is not None:
        raise AlreadyConnected(bank.name, persona_login, existing)


def preferred_source(bank: Bank) -> Source:
    """The enabled source with the lowest priority: the one a connection goes through."""
    enabled = sorted((s for s in bank.sources if not s.disabled), key=lambda s: s.priority)
    if not enabled:
        raise InvalidInput(f"every source of bank {bank.id!r} is disabled")
    return enabled[0]


def expired_state(bank: Bank) -> LoginState:
    """What a login whose consent has run out reads: the user must pass SCA again, in the
    browser where the bank's source authenticates there."""
    webauth = preferred_source(bank).auth is AuthMechanism.WEBAUTH
    return LoginState.WEBAUTH_REQUIRED if webauth else LoginState.SCA_REQUIRED


def login_sources(bank: Bank | None, rows_: list[Any]) -> tuple[LoginSource, ...]:
    """The login's sources as stored, each `disabled` as the bank declares it now."""
    enabled = {s.kind.value for s in bank.sources if not s.disabled} if bank else set()
    return tuple(
        LoginSource(
            kind=row["kind"],
            priority=row["priority"],
            disabled=row["kind"] not in enabled,
            state=row["state"],
            last_update=row["last_update"],
            id=row["id"],
            disabled_at=row["disabled_at"],
        )
        for row in rows_
    )


def bank_login_from_row(
    row: Any, tenant: Tenant, now: datetime | None = None, sources: list[Any] | None = None
) -> BankLogin:
    """The login as the clock leaves it (`lifecycle.py`): `state_until` lifts a passing state
    lazily, so once the clock passes it (a bank outage, a rate limit, a state forced until
    then) the login reads connected again; and a login whose consent is over reads expired,
    unless its state asks the user to act already."""
    now = now or tenant.now()
    consent = None
    if row["consent_granted_at"] is not None:
        consent = Consent(
            granted_at=row["consent_granted_at"],
            expires_at=row["consent_expires_at"],
            history_days=row["consent_history_days"],
        )
    state, until = LoginState(row["state"]), row["state_until"]
    held = state is not LoginState.CONNECTED and until is not None
    if held and now >= until and consent is not None:
        state, until = apply(state, Event.HOLD_LIFTED), None
    if state in SYNCING and lapsed(consent, now):
        bank = tenant.scenario.bank(row["bank_id"])
        state = apply(state, Event.CONSENT_EXPIRED, expired_state(bank))
    return BankLogin(
        id=row["id"],
        tenant_id=row["tenant_id"],
        user_id=row["user_id"],
        external_user_id=row["external_user_id"],
        bank_id=row["bank_id"],
        persona_login=row["persona_login"],
        account_type=row["account_type"],
        state=state,
        state_detail=row["state_detail"] if state.value == row["state"] else None,
        state_until=until if state.value == row["state"] else None,
        consent=consent,
        sync_count=row["sync_count"],
        last_sync_at=row["last_sync_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        sources=login_sources(_bank_or_none(tenant, row["bank_id"]), sources or []),
        active=row["active"],
        last_attempt_at=row["last_attempt_at"],
    )


def _bank_or_none(tenant: Tenant, bank_id: str) -> Bank | None:
    try:
        return tenant.scenario.bank(bank_id)
    except KeyError:
        return None


def find_bank_login(conn: Connection, tenant: Tenant, bank_login_id: int) -> BankLogin:
    row = rows.bank_login_by_id(conn, tenant.id, bank_login_id)
    if row is None:
        raise NotFound(f"no bank login {bank_login_id}", details={"bank_login_id": bank_login_id})
    sources = rows.sources_of(conn, [bank_login_id]).get(bank_login_id, [])
    return bank_login_from_row(row, tenant, sources=sources)


def get_bank_login(db: Database, tenant: Tenant, bank_login_id: int) -> BankLogin:
    with db.connect() as conn:
        return find_bank_login(conn, tenant, bank_login_id)


def list_bank_logins(db: Database, tenant: Tenant, user_id: int | None = None) -> list[BankLogin]:
    now = tenant.now()
    with db.connect() as conn:
        found = rows.list_bank_logins(conn, tenant.id, user_id)
        sources = rows.sources_of(conn, [row["id"] for row in found])
        return [bank_login_from_row(row, tenant, now, sources.get(row["id"], [])) for row in found]


def delete_bank_login(db: Database, tenant: Tenant, bank_login_id: int) -> None:
    """Deletes the bank login with its accounts and their transactions (cascade)."""
    with db.begin() as conn:
        remove(conn, tenant, find_bank_login(conn, tenant, bank_login_id))


def remove(conn: Connection, tenant: Tenant, login: BankLogin) -> None:
    """Delete the login with its accounts and their transactions (cascade), announced first,
    so the announcement still sees what it names."""
    ref = events.LoginRef(login.external_user_id, login.id, login.bank_id)
    events.bank_login_deleted(conn, tenant, ref)
    rows.delete_bank_login(conn, tenant.id, login.id)
