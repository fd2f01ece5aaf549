"""The hosted connect flow as a state machine over a session's `progress` (brief 002):
bank → account type → login (the platform's form, or the bank's own page) → SCA → consent →
back to the client (or on to the management list with `multiple`).

The web face renders `progress["step"]` and calls one function per form; every rule (which
approach, where credentials are typed, what is refused) is decided here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.engine import Connection

from sandbox import bankdata
from sandbox.domain import sca
from sandbox.domain.bank_logins import find_bank_login, list_bank_logins, preferred_source
from sandbox.domain.connections import bank_of, establish, moment_of, renew
from sandbox.domain.fakebank import BankRefusal, Moment, account_ids_at, authenticate
from sandbox.domain.records import BankLogin, Challenge, ConnectSession, User
from sandbox.domain.sessions import client_redirect, mark_used, open_session, save_progress
from sandbox.domain.states import FINAL_SCA, NEEDS_USER, LoginState, ScaStatus
from sandbox.domain.tenants import Tenant, get_tenant
from sandbox.errors import Conflict, InvalidInput, NotFound
from sandbox.scenario.model import AccountType, AuthMechanism, Bank, ScaApproach, ScaMethod
from sandbox.store import accounts as account_rows
from sandbox.store import bank_logins as login_rows
from sandbox.store import sessions as session_rows
from sandbox.store import users as user_rows
from sandbox.store.database import Database


class WrongStep(Conflict):
    """A form was posted for a step the flow is not at (a back button, a second tab): the face
    shows the current step instead."""

    code = "wrong_step"


class UnknownBank(NotFound):
    """A bank id in a link that the tenant's scenario does not have."""

    code = "unknown_bank"


@dataclass(frozen=True)
class Flow:
    tenant: Tenant
    session: ConnectSession

    @property
    def step(self) -> str:
        return self.session.progress["step"]

    @property
    def bank(self) -> Bank | None:
        bank_id = self.session.progress.get("bank_id")
        return bank_of(self.tenant, bank_id) if bank_id else None


@contextmanager
def _at(db: Database, session_id: str, *steps: str) -> Iterator[tuple[Connection, Flow]]:
    tenant, session = open_session(db, session_id)
    if steps and session.progress["step"] not in steps:
        raise WrongStep(f"the flow is at {session.progress['step']!r}")
    with db.begin() as conn:
        yield conn, Flow(tenant, session)


def load(db: Database, session_id: str) -> Flow:
    tenant, session = open_session(db, session_id)
    return Flow(tenant, session)


def _advance(conn: Connection, flow: Flow, **progress: object) -> Flow:
    return Flow(flow.tenant, save_progress(conn, flow.session, **progress))


def account_types(flow: Flow, bank: Bank) -> list[AccountType]:
    """The types the user may pick: the bank's, narrowed by the session's `account_types`."""
    wanted = flow.session.options.get("account_types")
    return [t for t in bank.account_types if not wanted or t.value in wanted]


def approach(bank: Bank, account_type: str | None) -> ScaApproach:
    kind = AccountType(account_type) if account_type else None
    return preferred_source(bank).sca_for(kind)


def at_bank_page(bank: Bank, account_type: str | None) -> bool:
    """Where credentials are typed: the bank's own page for a webauth source or redirect SCA."""
    source = preferred_source(bank)
    return source.auth is AuthMechanism.WEBAUTH or approach(bank, account_type) is (
        ScaApproach.REDIRECT
    )


def _login_step(bank: Bank, account_type: str | None) -> str:
    return "bank_login" if at_bank_page(bank, account_type) else "credentials"


# The steps from which the user may still go back to the bank list and pick another bank.
CHOOSING_BANK = ("bank", "account_type", "credentials", "bank_login")


def find_bank(tenant: Tenant, bank_id: str) -> Bank:
    try:
        return tenant.scenario.bank(bank_id)
    except KeyError:
        raise UnknownBank(
            f"There is no bank {bank_id!r} here.", details={"bank_id": bank_id}
        ) from None


