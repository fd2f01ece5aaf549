"""Import jobs: every sync is recorded as a job whose visible progress unfolds over a few polls
(or the virtual time they would take), whatever the tenant's clock does, and ends as the sync
did, or as a scenario or a test chooses."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, multiple, rule

from sandbox.domain import bank_site, connect, connections, history, sessions, tenants
from sandbox.domain.errors import BankRefusal, Conflict, NotFound, RateLimited, SandboxError
from sandbox.domain.imports import MOVES, STEP, ImportJob, ImportStatus
from sandbox.domain.platform import Platform
from sandbox.scenario import load_scenario_text
from sandbox.settings import Settings

CALLBACK = "http://127.0.0.1:3000/callback"
PACED = """\
extends: default
name: paced
clock: {start: 2026-01-15T09:00:00Z, frozen: true}
banks:
  - {id: instant-bank, name: Instant Bank, country: DE, import_speed: instant}
  - {id: slow-bank, name: Slow Bank, country: DE, import_speed: slow}
  - {id: fatal-bank, name: Fatal Bank, country: DE, import_outcome: fatal}
  - {id: partial-bank, name: Partial Bank, country: DE, import_outcome: partial}
personas:
  - login: every-source-down
    bank: "*"
    behaviours: [{event: source_down}]
"""


def connected(world, login: str = "good", bank: str = "rheinwert-bank", user: str = "u1"):
    bank_login, _ = connections.connect_directly(
        world.db, world.tenant, external_user_id=user, bank_id=bank, login=login
    )
    return bank_login


def jobs(platform, world, bank_login_id: int) -> list[ImportJob]:
    return platform.imports.of_bank_login(world.tenant, bank_login_id, before=None, limit=50).jobs


def polls(platform, world, import_id: int, times: int) -> list[ImportJob]:
    return [platform.imports.get(world.tenant, import_id) for _ in range(times)]


def seen(reads: list[ImportJob]) -> list[tuple[str, float]]:
    return [(job.status.value, job.progress) for job in reads]


@pytest.fixture
def paced(platform: Platform):
    """A tenant whose scenario has banks that import instantly, slowly, or fail."""

    class Paced:
        db = platform.db
        tenant = tenants.create_tenant(platform.db, load_scenario_text(PACED), "paced")

    return Paced


# --- Every kind of sync -------------------------------------------------------------------------


def test_a_direct_connection_and_its_refreshes_are_import_jobs(world, platform):
    login = connected(world)
    connections.refresh(world.db, world.tenant, login.id)
    connections.sync_now(world.db, world.tenant, login.id)
    listed = jobs(platform, world, login.id)
    assert [job.kind.value for job in listed] == ["control", "refresh", "connect"]
    assert {(job.bank_login_id, job.external_user_id) for job in listed} == {(login.id, "u1")}


def test_a_connection_through_the_hosted_pages_is_an_import_job(world, platform):
    _, exit_ = world.connect()
    (bank_login_id,) = exit_.outcome.bank_login_ids
    (job,) = jobs(platform, world, bank_login_id)
    assert job.kind.value == "connect"


def test_a_renewal_is_an_import_job(world, platform):
    login = connected(world)
    world.advance(days=181)
    session_id = sessions.create_renewal_session(
        world.db, world.tenant, bank_login_id=login.id, redirect_uri=CALLBACK, state=None
    ).id
    connect.log_in(world.db, session_id, "good", "pass")
    flow, _ = connect.enter_otp(world.db, session_id, "123456")
    connect.grant_consent(world.db, session_id, [o.key for o in connect.consent_offer(flow)])
    renewal, _ = jobs(platform, world, login.id)
    assert renewal.kind.value == "renew"
    assert polls(platform, world, renewal.id, 3)[-1].new_transactions > 0


def extended(world, persona: str, days: int):
    """A Nordlicht login of `persona` after the user shared `days` of history."""
    login = connected(world, persona, "nordlicht-sparbank")
    session_id = history.create_history_session(
        world.db, world.tenant, bank_login_id=login.id, days=days, redirect_uri=CALLBACK, state=None
    ).id
    bank_site.app_decision(world.db, session_id, "nordlicht-sparbank", approve=True)
    history.share_history(world.db, session_id)
    return login


def test_a_history_extension_is_an_import_job(world, platform):
    login = extended(world, "ten-years-history", 400)
    extension, _ = jobs(platform, world, login.id)
    assert extension.kind.value == "extend_history"
    assert polls(platform, world, extension.id, 3)[-1].new_transactions > 0


def test_a_history_extension_the_bank_refuses_is_a_failed_job(world, platform):
    login = extended(world, "bank-down-on-sync-2", 365)
    extension, _ = jobs(platform, world, login.id)
    ended = polls(platform, world, extension.id, 3)[-1]
    assert (extension.kind.value, ended.status) == ("extend_history", ImportStatus.ERROR)
    assert ended.error.details["state"] == "bank_unavailable"


def test_a_refresh_refused_before_the_bank_is_asked_is_no_job(world, platform):
    login = connected(world)
    per_day = world.tenant.scenario.bank("rheinwert-bank").syncs_per_day
    for _ in range(per_day):
        connections.refresh(world.db, world.tenant, login.id)
    with pytest.raises(RateLimited):
        connections.refresh(world.db, world.tenant, login.id)
    assert len(jobs(platform, world, login.id)) == 1 + per_day


# --- How a job unfolds ----------------------------------------------------------------------------


def test_a_job_finishes_after_three_polls_while_the_clock_is_frozen(world, platform):
    login = connected(world)
    (job,) = jobs(platform, world, login.id)  # the listing was the first poll
    assert (job.status, job.progress, job.new_transactions) == (ImportStatus.SETUP, 0.0, None)
    reads = polls(platform, world, job.id, 3)
    assert seen(reads) == [("in_progress", 0.33), ("in_progress", 0.67), ("successful", 1.0)]
    done = reads[-1]
    assert done.finished_at == world.tenant.now() == done.created_at
    assert (done.new_accounts, done.deleted_accounts, done.error) == (1, 0, None)
    assert done.new_transactions > 0


def test_a_job_finishes_by_itself_once_the_clock_passes_ready_at(world, platform):
    login = connected(world)
    world.advance(seconds=STEP.total_seconds() * 3)
    (job,) = jobs(platform, world, login.id)
    assert job.status is ImportStatus.SUCCESSFUL
    assert job.finished_at == job.created_at + 3 * STEP


def test_the_clock_and_the_polls_both_move_a_job_on(world, platform):
    login = connected(world)
    (job,) = jobs(platform, world, login.id)
    world.advance(seconds=STEP.total_seconds())
    assert seen(polls(platform, world, job.id, 2)) == [("in_progress", 0.33), ("in_progress", 0.67)]


def test_a_refused_sync_shows_its_error_only_at_its_end(world, platform):
    login = connected(world, "wrongpass-on-sync-2")
    with pytest.raises(BankRefusal):
        connections.refresh(world.db, world.tenant, login.id)
    refusal = jobs(platform, world, login.id)[0]
    reads = [refusal, *polls(platform, world, refusal.id, 3)]
    assert [job.error for job in reads[:3]] == [None, None, None]
    ended = reads[-1]
    assert (ended.kind.value, ended.status, ended.error.code) == (
        "refresh",
        "error",
        "bank_refused",
    )
    assert ended.error.details == {"state": "wrong_credentials", "detail": None}
    assert (ended.new_accounts, ended.new_transactions) == (0, 0)


def test_a_connection_to_a_bank_with_every_source_down_is_a_failed_job(paced, platform):
    login = connected(paced, "every-source-down")
    ended = polls(platform, paced, jobs(platform, paced, login.id)[0].id, 3)[-1]
    assert ended.status is ImportStatus.ERROR
    assert ended.error.details["state"] == "bank_unavailable"


# --- What the scenario and a test steer -----------------------------------------------------------


def test_a_banks_instant_imports_are_finished_at_the_first_read(paced, platform):
    login = connected(paced, bank="instant-bank")
    (job,) = platform.imports.of_bank_login(paced.tenant, login.id, before=None, limit=5).jobs
    assert (job.status, job.progress) == (ImportStatus.SUCCESSFUL, 1.0)


def test_a_banks_slow_imports_take_ten_polls(paced, platform):
    login = connected(paced, bank="slow-bank")
    (job,) = platform.imports.of_bank_login(paced.tenant, login.id, before=None, limit=5).jobs
    reads = polls(platform, paced, job.id, 10)
    assert [r.status.value for r in reads[:-1]] == ["in_progress"] * 9
    assert reads[-1].status is ImportStatus.SUCCESSFUL


def test_a_bank_can_end_every_import_in_fatal_with_the_data_imported(paced, platform):
    login = connected(paced, bank="fatal-bank")
    (job,) = platform.imports.of_bank_login(paced.tenant, login.id, before=None, limit=5).jobs
    ended = polls(platform, paced, job.id, 3)[-1]
    assert (ended.status, ended.error.code) == (ImportStatus.FATAL, "import_fatal")
    assert ended.new_transactions > 0


def test_a_partial_import_is_successful_with_a_warning(paced, platform):
    login = connected(paced, bank="partial-bank")
    (job,) = platform.imports.of_bank_login(paced.tenant, login.id, before=None, limit=5).jobs
    ended = polls(platform, paced, job.id, 3)[-1]
    assert (ended.status, ended.partial, ended.error) == (ImportStatus.SUCCESSFUL, True, None)
    assert ended.warning.code == "partial_import"


def test_a_test_makes_a_job_instant(world, platform):
    login = connected(world)
    (job,) = jobs(platform, world, login.id)
    steered = platform.imports.steer(world.tenant, job.id, speed="instant")
    assert (steered.status, steered.finished_at) == (ImportStatus.SUCCESSFUL, world.tenant.now())


def test_a_test_makes_a_job_slow_keeping_its_progress(world, platform):
    login = connected(world)
    (job,) = jobs(platform, world, login.id)
    assert polls(platform, world, job.id, 1)[0].progress == 0.33
    assert platform.imports.steer(world.tenant, job.id, speed="slow").progress == 0.7
    reads = polls(platform, world, job.id, 4)
    assert [r.progress for r in reads] == [0.7, 0.8, 0.9, 1.0]
    assert reads[-1].status is ImportStatus.SUCCESSFUL


def test_a_test_fails_a_job_with_its_own_message(world, platform):
    login = connected(world)
    (job,) = jobs(platform, world, login.id)
    steered = platform.imports.steer(
        world.tenant, job.id, outcome="error", message="The bank timed out."
    )
    assert (steered.status, steered.error) == (ImportStatus.IN_PROGRESS, None)  # not yet
    ended = polls(platform, world, job.id, 3)[-1]
    assert (ended.status, ended.error.code, ended.error.message) == (
        ImportStatus.ERROR,
        "import_failed",
        "The bank timed out.",
    )


def test_a_finished_job_never_changes(world, platform):
    login = connected(world)
    (job,) = jobs(platform, world, login.id)
    done = platform.imports.steer(world.tenant, job.id, speed="instant")
    with pytest.raises(Conflict):
        platform.imports.steer(world.tenant, job.id, outcome="fatal")
    assert platform.imports.get(world.tenant, job.id) == done


def test_another_tenants_job_is_not_found(world, platform):
    login = connected(world)
    (job,) = jobs(platform, world, login.id)
    other = tenants.create_tenant(world.db, world.tenant.scenario, "other")
    with pytest.raises(NotFound):
        platform.imports.get(other, job.id)
    with pytest.raises(NotFound):
        platform.imports.steer(other, job.id, speed="instant")
    with pytest.raises(NotFound):
        platform.imports.of_bank_login(other, login.id, before=None, limit=5)


# --- A job only ever moves forward ----------------------------------------------------------------

MACHINE = load_scenario_text(PACED)
BANKS = ["rheinwert-bank", "instant-bank", "slow-bank", "fatal-bank", "partial-bank"]
PERSONAS = ["good", "wrongpass-on-sync-2", "bank-down-on-sync-2"]


class ImportJobMachine(RuleBasedStateMachine):
    """Syncs, polls, steering and time in any order: each job's status only moves along
    `setup → in_progress → successful | error | fatal`, its progress never falls, and once it
    is finished every read of it is the same."""

    logins = Bundle("logins")
    jobs = Bundle("jobs")

    def __init__(self) -> None:
        super().__init__()
        self.platform = Platform.open(Settings(database_url="sqlite:///:memory:"), MACHINE)
        self.tenant = tenants.create_tenant(self.platform.db, MACHINE, "machine")
        self.last: dict[int, ImportJob] = {}

    def teardown(self) -> None:
        self.platform.close()

    @rule(target=logins, bank=st.sampled_from(BANKS), persona=st.sampled_from(PERSONAS))
    def connect(self, bank: str, persona: str) -> int:
        # A user of its own each time: connecting one persona twice for a user is refused.
        self.users = getattr(self, "users", 0) + 1
        login, _ = connections.connect_directly(
            self.platform.db,
            self.tenant,
            external_user_id=f"u{self.users}",
            bank_id=bank,
            login=persona,
        )
        return login.id

    @rule(login_id=logins, counted=st.booleans())
    def sync(self, login_id: int, counted: bool) -> None:
        sync = connections.refresh if counted else connections.sync_now
        with contextlib.suppress(SandboxError):  # refused: a job or not, as the rules say
            sync(self.platform.db, self.tenant, login_id)

    @rule(target=jobs, login_id=logins, limit=st.integers(min_value=1, max_value=3))
    def list_jobs(self, login_id: int, limit: int):
        page = self.platform.imports.of_bank_login(self.tenant, login_id, before=None, limit=limit)
        return multiple(*(self._saw(job).id for job in page.jobs))

    @rule(job_id=jobs)
    def poll(self, job_id: int) -> None:
        self._saw(self.platform.imports.get(self.tenant, job_id))

    @rule(
        job_id=jobs,
        speed=st.sampled_from([None, "instant", "normal", "slow"]),
        outcome=st.sampled_from([None, "error", "fatal", "partial"]),
    )
    def steer(self, job_id: int, speed, outcome) -> None:
        if speed is None and outcome is None:
            return
        try:
            self._saw(
                self.platform.imports.steer(self.tenant, job_id, speed=speed, outcome=outcome)
            )
        except Conflict:
            assert self.last[job_id].finished or self._now_finished(job_id)

    @rule(seconds=st.integers(min_value=0, max_value=7))
    def advance(self, seconds: int) -> None:
        clock = self.tenant.clock.advanced(timedelta(seconds=seconds))
        self.tenant = tenants.save_clock(self.platform.db, self.tenant, clock)

    def _now_finished(self, job_id: int) -> bool:
        return self._saw(self.platform.imports.get(self.tenant, job_id)).finished

    def _saw(self, job: ImportJob) -> ImportJob:
        before = self.last.get(job.id)
        if before is not None:
            assert job.status in MOVES[before.status], (before.status, job.status)
            assert job.progress >= before.progress
            if before.finished:
                assert job == before
        assert job.finished == (job.progress == 1.0) == (job.finished_at is not None)
        self.last[job.id] = job
        return job

    @invariant()
    def unfinished_jobs_show_nothing_of_their_end(self) -> None:
        for job in self.last.values():
            if not job.finished:
                assert (job.error, job.warning, job.new_transactions) == (None, None, None)


ImportJobMachine.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_a_jobs_status_only_moves_forward = ImportJobMachine.TestCase
