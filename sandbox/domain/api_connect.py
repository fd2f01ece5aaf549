"""Bank logins made and repaired through a data API, without the hosted UI: the client sends
the user's credentials (Powens' `POST /users/me/connections`), and the user's SCA is answered
through the API too: a one-time code posted back, an approval in the bank's app followed by the
client's `resume`, or the bank's own page in a browser.

The bank login exists from the moment the bank accepts the credentials, waiting in the state
its SCA leads to (`lifecycle.SCA_WAITING`), so every face sees the same login while its user
authenticates. Its challenge is started without a connect session; once that challenge is
decided, the next look at the login applies the outcome (`settle`): approved, the login gets
its consent and first sync (accounts arrive disabled: the user has not chosen to share them
here); rejected, failed or timed out, the login reads that SCA is needed again. Nothing runs by
a timer: like every other clock rule, the outcome is read when the login is (DESIGN rule 3).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Connection

from sandbox.domain import connections, imports, sca
from sandbox.domain.bank_logins import (
    check_not_connected,
    expired_state,
    find_bank_login,
    preferred_source,
)
from sandbox.domain.errors import (
    BankRefusal,
    Conflict,
    InvalidInput,
    LoginNotUsable,
    NotFound,
    RateLimited,
)
from sandbox.domain.fakebank import Moment, authenticate, find_persona
from sandbox.domain.imports import ImportKind
from sandbox.domain.lifecycle import SCA_WAITING, Event, apply
from sandbox.domain.records import BankLogin, Challenge, User
from sandbox.domain.states import FINAL_SCA, NEEDS_USER, LoginState, ScaStatus
from sandbox.domain.tenants import Tenant
from sandbox.scenario.model import AccountType, AuthMechanism, Bank, ScaApproach, SourceKind
from sandbox.store import bank_logins as rows
from sandbox.store import challenges as challenge_rows
from sandbox.store.database import Database

# Where a login waits while its user passes SCA of each approach.
WAITING = {
    ScaApproach.EMBEDDED: LoginState.SCA_REQUIRED,
    ScaApproach.DECOUPLED: LoginState.DECOUPLED_PENDING,
    ScaApproach.REDIRECT: LoginState.WEBAUTH_REQUIRED,
}


@dataclass(frozen=True)
class PendingSca:
    """The SCA the login's user is passing: `methods` to choose from while the challenge is
    `started` (several ways to get a code), `resumed` once the client asked to go on after an
    approval in the bank's app."""

    challenge: Challenge
    methods: tuple[str, ...]
    attempts_left: int
    labels: tuple[str, ...] = ()  # how the bank names each of `methods` to its customer

    @property
    def approach(self) -> ScaApproach:
        return ScaApproach(self.challenge.approach)

    @property
    def status(self) -> ScaStatus:
        return self.challenge.status

    @property
    def resumed(self) -> bool:
        return self.challenge.resumed_at is not None


@dataclass(frozen=True)
class Standing:
    """A bank login as it stands now, with the SCA its user is passing, if any."""

    login: BankLogin
    pending: PendingSca | None = None

    @property
    def up_to_date(self) -> bool:
        """Nothing for the user to do: no SCA in progress, and the login connected."""
        return self.pending is None and self.login.state is LoginState.CONNECTED


def connect(
    db: Database,
    tenant: Tenant,
    *,
    user: User,
    bank: Bank,
    login: str,
    password: str,
    account_type: str | None,
    source: SourceKind | None = None,
) -> Standing:
    """A bank login from the user's credentials, waiting for its SCA. A wrong password is
    BankRefusal (wrong_credentials) and stores nothing; any other refusal the bank scripts for
    this persona comes at the first sync, after SCA, as it would at the bank."""
    approach = _approach(bank, account_type, source)
    now = tenant.now()
    with db.begin() as conn:
        try:
            persona = authenticate(tenant.scenario, bank, login, password, Moment(1, now))
        except BankRefusal as refusal:
            found = find_persona(tenant.scenario, bank, login)
            if refusal.state is LoginState.WRONG_CREDENTIALS or found is None:
                raise
            persona = found
        check_not_connected(conn, tenant, user.id, bank, persona.login, account_type)
        bank_login_id = connections.insert_login(
            conn,
            tenant,
            user=user,
            bank=bank,
            persona_login=persona.login,
            account_type=account_type,
            state=WAITING[approach],
            sync_count=0,  # no sync until its SCA is passed
            tried={},
        )
        _start(
            conn, tenant, find_bank_login(conn, tenant, bank_login_id), bank, approach, "connect"
        )
        return settle(conn, tenant, bank_login_id)


