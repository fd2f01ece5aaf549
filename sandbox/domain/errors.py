"""Every error the platform raises on purpose, in one place.

Each carries a neutral, stable `code` and `details` a caller can act on; it never names an HTTP
status or a provider's word. Each face maps these classes to its own wire format in one table
(`sandbox/faces/*/errors.py`), so a new face reads this module and nothing else to learn what can
go wrong. The base classes live in `sandbox/errors.py` because the store and the clock, below
the domain, raise them too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from sandbox.clock import ClockError, ClockOutOfRange
from sandbox.domain.states import LoginState
from sandbox.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    SandboxError,
    TooLarge,
    Unauthorized,
    Unavailable,
)

if TYPE_CHECKING:
    from sandbox.domain.records import BankLogin

__all__ = [
    "AlreadyConnected",
    "BadCredentials",
    "BadFilter",
    "BankRefusal",
    "ClockError",
    "ClockOutOfRange",
    "Conflict",
    "Forbidden",
    "InvalidInput",
    "IpNotAllowed",
    "LoginNotUsable",
    "NotFound",
    "RateLimited",
    "SandboxError",
    "SessionGone",
    "TooLarge",
    "TooManyEndpoints",
    "TransitionRefused",
    "Unauthorized",
    "Unavailable",
    "UnknownBank",
    "UnknownEvent",
    "UnknownFormat",
    "WrongStep",
]


class BadCredentials(Unauthorized):
    """Credentials were sent but belong to no tenant."""

    code = "invalid_credentials"


class IpNotAllowed(Forbidden):
    """A tenant's credentials sent from an address outside its allowed IP ranges."""

    code = "ip_not_allowed"


class AlreadyConnected(Conflict):
    """The user has connected this persona at this bank already, for the same accounts: a
    second bank login would hold every one of them twice. Renewing the existing login is what
    gives the platform access again."""

    code = "already_connected"

    def __init__(self, bank_name: str, persona_login: str, bank_login_id: int) -> None:
        super().__init__(
            f"{persona_login!r} is already connected at {bank_name} for this user, as bank "
            f"login {bank_login_id}: renew that bank login instead of connecting it again",
            details={"bank_login_id": bank_login_id},
        )
        self.bank_login_id = bank_login_id


class UnknownBank(NotFound):
    """A bank id that the tenant's scenario does not have."""

    code = "unknown_bank"


class BankRefusal(SandboxError):
    """The bank said no; `state` is what the bank login reads afterwards."""

    code = "bank_refused"

    def __init__(
        self,
        state: LoginState,
        message: str,
        detail: str | None = None,
        until: datetime | None = None,
    ) -> None:
        super().__init__(message, details={"state": state.value, "detail": detail})
        self.state, self.detail, self.until = state, detail, until


class LoginNotUsable(SandboxError):
    """A sync was refused: the bank login is in a state the user must resolve first."""

    code = "bank_login_not_usable"

    def __init__(self, login: BankLogin) -> None:
        super().__init__(
            f"the bank login is {login.state.value}; the user must act before data flows",
            details={"state": login.state.value, "bank_login_id": login.id},
        )
        self.state = login.state