def offered_banks(flow: Flow) -> list[Bank]:
    """The banks the bank list shows: those offering one of the account types asked for."""
    return [bank for bank in flow.tenant.scenario.banks if account_types(flow, bank)]


def _check_choosing(flow: Flow) -> None:
    if flow.step not in CHOOSING_BANK or flow.session.progress.get("renew_login_id") is not None:
        raise WrongStep(f"the flow is at {flow.step!r}: no bank is chosen now")


def choosing_bank(db: Database, session_id: str) -> Flow:
    """The flow while the bank list may be shown again ("Other bank"); a renewal keeps its bank."""
    flow = load(db, session_id)
    _check_choosing(flow)
    return flow


def choose_bank(db: Database, session_id: str, bank_id: str) -> Flow:
    with _at(db, session_id, *CHOOSING_BANK) as (conn, flow):
        _check_choosing(flow)
        bank = find_bank(flow.tenant, bank_id)
        types = account_types(flow, bank)
        if not types:
            raise InvalidInput(f"{bank.name} offers none of the account types asked for")
        if len(types) > 1:
            return _advance(conn, flow, step="account_type", bank_id=bank.id, account_type=None)
        chosen = types[0].value
        return _advance(
            conn, flow, step=_login_step(bank, chosen), bank_id=bank.id, account_type=chosen
        )


def choose_account_type(db: Database, session_id: str, account_type: str) -> Flow:
    with _at(db, session_id, "account_type") as (conn, flow):
        bank = flow.bank
        assert bank is not None
        if account_type not in {t.value for t in account_types(flow, bank)}:
            raise InvalidInput(f"{bank.name} does not offer {account_type!r} accounts")
        step = _login_step(bank, account_type)
        return _advance(conn, flow, step=step, account_type=account_type)


def _moment(conn: Connection, flow: Flow) -> Moment:
    renew_id = flow.session.progress.get("renew_login_id")
    if renew_id is None:
        return Moment(1, flow.tenant.now())
    return moment_of(conn, flow.tenant, find_bank_login(conn, flow.tenant, renew_id))


def log_in(db: Database, session_id: str, login: str, password: str) -> Flow:
    """Credentials typed on the platform's form or on the bank's page. A wrong password comes
    back as BankRefusal so the form can say so; any other refusal ends the flow with it."""
    with _at(db, session_id, "credentials", "bank_login") as (conn, flow):
        return _log_in(conn, flow, login, password)


def log_in_on_platform(db: Database, session_id: str, login: str, password: str) -> Flow:
    """The platform's own login form: only where the bank lets the platform collect them."""
    with _at(db, session_id, "credentials") as (conn, flow):
        return _log_in(conn, flow, login, password)


def log_in_at_bank(db: Database, session_id: str, bank_id: str, login: str, password: str) -> Flow:
    """The bank's own login page (webauth sources and redirect SCA)."""
    with _at(db, session_id, "bank_login") as (conn, flow):
        _check_bank(flow, bank_id)
        return _log_in(conn, flow, login, password)


def _log_in(conn: Connection, flow: Flow, login: str, password: str) -> Flow:
    bank = flow.bank
    assert bank is not None
    renew_login = flow.session.progress.get("renew_login")
    if renew_login is not None and login != renew_login:
        raise BankRefusal(
            LoginState.WRONG_CREDENTIALS, "Renew with the login this connection was made with."
        )
    try:
        persona = authenticate(flow.tenant.scenario, bank, login, password, _moment(conn, flow))
    except BankRefusal as refusal:
        if refusal.state is LoginState.WRONG_CREDENTIALS:
            raise
        return _fail(conn, flow, refusal.state.value, refusal.message)
    account_type = flow.session.progress.get("account_type")
    challenge = sca.start_challenge(
        conn,
        flow.tenant,
        bank=bank,
        persona=persona,
        approach=approach(bank, account_type),
        purpose="renew" if renew_login else "connect",
        session_id=flow.session.id,
        bank_login_id=flow.session.progress.get("renew_login_id"),
    )
    return _advance(conn, flow, step="sca", persona_login=persona.login, challenge_id=challenge.id)