def _approach(bank: Bank, account_type: str | None, source: SourceKind | None) -> ScaApproach:
    """How the bank authenticates this login: through `source` when the client names one."""
    chosen = preferred_source(bank)
    if source is not None:
        named = [s for s in bank.sources if s.kind is source and not s.disabled]
        if not named:
            raise InvalidInput(
                f"bank {bank.id!r} has no enabled {source.value} source",
                details={"source": source.value},
            )
        chosen = named[0]
    if chosen.auth is AuthMechanism.WEBAUTH:  # the user logs in on the bank's own page
        return ScaApproach.REDIRECT
    return chosen.sca_for(None if account_type is None else AccountType(account_type))


def _start(
    conn: Connection,
    tenant: Tenant,
    login: BankLogin,
    bank: Bank,
    approach: ScaApproach,
    purpose: str,
) -> Challenge:
    """A challenge for the login's user, and the login waiting where that approach leads."""
    persona = connections.persona_for(tenant, bank, login.persona_login)
    challenge = sca.start_challenge(
        conn,
        tenant,
        bank=bank,
        persona=persona,
        approach=approach,
        purpose=purpose,
        session_id=None,
        bank_login_id=login.id,
    )
    waiting = WAITING[ScaApproach(challenge.approach)]
    rows.update_bank_login(
        conn,
        login.id,
        state=apply(login.state, Event.SCA_STARTED, waiting).value,
        state_detail=None,
        state_until=None,
        updated_at=tenant.now(),
    )
    return challenge


def settle(conn: Connection, tenant: Tenant, bank_login_id: int) -> Standing:
    """The login as it stands now: a decided challenge's outcome applied first."""
    login = find_bank_login(conn, tenant, bank_login_id)
    row = challenge_rows.open_challenge_of_login(conn, tenant.id, bank_login_id)
    if row is None:
        return Standing(login)
    challenge = sca.read_challenge(conn, tenant, row["id"])
    if login.state not in SCA_WAITING:
        # Passed another way meanwhile (the hosted UI's renewal), or a state a test forced:
        # this challenge no longer stands for anything.
        challenge_rows.update_challenge(conn, challenge.id, settled_at=tenant.now())
        return Standing(login)
    decoupled = challenge.approach == ScaApproach.DECOUPLED.value
    if challenge.status is ScaStatus.APPROVED and (not decoupled or challenge.resumed_at):
        challenge_rows.update_challenge(conn, challenge.id, settled_at=tenant.now())
        _complete(conn, tenant, login)
        return Standing(find_bank_login(conn, tenant, bank_login_id))
    if challenge.status in FINAL_SCA and challenge.status is not ScaStatus.APPROVED:
        challenge_rows.update_challenge(conn, challenge.id, settled_at=tenant.now())
        return Standing(_failed(conn, tenant, login, challenge))
    return Standing(login, _pending(tenant, challenge))


def _pending(tenant: Tenant, challenge: Challenge) -> PendingSca:
    typed = sca.typed_methods(sca.persona_of(tenant, challenge))
    methods = tuple(m.method.value for m in typed)
    labels = tuple(m.label or m.method.value for m in typed)
    return PendingSca(challenge, methods, sca.attempts_left(challenge), labels)


def standing_as_stored(conn: Connection, tenant: Tenant, bank_login_id: int) -> Standing:
    """The login with the SCA its user is passing, read without settling or saving anything:
    what a webhook body written in the middle of a change shows."""
    login = find_bank_login(conn, tenant, bank_login_id)
    row = challenge_rows.open_challenge_of_login(conn, tenant.id, bank_login_id)
    if row is None:
        return Standing(login)
    challenge = sca.challenge_from_row(row)
    if challenge.status in FINAL_SCA:
        return Standing(login)
    return Standing(login, _pending(tenant, challenge))


