"""The fake bank's side of a login: who may log in, and what the persona's scripted behaviours
do at a given sync or instant (scenarios/README.md, "behaviours").

A behaviour is active from its trigger on: `on: {sync: N}` from the Nth sync of the bank login
(the initial import at connect is sync 1), `on: {date: T}` from virtual instant T.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from hmac import compare_digest

from sandbox import bankdata
from sandbox.bankdata.records import BankAccount
from sandbox.domain.errors import BankRefusal
from sandbox.domain.states import LoginState
from sandbox.scenario.model import (
    AccountType,
    Bank,
    Behaviour,
    BehaviourEvent,
    Persona,
    Scenario,
    Source,
    SourceKind,
)

DEFAULT_DOWNTIME = timedelta(hours=1)
DEFAULT_DECOUPLED_DELAY = timedelta(minutes=2)

# What the bank answers to a login while a behaviour is active, in the order a bank checks.
REFUSALS = [
    (
        BehaviourEvent.WRONG_PASSWORD,
        LoginState.WRONG_CREDENTIALS,
        None,
        "The bank refused the password.",
    ),
    (BehaviourEvent.LOCKED, LoginState.ERROR, "locked", "The bank has locked this login."),
    (
        BehaviourEvent.BANK_DOWN,
        LoginState.BANK_UNAVAILABLE,
        None,
        "The bank cannot be reached right now.",
    ),
    (
        BehaviourEvent.PASSWORD_EXPIRED,
        LoginState.PASSWORD_EXPIRED,
        None,
        "The bank asks for a new password.",
    ),
    (
        BehaviourEvent.ACTION_NEEDED,
        LoginState.ACTION_NEEDED,
        None,
        "The bank wants you to accept new terms on its website first.",
    ),
]


@dataclass(frozen=True)
class Moment:
    """When the bank is asked: the sync number of the bank login, the virtual time, and when
    the login's earlier syncs happened (oldest first), for outages counted from a sync."""

    sync: int
    now: datetime
    earlier: tuple[datetime, ...] = ()


def fired(behaviour: Behaviour, moment: Moment) -> bool:
    if behaviour.on.sync is not None:
        return moment.sync >= behaviour.on.sync
    return behaviour.on.date is not None and moment.now >= behaviour.on.date


def active(persona: Persona, event: BehaviourEvent, moment: Moment) -> Behaviour | None:
    """The persona's behaviour of this kind that is active at `moment`, if any."""
    for behaviour in persona.behaviours:
        if behaviour.event is event and fired(behaviour, moment):
            return behaviour
    return None


def find_persona(scenario: Scenario, bank: Bank, login: str) -> Persona | None:
    return scenario.persona(bank.id, login)


def authenticate(
    scenario: Scenario, bank: Bank, login: str, password: str, moment: Moment
) -> Persona:
    """The persona behind these credentials, or BankRefusal with the state it leads to."""
    persona = find_persona(scenario, bank, login)
    # Constant-time like every secret the sandbox checks, though a persona's is scenario data.
    if persona is None or not compare_digest(password.encode(), persona.password.encode()):
        raise BankRefusal(
            LoginState.WRONG_CREDENTIALS, "The bank did not recognise this login and password."
        )
    check_access(persona, moment)
    return persona


def check_access(persona: Persona, moment: Moment) -> None:
    """What a bank checks on every access after the password: scripted refusals."""
    for event, state, detail, message in REFUSALS:
        behaviour = active(persona, event, moment)
        if behaviour is None:
            continue
        until = None
        if event is BehaviourEvent.BANK_DOWN:
            until = _downtime_end(behaviour, moment)
            if until is not None and moment.now >= until:
                continue
        raise BankRefusal(state, message, detail, until)


def _downtime_end(behaviour: Behaviour, moment: Moment) -> datetime | None:
    """An outage lasts `duration` from its date, or from the sync that triggered it."""
    duration = behaviour.duration or DEFAULT_DOWNTIME
    if behaviour.on.date is not None:
        return behaviour.on.date + duration
    trigger = behaviour.on.sync or 1
    if moment.sync == trigger or len(moment.earlier) < trigger:
        return moment.now + duration
    return moment.earlier[trigger - 1] + duration


def account_ids_at(persona: Persona, moment: Moment) -> list[str]:
    """The persona's accounts that exist at the bank at `moment`: an `account_appears` account
    exists only once triggered, an `account_disappears` one only until."""
    present = []
    for spec in persona.accounts:
        appears = [
            b
            for b in persona.behaviours
            if b.event is BehaviourEvent.ACCOUNT_APPEARS and b.account == spec.id
        ]
        gone = [
            b
            for b in persona.behaviours
            if b.event is BehaviourEvent.ACCOUNT_DISAPPEARS and b.account == spec.id
        ]
        if appears and not any(fired(b, moment) for b in appears):
            continue
        if any(fired(b, moment) for b in gone):
            continue
        present.append(spec.id)
    return present


def filed_under(bank: Bank, account_type: AccountType) -> AccountType:
    """The type a bank files an account under, which the user picks to connect it: its own
    where the bank offers it, else the bank's first type. Only a magic persona (`bank: "*"`)
    holds types a bank does not offer; filed so, each of its accounts is reached by exactly one
    type, so it has the same accounts at every bank (scenarios/README.md) and connections of
    two types never share an account."""
    return account_type if account_type in bank.account_types else bank.account_types[0]


def connected_accounts(
    scenario: Scenario, persona: Persona, bank: Bank, account_type: str | None, moment: Moment
) -> list[BankAccount]:
    """The persona's accounts a connection of `account_type` reaches at `moment`, in declaration
    order: those present then and filed under that type (all of them for None, a connection
    of every type). The one rule for the consent page's offer and for every sync."""
    present = set(account_ids_at(persona, moment))
    return [
        account
        for account in bankdata.accounts(scenario, persona, bank)
        if account.account_id in present
        and (account_type is None or filed_under(bank, account.type).value == account_type)
    ]


def decoupled_outcome(persona: Persona, moment: Moment) -> tuple[str, timedelta] | None:
    """What the bank app does by itself: ("reject", 0) or ("approve", delay); None = waits
    for the user."""
    if active(persona, BehaviourEvent.DECOUPLED_REJECT, moment):
        return ("reject", timedelta(0))
    slow = active(persona, BehaviourEvent.DECOUPLED_SLOW, moment)
    if slow:
        return ("approve", slow.delay or DEFAULT_DECOUPLED_DELAY)
    return None


def sca_on_every_sync(persona: Persona, moment: Moment) -> bool:
    return active(persona, BehaviourEvent.SCA_EVERY_SYNC, moment) is not None


def sources_in_order(bank: Bank) -> list[Source]:
    """The bank's enabled sources, the one a sync tries first at the front."""
    return sorted((s for s in bank.sources if not s.disabled), key=lambda s: s.priority)


def source_outage(
    persona: Persona, bank: Bank, source: Source, moment: Moment
) -> tuple[bool, datetime | None]:
    """Whether `source` is unreachable at `moment` (a `source_down` behaviour), and until when
    (None: for good). A behaviour without `source` names the first source tried."""
    first = sources_in_order(bank)[:1]
    default_kind: SourceKind | None = first[0].kind if first else None
    for behaviour in persona.behaviours:
        if behaviour.event is not BehaviourEvent.SOURCE_DOWN or not fired(behaviour, moment):
            continue
        if (behaviour.source or default_kind) is not source.kind:
            continue
        if behaviour.duration is None:
            return True, None
        until = _downtime_end(behaviour, moment)
        if until is None or moment.now < until:
            return True, until
    return False, None