def _fail(conn: Connection, flow: Flow, code: str, message: str) -> Flow:
    return _advance(conn, flow, step="failed", error={"code": code, "message": message})


def challenge(db: Database, flow: Flow) -> Challenge:
    with db.begin() as conn:
        return sca.read_challenge(conn, flow.tenant, flow.session.progress["challenge_id"])


def _after_sca(conn: Connection, flow: Flow, challenge: Challenge) -> Flow:
    if challenge.status is ScaStatus.APPROVED:
        return _advance(conn, flow, step="consent")
    if challenge.status in (ScaStatus.REJECTED, ScaStatus.FAILED, ScaStatus.EXPIRED):
        messages = {
            ScaStatus.REJECTED: "The authentication was rejected at the bank.",
            ScaStatus.FAILED: "Too many wrong codes: the authentication failed.",
            ScaStatus.EXPIRED: "The authentication took too long and expired.",
        }
        return _fail(conn, flow, f"sca_{challenge.status.value}", messages[challenge.status])
    return flow


def _embedded(conn: Connection, flow: Flow) -> Challenge:
    """The session's embedded challenge; a decoupled or redirect one is never passed with a
    code typed into the platform's page."""
    current = sca.read_challenge(conn, flow.tenant, flow.session.progress["challenge_id"])
    if current.approach != ScaApproach.EMBEDDED.value:
        raise WrongStep("this challenge is not passed with a code typed here")
    return current


def choose_sca_method(db: Database, session_id: str, method: str) -> Flow:
    with _at(db, session_id, "sca") as (conn, flow):
        current = _embedded(conn, flow)
        if current.status in FINAL_SCA:  # decided (timed out) before the choice arrived
            return _after_sca(conn, flow, current)
        return _after_sca(conn, flow, sca.choose_method(conn, flow.tenant, current, method))


def enter_otp(db: Database, session_id: str, otp: str) -> tuple[Flow, Challenge]:
    with _at(db, session_id, "sca") as (conn, flow):
        current = _embedded(conn, flow)
        if current.status in FINAL_SCA:
            return _after_sca(conn, flow, current), current
        if current.status is not ScaStatus.PENDING or current.method is None:
            raise WrongStep("choose how to receive the code first")
        checked = sca.submit_otp(conn, flow.tenant, current, otp)
        return _after_sca(conn, flow, checked), checked


def check_sca(db: Database, session_id: str) -> tuple[Flow, Challenge]:
    """Where a decoupled or redirect challenge stands; moves the flow on once decided."""
    with _at(db, session_id) as (conn, flow):
        if flow.step != "sca":
            return flow, sca.read_challenge(
                conn, flow.tenant, flow.session.progress["challenge_id"]
            )
        current = sca.read_challenge(conn, flow.tenant, flow.session.progress["challenge_id"])
        return _after_sca(conn, flow, current), current


def bank_decision(db: Database, session_id: str, approve: bool) -> Flow:
    """The user approves or refuses access on the bank's own page (redirect SCA)."""
    with _at(db, session_id, "sca") as (conn, flow):
        current = sca.read_challenge(conn, flow.tenant, flow.session.progress["challenge_id"])
        if current.approach != ScaApproach.REDIRECT.value:
            raise WrongStep("this challenge is not decided on the bank's page")
        if not approve:
            return _fail(conn, flow, "cancelled_at_bank", "Access was refused at the bank.")
        return _after_sca(conn, flow, sca.decide(conn, flow.tenant, current, True))


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
    persona = flow.tenant.scenario.persona(bank.id, flow.session.progress["persona_login"])
    assert persona is not None
    account_type = flow.session.progress.get("account_type")
    present = set(account_ids_at(persona, Moment(1, flow.tenant.now())))
    return [
        Offer(a.account_id, a.name, a.type.value, _masked(a.iban or a.masked_pan or ""), a.currency)
        for a in bankdata.accounts(flow.tenant.scenario, persona, bank)
        if a.account_id in present and (account_type is None or a.type.value == account_type)
    ]


