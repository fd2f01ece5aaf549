"""A connect flow's progress: the step it is at and what it has gathered on the way, as the
session keeps it (a JSON column) and every step and page reads it.

The steps move along one table, `NEXT` (as the connect platform documents the hosted UI: bank,
account type, login, SCA, consent, back to the client or on to the management list), and
`moved` is the only way a flow changes step: a reader sees every way through the hosted UI in
one place, and a step can never be skipped, whatever a form or a stale tab asks for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from typing import Any

from sandbox.domain.errors import WrongStep


class Step(StrEnum):
    BANK = "bank"  # the bank list
    ACCOUNT_TYPE = "account_type"  # the bank offers several of the types asked for
    CREDENTIALS = "credentials"  # the platform's login form
    BANK_LOGIN = "bank_login"  # the bank's own login page
    ALREADY_CONNECTED = "already_connected"  # the login typed is connected here already
    SCA = "sca"
    CONSENT = "consent"
    HISTORY = "history"  # a history extension's confirmation, after its SCA
    MANAGE = "manage"  # the management list
    FAILED = "failed"  # the flow ended with an error; only the way back is left
    DONE = "done"  # a connection made and the session used


# Where choosing a bank leads: its account-type choice, else where its login is typed.
LANDINGS = frozenset({Step.ACCOUNT_TYPE, Step.CREDENTIALS, Step.BANK_LOGIN})

# The steps from which the user may still go back to the bank list and pick another bank.
CHOOSING_BANK = frozenset({Step.BANK, Step.ALREADY_CONNECTED, *LANDINGS})

# Where a session starts: the management list, the bank list, the bank the client named (or the
# login a renewal renews), or the SCA of a history extension.
STARTS = frozenset({Step.MANAGE, Step.BANK, Step.SCA, *LANDINGS})

# Every move of a flow. Staying at a step is no move. `MANAGE` is also where the user cancels
# to from any step before the end, when the management list is the session's home.
NEXT: dict[Step, frozenset[Step]] = {
    Step.BANK: LANDINGS | {Step.MANAGE},
    Step.ACCOUNT_TYPE: LANDINGS | {Step.MANAGE},
    # the bank accepts the login (on to SCA), knows it connected here already, or refuses it
    Step.CREDENTIALS: LANDINGS | {Step.SCA, Step.ALREADY_CONNECTED, Step.FAILED, Step.MANAGE},
    Step.BANK_LOGIN: LANDINGS | {Step.SCA, Step.ALREADY_CONNECTED, Step.FAILED, Step.MANAGE},
    # another bank, or the renewal of the login connected already
    Step.ALREADY_CONNECTED: LANDINGS | {Step.MANAGE},
    # approved: the consent (a history extension: its confirmation); else failed
    Step.SCA: frozenset({Step.CONSENT, Step.HISTORY, Step.FAILED, Step.MANAGE}),
    # granted: back to the client, or to the management list
    Step.CONSENT: frozenset({Step.DONE, Step.MANAGE}),
    Step.HISTORY: frozenset({Step.DONE, Step.FAILED, Step.MANAGE}),
    # another bank (the bank list), or a renewal (where its login is typed)
    Step.MANAGE: frozenset({Step.BANK, Step.CREDENTIALS, Step.BANK_LOGIN}),
    Step.FAILED: frozenset(),
    Step.DONE: frozenset(),
}


@dataclass(frozen=True)
class FlowError:
    """Why a flow failed: a neutral code (`sca_failed`, `cancelled_at_bank`, the login state
    the bank refused with) and a message for the user."""

    code: str
    message: str


@dataclass(frozen=True)
class Progress:
    """Where a flow is and what it has gathered. Only the step is always set; the rest is
    filled in as the steps learn it."""

    step: Step
    face: str | None = None  # the face that opened the flow: it spells the way back
    bank_login_ids: tuple[int, ...] = ()  # connected in this session, oldest first
    deleted_login_ids: tuple[int, ...] = ()  # removed at the management list, in that order
    bank_id: str | None = None
    account_type: str | None = None  # None until chosen, or for every type of the bank
    persona_login: str | None = None  # whose credentials the bank accepted
    challenge_id: int | None = None  # the SCA under way
    renew_login_id: int | None = None  # a renewal: the bank login it renews,
    renew_login: str | None = None  # and the login name it must be done with
    extend_login_id: int | None = None  # a history extension: its bank login,
    history_days: int | None = None  # and the days of history it asks for
    connected_login_id: int | None = None  # `already_connected`: the login it would repeat
    error: FlowError | None = None  # `failed`: why

    def __post_init__(self) -> None:
        # A step named by its string, or ids given as a list, still read as the types above.
        object.__setattr__(self, "step", Step(self.step))
        object.__setattr__(self, "bank_login_ids", tuple(self.bank_login_ids))
        object.__setattr__(self, "deleted_login_ids", tuple(self.deleted_login_ids))

    def cleared(self) -> Progress:
        """The progress with nothing of an earlier connection or renewal left: only what the
        session keeps throughout, its face and the bank logins connected and removed so far."""
        return Progress(
            self.step,
            face=self.face,
            bank_login_ids=self.bank_login_ids,
            deleted_login_ids=self.deleted_login_ids,
        )

    def to_json(self) -> dict[str, Any]:
        stored = {field.name: getattr(self, field.name) for field in fields(self)}
        stored["bank_login_ids"] = list(self.bank_login_ids)
        stored["deleted_login_ids"] = list(self.deleted_login_ids)
        stored["error"] = None if self.error is None else vars(self.error)
        return stored

    @classmethod
    def from_json(cls, stored: Mapping[str, Any]) -> Progress:
        """What `to_json` stored; a key missing (a session stored before it existed) reads as
        its default."""
        known = {field.name for field in fields(cls)}
        values = {name: value for name, value in stored.items() if name in known}
        error = values.get("error")
        if error is not None:
            values["error"] = FlowError(error["code"], error["message"])
        for ids in ("bank_login_ids", "deleted_login_ids"):
            if values.get(ids) is None:
                values.pop(ids, None)
        return cls(**values)


def start(step: Step, **gathered: Any) -> Progress:
    """A new session's progress, at one of the steps a session starts at."""
    if step not in STARTS:
        raise WrongStep(f"a flow does not start at {step.value!r}")
    return Progress(step, **gathered)


def moved(progress: Progress, **changes: Any) -> Progress:
    """`progress` with `changes`; a change of step only along `NEXT`, else WrongStep."""
    after = replace(progress, **changes)
    if after.step is not progress.step and after.step not in NEXT[progress.step]:
        raise WrongStep(f"the flow cannot go from {progress.step.value!r} to {after.step.value!r}")
    return after
