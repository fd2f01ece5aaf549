"""Consent expiry announcements: `consent.expiring` seven days before, `consent.expired` after.

Expiry itself is lazy (a login whose consent is past reads `sca_required` with no timer having
run, see bank_logins.py); only telling the tenant must happen by itself, because a webhook has
to leave the process. So the delivery worker calls `watch` every few seconds, and the control
API calls it for a tenant right after moving its clock, which makes the events appear as soon
as a test travels past them.

Each consent is announced once: a conditional update on the consent row claims the
announcement in the transaction that emits it, so restarts and several server processes never
announce twice. A clock that jumps past the expiry in one go announces `consent.expired` only
(an "expiring" notice about a consent already over would mislead). Only a login's current
consent is watched: a renewed login's older consent expires unannounced.

One consent that cannot be announced (its tenant's stored clock unreadable, say) is logged and
passed over: it must not keep every other tenant's notices from being sent.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy.engine import Connection

from sandbox.clock import Clock, system_now
from sandbox.domain import events
from sandbox.domain.bank_logins import find_bank_login
from sandbox.domain.events import Event, LoginRef
from sandbox.domain.records import over_at
from sandbox.domain.tenants import Tenant, get_tenant
from sandbox.errors import NotFound
from sandbox.store import bank_logins as rows
from sandbox.store.database import Database

EXPIRY_NOTICE = timedelta(days=7)

# Under the delivery worker's logger, so its lines go where the worker's go.
log = logging.getLogger("sandbox.webhooks.consents")


def _now(row: Any, real: datetime) -> datetime:
    offset = timedelta(microseconds=row["clock_offset_us"])
    return Clock(offset=offset, frozen_at=row["clock_frozen_at"]).now(real)


def _due(row: Any, real: datetime) -> str | None:
    """Which announcement the consent is due for at its tenant's now, if any."""
    now = _now(row, real)
    if over_at(row["expires_at"], now):
        return "expired"
    if now >= row["expires_at"] - EXPIRY_NOTICE and row["expiring_announced_at"] is None:
        return "expiring"
    return None


def watch(db: Database, tenant_id: str | None = None) -> list[Event]:
    """Announce every consent (of one tenant, or of all) that has come within seven days of
    its expiry or is past it, once each; returns the events emitted."""
    real = system_now()
    with db.connect() as conn:
        candidates = rows.consents_to_announce(conn, tenant_id)
    emitted: list[Event] = []
    tenants: dict[str, Tenant] = {}
    for row in candidates:
        try:
            event = _watch_one(db, row, real, tenants)
        except Exception as error:
            _log_failure(row, error)
            continue
        if event is not None:
            emitted.append(event)
    return emitted


def _watch_one(db: Database, row: Any, real: datetime, tenants: dict[str, Tenant]) -> Event | None:
    """Announce one consent if it is due; `tenants` caches the tenants read so far."""
    kind = _due(row, real)
    if kind is None:
        return None
    if row["tenant_id"] not in tenants:
        try:
            tenants[row["tenant_id"]] = get_tenant(db, row["tenant_id"])
        except NotFound:  # deleted since the query: nothing left to announce
            return None
    with db.begin() as conn:
        return _announce(conn, tenants[row["tenant_id"]], row, kind)


def _log_failure(row: Any, error: Exception) -> None:
    line = {
        "at": system_now().isoformat(timespec="milliseconds"),
        "consent_watch_error": f"{type(error).__name__}: {error}"[:300],
        "tenant_id": row["tenant_id"],
        "bank_login_id": row["bank_login_id"],
    }
    log.warning(orjson.dumps(line).decode())


def _announce(conn: Connection, tenant: Tenant, row: Any, kind: str) -> Event | None:
    now = tenant.now()
    login = LoginRef(row["external_user_id"], row["bank_login_id"], row["bank_id"])
    granted_at, expires_at = row["granted_at"], row["expires_at"]
    if kind == "expiring":
        if not rows.mark_announced(conn, row["id"], "expiring_announced_at", now):
            return None  # another process announced it first
        return events.consent_expiring(conn, tenant, login, granted_at, expires_at)
    if not rows.mark_announced(conn, row["id"], "expired_announced_at", now):
        return None
    # The "expiring" notice is not sent any more: it would arrive after the expiry.
    rows.mark_announced(conn, row["id"], "expiring_announced_at", now)
    state = find_bank_login(conn, tenant, row["bank_login_id"]).state.value
    return events.consent_expired(conn, tenant, login, granted_at, expires_at, state)