def _masked(identifier: str) -> str:
    compact = identifier.replace(" ", "")
    return f"{compact[:4]} •••• {compact[-4:]}" if len(compact) > 8 else identifier


def grant_consent(
    db: Database, session_id: str, account_keys: list[str]
) -> tuple[Flow, str | None]:
    """The user allows access: the bank login is made (or renewed) and imported at once. Returns
    the flow and, when the session ends here, the client redirect URL."""
    with _at(db, session_id, "consent") as (conn, flow):
        offered = {offer.key for offer in consent_offer(flow)}
        chosen = set(account_keys) & offered
        if not chosen:
            raise InvalidInput("choose at least one account to share")
        bank = flow.bank
        assert bank is not None
        progress = flow.session.progress
        persona = flow.tenant.scenario.persona(bank.id, progress["persona_login"])
        assert persona is not None
        renew_id = progress.get("renew_login_id")
        if renew_id is not None:
            renew(conn, flow.tenant, find_bank_login(conn, flow.tenant, renew_id), chosen)
            bank_login_id = renew_id
        else:
            bank_login_id, _ = establish(
                conn,
                flow.tenant,
                user=_user(conn, flow),
                bank=bank,
                persona=persona,
                account_type=progress.get("account_type"),
                activate=chosen,
            )
        connected = [*progress.get("bank_login_ids", []), bank_login_id]
        managing = flow.session.kind == "management" or flow.session.options.get("multiple")
        if managing:
            return _advance(conn, flow, step="manage", bank_login_ids=connected), None
        flow = _advance(conn, flow, step="done", bank_login_ids=connected)
        mark_used(conn, flow.tenant, flow.session)
        url = client_redirect(
            flow.tenant,
            flow.session,
            status="success",
            session_id=flow.session.id,
            bank_login_id=str(bank_login_id),
        )
        return flow, url


def _user(conn: Connection, flow: Flow) -> User:
    row = user_rows.user_by_id(conn, flow.tenant.id, flow.session.user_id)
    assert row is not None
    return User.from_row(row)


def user_of(db: Database, flow: Flow) -> User:
    """The end user the session is for (the management list names them by the client's id)."""
    with db.connect() as conn:
        return _user(conn, flow)


def leave(db: Database, session_id: str) -> str:
    """Back to the client: `cancelled` mid-flow, `error` after a failure, `success` from the
    management list."""
    with _at(db, session_id) as (conn, flow):
        return _leave(conn, flow)


def _leave(conn: Connection, flow: Flow) -> str:
    progress = flow.session.progress
    if flow.step == "failed":
        error = progress["error"]
        params = {
            "status": "error",
            "error": error["code"],
            "error_description": error["message"],
        }
    elif flow.step == "manage":
        ids = [str(i) for i in progress.get("bank_login_ids", [])]
        params = {"status": "success", "session_id": flow.session.id}
        if ids:
            params["bank_login_id"] = ids[-1]
            params["bank_login_ids"] = ",".join(ids)
    else:
        params = {"status": "cancelled", "session_id": flow.session.id}
    mark_used(conn, flow.tenant, flow.session)
    return client_redirect(flow.tenant, flow.session, **params)


def add_bank(db: Database, session_id: str) -> Flow:
    with _at(db, session_id, "manage") as (conn, flow):
        return _fresh(conn, flow, "bank")


def _fresh(conn: Connection, flow: Flow, step: str) -> Flow:
    """The flow at `step` with nothing of an earlier connection or renewal left over."""
    return _advance(
        conn, flow, step=step, bank_id=None, account_type=None, renew_login_id=None,
        renew_login=None, persona_login=None, challenge_id=None, error=None,
    )  # fmt: skip


def start_renewal(db: Database, session_id: str, bank_login_id: int) -> Flow:
    """Renew from the management list: log in and pass SCA again, then consent anew."""
    with _at(db, session_id, "manage") as (conn, flow):
        login = find_bank_login(conn, flow.tenant, bank_login_id)
        if login.user_id != flow.session.user_id:
            raise NotFound(
                f"no bank login {bank_login_id}", details={"bank_login_id": bank_login_id}
            )
        bank = bank_of(flow.tenant, login.bank_id)
        return _advance(
            conn, flow, step=_login_step(bank, login.account_type), bank_id=bank.id,
            account_type=login.account_type, renew_login_id=login.id,
            renew_login=login.persona_login, persona_login=None, challenge_id=None,
        )  # fmt: skip