def _complete(conn: Connection, tenant: Tenant, login: BankLogin) -> None:
    """SCA passed: a new consent, the login connected and synced (a refusal the bank scripts
    for this sync is the login's new state)."""
    kind = ImportKind.CONNECT if login.sync_count == 0 else ImportKind.RENEW
    try:
        connections.renew(conn, tenant, login, activate=set(), kind=kind)
    except BankRefusal as refusal:
        renewed = find_bank_login(conn, tenant, login.id)
        connections.record_refusal(conn, tenant, renewed, refusal, counted=False)


def _failed(conn: Connection, tenant: Tenant, login: BankLogin, challenge: Challenge) -> BankLogin:
    bank = connections.bank_of(tenant, login.bank_id)
    why = {
        ScaStatus.REJECTED: "The SCA was rejected in the bank's app.",
        ScaStatus.FAILED: "The SCA failed: too many wrong codes.",
        ScaStatus.EXPIRED: "The SCA timed out.",
    }[challenge.status]
    if login.state in SCA_WAITING:
        rows.update_bank_login(
            conn,
            login.id,
            state=apply(login.state, Event.SCA_FAILED, expired_state(bank)).value,
            state_detail=why,
            updated_at=tenant.now(),
        )
    return find_bank_login(conn, tenant, login.id)


def standing(db: Database, tenant: Tenant, bank_login_id: int) -> Standing:
    with db.begin() as conn:
        return settle(conn, tenant, bank_login_id)


def _open(conn: Connection, tenant: Tenant, bank_login_id: int) -> PendingSca:
    """The login's SCA in progress; Conflict when its user is passing none."""
    now = settle(conn, tenant, bank_login_id)
    if now.pending is None:
        raise Conflict(
            "this bank login is not waiting for SCA", details={"bank_login_id": bank_login_id}
        )
    return now.pending


def choose_method(db: Database, tenant: Tenant, bank_login_id: int, method: str) -> Standing:
    with db.begin() as conn:
        pending = _open(conn, tenant, bank_login_id)
        sca.choose_method(conn, tenant, pending.challenge, method)
        return settle(conn, tenant, bank_login_id)


def answer_otp(
    db: Database, tenant: Tenant, bank_login_id: int, otp: str, method: str | None = None
) -> Standing:
    """A one-time code for the login's embedded SCA (`method` first, when there are several
    ways to get one and none is chosen yet). A wrong code leaves the SCA waiting with one
    attempt less; the last wrong one fails it."""
    with db.begin() as conn:
        pending = _open(conn, tenant, bank_login_id)
        if pending.approach is not ScaApproach.EMBEDDED:
            raise Conflict(
                "this SCA is not passed with a code", details={"approach": pending.approach.value}
            )
        challenge = pending.challenge
        if challenge.status is ScaStatus.STARTED:
            if method is None and len(pending.methods) != 1:
                raise InvalidInput(
                    f"choose a method first: one of {', '.join(pending.methods)}",
                    details={"methods": list(pending.methods)},
                )
            challenge = sca.choose_method(conn, tenant, challenge, method or pending.methods[0])
        sca.submit_otp(conn, tenant, challenge, otp)
        return settle(conn, tenant, bank_login_id)


def resume(db: Database, tenant: Tenant, bank_login_id: int) -> Standing:
    """The client goes on after asking its user to approve in the bank's app: the login is
    connected at once if the approval came, else once it comes. Resuming a login whose SCA
    is over already just shows it."""
    with db.begin() as conn:
        now = settle(conn, tenant, bank_login_id)
        if now.pending is None:  # decided already (rejected, timed out): the login says so
            return now
        pending = now.pending
        if pending.approach is not ScaApproach.DECOUPLED:
            raise Conflict(
                "only an approval in the bank's app is resumed",
                details={"approach": pending.approach.value},
            )
        if pending.challenge.resumed_at is None:
            challenge_rows.update_challenge(conn, pending.challenge.id, resumed_at=tenant.now())
        return settle(conn, tenant, bank_login_id)


