"""Establishing, renewing and refreshing bank logins: one place for what the hosted UI, the
control API and the data APIs all need. Each sync announces its outcome (`bank_login.synced`,
`bank_login.sync_failed`) in the transaction that records it, and moves the login's state
only along its lifecycle's table (`lifecycle.py`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Connection

from sandbox.domain import events, imports, sources
from sandbox.domain.bank_choice import direct_account_type
from sandbox.domain.bank_logins import check_not_connected, find_bank_login
from sandbox.domain.errors import LoginNotUsable
from sandbox.domain.events import LoginRef
from sandbox.domain.fakebank import BankRefusal, Moment, check_access, sca_on_every_sync
from sandbox.domain.imports import ImportKind
from sandbox.domain.lifecycle import NEW, Event, apply
from sandbox.domain.limits import RateLimited, check_unattended
from sandbox.domain.records import BankLogin, User
from sandbox.domain.states import NEEDS_USER, LoginState
from sandbox.domain.sync import SyncResult, import_from_bank
from sandbox.domain.tenants import Tenant
from sandbox.domain.users import user_for
from sandbox.errors import InvalidInput, SandboxError
from sandbox.scenario.model import Bank, Persona
from sandbox.store import bank_logins as rows
from sandbox.store.database import Database


def bank_of(tenant: Tenant, bank_id: str) -> Bank:
    try:
        return tenant.scenario.bank(bank_id)
    except KeyError:
        raise InvalidInput(f"no bank {bank_id!r}", details={"bank_id": bank_id}) from None


def persona_for(tenant: Tenant, bank: Bank, login: str) -> Persona:
    persona = tenant.scenario.persona(bank.id, login)
    if persona is None:
        raise InvalidInput(f"no persona {login!r} at bank {bank.id!r}", details={"login": login})
    return persona


def establish(
    conn: Connection,
    tenant: Tenant,
    *,
    user: User,
    bank: Bank,
    persona: Persona,
    account_type: str | None,
    activate: set[str] | None,
) -> tuple[int, SyncResult]:
    """A new connected bank login with a fresh consent and its first sync (sync 1). When every
    source of the bank is down, the login is made but reads `bank_unavailable`. Refused with
    AlreadyConnected when it would repeat one of the user's bank logins."""
    check_not_connected(conn, tenant, user.id, bank, persona.login, account_type)
    now = tenant.now()
    choice = sources.choose(bank, persona, Moment(1, now))
    refusal = choice.refusal() if choice.used is None else None
    state = NEW if refusal is None else apply(NEW, Event.REFUSED, refusal.state)
    bank_login_id = insert_login(
        conn,
        tenant,
        user=user,
        bank=bank,
        persona_login=persona.login,
        account_type=account_type,
        state=state,
        sync_count=1,
        tried=sources.outcomes(choice, now),
        state_detail=refusal.detail if refusal else None,
        state_until=refusal.until if refusal else None,
        last_sync_at=None if refusal else now,
    )
    _grant_consent(conn, tenant, bank, bank_login_id)
    ref = LoginRef(user.external_id, bank_login_id, bank.id)
    if refusal is not None:
        rows.insert_sync_attempt(conn, tenant.id, bank_login_id, now, False, refusal.state.value)
        events.bank_login_sync_failed(
            conn, tenant, ref,
            state=refusal.state.value, state_detail=refusal.detail, state_until=refusal.until,
        )  # fmt: skip
        imports.record(
            conn, tenant, bank_login_id=bank_login_id, user_id=user.id, bank=bank,
            kind=ImportKind.CONNECT, refusal=refusal,
        )  # fmt: skip
        return bank_login_id, SyncResult(0, 0, 0)
    rows.insert_sync_attempt(conn, tenant.id, bank_login_id, now, False, "ok")
    result = import_from_bank(
        conn,
        tenant,
        bank_login_id=bank_login_id,
        user_id=user.id,
        external_user_id=user.external_id,
        bank=bank,
        persona=persona,
        account_type=account_type,
        history_days=bank.history_days,
        moment=Moment(1, now),
        activate=activate,
        first_sync=True,
    )
    _announce_sync(conn, tenant, ref, result)
    imports.record(
        conn, tenant, bank_login_id=bank_login_id, user_id=user.id, bank=bank,
        kind=ImportKind.CONNECT, result=result,
    )  # fmt: skip
    return bank_login_id, result


