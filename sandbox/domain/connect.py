"""The hosted connect flow on the platform's own pages (as the connect platform documents it):
bank → account type → login → SCA → consent → back to the client (or on to the management list
with `multiple`).

The web face renders the page of the flow's step and calls one function per form; every rule
(which approach, where credentials are typed, what is refused) is decided here, in
`bank_choice.py` and, for what happens at the bank, in `bank_site.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.engine import Connection

from sandbox.domain import sca
from sandbox.domain.bank_choice import account_types as bank_account_types
from sandbox.domain.bank_choice import approach, find_bank, landing, login_step, offers
from sandbox.domain.bank_logins import connected_already, find_bank_login
from sandbox.domain.connections import establish, moment_of, renew
from sandbox.domain.errors import UnknownBank, WrongStep
from sandbox.domain.fakebank import BankRefusal, Moment, authenticate, connected_accounts
from sandbox.domain.flow import (
    Check,
    Flow,
    advance,
    after_sca,
    at,
    current_challenge,
    end,
    fail,
    fresh,
    load,
    looked_at,
    send_back,
    session_user,
)
from sandbox.domain.outcome import Exit, Outcome
from sandbox.domain.progress import CHOOSING_BANK, Step
from sandbox.domain.records import BankLogin, Challenge
from sandbox.domain.states import FINAL_SCA, LoginState, ScaStatus
from sandbox.errors import InvalidInput
from sandbox.scenario.model import AccountType, Bank, ScaApproach, ScaMethod
from sandbox.store import sessions as session_rows
from sandbox.store.database import Database

# --- Bank and account type ------------------------------------------------------------------------


def account_types(flow: Flow, bank: Bank) -> list[AccountType]:
    """The types the user may pick at `bank` in this session."""
    return bank_account_types(bank, flow.session.options)


def offered_banks(flow: Flow) -> list[Bank]:
    """The banks the bank list shows: the session's (all, unless it names some) offering one
    of the account types asked for."""
    return [bank for bank in flow.tenant.scenario.banks if offers(bank, flow.session.options)]


def _check_choosing(flow: Flow) -> None:
    step = flow.progress.step
    if step not in CHOOSING_BANK or flow.progress.renew_login_id is not None:
        raise WrongStep(f"the flow is at {step.value!r}: no bank is chosen now")


def choosing_bank(db: Database, session_id: str) -> Flow:
    """The flow while the bank list may be shown again ("Other bank"); a renewal keeps its bank."""
    flow = load(db, session_id)
    _check_choosing(flow)
    return flow


def choose_bank(db: Database, session_id: str, bank_id: str, *, check: Check | None = None) -> Flow:
    """Choosing the same bank again leads to the same step: the choice is idempotent."""
    with at(db, session_id, *CHOOSING_BANK, check=check) as (conn, flow):
        _check_choosing(flow)
        bank = find_bank(flow.tenant, bank_id)
        if flow.session.options.get("bank_ids") and not offers(bank, flow.session.options):
            raise UnknownBank(f"{bank.name} is not offered here", details={"bank_id": bank.id})
        return advance(conn, flow, **landing(bank, flow.session.options))


def choose_account_type(
    db: Database, session_id: str, account_type: str, *, check: Check | None = None
) -> Flow:
    with at(db, session_id, Step.ACCOUNT_TYPE, check=check) as (conn, flow):
        bank = flow.bank
        assert bank is not None
        if account_type not in {t.value for t in account_types(flow, bank)}:
            raise InvalidInput(f"{bank.name} does not offer {account_type!r} accounts")
        return advance(conn, flow, step=login_step(bank, account_type), account_type=account_type)


# --- Login ----------------------------------------------------------------------------------------


def _moment(conn: Connection, flow: Flow) -> Moment:
    renew_id = flow.progress.renew_login_id
    if renew_id is None:
        return Moment(1, flow.tenant.now())
    return moment_of(conn, flow.tenant, find_bank_login(conn, flow.tenant, renew_id))


def log_in(db: Database, session_id: str, login: str, password: str) -> Flow:
    """Credentials typed on the platform's form or on the bank's page. A wrong password comes
    back as BankRefusal so the form can say so; any other refusal ends the flow with it."""
    with at(db, session_id, Step.CREDENTIALS, Step.BANK_LOGIN) as (conn, flow):
        return submit_credentials(conn, flow, login, password)


def log_in_on_platform(
    db: Database, session_id: str, login: str, password: str, *, check: Check | None = None
) -> Flow:
    """The platform's own login form: only where the bank lets the platform collect them."""
    with at(db, session_id, Step.CREDENTIALS, check=check) as (conn, flow):
        return submit_credentials(conn, flow, login, password)


