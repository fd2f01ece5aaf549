"""SCA challenges: one authentication, embedded (a one-time code typed into the platform),
decoupled (approved in the bank's app while the platform waits) or redirect (at the bank's own
page). Timeouts and scripted app decisions are computed from the clock when a challenge is
read, never by a timer.

A `push` is approved in the bank's app, never typed, so an embedded challenge offers only the
methods with a code; for a persona whose only method is a push it becomes a decoupled one, as a
PSD2 embedded interface switches to the decoupled approach for a decoupled method
(scenarios/README.md, "SCA methods").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Connection, RowMapping

from sandbox.domain.fakebank import Moment, decoupled_outcome
from sandbox.domain.records import Challenge
from sandbox.domain.states import FINAL_SCA, ScaStatus
from sandbox.domain.tenants import Tenant
from sandbox.errors import Conflict, InvalidInput, NotFound
from sandbox.scenario.model import Bank, Persona, ScaApproach, ScaMethod, ScaMethodKind
from sandbox.store import challenges as rows

MAX_OTP_ATTEMPTS = 3
EMBEDDED_TTL = timedelta(minutes=10)
REDIRECT_TTL = timedelta(minutes=15)
APP_METHODS = (ScaMethodKind.PUSH, ScaMethodKind.APP)


def typed_methods(persona: Persona) -> list[ScaMethod]:
    """The persona's methods that give a code to type: what an embedded challenge offers."""
    return [m for m in persona.sca_methods if m.method is not ScaMethodKind.PUSH]


def start_challenge(
    conn: Connection,
    tenant: Tenant,
    *,
    bank: Bank,
    persona: Persona,
    approach: ScaApproach,
    purpose: str,
    session_id: str | None,
    bank_login_id: int | None = None,
) -> Challenge:
    now = tenant.now()
    methods = [m.method for m in persona.sca_methods]
    typed = [m.method for m in typed_methods(persona)]
    if approach is ScaApproach.EMBEDDED and not typed:  # push only: wait for the bank's app
        approach = ScaApproach.DECOUPLED
    method, status, ttl = None, ScaStatus.PENDING, REDIRECT_TTL
    if approach is ScaApproach.EMBEDDED:
        ttl = EMBEDDED_TTL
        if len(typed) == 1:
            method = typed[0].value
        else:
            status = ScaStatus.STARTED
    elif approach is ScaApproach.DECOUPLED:
        ttl = bank.decoupled_timeout
        method = next((m.value for m in methods if m in APP_METHODS), ScaMethodKind.APP.value)
    row = rows.insert_challenge(
        conn,
        tenant_id=tenant.id,
        bank_login_id=bank_login_id,
        session_id=session_id,
        bank_id=bank.id,
        persona_login=persona.login,
        approach=approach.value,
        method=method,
        purpose=purpose,
        status=status.value,
        attempts=0,
        created_at=now,
        expires_at=now + ttl,
    )
    return _as_of_now(conn, tenant, challenge_from_row(row))


def persona_of(tenant: Tenant, challenge: Challenge) -> Persona:
    persona = tenant.scenario.persona(challenge.bank_id, challenge.persona_login)
    assert persona is not None, "a challenge is only started for a known persona"
    return persona


def status_at(challenge: Challenge, persona: Persona, now: datetime, sync: int = 1) -> ScaStatus:
    """The challenge's status at `now`: scripted app decisions and timeouts applied."""
    if challenge.status in FINAL_SCA:
        return challenge.status
    if challenge.approach == ScaApproach.DECOUPLED.value:
        outcome = decoupled_outcome(persona, Moment(sync, now))
        if outcome is not None:
            decision, delay = outcome
            decided = challenge.created_at + delay
            if decision == "reject":
                return ScaStatus.REJECTED
            if decided < challenge.expires_at and now >= decided:
                return ScaStatus.APPROVED
    if now >= challenge.expires_at:
        return ScaStatus.EXPIRED
    return challenge.status


def read_challenge(conn: Connection, tenant: Tenant, challenge_id: int) -> Challenge:
    """The challenge as it stands now; a status the clock decided is saved on the way."""
    row = rows.challenge_by_id(conn, tenant.id, challenge_id)
    if row is None:
        raise NotFound(f"no SCA challenge {challenge_id}", details={"challenge_id": challenge_id})
    return _as_of_now(conn, tenant, challenge_from_row(row))