def insert_login(
    conn: Connection,
    tenant: Tenant,
    *,
    user: User,
    bank: Bank,
    persona_login: str,
    account_type: str | None,
    state: LoginState,
    sync_count: int,
    tried: dict[str, tuple[str, datetime | None]],
    **more: Any,
) -> int:
    """A new bank login with a row for each of the bank's sources (`tried`: the outcome of
    those a first sync tried, by kind); `more`: its other columns (state detail, last sync)."""
    now = tenant.now()
    bank_login_id = rows.insert_bank_login(
        conn,
        tenant_id=tenant.id,
        user_id=user.id,
        bank_id=bank.id,
        persona_login=persona_login,
        account_type=account_type,
        state=state.value,
        sync_count=sync_count,
        last_attempt_at=now,
        created_at=now,
        updated_at=now,
        **{"state_detail": None, "state_until": None, "last_sync_at": None, **more},
    )
    rows.insert_sources(
        conn,
        tenant.id,
        bank_login_id,
        [(s.kind.value, s.priority, *tried.get(s.kind.value, (None, None))) for s in bank.sources],
    )
    return bank_login_id


def _announce_sync(conn: Connection, tenant: Tenant, login: LoginRef, result: SyncResult) -> None:
    events.bank_login_synced(
        conn,
        tenant,
        login,
        new_accounts=result.new_accounts,
        new_transactions=result.new_transactions,
        deleted_accounts=result.deleted_accounts,
    )


def renew(
    conn: Connection,
    tenant: Tenant,
    login: BankLogin,
    activate: set[str] | None,
    kind: ImportKind = ImportKind.RENEW,
) -> SyncResult:
    """After SCA again: a new consent, the login connected, and a sync (`kind`: a login's
    first SCA through a data API is its connection)."""
    bank = bank_of(tenant, login.bank_id)
    _grant_consent(conn, tenant, bank, login.id)
    renewed = replace(login, state=apply(login.state, Event.RENEWED))
    rows.update_bank_login(
        conn, login.id, state=renewed.state.value, state_detail=None, state_until=None
    )
    return imports.recorded(
        conn, tenant, renewed, bank, kind,
        lambda: sync_login(conn, tenant, renewed, bank, user_present=True, activate=activate),
    )  # fmt: skip


def _grant_consent(conn: Connection, tenant: Tenant, bank: Bank, bank_login_id: int) -> None:
    now = tenant.now()
    rows.insert_consent(
        conn,
        tenant_id=tenant.id,
        bank_login_id=bank_login_id,
        granted_at=now,
        expires_at=now + timedelta(days=bank.consent_days),
        history_days=bank.history_days,
    )


def refresh(db: Database, tenant: Tenant, bank_login_id: int) -> tuple[BankLogin, SyncResult]:
    """Sync now without the user (the API's refresh): refused while the user must act, and
    over the bank's daily count of unattended syncs (the login reads `rate_limited` until the
    next one is allowed); a bank refusal is recorded as the login's new state. Accounts found
    now come in disabled: the user has not chosen to share them."""
    return _sync_without_user(db, tenant, bank_login_id, counted=True)


def sync_now(db: Database, tenant: Tenant, bank_login_id: int) -> tuple[BankLogin, SyncResult]:
    """The control API's sync: like a refresh, bank refusals included, but outside the daily
    limit and not counted toward it."""
    return _sync_without_user(db, tenant, bank_login_id, counted=False)


def _sync_without_user(
    db: Database, tenant: Tenant, bank_login_id: int, *, counted: bool
) -> tuple[BankLogin, SyncResult]:
    refusal: SandboxError | None = None
    with db.begin() as conn:
        login = find_bank_login(conn, tenant, bank_login_id)
        if login.state in NEEDS_USER:
            raise LoginNotUsable(login)
        bank = bank_of(tenant, login.bank_id)
        try:
            if counted:
                check_unattended(conn, bank, login.id, tenant.now())
            result = imports.recorded(
                conn, tenant, login, bank, ImportKind.REFRESH if counted else ImportKind.CONTROL,
                lambda: sync_login(
                    conn, tenant, login, bank, user_present=False, counted=counted, activate=set()
                ),
            )  # fmt: skip
        except RateLimited as error:  # refused before the bank is asked: not an attempt
            _record_rate_limit(conn, tenant, login, error)
            refusal = error
        except BankRefusal as error:  # the bank checks before any data is written
            record_refusal(conn, tenant, login, error, counted=counted)
            refusal = error
    if refusal is not None:
        raise refusal
    return get_login(db, tenant, bank_login_id), result


def get_login(db: Database, tenant: Tenant, bank_login_id: int) -> BankLogin:
    with db.connect() as conn:
        return find_bank_login(conn, tenant, bank_login_id)


