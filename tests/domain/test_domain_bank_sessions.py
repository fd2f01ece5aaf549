"""Signed-in bank sessions: a client holding a session and its signature imports from one bank
login for a while, once as a whole or resource by resource, and reopens sessions from a
standing access within its daily quota and the consent's life."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from sandbox.domain import connections, credentials, history, tenants
from sandbox.domain.bank_sessions import ACCESS_IMPORTS, TTL, Resource, Scope
from sandbox.domain.errors import (
    AccessLimit,
    AccessNotOffered,
    AccessUnknown,
    ImportsMixed,
    NotFound,
    SandboxError,
    SessionExpired,
    SessionSignatureWrong,
    SessionSignedOut,
    SessionUnknown,
    SinceInFuture,
    UnknownLogin,
    WholeImportDone,
)
from sandbox.domain.imports import ImportKind, ImportStatus
from sandbox.domain.platform import Platform
from sandbox.scenario import load_scenario_text
from sandbox.settings import Settings

WHOLE = Scope(Resource.ALL)


def signed_in(
    platform, world, *, bank: str = "rheinwert-bank", login: str = "good", owner="owner-1", **kw
):
    made, _ = connections.connect_directly(
        world.db, world.tenant, external_user_id=owner, bank_id=bank, login=login
    )
    return platform.bank_sessions.sign_in(world.tenant, made.id, standing=kw.get("standing", False))


def run(platform, world, signed, scope=WHOLE):
    return platform.bank_sessions.start_import(world.tenant, signed.secret, signed.signature, scope)


def test_a_session_is_ten_digits_with_a_hex_signature_and_reads_back(platform, world):
    signed = signed_in(platform, world)
    assert signed.secret.isdigit() and len(signed.secret) == 10
    assert len(signed.signature) == 64 and int(signed.signature, 16) >= 0
    session = platform.bank_sessions.resolve(world.tenant, signed.secret, signed.signature)
    assert session == signed.session
    assert session.external_user_id == "owner-1"
    assert session.source == "api" and session.history_days == 90
    assert session.expires_at == world.tenant.now() + TTL


def test_a_wrong_signature_an_unknown_id_and_an_old_session_are_told_apart(platform, world):
    signed = signed_in(platform, world)
    with pytest.raises(SessionSignatureWrong):
        platform.bank_sessions.resolve(world.tenant, signed.secret, "0" * 64)
    with pytest.raises(SessionUnknown):
        platform.bank_sessions.resolve(world.tenant, "1234567890", signed.signature)
    world.advance(minutes=30)
    with pytest.raises(SessionExpired):
        platform.bank_sessions.resolve(world.tenant, signed.secret, signed.signature)


def test_a_whole_import_is_a_job_of_the_session_then_the_session_is_signed_out(platform, world):
    signed = signed_in(platform, world)
    since = world.tenant.now().date() - timedelta(days=30)
    job = run(platform, world, signed, Scope(Resource.ALL, since=since))
    assert job.kind is ImportKind.SESSION and job.status is ImportStatus.SETUP
    assert job.bank_session_id == signed.session.id
    assert job.scope == {"resource": "all", "since": since.isoformat()}
    polled = [platform.imports.get(world.tenant, job.id).status for _ in range(4)]
    assert polled[-1] is ImportStatus.SUCCESSFUL
    assert platform.bank_sessions.poll(world.tenant, job.id)[1].id == signed.session.id
    with pytest.raises(WholeImportDone):
        run(platform, world, signed)
    with pytest.raises(SessionSignedOut):
        run(platform, world, signed, Scope(Resource.ACCOUNTS))


def test_imports_of_parts_repeat_but_never_mix_with_a_whole_one(platform, world):
    signed = signed_in(platform, world)
    for resource in (Resource.OWNERS, Resource.ACCOUNTS, Resource.ACCOUNTS):
        assert run(platform, world, signed, Scope(resource)).kind is ImportKind.SESSION
    with pytest.raises(ImportsMixed):
        run(platform, world, signed)


def test_since_in_the_future_is_refused(platform, world):
    signed = signed_in(platform, world)
    tomorrow = world.tenant.now().date() + timedelta(days=1)
    with pytest.raises(SinceInFuture):
        run(platform, world, signed, Scope(Resource.ALL, since=tomorrow))


def test_a_signed_out_session_refuses_imports(platform, world):
    signed = signed_in(platform, world)
    out = platform.bank_sessions.sign_out(world.tenant, signed.secret, signed.signature)
    assert out.status is ImportStatus.SUCCESSFUL and out.scope == {"resource": "sign_out"}
    with pytest.raises(SessionSignedOut):
        run(platform, world, signed)


def test_a_bank_refusal_ends_the_job_in_error_with_the_login_state(platform, world):
    signed = signed_in(platform, world, login="wrongpass-on-sync-2")
    job = run(platform, world, signed)
    finished = [platform.imports.get(world.tenant, job.id) for _ in range(4)][-1]
    assert finished.status is ImportStatus.ERROR
    assert finished.error is not None and finished.error.details["state"] == "wrong_credentials"


def test_an_other_job_has_no_session(platform, world):
    made, _ = connections.connect_directly(
        world.db, world.tenant, external_user_id="u", bank_id="rheinwert-bank", login="good"
    )
    page = platform.imports.of_bank_login(world.tenant, made.id, before=None, limit=5)
    with pytest.raises(NotFound):
        platform.bank_sessions.poll(world.tenant, page.jobs[0].id)


def test_a_standing_access_reopens_sessions_of_90_days_four_imports_a_day(platform, world):
    signed = signed_in(platform, world, bank="nordlicht-sparbank", standing=True)
    access = signed.session.access_id
    assert access is not None and len(access) == 32
    run(platform, world, signed)
    for _ in range(ACCESS_IMPORTS - 1):
        again = platform.bank_sessions.reopen(world.tenant, access)
        assert again.session.history_days == 90 and again.session.access_id == access
        run(platform, world, again)
    with pytest.raises(AccessLimit):
        platform.bank_sessions.reopen(world.tenant, access)
    world.advance(hours=24)
    fresh = platform.bank_sessions.reopen(world.tenant, access)
    assert run(platform, world, fresh).kind is ImportKind.SESSION


def test_a_standing_access_ends_with_the_consent_or_when_revoked(platform, world):
    signed = signed_in(platform, world, standing=True)
    access = signed.session.access_id
    assert access is not None
    world.advance(days=180)
    with pytest.raises(AccessUnknown):
        platform.bank_sessions.reopen(world.tenant, access)
    other = signed_in(platform, world, owner="owner-2", standing=True)
    assert other.session.access_id is not None
    platform.bank_sessions.revoke_access(world.tenant, other.session.access_id)
    with pytest.raises(AccessUnknown):
        platform.bank_sessions.reopen(world.tenant, other.session.access_id)


def test_a_standing_access_needs_an_api_source(platform, world):
    with pytest.raises(AccessNotOffered):
        signed_in(platform, world, bank="bursztyn-bank", standing=True)


def test_a_session_without_the_user_finds_the_login_at_the_first_bank_having_it(platform, world):
    signed = platform.bank_sessions.open_without_user(
        world.tenant,
        external_user_id="owner-2",
        login="anna.kowalska",
        bank_ids=["rheinwert-bank", "bank-wislany"],
        source=None,
        standing=False,
    )
    login = platform.bank_logins.get(world.tenant, signed.session.bank_login_id)
    assert login.bank_id == "bank-wislany" and signed.session.external_user_id == "owner-2"
    with pytest.raises(UnknownLogin):
        platform.bank_sessions.open_without_user(
            world.tenant,
            external_user_id="owner-2",
            login="nobody-here",
            bank_ids=["bank-wislany"],
            source=None,
            standing=False,
        )


def test_since_is_kept_as_a_date(platform, world):
    assert Scope.of(Scope(Resource.ALL, since=date(2026, 1, 1)).stored()).since == date(2026, 1, 1)


def test_a_history_the_user_extended_with_sca_is_what_a_session_reaches(platform, world):
    """Kontomatik: more than 90 days needs the extra SCA; a session signed in after it reaches
    the deeper history, one reopened from a standing access 90 days again."""
    made, _ = connections.connect_directly(
        world.db, world.tenant, external_user_id="deep", bank_id="nordlicht-sparbank", login="good"
    )
    login = platform.bank_logins.get(world.tenant, made.id)
    with world.db.begin() as conn:
        history.extend(conn, world.tenant, login, 730)
    signed = platform.bank_sessions.sign_in(world.tenant, made.id, standing=True)
    assert signed.session.history_days == 730
    assert signed.session.earliest(date(2026, 1, 15)) == date(2024, 1, 16)
    assert signed.session.access_id is not None
    again = platform.bank_sessions.reopen(world.tenant, signed.session.access_id)
    assert again.session.history_days == 90


# --- Any order of commands, time and sign-outs: the rules hold ---------------------------------


class Model:
    """What a session's next command meets, by Kontomatik's rules."""

    def __init__(self, started: datetime) -> None:
        self.ends = started + TTL
        self.imports: str | None = None  # "all" or "parts"
        self.out = False

    def import_error(self, now: datetime, resource: Resource) -> type[Exception] | None:
        if now >= self.ends:
            return SessionExpired
        if self.imports == "all":
            return WholeImportDone if resource is Resource.ALL else SessionSignedOut
        if self.imports == "parts" and resource is Resource.ALL:
            return ImportsMixed
        return SessionSignedOut if self.out else None

    def sign_out_error(self, now: datetime) -> type[Exception] | None:
        if now >= self.ends:
            return SessionExpired
        return SessionSignedOut if self.out else None


MACHINE_SCENARIO = load_scenario_text(
    "extends: default\nname: machine\nclock: {start: 2026-01-15T09:00:00Z, frozen: true}\n"
)
RESOURCES = [Resource.ALL, Resource.OWNERS, Resource.ACCOUNTS, Resource.CARDS]


class BankSessionMachine(RuleBasedStateMachine):
    """Sessions opened, imports of any part, sign-outs and time in any order: each command is
    refused exactly when Kontomatik's rules say, with the error they name, and a job is made
    exactly when it is not."""

    sessions = Bundle("sessions")

    def __init__(self) -> None:
        super().__init__()
        self.platform = Platform.open(Settings(database_url="sqlite:///:memory:"), MACHINE_SCENARIO)
        self.tenant = tenants.create_tenant(self.platform.db, MACHINE_SCENARIO, "machine")
        self.models: dict[str, Model] = {}
        self.owners = 0

    def teardown(self) -> None:
        self.platform.close()

    @rule(target=sessions)
    def sign_in(self):
        self.owners += 1
        signed = self.platform.bank_sessions.open_without_user(
            self.tenant,
            external_user_id=f"owner-{self.owners}",
            login="good",
            bank_ids=["rheinwert-bank"],
            source=None,
            standing=False,
        )
        self.models[signed.secret] = Model(self.tenant.now())
        return signed

    @rule(signed=sessions, resource=st.sampled_from(RESOURCES))
    def run_import(self, signed, resource: Resource) -> None:
        model = self.models[signed.secret]
        expected = model.import_error(self.tenant.now(), resource)
        try:
            job = self.platform.bank_sessions.start_import(
                self.tenant, signed.secret, signed.signature, Scope(resource)
            )
        except SandboxError as error:
            assert type(error) is expected, (resource, model.__dict__, error)
            return
        assert expected is None and job.bank_session_id == signed.session.id
        model.imports = "all" if resource is Resource.ALL else "parts"
        model.out = model.out or resource is Resource.ALL

    @rule(signed=sessions)
    def sign_out(self, signed) -> None:
        model = self.models[signed.secret]
        expected = model.sign_out_error(self.tenant.now())
        try:
            self.platform.bank_sessions.sign_out(self.tenant, signed.secret, signed.signature)
        except SandboxError as error:
            assert type(error) is expected, (model.__dict__, error)
            return
        assert expected is None
        model.out = True

    @rule(minutes=st.integers(min_value=1, max_value=20))
    def wait(self, minutes: int) -> None:
        self.tenant = tenants.save_clock(
            self.platform.db, self.tenant, self.tenant.clock.advanced(timedelta(minutes=minutes))
        )

    @invariant()
    def resolving_agrees(self) -> None:
        for secret, model in self.models.items():
            signature = credentials.signature_of(self.tenant, secret)
            expected = model.sign_out_error(self.tenant.now())
            try:
                self.platform.bank_sessions.resolve(self.tenant, secret, signature)
            except SandboxError as error:
                assert type(error) is expected
            else:
                assert expected is None


BankSessionMachine.TestCase.settings = settings(
    max_examples=20,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_commands_meet_kontomatiks_rules_in_any_order = BankSessionMachine.TestCase
