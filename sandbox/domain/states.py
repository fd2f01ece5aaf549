"""Provider-neutral state names. Each face maps them to its own words in one table."""

from __future__ import annotations

from enum import StrEnum


class LoginState(StrEnum):
    """Where a bank login stands, as the native API shows it."""

    CONNECTED = "connected"
    SCA_REQUIRED = "sca_required"
    WEBAUTH_REQUIRED = "webauth_required"
    DECOUPLED_PENDING = "decoupled_pending"
    WRONG_CREDENTIALS = "wrong_credentials"
    ACTION_NEEDED = "action_needed"
    PASSWORD_EXPIRED = "password_expired"
    RATE_LIMITED = "rate_limited"
    BANK_UNAVAILABLE = "bank_unavailable"
    ERROR = "error"


# States the user must act on (log in again, pass SCA or approve it, visit the bank); the
# others pass.
NEEDS_USER = {
    LoginState.SCA_REQUIRED,
    LoginState.WEBAUTH_REQUIRED,
    LoginState.DECOUPLED_PENDING,
    LoginState.WRONG_CREDENTIALS,
    LoginState.ACTION_NEEDED,
    LoginState.PASSWORD_EXPIRED,
}


class ScaStatus(StrEnum):
    """One SCA challenge: `started` waits for a method choice, `pending` for the code or the
    approval; the rest are final."""

    STARTED = "started"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    FAILED = "failed"
    EXPIRED = "expired"


FINAL_SCA = {ScaStatus.APPROVED, ScaStatus.REJECTED, ScaStatus.FAILED, ScaStatus.EXPIRED}
