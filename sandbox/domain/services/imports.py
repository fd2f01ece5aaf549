"""Import jobs: read by a client that polls, steered by a test."""

from __future__ import annotations

from sandbox.domain import imports
from sandbox.domain.imports import ImportJob, ImportPage, Outcome, Speed
from sandbox.domain.tenants import Tenant
from sandbox.store.database import Database


class Imports:
    def __init__(self, db: Database) -> None:
        self._db = db

    # Write transactions: a read of an unfinished job is a poll that moves it on, unless it
    # is only a look (`moving=False`: an HTTP HEAD).

    def get(self, tenant: Tenant, import_id: int, *, moving: bool = True) -> ImportJob:
        with self._db.begin() as conn:
            return imports.poll(conn, tenant, import_id, moving=moving)

    def of_bank_login(
        self,
        tenant: Tenant,
        bank_login_id: int,
        *,
        before: int | None,
        limit: int,
        moving: bool = True,
    ) -> ImportPage:
        """The bank login's jobs, newest first, a page at a time."""
        with self._db.begin() as conn:
            return imports.poll_of_login(conn, tenant, bank_login_id, before, limit, moving=moving)

    def steer(
        self,
        tenant: Tenant,
        import_id: int,
        *,
        speed: Speed | None = None,
        outcome: Outcome | None = None,
        message: str | None = None,
    ) -> ImportJob:
        """Make an unfinished job instant or slow, or choose how it ends (a test's call)."""
        with self._db.begin() as conn:
            return imports.steer(
                conn, tenant, import_id, speed=speed, outcome=outcome, message=message
            )