def submit_credentials(conn: Connection, flow: Flow, login: str, password: str) -> Flow:
    """The bank checks the login; once it is accepted, the SCA the bank wants starts, unless
    the user has connected this login here already (`already_connected`)."""
    bank = flow.bank
    assert bank is not None
    renew_login = flow.progress.renew_login
    if renew_login is not None and login != renew_login:
        raise BankRefusal(
            LoginState.WRONG_CREDENTIALS, "Renew with the login this connection was made with."
        )
    try:
        persona = authenticate(flow.tenant.scenario, bank, login, password, _moment(conn, flow))
    except BankRefusal as refusal:
        if refusal.state is LoginState.WRONG_CREDENTIALS:
            raise
        return fail(conn, flow, refusal.state.value, refusal.message)
    account_type = flow.progress.account_type
    if renew_login is None:
        existing = connected_already(
            conn, flow.tenant, flow.session.user_id, bank, persona.login, account_type
        )
        if existing is not None:  # the page offers to renew it instead
            return advance(
                conn,
                flow,
                step=Step.ALREADY_CONNECTED,
                persona_login=persona.login,
                connected_login_id=existing,
            )
    challenge = sca.start_challenge(
        conn,
        flow.tenant,
        bank=bank,
        persona=persona,
        approach=approach(bank, account_type),
        purpose="renew" if renew_login else "connect",
        session_id=flow.session.id,
        bank_login_id=flow.progress.renew_login_id,
    )
    return advance(
        conn, flow, step=Step.SCA, persona_login=persona.login, challenge_id=challenge.id
    )


def connected_login(db: Database, flow: Flow) -> BankLogin:
    """The user's bank login that the flow would have repeated (step `already_connected`):
    the page offers to renew it."""
    connected_login_id = flow.progress.connected_login_id
    assert connected_login_id is not None
    with db.connect() as conn:
        return find_bank_login(conn, flow.tenant, connected_login_id)


# --- SCA on the platform's page -------------------------------------------------------------------


def challenge(db: Database, flow: Flow) -> Challenge:
    with db.begin() as conn:
        current = current_challenge(conn, flow)
    assert current is not None
    return current


def _embedded(conn: Connection, flow: Flow) -> Challenge:
    """The session's embedded challenge; a decoupled or redirect one is never passed with a
    code typed into the platform's page."""
    current = current_challenge(conn, flow)
    assert current is not None
    if current.approach != ScaApproach.EMBEDDED.value:
        raise WrongStep("this challenge is not passed with a code typed here")
    return current


def sca_methods(flow: Flow, challenge: Challenge) -> list[ScaMethod]:
    """The methods the user may pick: the persona's methods that have a code to type (a push
    is approved in the bank's app, which is the decoupled approach, not this page)."""
    return sca.typed_methods(sca.persona_of(flow.tenant, challenge))


def choose_sca_method(
    db: Database, session_id: str, method: str, *, check: Check | None = None
) -> Flow:
    with at(db, session_id, Step.SCA, check=check) as (conn, flow):
        current = _embedded(conn, flow)
        if current.status in FINAL_SCA:  # decided (timed out) before the choice arrived
            return after_sca(conn, flow, current)
        return after_sca(conn, flow, sca.choose_method(conn, flow.tenant, current, method))


def enter_otp(
    db: Database, session_id: str, otp: str, *, check: Check | None = None
) -> tuple[Flow, Challenge]:
    with at(db, session_id, Step.SCA, check=check) as (conn, flow):
        current = _embedded(conn, flow)
        if current.status in FINAL_SCA:
            return after_sca(conn, flow, current), current
        if current.status is not ScaStatus.PENDING or current.method is None:
            raise WrongStep("choose how to receive the code first")
        checked = sca.submit_otp(conn, flow.tenant, current, otp)
        return after_sca(conn, flow, checked), checked


def sca_progress(
    db: Database, session_id: str, seen: Flow | None = None
) -> tuple[Flow, Challenge | None]:
    """Where the session's SCA stands (None before one started); moves the flow on once the
    challenge is decided, so a waiting page only has to look. While the challenge still waits,
    looking writes nothing, so it only reads: the challenge of `seen`, the flow as the caller
    has just read it, else of the flow read now. A move is always made on the flow read again
    in its write transaction."""
    with looked_at(db, session_id, seen) as (conn, flow):
        challenge_id = flow.progress.challenge_id
        if flow.progress.step is Step.SCA and challenge_id is not None:
            waiting = sca.waiting_still(conn, flow.tenant, challenge_id)
            if waiting is not None:
                return flow, waiting
    with at(db, session_id) as (conn, flow):
        current = current_challenge(conn, flow)
        if current is not None and flow.progress.step is Step.SCA:
            flow = after_sca(conn, flow, current)
        return flow, current


