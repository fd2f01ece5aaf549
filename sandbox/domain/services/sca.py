"""SCA challenges as a test sees and decides them, whichever face started them."""

from __future__ import annotations

from sandbox.domain import sca
from sandbox.domain.records import Challenge
from sandbox.domain.sca import ListedChallenge
from sandbox.domain.states import ScaStatus
from sandbox.domain.tenants import Tenant
from sandbox.store.database import Database


class ScaChallenges:
    def __init__(self, db: Database) -> None:
        self._db = db

    def list(self, tenant: Tenant, status: ScaStatus | None = None) -> list[ListedChallenge]:
        # A write transaction: a status the clock decided is saved on the way, as any read does.
        with self._db.begin() as conn:
            return sca.list_challenges(conn, tenant, status)

    def decide(self, tenant: Tenant, challenge_id: int, *, approve: bool) -> Challenge:
        """Approve or reject a pending decoupled (or redirect) SCA on the user's behalf."""
        with self._db.begin() as conn:
            challenge = sca.read_challenge(conn, tenant, challenge_id)
            return sca.decide(conn, tenant, challenge, approve)
