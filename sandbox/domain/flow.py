"""A hosted-UI session's flow: the step it is at and what it has gathered (its `Progress`), read
and moved on inside one transaction (as the connect platform documents it).

The steps live by where the user is: `connect.py` (the platform's own pages), `bank_site.py`
(the bank's login and approval pages and its app) and `manage.py` (the management list). What
they share is here: loading the flow, moving it on along the steps' table (`progress.py`),
failing it, and ending it with a neutral outcome for the client (`outcome.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from sandbox.domain import sca
from sandbox.domain.connections import bank_of
from sandbox.domain.errors import WrongStep
from sandbox.domain.outcome import Exit, Outcome
from sandbox.domain.progress import FlowError, Progress, Step, moved
from sandbox.domain.records import Challenge, ConnectSession, User
from sandbox.domain.sessions import (
    client_exit,
    mark_used,
    open_session,
    save_progress,
    usable_session,
)
from sandbox.domain.states import ScaStatus
from sandbox.domain.tenants import Tenant
from sandbox.scenario.model import Bank
from sandbox.store import users as user_rows
from sandbox.store.database import Database


@dataclass(frozen=True)
class Flow:
    tenant: Tenant
    session: ConnectSession

    @property
    def progress(self) -> Progress:
        return self.session.progress

    @property
    def bank(self) -> Bank | None:
        bank_id = self.progress.bank_id
        return bank_of(self.tenant, bank_id) if bank_id else None

    @property
    def login_hint(self) -> str | None:
        """The login the login form starts with: the one a renewal must be done with, else the
        one the client filled in for this bank (`logins` option: bank id → login)."""
        if self.progress.renew_login is not None:
            return self.progress.renew_login
        bank_id = self.progress.bank_id
        return (self.session.options.get("logins") or {}).get(bank_id) if bank_id else None

    @property
    def history_days(self) -> int:
        """The days of history the flow asks the user to share: what a history extension asks
        for, else the bank's default."""
        bank = self.bank
        assert bank is not None
        return self.progress.history_days or bank.history_days


Check = Callable[[Flow], object]
"""What a face verifies on the flow a form was posted to (its CSRF token) before the step moves
it on: run by `at` on the session it reads, so a post reads its session once."""


def load(db: Database, session_id: str) -> Flow:
    tenant, session = open_session(db, session_id)
    return Flow(tenant, session)


@contextmanager
def at(
    db: Database, session_id: str, *steps: Step, check: Check | None = None
) -> Iterator[tuple[Connection, Flow]]:
    """The flow in a transaction, once `check` accepts it and if it is at one of `steps` (any
    step when none is named). The session is read inside the transaction, so no other request
    moves it on in between."""
    with db.begin() as conn:
        flow = Flow(*usable_session(conn, session_id))
        if check is not None:
            check(flow)
        if steps and flow.progress.step not in steps:
            raise WrongStep(f"the flow is at {flow.progress.step.value!r}")
        yield conn, flow


@contextmanager
def looked_at(
    db: Database, session_id: str, seen: Flow | None = None
) -> Iterator[tuple[Connection, Flow]]:
    """The flow in a read transaction, for a look that changes nothing; `seen`, the flow as
    the caller has just read it, is taken as it is rather than read again."""
    with db.connect() as conn:
        yield conn, seen if seen is not None else Flow(*usable_session(conn, session_id))


def _saved(conn: Connection, flow: Flow, progress: Progress) -> Flow:
    return Flow(flow.tenant, save_progress(conn, flow.session, progress))


def advance(conn: Connection, flow: Flow, **changes: Any) -> Flow:
    """The flow with `changes` to its progress (`Progress` fields), a step only along the
    steps' table."""
    return _saved(conn, flow, moved(flow.progress, **changes))


def fresh(conn: Connection, flow: Flow, step: Step) -> Flow:
    """The flow at `step` with nothing of an earlier connection or renewal left over."""
    return _saved(conn, flow, moved(flow.progress.cleared(), step=step))


def fail(conn: Connection, flow: Flow, code: str, message: str) -> Flow:
    return advance(conn, flow, step=Step.FAILED, error=FlowError(code, message))


def session_user(conn: Connection, flow: Flow) -> User:
    row = user_rows.user_by_id(conn, flow.tenant.id, flow.session.user_id)
    assert row is not None
    return User.from_row(row)


# --- SCA outcomes ---------------------------------------------------------------------------------

SCA_FAILURES = {
    ScaStatus.REJECTED: "The authentication was rejected at the bank.",
    ScaStatus.FAILED: "Too many wrong codes: the authentication failed.",
    ScaStatus.EXPIRED: "The authentication took too long and expired.",
}


def current_challenge(conn: Connection, flow: Flow) -> Challenge | None:
    challenge_id = flow.progress.challenge_id
    if challenge_id is None:
        return None
    return sca.read_challenge(conn, flow.tenant, challenge_id)


def after_sca(conn: Connection, flow: Flow, challenge: Challenge) -> Flow:
    """On to the consent once the challenge is approved (for a history extension, to its own
    short confirmation, `history`); failed once it is decided otherwise."""
    if challenge.status is ScaStatus.APPROVED:
        extending = flow.progress.extend_login_id is not None
        return advance(conn, flow, step=Step.HISTORY if extending else Step.CONSENT)
    if challenge.status in SCA_FAILURES:
        return fail(conn, flow, f"sca_{challenge.status.value}", SCA_FAILURES[challenge.status])
    return flow


# --- Back to the client ---------------------------------------------------------------------------


def end(conn: Connection, flow: Flow, outcome: Outcome) -> Exit:
    """Uses the session up and gives the way back to the client with `outcome`."""
    mark_used(conn, flow.tenant, flow.session)
    return client_exit(flow.tenant, flow.session, outcome)


def send_back(conn: Connection, flow: Flow) -> Exit:
    """Ends the session with the flow's outcome as it stands: the error after a failure, success
    with every bank login connected (and removed) from the management list, cancelled from
    anywhere else."""
    progress = flow.progress
    if progress.step is Step.FAILED:
        assert progress.error is not None
        return end(conn, flow, Outcome.failure(progress.error))
    if progress.step is Step.MANAGE:
        return end(
            conn,
            flow,
            Outcome.success(
                progress.bank_login_ids, listed=True, deleted=progress.deleted_login_ids
            ),
        )
    return end(conn, flow, Outcome.cancelled())
