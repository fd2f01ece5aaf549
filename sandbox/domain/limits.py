"""The bank's limit on unattended syncs: `syncs_per_day` API refreshes per 24 hours of the
tenant's virtual time (PSD2 caps access without the user at four a day). Syncs during a user's
session in the hosted UI, and syncs the control API runs, are not counted.

Counted from the login's `sync_attempts` rows marked unattended, so the limit holds across
server processes with no counter to keep.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.engine import Connection

from sandbox.domain.errors import RateLimited
from sandbox.scenario.model import Bank
from sandbox.store import bank_logins as rows

WINDOW = timedelta(hours=24)


def check_unattended(conn: Connection, bank: Bank, bank_login_id: int, now: datetime) -> None:
    """Passes when an unattended sync is allowed now; otherwise RateLimited says when it is."""
    if bank.syncs_per_day == 0:
        raise RateLimited(bank.name, bank.syncs_per_day, None, now)
    recent = rows.unattended_sync_times(conn, bank_login_id, now - WINDOW)
    if len(recent) < bank.syncs_per_day:
        return
    # Allowed again once enough of the recent syncs have left the window.
    raise RateLimited(
        bank.name, bank.syncs_per_day, recent[len(recent) - bank.syncs_per_day] + WINDOW, now
    )