def remove_bank_login(db: Database, session_id: str, bank_login_id: int) -> Flow:
    with _at(db, session_id, "manage") as (conn, flow):
        login = find_bank_login(conn, flow.tenant, bank_login_id)
        if login.user_id != flow.session.user_id:
            raise NotFound(
                f"no bank login {bank_login_id}", details={"bank_login_id": bank_login_id}
            )
        login_rows.delete_bank_login(conn, flow.tenant.id, bank_login_id)
        kept = [i for i in flow.session.progress.get("bank_login_ids", []) if i != bank_login_id]
        return _advance(conn, flow, bank_login_ids=kept)


def expires_on(flow: Flow) -> datetime:
    bank = flow.bank
    assert bank is not None
    return flow.tenant.now() + timedelta(days=bank.consent_days)


# --- The hosted UI's entry, exits and waiting -----------------------------------------------------


def enter(db: Database, session_id: str, *, multiple: bool, add_bank_login: bool) -> Flow:
    """The query forms of the entry URL (brief 000): `multiple=true` on a connect session
    lands the user in the management list after the first connection; `addBankLogin=true` on
    a management session skips the list and starts a new connection."""
    with _at(db, session_id) as (conn, flow):
        session = flow.session
        if multiple and session.kind == "connect" and not session.options.get("multiple"):
            options = {**session.options, "multiple": True}
            session_rows.update_session(conn, session.id, options=options)
            flow = Flow(flow.tenant, replace(session, options=options))
        if add_bank_login and flow.step == "manage":
            flow = _fresh(conn, flow, "bank")
        return flow


def _managing(flow: Flow) -> bool:
    """Whether the management list is the session's home: a management session, or a connect
    session with `multiple` once its first bank is connected."""
    if flow.session.kind == "management":
        return True
    return bool(flow.session.options.get("multiple") and flow.session.progress["bank_login_ids"])


def cancel(db: Database, session_id: str) -> tuple[Flow, str | None]:
    """The user gives up the current step: back to the management list when the session has
    one, else back to the client with `cancelled` (or the error the flow ended with)."""
    with _at(db, session_id) as (conn, flow):
        if _managing(flow) and flow.step not in ("manage", "failed"):
            return _fresh(conn, flow, "manage"), None
        return flow, _leave(conn, flow)


def _check_bank(flow: Flow, bank_id: str) -> None:
    """A bank's page serves only the flow at that bank."""
    bank = flow.bank
    if bank is None or bank.id != bank_id:
        find_bank(flow.tenant, bank_id)
        raise NotFound(f"This session has nothing to do at {bank_id!r}.")


def _current_challenge(conn: Connection, flow: Flow) -> Challenge | None:
    challenge_id = flow.session.progress.get("challenge_id")
    if challenge_id is None:
        return None
    return sca.read_challenge(conn, flow.tenant, challenge_id)


def bank_page(db: Database, session_id: str, bank_id: str, page: str) -> Flow:
    """The flow when the bank's `authorize` (login) or `approve` (redirect SCA) page may be
    shown; WrongStep sends the user to where the flow is."""
    with _at(db, session_id) as (conn, flow):
        _check_bank(flow, bank_id)
        if page == "authorize" and flow.step == "bank_login":
            return flow
        if page == "approve" and flow.step == "sca":
            current = _current_challenge(conn, flow)
            if current is not None and current.approach == ScaApproach.REDIRECT.value:
                return flow
        raise WrongStep(f"the flow is at {flow.step!r}, not at the bank's {page} page")


