"""Import jobs (DESIGN rule 8): every sync is recorded as a job, `setup → in_progress →
successful | error | fatal`, for faces whose clients poll (Kontomatik's commands, Powens'
`background=true`).

The data is imported at once, in the sync's own transaction, as the native API always did; the
job records what came in (or the bank's refusal) and how its *visible* progress unfolds. That is
computed when the job is read (DESIGN rule 3) from two counts that only grow:
- reads: each read of an unfinished job through the data API is a poll and moves it one step;
- virtual time: every `STEP` of the tenant's clock since the job began is a step too.
A job of `polls` steps shows `setup` (progress 0) to its first read, `in_progress` (steps/polls)
to the next ones and its end once `polls` steps are done: after a few polls even while the
tenant's clock is frozen, and by itself once the clock passes `ready_at`. Like a real provider's
poll, a failure is seen only at the end, and a finished job never changes again.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Literal

from sqlalchemy.engine import Connection

from sandbox.domain.bank_logins import find_bank_login
from sandbox.domain.errors import BankRefusal, Conflict, NotFound, SandboxError
from sandbox.domain.records import BankLogin
from sandbox.domain.sync import SyncResult
from sandbox.domain.tenants import Tenant
from sandbox.scenario.model import Bank
from sandbox.store import imports as rows


class ImportKind(StrEnum):
    """What started the sync."""

    CONNECT = "connect"
    REFRESH = "refresh"
    RENEW = "renew"
    EXTEND_HISTORY = "extend_history"
    CONTROL = "control"
    SESSION = "session"  # an import a client asked for in a signed-in bank session


class ImportStatus(StrEnum):
    SETUP = "setup"
    IN_PROGRESS = "in_progress"
    SUCCESSFUL = "successful"
    ERROR = "error"  # a known failure: the bank refused (the bank login's state says why)
    FATAL = "fatal"  # an unexpected one: only ever forced by a test


FINISHED = frozenset({ImportStatus.SUCCESSFUL, ImportStatus.ERROR, ImportStatus.FATAL})

# Where a job's status may go between two reads: forward only, and never off an end.
MOVES: dict[ImportStatus, frozenset[ImportStatus]] = {
    ImportStatus.SETUP: frozenset(ImportStatus),
    ImportStatus.IN_PROGRESS: frozenset(ImportStatus) - {ImportStatus.SETUP},
    **{end: frozenset({end}) for end in FINISHED},
}

# The bank's `import_speed` (or a control call's `speed`): how many reads see a job unfinished.
Speed = Literal["instant", "normal", "slow"]
POLLS: dict[str, int] = {"instant": 0, "normal": 3, "slow": 10}
STEP = timedelta(seconds=2)  # the virtual time a step takes, as Kontomatik's poll interval

# The end a test forces on a job (the bank's `import_outcome`, or a control call's `outcome`).
Outcome = Literal["error", "fatal", "partial"]
_FORCED = {
    "error": ("import_failed", "The import failed at the bank."),
    "fatal": ("import_fatal", "The import failed unexpectedly."),
}
PARTIAL_CODE = "partial_import"
_PARTIAL = "Some accounts could not be imported completely: the bank took too long to answer."


@dataclass(frozen=True)
class Problem:
    """An error a job ended with, or the warning of a partial import."""

    code: str
    message: str
    details: Any = None


@dataclass(frozen=True)
class ImportJob:
    """A job as it reads now. What it imported, and how it ended, shows once it is finished."""

    id: int
    bank_login_id: int
    external_user_id: str
    kind: ImportKind
    status: ImportStatus
    progress: float
    created_at: datetime
    finished_at: datetime | None
    new_accounts: int | None
    new_transactions: int | None
    deleted_accounts: int | None
    partial: bool
    warning: Problem | None
    error: Problem | None
    # A session's import: the session, and what it asked for (`bank_sessions.Scope` as stored).
    bank_session_id: int | None = None
    scope: dict[str, Any] | None = None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


@dataclass(frozen=True)
class ImportPage:
    jobs: list[ImportJob]
    next: int | None  # the id to read older jobs from, when there are more


# --- Recording ------------------------------------------------------------------------------------


def record(
    conn: Connection,
    tenant: Tenant,
    *,
    bank_login_id: int,
    user_id: int,
    bank: Bank,
    kind: ImportKind,
    result: SyncResult | None = None,
    refusal: SandboxError | None = None,
    bank_session_id: int | None = None,
    scope: dict[str, Any] | None = None,
    instant: bool = False,
) -> int:
    """The job of a sync that just ran: `result` when it imported, `refusal` when the bank said
    no. The bank's `import_speed` paces it; its `import_outcome` ends a sync that succeeded.
    `instant`: a job that imported nothing and is over at once (a session's sign-out)."""
    now = tenant.now()
    polls = 0 if instant else POLLS[bank.import_speed]
    if instant:
        ending = _ending(None)
    else:
        ending = _ending(bank.import_outcome) if refusal is None else _failure(refusal)
    done = result or SyncResult(0, 0, 0)
    return rows.insert_job(
        conn,
        tenant_id=tenant.id,
        bank_login_id=bank_login_id,
        user_id=user_id,
        kind=kind.value,
        bank_session_id=bank_session_id,
        scope=scope,
        status=ending["outcome"] if polls == 0 else ImportStatus.SETUP.value,
        polls=polls,
        reads=0,
        new_accounts=done.new_accounts,
        new_transactions=done.new_transactions,
        deleted_accounts=done.deleted_accounts,
        created_at=now,
        ready_at=now + polls * STEP,
        finished_at=now if polls == 0 else None,
        **ending,
    )


def recorded(
    conn: Connection,
    tenant: Tenant,
    login: BankLogin,
    bank: Bank,
    kind: ImportKind,
    sync: Callable[[], SyncResult],
) -> SyncResult:
    """Run a sync of an existing bank login and record its job: what it imported, or the
    bank's refusal, which is then raised on (a caller that commits it keeps the job too)."""
    owner = {"bank_login_id": login.id, "user_id": login.user_id, "bank": bank, "kind": kind}
    try:
        result = sync()
    except BankRefusal as refusal:
        record(conn, tenant, **owner, refusal=refusal)
        raise
    record(conn, tenant, **owner, result=result)
    return result


def _ending(outcome: str | None, message: str | None = None) -> dict[str, Any]:
    """The columns of how a job whose sync succeeded ends, a forced `outcome` applied."""
    ending: dict[str, Any] = {
        "outcome": ImportStatus.SUCCESSFUL.value,
        "partial": False,
        "warning": None,
        "error_code": None,
        "error_message": None,
        "error_details": None,
    }
    if outcome == "partial":
        ending |= {"partial": True, "warning": message or _PARTIAL}
    elif outcome is not None:
        code, default = _FORCED[outcome]
        ending |= {"outcome": outcome, "error_code": code, "error_message": message or default}
    return ending


def _failure(refusal: SandboxError) -> dict[str, Any]:
    """A refused sync ends in `error` with the refusal's neutral code, message and details."""
    return _ending(None) | {
        "outcome": ImportStatus.ERROR.value,
        "error_code": refusal.code,
        "error_message": refusal.message,
        "error_details": refusal.details,
    }


# --- Reading --------------------------------------------------------------------------------------


def poll(conn: Connection, tenant: Tenant, job_id: int, *, moving: bool = True) -> ImportJob:
    """The job as it reads now, moved a step on if unfinished; `moving=False` for a look that
    is no poll (the answer to the call that started it, an HTTP HEAD), which shows the job as
    it is."""
    return _look(conn, tenant, _row(conn, tenant, job_id), as_poll=moving)


def poll_of_login(
    conn: Connection,
    tenant: Tenant,
    bank_login_id: int,
    before: int | None,
    limit: int,
    *,
    moving: bool = True,
) -> ImportPage:
    """Up to `limit` of the bank login's jobs, newest first, older than the job `before`; each
    read is a poll (unless `moving=False`, as `poll`). An unknown bank login is NotFound."""
    find_bank_login(conn, tenant, bank_login_id)
    found = rows.jobs_of_login(conn, tenant.id, bank_login_id, before, limit + 1)
    jobs = [_look(conn, tenant, row, as_poll=moving) for row in found[:limit]]
    return ImportPage(jobs, jobs[-1].id if len(found) > limit else None)


def _look(conn: Connection, tenant: Tenant, row: Any, *, as_poll: bool) -> ImportJob:
    """The job as it reads now. A poll of an unfinished job moves it one step on; what a read
    shows is saved, so no later read shows less."""
    now = tenant.now()
    steps, polls = _steps(row, now), row["polls"]
    if row["finished_at"] is None and steps < polls:
        status = ImportStatus.SETUP if steps == 0 else ImportStatus.IN_PROGRESS
        if as_poll:
            rows.update_job(conn, row["id"], reads=steps + 1, status=status.value)
        return _job(row, status, round(steps / polls, 2), None, shown=False)
    finished_at = row["finished_at"] or min(now, row["ready_at"])
    status = ImportStatus(row["outcome"])
    if row["finished_at"] is None:
        rows.update_job(conn, row["id"], status=status.value, finished_at=finished_at)
    return _job(row, status, 1.0, finished_at, shown=True)


def _steps(row: Any, now: datetime) -> int:
    """The steps a job has made: one per poll, or one per `STEP` of the clock if more."""
    if not row["polls"]:
        return row["reads"]
    return max(row["reads"], (now - row["created_at"]) // STEP)


def _row(conn: Connection, tenant: Tenant, job_id: int) -> Any:
    row = rows.job_by_id(conn, tenant.id, job_id)
    if row is None:
        raise NotFound(f"no import job {job_id}", details={"import_id": job_id})
    return row


def _job(
    row: Any, status: ImportStatus, progress: float, finished_at: datetime | None, *, shown: bool
) -> ImportJob:
    """`shown`: the job is finished, so what it imported and how it ended are shown."""
    error = warning = None
    if shown and row["error_code"] is not None:
        error = Problem(row["error_code"], row["error_message"], row["error_details"])
    if shown and row["partial"]:
        warning = Problem(PARTIAL_CODE, row["warning"])
    return ImportJob(
        id=row["id"],
        bank_login_id=row["bank_login_id"],
        external_user_id=row["external_user_id"],
        kind=ImportKind(row["kind"]),
        status=status,
        progress=progress,
        created_at=row["created_at"],
        finished_at=finished_at,
        new_accounts=row["new_accounts"] if shown else None,
        new_transactions=row["new_transactions"] if shown else None,
        deleted_accounts=row["deleted_accounts"] if shown else None,
        partial=shown and bool(row["partial"]),
        warning=warning,
        error=error,
        bank_session_id=row["bank_session_id"],
        scope=row["scope"],
    )


# --- What a test steers ---------------------------------------------------------------------------


def steer(
    conn: Connection,
    tenant: Tenant,
    job_id: int,
    *,
    speed: Speed | None = None,
    outcome: Outcome | None = None,
    message: str | None = None,
) -> ImportJob:
    """Re-pace an unfinished job, keeping the progress it shows (`instant` ends it now), or
    choose how it ends; this read is not a poll. A finished job never changes: Conflict."""
    row = _row(conn, tenant, job_id)
    current = _look(conn, tenant, row, as_poll=False)
    if current.finished:
        raise Conflict(
            f"import job {job_id} is already {current.status.value}: a finished job never changes",
            details={"import_id": job_id, "status": current.status.value},
        )
    changes: dict[str, Any] = {}
    if outcome is not None:
        changes |= _ending(outcome, message)
    if speed is not None:
        polls = POLLS[speed]
        reads = math.ceil(_steps(row, tenant.now()) * polls / row["polls"])
        changes |= {"polls": polls, "reads": reads, "ready_at": row["created_at"] + polls * STEP}
    if changes:
        rows.update_job(conn, job_id, **changes)
    return _look(conn, tenant, {**row, **changes}, as_poll=False)
