"""Deeper transaction history for a connected bank login (Kontomatik: "fetching more than 90 days
requires additional setup due to Strong Customer Authentication").

The first import fetches the bank's default history (`history_days`, usually 90). More, up to
the bank's `max_history_days`, takes a session of its own (`POST /bank-logins/{id}/extend-history`):
an SCA of the login's persona with purpose `extend_history`, the bank's approach as for a
connection, then a short confirmation; the consent then covers `days` and the older
transactions are imported (refs deduplicate, so only what is missing arrives). The consent's
validity does not change: only its history scope grows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.engine import Connection

from sandbox.domain import imports, sca
from sandbox.domain.bank_choice import approach
from sandbox.domain.bank_logins import find_bank_login
from sandbox.domain.connections import bank_of, persona_for, sync_login
from sandbox.domain.fakebank import BankRefusal
from sandbox.domain.flow import Check, Flow, advance, at, end, fail
from sandbox.domain.imports import ImportKind
from sandbox.domain.outcome import Exit, Outcome
from sandbox.domain.progress import Step, moved, start
from sandbox.domain.records import BankLogin, ConnectSession
from sandbox.domain.sessions import check_redirect_uri, insert_session, save_progress
from sandbox.domain.states import LoginState
from sandbox.domain.sync import SyncResult
from sandbox.domain.tenants import Tenant
from sandbox.errors import Conflict, InvalidInput
from sandbox.scenario.model import Bank
from sandbox.store import bank_logins as rows
from sandbox.store.database import Database


def check_extension(login: BankLogin, bank: Bank, days: int) -> None:
    """A deeper history is asked of a connected login, within the bank's limit, and deeper
    than what the consent already covers."""
    if login.state is not LoginState.CONNECTED or login.consent is None:
        raise Conflict(
            f"the bank login is {login.state.value}; only a connected one can share more history",
            details={"state": login.state.value, "bank_login_id": login.id},
        )
    limit = bank.history_limit_days
    if days > limit:
        raise InvalidInput(
            f"{bank.name} gives at most {limit} days of history",
            details={"days": days, "max_history_days": limit},
        )
    current = login.consent.history_days
    if days <= current:
        raise InvalidInput(
            f"the consent already covers {current} days of history",
            details={"days": days, "history_days": current},
        )


def create_history_session(
    db: Database,
    tenant: Tenant,
    *,
    bank_login_id: int,
    days: int,
    redirect_uri: str,
    state: str | None,
    face: str | None = None,
) -> ConnectSession:
    """A link that opens at the SCA for the deeper history: the challenge starts now, for the
    login's persona, with the approach the bank uses for the login's account type."""
    with db.begin() as conn:
        login = find_bank_login(conn, tenant, bank_login_id)
        check_redirect_uri(tenant, redirect_uri, face)
        bank = bank_of(tenant, login.bank_id)
        check_extension(login, bank, days)
        persona = persona_for(tenant, bank, login.persona_login)
        session = insert_session(
            conn, tenant, user_id=login.user_id, kind="connect", redirect_uri=redirect_uri,
            state=state, options={"extend_history_days": days, "bank_login_id": login.id},
            progress=start(
                Step.SCA, face=face, bank_id=bank.id, account_type=login.account_type,
                extend_login_id=login.id, history_days=days, persona_login=persona.login,
            ),
            bank_login_id=login.id,
        )  # fmt: skip
        challenge = sca.start_challenge(
            conn,
            tenant,
            bank=bank,
            persona=persona,
            approach=approach(bank, login.account_type),
            purpose="extend_history",
            session_id=session.id,
            bank_login_id=login.id,
        )
        return save_progress(conn, session, moved(session.progress, challenge_id=challenge.id))


# --- The confirmation step ------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryOffer:
    """What the confirmation page asks the user to share."""

    days: int
    since: date
    current_days: int


def history_offer(db: Database, flow: Flow) -> HistoryOffer:
    with db.connect() as conn:
        login = _extended_login(conn, flow)
    days = flow.history_days
    current = login.consent.history_days if login.consent else 0
    return HistoryOffer(days, flow.tenant.now().date() - timedelta(days=days), current)


def _extended_login(conn: Connection, flow: Flow) -> BankLogin:
    login_id = flow.progress.extend_login_id
    assert login_id is not None
    return find_bank_login(conn, flow.tenant, login_id)


def share_history(
    db: Database, session_id: str, *, check: Check | None = None
) -> tuple[Flow, Exit | None]:
    """The user confirms: the consent covers the deeper history and the older transactions are
    imported. Returns the flow and, when the session ends here, the way back to the client; a
    login no longer connected, or a bank that refuses now, fails the flow instead."""
    with at(db, session_id, Step.HISTORY, check=check) as (conn, flow):
        login = _extended_login(conn, flow)
        try:
            extend(conn, flow.tenant, login, flow.history_days)
        except (Conflict, InvalidInput) as error:
            return fail(conn, flow, "history_not_extended", error.message), None
        except BankRefusal as refusal:
            return fail(conn, flow, refusal.state.value, refusal.message), None
        flow = advance(conn, flow, step=Step.DONE, bank_login_ids=(login.id,))
        return flow, end(conn, flow, Outcome.success((login.id,)))


def extend(conn: Connection, tenant: Tenant, login: BankLogin, days: int) -> SyncResult:
    """After the SCA: a sync imports the `days` of history that are missing, and the consent
    covers them from now on, with its expiry unchanged. A bank that refuses now raises
    BankRefusal, and the consent stays as it was."""
    bank = bank_of(tenant, login.bank_id)
    check_extension(login, bank, days)
    assert login.consent is not None
    result = imports.recorded(
        conn, tenant, login, bank, ImportKind.EXTEND_HISTORY,
        lambda: sync_login(conn, tenant, login, bank, user_present=True, history_days=days),
    )  # fmt: skip
    rows.insert_consent(
        conn,
        tenant_id=tenant.id,
        bank_login_id=login.id,
        granted_at=tenant.now(),
        expires_at=login.consent.expires_at,
        history_days=days,
    )
    return result