def sync_login(
    conn: Connection,
    tenant: Tenant,
    login: BankLogin,
    bank: Bank,
    *,
    user_present: bool,
    counted: bool = False,
    activate: set[str] | None = None,
    history_days: int | None = None,
) -> SyncResult:
    """One sync of a login: the bank checks access (a refusal raises BankRefusal before the
    login changes), a source is chosen, the bank's accounts and transactions are imported, the
    login reads connected and the sync is announced. `counted`: the attempt counts toward the
    bank's daily limit of unattended syncs. `activate`: see `import_from_bank`. `history_days`:
    the window to import, when not the consent's."""
    persona = persona_for(tenant, bank, login.persona_login)
    moment = moment_of(conn, tenant, login)
    check_access(persona, moment)
    if not user_present and sca_on_every_sync(persona, moment):
        raise BankRefusal(LoginState.SCA_REQUIRED, "The bank asks for SCA on every sync.")
    now = moment.now
    if history_days is None:
        history_days = login.history_days(bank.history_days)
    switched_off = frozenset(s.kind for s in login.sources if s.disabled_at is not None)
    choice = sources.choose(bank, persona, moment, switched_off)
    sources.record(conn, login.id, choice, now)
    if choice.used is None:
        raise choice.refusal()
    result = import_from_bank(
        conn,
        tenant,
        bank_login_id=login.id,
        user_id=login.user_id,
        external_user_id=login.external_user_id,
        bank=bank,
        persona=persona,
        account_type=login.account_type,
        history_days=history_days,
        moment=moment,
        activate=activate,
    )
    rows.update_bank_login(
        conn,
        login.id,
        state=apply(login.state, Event.SYNCED).value,
        state_detail=None,
        state_until=None,
        sync_count=login.sync_count + 1,
        last_sync_at=now,
        last_attempt_at=now,
        updated_at=now,
    )
    rows.insert_sync_attempt(conn, tenant.id, login.id, now, counted, "ok")
    _announce_sync(conn, tenant, _ref(login), result)
    return result


def _ref(login: BankLogin) -> LoginRef:
    return LoginRef(login.external_user_id, login.id, login.bank_id)


def moment_of(conn: Connection, tenant: Tenant, login: BankLogin) -> Moment:
    """The bank's view of the login's next sync: its number, now, and the earlier ones."""
    return Moment(login.sync_count + 1, tenant.now(), rows.sync_times(conn, login.id))


def record_refusal(
    conn: Connection, tenant: Tenant, login: BankLogin, refusal: BankRefusal, *, counted: bool
) -> None:
    now = tenant.now()
    rows.update_bank_login(
        conn,
        login.id,
        state=apply(login.state, Event.REFUSED, refusal.state).value,
        state_detail=refusal.detail,
        state_until=refusal.until,
        sync_count=login.sync_count + 1,
        last_attempt_at=now,
        updated_at=now,
    )
    rows.insert_sync_attempt(conn, tenant.id, login.id, now, counted, refusal.state.value)
    events.bank_login_sync_failed(
        conn,
        tenant,
        _ref(login),
        state=refusal.state.value,
        state_detail=refusal.detail,
        state_until=refusal.until,
    )


def _record_rate_limit(
    conn: Connection, tenant: Tenant, login: BankLogin, limited: RateLimited
) -> None:
    """The login reads `rate_limited` until the next sync is allowed. A bank that allows no
    unattended sync at all leaves the state alone: there is no time to wait for."""
    if limited.retry_at is None:
        return
    rows.update_bank_login(
        conn,
        login.id,
        state=apply(login.state, Event.RATE_LIMITED).value,
        state_detail=None,
        state_until=limited.retry_at,
        updated_at=tenant.now(),
    )
    events.bank_login_sync_failed(
        conn,
        tenant,
        _ref(login),
        state=LoginState.RATE_LIMITED.value,
        state_detail=None,
        state_until=limited.retry_at,
    )


def connect_directly(
    db: Database,
    tenant: Tenant,
    *,
    external_user_id: str,
    bank_id: str,
    login: str,
    account_type: str | None = None,
) -> tuple[BankLogin, SyncResult]:
    """A connected bank login made without the hosted UI (Plaid's sandbox public-token
    endpoint does the same): no password or SCA, but the persona's scripted refusals at its
    first sync still apply, and every account is shared."""
    bank = bank_of(tenant, bank_id)
    persona = persona_for(tenant, bank, login)
    account_type = direct_account_type(bank, account_type)
    check_access(persona, Moment(1, tenant.now()))
    with db.begin() as conn:
        user = user_for(conn, tenant, external_user_id)
        bank_login_id, result = establish(
            conn, tenant, user=user, bank=bank, persona=persona,
            account_type=account_type, activate=None,
        )  # fmt: skip
    return get_login(db, tenant, bank_login_id), result
