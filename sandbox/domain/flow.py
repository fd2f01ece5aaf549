"""A hosted-UI session's flow: the step it is at and what it has gathered (`progress`), read and
moved on inside one transaction (as the connect platform documents it).

The steps live by where the user is: `connect.py` (the platform's own pages), `bank_site.py`
(the bank's login and approval pages and its app) and `manage.py` (the management list). What
they share is here: loading the flow, moving it on, failing it, and sending the user back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.engine import Connection

from sandbox.domain import sca
from sandbox.domain.connections import bank_of
from sandbox.domain.errors import WrongStep
from sandbox.domain.records import Challenge, ConnectSession, User
from sandbox.domain.sessions import (
    client_redirect,
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
    def step(self) -> str:
        return self.session.progress["step"]

    @property
    def bank(self) -> Bank | None:
        bank_id = self.session.progress.get("bank_id")
        return bank_of(self.tenant, bank_id) if bank_id else None


Check = Callable[[Flow], object]
"""What a face verifies on the flow a form was posted to (its CSRF token) before the step moves
it on: run by `at` on the session it reads, so a post reads its session once."""


def load(db: Database, session_id: str) -> Flow:
    tenant, session = open_session(db, session_id)
    return Flow(tenant, session)


@contextmanager
def at(
    db: Database, session_id: str, *steps: str, check: Check | None = None
) -> Iterator[tuple[Connection, Flow]]:
    """The flow in a transaction, once `check` accepts it and if it is at one of `steps` (any
    step when none is named). The session is read inside the transaction, so no other request
    moves it on in between."""
    with db.begin() as conn:
        flow = Flow(*usable_session(conn, session_id))
        if check is not None:
            check(flow)
        if steps and flow.step not in steps:
            raise WrongStep(f"the flow is at {flow.step!r}")
        yield conn, flow


def advance(conn: Connection, flow: Flow, **progress: object) -> Flow:
    return Flow(flow.tenant, save_progress(conn, flow.session, **progress))


def fresh(conn: Connection, flow: Flow, step: str) -> Flow:
    """The flow at `step` with nothing of an earlier connection or renewal left over."""
    return advance(
        conn, flow, step=step, bank_id=None, account_type=None, renew_login_id=None,
        renew_login=None, persona_login=None, challenge_id=None, error=None,
        extend_login_id=None, history_days=None, connected_login_id=None,
    )  # fmt: skip


def fail(conn: Connection, flow: Flow, code: str, message: str) -> Flow:
    return advance(conn, flow, step="failed", error={"code": code, "message": message})


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
    challenge_id = flow.session.progress.get("challenge_id")
    if challenge_id is None:
        return None
    return sca.read_challenge(conn, flow.tenant, challenge_id)


def after_sca(conn: Connection, flow: Flow, challenge: Challenge) -> Flow:
    """On to the consent once the challenge is approved (for a history extension, to its own
    short confirmation, `history`); failed once it is decided otherwise."""
    if challenge.status is ScaStatus.APPROVED:
        extending = flow.session.progress.get("extend_login_id") is not None
        return advance(conn, flow, step="history" if extending else "consent")
    if challenge.status in SCA_FAILURES:
        return fail(conn, flow, f"sca_{challenge.status.value}", SCA_FAILURES[challenge.status])
    return flow


# --- Back to the client ---------------------------------------------------------------------------


def send_back(conn: Connection, flow: Flow) -> str:
    """Ends the session and gives the client redirect with the flow's outcome: `error` after a
    failure, `success` from the management list, `cancelled` from anywhere else."""
    progress = flow.session.progress
    if flow.step == "failed":
        error = progress["error"]
        params = {
            "status": "error",
            "error": error["code"],
            "error_description": error["message"],
        }
    elif flow.step == "manage":
        ids = [str(i) for i in progress.get("bank_login_ids", [])]
        params = {"status": "success", "session_id": flow.session.id}
        if ids:
            params["bank_login_id"] = ids[-1]
            params["bank_login_ids"] = ",".join(ids)
    else:
        params = {"status": "cancelled", "session_id": flow.session.id}
    mark_used(conn, flow.tenant, flow.session)
    return client_redirect(flow.tenant, flow.session, **params)
