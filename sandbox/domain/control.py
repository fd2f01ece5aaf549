"""What the control API may do to a bank login that no user or bank could: force it into any
state, end its consent now. Syncing now is `connections.sync_now`.
"""

from __future__ import annotations

from datetime import datetime

from sandbox.domain.bank_logins import find_bank_login
from sandbox.domain.lifecycle import SYNCING, Event, apply
from sandbox.domain.records import BankLogin, lapsed
from sandbox.domain.states import LoginState
from sandbox.domain.tenants import Tenant
from sandbox.errors import Conflict, InvalidInput
from sandbox.store import bank_logins as rows
from sandbox.store.database import Database


def force_state(
    db: Database,
    tenant: Tenant,
    bank_login_id: int,
    state: LoginState,
    detail: str | None = None,
    until: datetime | None = None,
) -> BankLogin:
    """Set the login's state as if the bank or the user had left it there. With `until` the
    state lifts by itself once the clock passes it, so an `until` not after the tenant's now
    would change nothing and is refused. While the consent is over, `connected` and every
    state that lets a sync through are refused: the consent, not the test, decides that
    (renew it, or move the clock back)."""
    now = tenant.now()
    if until is not None and until <= now:
        raise InvalidInput(
            f"`until` must be after the tenant's now ({now.isoformat()}): a state forced until "
            "then would lift at once",
            details=[{"field": "until", "message": f"must be after {now.isoformat()}"}],
        )
    with db.begin() as conn:
        login = find_bank_login(conn, tenant, bank_login_id)
        if state in SYNCING and lapsed(login.consent, now):
            raise Conflict(
                f"the consent of this bank login is over: it cannot read {state.value}",
                details={
                    "state": login.state.value,
                    "expires_at": None
                    if login.consent is None
                    else login.consent.expires_at.isoformat(),
                },
            )
        rows.update_bank_login(
            conn,
            login.id,
            state=apply(login.state, Event.FORCED, state).value,
            state_detail=detail,
            state_until=None if state is LoginState.CONNECTED else until,
            updated_at=now,
        )
        return find_bank_login(conn, tenant, bank_login_id)


def expire_consent(db: Database, tenant: Tenant, bank_login_id: int) -> BankLogin:
    """End the consent now: a connected login then reads sca_required (webauth_required where
    the bank authenticates in the browser). Expiring never extends: a consent over already
    keeps the end it had, so a second call changes nothing."""
    with db.begin() as conn:
        login = find_bank_login(conn, tenant, bank_login_id)
        if login.consent is None:
            raise Conflict("this bank login has no consent", details={"state": login.state.value})
        now = tenant.now()
        if not login.consent.over(now):
            rows.expire_consent(conn, login.id, now)
        return find_bank_login(conn, tenant, bank_login_id)