def sync(
    db: Database,
    tenant: Tenant,
    bank_login_id: int,
    *,
    user_present: bool,
    start_sca: bool = False,
    renew: bool = False,
) -> Standing:
    """A sync the client asks for. Without the user it counts toward the bank's daily limit.
    `start_sca`: the user is here to pass SCA if the login needs it (Powens' "force the
    connection"); `renew`: pass it now for a new consent even if the one it has still runs.
    A refusal is not an error here: it is the login's new state, as the answer shows."""
    with db.begin() as conn:
        now = settle(conn, tenant, bank_login_id)
        login = now.login
        if not login.active:
            raise Conflict(
                "this bank login is paused (active: false)", details={"bank_login_id": login.id}
            )
        if now.pending is not None:
            return now
        bank = connections.bank_of(tenant, login.bank_id)
        sca_needed = login.state in (LoginState.SCA_REQUIRED, LoginState.WEBAUTH_REQUIRED)
        if renew or (start_sca and sca_needed):
            _start(conn, tenant, login, bank, _approach(bank, login.account_type, None), "renew")
            return settle(conn, tenant, bank_login_id)
    try:
        if user_present:
            _sync_with_user(db, tenant, bank_login_id)
        else:
            connections.refresh(db, tenant, bank_login_id)
    except (BankRefusal, RateLimited, LoginNotUsable):
        pass  # recorded on the login: its state says it
    return standing(db, tenant, bank_login_id)


def _sync_with_user(db: Database, tenant: Tenant, bank_login_id: int) -> None:
    refusal: BankRefusal | None = None
    with db.begin() as conn:
        login = find_bank_login(conn, tenant, bank_login_id)
        if login.state in NEEDS_USER:
            raise LoginNotUsable(login)
        bank = connections.bank_of(tenant, login.bank_id)
        try:
            imports.recorded(
                conn, tenant, login, bank, ImportKind.REFRESH,
                lambda: connections.sync_login(
                    conn, tenant, login, bank, user_present=True, activate=set()
                ),
            )  # fmt: skip
        except BankRefusal as error:
            connections.record_refusal(conn, tenant, login, error, counted=False)
            refusal = error
    if refusal is not None:
        raise refusal


def relogin(db: Database, tenant: Tenant, bank_login_id: int, password: str) -> Standing:
    """New credentials for a login the bank refused them for (or asked to change): checked,
    then SCA again."""
    with db.begin() as conn:
        login = settle(conn, tenant, bank_login_id).login
        bank = connections.bank_of(tenant, login.bank_id)
        try:
            authenticate(
                tenant.scenario,
                bank,
                login.persona_login,
                password,
                Moment(login.sync_count + 1, tenant.now()),
            )
        except BankRefusal as refusal:
            if refusal.state is LoginState.WRONG_CREDENTIALS:
                raise
        _start(conn, tenant, login, bank, _approach(bank, login.account_type, None), "renew")
        return settle(conn, tenant, bank_login_id)


def set_active(db: Database, tenant: Tenant, bank_login_id: int, active: bool) -> Standing:
    """Pause a login (no sync runs) or resume it."""
    with db.begin() as conn:
        login = find_bank_login(conn, tenant, bank_login_id)
        rows.update_bank_login(conn, login.id, active=active, updated_at=tenant.now())
        return settle(conn, tenant, bank_login_id)


def set_source_disabled(
    db: Database, tenant: Tenant, bank_login_id: int, source_id: int, disabled: bool
) -> BankLogin:
    """Switch one of the login's sources off (or on again)."""
    with db.begin() as conn:
        login = find_bank_login(conn, tenant, bank_login_id)
        source = next((s for s in login.sources if s.id == source_id), None)
        if source is None:
            raise NotFound(
                f"no source {source_id} on this bank login", details={"id_source": source_id}
            )
        if disabled != (source.disabled_at is not None):
            at = tenant.now() if disabled else None
            rows.update_source(conn, login.id, source.kind, disabled_at=at)
        return find_bank_login(conn, tenant, bank_login_id)