class RateLimited(SandboxError):
    """An unattended sync over the bank's daily count. `retry_at` is when the next one is
    allowed (None: the bank allows no unattended sync at all)."""

    code = "rate_limited"

    def __init__(
        self, bank_name: str, per_day: int, retry_at: datetime | None, now: datetime
    ) -> None:
        if retry_at is None:
            message = f"{bank_name} allows no sync without the user"
        else:
            message = (
                f"{bank_name} allows {per_day} syncs without the user per 24 hours;"
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


class SessionGone(SandboxError):
    """A connect flow's link is unknown, expired or already used."""

    code = "session_invalid"


class WrongStep(Conflict):
    """A form was posted for a step the flow is not at (a back button, a second tab): the face
    shows the current step instead."""

    code = "wrong_step"


class TransitionRefused(Conflict):
    """A bank login's state change that its lifecycle table does not allow
    (`sandbox/domain/lifecycle.py`): refused rather than stored."""

    code = "transition_not_allowed"

    def __init__(self, state: LoginState, event: str, target: LoginState | None) -> None:
        goal = "" if target is None else f" to {target.value}"
        super().__init__(
            f"a bank login that is {state.value} does not go{goal} on `{event}`",
            details={
                "state": state.value,
                "event": event,
                "target": None if target is None else target.value,
            },
        )


class UnknownEvent(InvalidInput):
    """An event name that is no event type; `field` is where it was given."""

    code = "unknown_event"

    def __init__(self, given: str, known: Iterable[str], field: str = "event") -> None:
        known = list(known)
        super().__init__(
            f"unknown event {given!r}; known: {', '.join(known)}",
            details=[{"field": field, "message": "unknown event", "known": known}],
        )


class UnknownFormat(InvalidInput):
    """A webhook format no face renders."""

    code = "unknown_format"

    def __init__(self, given: str, known: Iterable[str]) -> None:
        known = list(known)
        super().__init__(
            f"unknown webhook format {given!r}; known: {', '.join(known)}",
            details=[{"field": "format", "message": "unknown format", "known": known}],
        )


class TooManyEndpoints(Conflict):
    """The tenant has as many webhook endpoints as one may have."""

    code = "too_many_webhook_endpoints"

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"a tenant has at most {limit} webhook endpoints: delete one first",
            details={"limit": limit},
        )


class BadFilter(SandboxError):
    """A listing's filter that cannot be answered as asked (amounts compared across currencies
    with different decimal places); `details.parameter` names the filter."""

    code = "invalid_parameter"

    def __init__(self, parameter: str, problem: str, **details: object) -> None:
        super().__init__(
            f"`{parameter}` {problem}",
            details={"parameter": parameter, "message": problem, **details},
        )


class BankDataReadOnly(Forbidden):
    """Data retrieved from a bank is never changed by a client (regulatory requirements); only
    manually uploaded data is."""

    code = "bank_data_read_only"


class UnreadableStatement(InvalidInput):
    """An uploaded file that cannot be stored: every problem, each with where it is."""

    code = "invalid_statement"


class ModuleNotEnabled(Forbidden):
    code = "module_not_enabled"


class NoData(InvalidInput):
    """An analytics module has too little of the user's history to say anything."""

    code = "no_data"


# --- Signed-in bank sessions (domain/bank_sessions.py) ------------------------------------------


class SessionUnknown(NotFound):
    code = "session_unknown"


class SessionSignatureWrong(InvalidInput):
    code = "session_signature_wrong"


class SessionExpired(NotFound):
    code = "session_expired"


class SessionSignedOut(Conflict):
    """The session was signed out (by the client, or after its whole import)."""

    code = "session_signed_out"


class WholeImportDone(Conflict):
    code = "whole_import_done"


class ImportsMixed(Conflict):
    """A whole import after imports of parts, or the other way round."""

    code = "imports_mixed"


class AccessUnknown(NotFound):
    """No such standing access, or it was revoked or is over."""

    code = "access_unknown"


class AccessLimit(Conflict):
    """Too many imports through one standing access in a day."""

    code = "access_limit"


class AccessNotOffered(InvalidInput):
    """A standing access through a source that cannot hold one (a bank's website)."""

    code = "access_not_offered"


class UnknownLogin(InvalidInput):
    """No person of the scenario logs in with this login at the banks asked for."""

    code = "unknown_login"


class UnknownIban(InvalidInput):
    """An import asked for an account the session's bank login does not hold."""

    code = "unknown_iban"


class UnknownCard(InvalidInput):
    """An import asked for a card the session's bank login does not hold."""

    code = "unknown_card"


class SinceInFuture(InvalidInput):
    """An import asked for transactions from a day that has not come yet."""

    code = "since_in_future"
