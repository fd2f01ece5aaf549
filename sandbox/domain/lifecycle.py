"""A bank login's lifecycle: the events that change its state, and one table of what each event
may do (STYLE: a state machine is a table of allowed transitions plus one function that applies
them).

Every writer of a login's state goes through `apply`: a sync's outcome (`connections.py`), a
renewal, a state a test forces (`control.py`), and the transitions the clock makes when the state
is read (`bank_logins.py`: a consent past its end, a passing state past its `until`). A
transition the table does not allow is refused with TransitionRefused rather than stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sandbox.domain.errors import TransitionRefused
from sandbox.domain.states import NEEDS_USER, LoginState


class Event(StrEnum):
    SYNCED = "synced"  # a sync imported what the bank has
    REFUSED = "refused"  # the bank refused a sync: the state it names
    RATE_LIMITED = "rate_limited"  # over the bank's daily count of syncs without the user
    CONSENT_EXPIRED = "consent_expired"  # the clock passed the consent's end
    HOLD_LIFTED = "hold_lifted"  # the clock passed a passing state's `until`
    RENEWED = "renewed"  # the user passed SCA again and granted a new consent
    SCA_STARTED = "sca_started"  # the client asked for SCA through a data API (Powens)
    SCA_FAILED = "sca_failed"  # that SCA was rejected, failed or timed out
    FORCED = "forced"  # the control API set the state


ALL = frozenset(LoginState)

# Where a sync runs: the user need not act first (else LoginNotUsable, or the renewal that
# makes the login connected before its sync).
SYNCING = ALL - NEEDS_USER

# The states a bank refuses with (`fakebank.REFUSALS`, a wrong password, every source down, SCA
# asked on every sync).
BANK_REFUSALS = frozenset(
    {
        LoginState.WRONG_CREDENTIALS,
        LoginState.ERROR,
        LoginState.BANK_UNAVAILABLE,
        LoginState.PASSWORD_EXPIRED,
        LoginState.ACTION_NEEDED,
        LoginState.SCA_REQUIRED,
    }
)

# What a consent past its end reads: SCA again, in the browser where the bank authenticates there.
EXPIRED = frozenset({LoginState.SCA_REQUIRED, LoginState.WEBAUTH_REQUIRED})

CONNECTED = frozenset({LoginState.CONNECTED})

# Where a bank login waits while its user passes SCA through a data API: a code to type, an
# approval in the bank's app, or the bank's own page.
SCA_WAITING = frozenset(
    {LoginState.SCA_REQUIRED, LoginState.DECOUPLED_PENDING, LoginState.WEBAUTH_REQUIRED}
)

# A bank login is made connected (its user has just passed SCA and consented); its first sync
# may then be refused like any other.
NEW = LoginState.CONNECTED


@dataclass(frozen=True)
class Transition:
    """From which states an event may happen, and the states it may lead to (the caller names
    the one when there are several: the bank's refusal, the forced state)."""

    sources: frozenset[LoginState]
    targets: frozenset[LoginState]


TRANSITIONS: dict[Event, Transition] = {
    Event.SYNCED: Transition(SYNCING, CONNECTED),
    Event.REFUSED: Transition(SYNCING, BANK_REFUSALS),
    Event.RATE_LIMITED: Transition(SYNCING, frozenset({LoginState.RATE_LIMITED})),
    # whatever passing state the login was in: no sync may run on a consent that is over
    Event.CONSENT_EXPIRED: Transition(SYNCING, EXPIRED),
    Event.HOLD_LIFTED: Transition(ALL - CONNECTED, CONNECTED),
    Event.RENEWED: Transition(ALL, CONNECTED),
    Event.SCA_STARTED: Transition(ALL, SCA_WAITING),
    Event.SCA_FAILED: Transition(SCA_WAITING, EXPIRED),
    Event.FORCED: Transition(ALL, ALL),
}


def apply(state: LoginState, event: Event, target: LoginState | None = None) -> LoginState:
    """The state after `event`: `target`, or the event's only one when it is not named."""
    allowed = TRANSITIONS[event]
    if target is None and len(allowed.targets) == 1:
        [target] = allowed.targets
    if target is None or state not in allowed.sources or target not in allowed.targets:
        raise TransitionRefused(state, event.value, target)
    return target
