"""The bank's limit on unattended syncs: `syncs_per_day` API refreshes per 24 hours of the
tenant's virtual time (PSD2 caps access without the user at four a day). Syncs during a user's
session in the hosted UI, and syncs the control API runs, are not counted.

Counted from the login's `sync_attempts` rows marked unattended, so the limit holds across
server processes with no counter to keep.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.engine import Connection

from sandbox.domain.states import LoginState
from sandbox.errors import SandboxError
from sandbox.scenario.model import Bank
from sandbox.store import bank_logins as rows

WINDOW = timedelta(hours=24)


class RateLimited(SandboxError):
    """An unattended sync over the bank's daily count. `retry_at` is when the next one is
    allowed (None: the bank allows no unattended sync at all)."""

    code = "rate_limited"

    def __init__(self, bank: Bank, retry_at: datetime | None, now: datetime) -> None:
        if retry_at is None:
            message = f"{bank.name} allows no sync without the user"
        else:
            message = (
                f"{bank.name} allows {bank.syncs_per_day} syncs without the user per 24 hours;"
                f" the next is allowed at {retry_at.isoformat()}"
            )
        super().__init__(
            message,
            details={
                "state": LoginState.RATE_LIMITED.value,
                "next_sync_at": None if retry_at is None else retry_at.isoformat(),
            },
        )
        self.retry_at, self.now = retry_at, now


def check_unattended(conn: Connection, bank: Bank, bank_login_id: int, now: datetime) -> None:
    """Passes when an unattended sync is allowed now; otherwise RateLimited says when it is."""
    if bank.syncs_per_day == 0:
        raise RateLimited(bank, None, now)
    recent = rows.unattended_sync_times(conn, bank_login_id, now - WINDOW)
    if len(recent) < bank.syncs_per_day:
        return
    # Allowed again once enough of the recent syncs have left the window.
    raise RateLimited(bank, recent[len(recent) - bank.syncs_per_day] + WINDOW, now)