def waiting_still(conn: Connection, tenant: Tenant, challenge_id: int) -> Challenge | None:
    """The challenge if it still waits for the user and the clock has decided nothing, so that
    reading it would save nothing; else None."""
    row = rows.challenge_by_id(conn, tenant.id, challenge_id)
    if row is None:
        return None
    challenge = challenge_from_row(row)
    if challenge.status in FINAL_SCA:
        return None
    if status_at(challenge, persona_of(tenant, challenge), tenant.now()) is not challenge.status:
        return None
    return challenge


def challenge_from_row(row: RowMapping) -> Challenge:
    return Challenge.from_row({**row, "status": ScaStatus(row["status"])})


def _saved(conn: Connection, tenant: Tenant, challenge: Challenge, **changes: Any) -> Challenge:
    """The challenge with `changes` written, as reading it back would give it now."""
    rows.update_challenge(conn, challenge.id, **changes)
    if "status" in changes:
        changes["status"] = ScaStatus(changes["status"])
    return _as_of_now(conn, tenant, replace(challenge, **changes))


def _as_of_now(conn: Connection, tenant: Tenant, challenge: Challenge) -> Challenge:
    """The challenge with the status the clock gives it now (saved when that changed it)."""
    now = tenant.now()
    status = status_at(challenge, persona_of(tenant, challenge), now)
    if status is not challenge.status:
        rows.update_challenge(conn, challenge.id, status=status.value, decided_at=now)
        challenge = replace(challenge, status=status, decided_at=now)
    return challenge


def _pending(challenge: Challenge) -> None:
    if challenge.status in FINAL_SCA:
        raise Conflict(
            f"the SCA challenge is already {challenge.status.value}",
            details={"status": challenge.status.value},
        )


def choose_method(conn: Connection, tenant: Tenant, challenge: Challenge, method: str) -> Challenge:
    _pending(challenge)
    offered = [m.method.value for m in typed_methods(persona_of(tenant, challenge))]
    if method not in offered:
        raise InvalidInput(f"choose one of {', '.join(offered)}", details={"method": method})
    return _saved(conn, tenant, challenge, method=method, status=ScaStatus.PENDING.value)


def submit_otp(conn: Connection, tenant: Tenant, challenge: Challenge, otp: str) -> Challenge:
    """Checks the code; the third wrong one fails the challenge."""
    _pending(challenge)
    if challenge.status is not ScaStatus.PENDING or challenge.method is None:
        raise Conflict("choose how to receive the code first")
    persona = persona_of(tenant, challenge)
    expected = next(m.otp for m in persona.sca_methods if m.method.value == challenge.method)
    if otp.strip() == expected:
        return _saved(
            conn, tenant, challenge, status=ScaStatus.APPROVED.value, decided_at=tenant.now()
        )
    attempts = challenge.attempts + 1
    failed = attempts >= MAX_OTP_ATTEMPTS
    return _saved(
        conn,
        tenant,
        challenge,
        attempts=attempts,
        status=(ScaStatus.FAILED if failed else ScaStatus.PENDING).value,
        decided_at=tenant.now() if failed else None,
    )


def decide(conn: Connection, tenant: Tenant, challenge: Challenge, approve: bool) -> Challenge:
    """Approve or reject a decoupled or redirect challenge (the bank app, the bank's page, or
    the control API on a test's behalf)."""
    _pending(challenge)
    if challenge.approach == ScaApproach.EMBEDDED.value:
        raise Conflict("an embedded challenge is passed with its one-time code")
    status = ScaStatus.APPROVED if approve else ScaStatus.REJECTED
    return _saved(conn, tenant, challenge, status=status.value, decided_at=tenant.now())


def attempts_left(challenge: Challenge) -> int:
    return MAX_OTP_ATTEMPTS - challenge.attempts


@dataclass(frozen=True)
class ListedChallenge:
    """A challenge as a listing shows it, with the user it authenticates."""

    challenge: Challenge
    external_user_id: str | None


MAX_LISTED = 500
_OPEN = (ScaStatus.STARTED.value, ScaStatus.PENDING.value)


def list_challenges(
    conn: Connection, tenant: Tenant, status: ScaStatus | None = None
) -> list[ListedChallenge]:
    """The tenant's newest challenges (at most MAX_LISTED), each with the status the clock
    gives it now, narrowed to one status when given. Only a challenge stored as open can be
    open now, so a listing of open ones reads those alone."""
    stored = _OPEN if status in (ScaStatus.STARTED, ScaStatus.PENDING) else None
    listed = []
    for row in rows.challenges_of_tenant(conn, tenant.id, stored, MAX_LISTED):
        challenge = _as_of_now(conn, tenant, challenge_from_row(row))
        if status is None or challenge.status is status:
            listed.append(ListedChallenge(challenge, row["external_user_id"]))
    return listed