# --- Consent --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    """An account the consent screen offers to share."""

    key: str
    name: str
    type: str
    identifier: str
    currency: str


def consent_offer(flow: Flow) -> list[Offer]:
    bank = flow.bank
    assert bank is not None
    persona = flow.tenant.scenario.persona(bank.id, flow.progress.persona_login)
    assert persona is not None
    reached = connected_accounts(
        flow.tenant.scenario,
        persona,
        bank,
        flow.progress.account_type,
        Moment(1, flow.tenant.now()),
    )
    return [
        Offer(a.account_id, a.name, a.type.value, _masked(a.iban or a.masked_pan or ""), a.currency)
        for a in reached
    ]


def _masked(identifier: str) -> str:
    compact = identifier.replace(" ", "")
    return f"{compact[:4]} •••• {compact[-4:]}" if len(compact) > 8 else identifier


def expires_on(flow: Flow) -> datetime:
    bank = flow.bank
    assert bank is not None
    return flow.tenant.now() + timedelta(days=bank.consent_days)


def grant_consent(
    db: Database, session_id: str, account_keys: list[str], *, check: Check | None = None
) -> tuple[Flow, Exit | None]:
    """The user allows access: the bank login is made (or renewed) and imported at once. Returns
    the flow and, when the session ends here, the way back to the client."""
    with at(db, session_id, Step.CONSENT, check=check) as (conn, flow):
        offered = {offer.key for offer in consent_offer(flow)}
        chosen = set(account_keys) & offered
        if not chosen:
            raise InvalidInput("choose at least one account to share")
        bank = flow.bank
        assert bank is not None
        progress = flow.progress
        persona = flow.tenant.scenario.persona(bank.id, progress.persona_login)
        assert persona is not None
        renew_id = progress.renew_login_id
        if renew_id is not None:
            renew(conn, flow.tenant, find_bank_login(conn, flow.tenant, renew_id), chosen)
            bank_login_id = renew_id
        else:
            bank_login_id, _ = establish(
                conn,
                flow.tenant,
                user=session_user(conn, flow),
                bank=bank,
                persona=persona,
                account_type=progress.account_type,
                activate=chosen,
            )
        connected = (*progress.bank_login_ids, bank_login_id)
        managing = flow.session.kind == "management" or flow.session.options.get("multiple")
        if managing:
            return advance(conn, flow, step=Step.MANAGE, bank_login_ids=connected), None
        flow = advance(conn, flow, step=Step.DONE, bank_login_ids=connected)
        return flow, end(conn, flow, Outcome.success((bank_login_id,)))


# --- Entry and exits ------------------------------------------------------------------------------


def enter(db: Database, session_id: str, *, multiple: bool, add_bank_login: bool) -> Flow:
    """The query forms of the entry URL (as the connect platform documents it): `multiple=true`
    on a connect session lands the user in the management list after the first connection;
    `addBankLogin=true` on a management session skips the list and starts a new connection. Both
    are idempotent: the entry URL opened again (or prefetched) leaves the flow where one opening
    put it."""
    with at(db, session_id) as (conn, flow):
        session = flow.session
        if multiple and session.kind == "connect" and not session.options.get("multiple"):
            options = {**session.options, "multiple": True}
            session_rows.update_session(conn, session.id, options=options)
            flow = Flow(flow.tenant, replace(session, options=options))
        if add_bank_login and flow.progress.step is Step.MANAGE:
            flow = fresh(conn, flow, Step.BANK)
        return flow


def _managing(flow: Flow) -> bool:
    """Whether the management list is the session's home: a management session, or a connect
    session with `multiple` once its first bank is connected."""
    if flow.session.kind == "management":
        return True
    return bool(flow.session.options.get("multiple") and flow.progress.bank_login_ids)


def cancel(
    db: Database, session_id: str, *, check: Check | None = None
) -> tuple[Flow, Exit | None]:
    """The user gives up the current step: back to the management list when the session has
    one, else back to the client with `cancelled` (or the error the flow ended with)."""
    with at(db, session_id, check=check) as (conn, flow):
        if _managing(flow) and flow.progress.step not in (Step.MANAGE, Step.FAILED):
            return fresh(conn, flow, Step.MANAGE), None
        return flow, send_back(conn, flow)


def leave(db: Database, session_id: str, *, check: Check | None = None) -> Exit:
    """Back to the client: `cancelled` mid-flow, `error` after a failure, `success` from the
    management list. It uses the session up, so only a posted form may ask for it."""
    with at(db, session_id, check=check) as (conn, flow):
        return send_back(conn, flow)