def cancel_at_bank(db: Database, session_id: str, bank_id: str) -> str:
    """The user cancels on the bank's page: the flow fails with `cancelled_at_bank` and the
    user goes back to the client at once."""
    with _at(db, session_id, "bank_login", "sca") as (conn, flow):
        _check_bank(flow, bank_id)
        current = _current_challenge(conn, flow) if flow.step == "sca" else None
        if flow.step == "sca":
            if current is None or current.approach != ScaApproach.REDIRECT.value:
                raise WrongStep("this challenge is not decided on the bank's page")
            if current.status not in FINAL_SCA:
                sca.decide(conn, flow.tenant, current, False)
        flow = _fail(conn, flow, "cancelled_at_bank", "Access was refused at the bank.")
        return _leave(conn, flow)


def sca_progress(db: Database, session_id: str) -> tuple[Flow, Challenge | None]:
    """Where the session's SCA stands (None before one started); moves the flow on once the
    challenge is decided, so a waiting page only has to look."""
    with _at(db, session_id) as (conn, flow):
        current = _current_challenge(conn, flow)
        if current is not None and flow.step == "sca":
            flow = _after_sca(conn, flow, current)
        return flow, current


def sca_methods(flow: Flow, challenge: Challenge) -> list[ScaMethod]:
    """The methods the bank has on file for the persona, for the user to pick one."""
    return list(sca.persona_of(flow.tenant, challenge).sca_methods)


def app_request(db: Database, session_id: str, bank_id: str) -> tuple[Flow, Challenge]:
    """The decoupled request the bank's app shows for this session."""
    with _at(db, session_id) as (conn, flow):
        _check_bank(flow, bank_id)
        current = _current_challenge(conn, flow)
        if current is None or current.approach != ScaApproach.DECOUPLED.value:
            raise NotFound("No request is waiting in the bank app.")
        return flow, current


def app_decision(db: Database, session_id: str, bank_id: str, approve: bool) -> Challenge:
    """The user approves or rejects the request in the bank's app; a request already decided
    (twice pressed, timed out) stays as it is."""
    with _at(db, session_id) as (conn, flow):
        _check_bank(flow, bank_id)
        current = _current_challenge(conn, flow)
        if current is None or current.approach != ScaApproach.DECOUPLED.value:
            raise NotFound("No request is waiting in the bank app.")
        if current.status not in FINAL_SCA:
            current = sca.decide(conn, flow.tenant, current, approve)
        if flow.step == "sca":
            _after_sca(conn, flow, current)
        return current


@dataclass(frozen=True)
class GoneSession:
    """Why a link cannot be used, and where it may still send the user: an expired link back
    to the client, told `session_expired`; an unknown or used one nowhere (for a used link the
    client already has its answer)."""

    known: bool
    exit_url: str | None


def gone_session(db: Database, session_id: str) -> GoneSession:
    with db.connect() as conn:
        row = session_rows.session_by_id(conn, session_id)
    if row is None:
        return GoneSession(known=False, exit_url=None)
    tenant = get_tenant(db, row["tenant_id"])
    session = ConnectSession.from_row(row)
    if session.used_at is not None or tenant.now() < session.expires_at:
        return GoneSession(known=True, exit_url=None)
    try:
        url = client_redirect(
            tenant, session, status="error", error="session_expired",
            error_description="The link expired before the connection was finished.",
        )  # fmt: skip
    except Conflict:
        url = None
    return GoneSession(known=True, exit_url=url)


@dataclass(frozen=True)
class ManagedLogin:
    """A bank login as the management list shows it."""

    login: BankLogin
    bank: Bank
    accounts_count: int

    @property
    def needs_action(self) -> bool:
        return self.login.state in NEEDS_USER


def managed_logins(db: Database, flow: Flow) -> list[ManagedLogin]:
    """The session user's bank logins, oldest first, with how many accounts each shares."""
    found = list_bank_logins(db, flow.tenant, flow.session.user_id)
    with db.connect() as conn:
        return [
            ManagedLogin(
                login,
                bank_of(flow.tenant, login.bank_id),
                len(account_rows.list_accounts(conn, flow.tenant.id, bank_login_id=login.id)),
            )
            for login in sorted(found, key=lambda login: login.id)
        ]
