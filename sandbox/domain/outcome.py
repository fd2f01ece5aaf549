"""How a connect flow ends, in no face's words (DESIGN rule 6: the domain stores neutral flow
outcomes; each face has a callback renderer).

When a flow ends (a connection made, the user leaving or cancelling, a failure, a link that is
over), the domain hands back an `Exit`: the outcome, and what the way back to the client needs,
its redirect URI (checked still registered), its `state`, the face that opened the flow, and
whose flow it was and of what kind (a face may answer each kind in its own words, and hand the
client a credential for a user the flow made). The domain never builds the callback URL: the
web face, which performs the redirect, asks the face that opened the flow to spell it
(`sandbox/faces/callbacks.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sandbox.domain.progress import FlowError


class FlowKind(StrEnum):
    """What a flow was for."""

    CONNECT = "connect"  # connect a bank (several, with `multiple`)
    RENEWAL = "renewal"  # a new consent for one bank login
    HISTORY = "history"  # a deeper history for one bank login
    MANAGEMENT = "management"  # the list of the user's bank logins


class OutcomeKind(StrEnum):
    SUCCESS = "success"
    ERROR = "error"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Outcome:
    """`bank_login_ids`: on success, the bank logins connected (or renewed, or extended),
    oldest first. `listed`: the user ended at the management list, where several may have been
    connected, rather than right after one connection. `deleted_bank_login_ids`: the bank logins
    the user removed at the management list, in the order removed. `error`: why the flow
    failed."""

    kind: OutcomeKind
    bank_login_ids: tuple[int, ...] = ()
    listed: bool = False
    error: FlowError | None = None
    deleted_bank_login_ids: tuple[int, ...] = ()

    @classmethod
    def success(
        cls,
        bank_login_ids: tuple[int, ...],
        *,
        listed: bool = False,
        deleted: tuple[int, ...] = (),
    ) -> Outcome:
        return cls(OutcomeKind.SUCCESS, bank_login_ids, listed, deleted_bank_login_ids=deleted)

    @classmethod
    def failure(cls, error: FlowError) -> Outcome:
        return cls(OutcomeKind.ERROR, error=error)

    @classmethod
    def cancelled(cls) -> Outcome:
        return cls(OutcomeKind.CANCELLED)


@dataclass(frozen=True)
class Exit:
    """A finished flow on its way back to the client. `new_user`: the flow was opened for a
    user it made (the client has no other way to name that user yet)."""

    session_id: str
    redirect_uri: str
    state: str | None
    face: str | None  # None: opened before flows remembered their face
    outcome: Outcome
    tenant_id: str
    user_id: int
    kind: FlowKind
    new_user: bool = False
