"""A hypothesis state machine over one hosted connect flow: a user (or a stale tab) doing any step
in any order, at the platform's pages, the bank's pages and the bank's app, with the clock
moving. After every step the flow's step is where it was or one move on along the steps' table,
no step ever tries a move the table forbids, and a flow that ends tells the client the outcome
its step stands for (issue: "State machines as tables", "Callbacks")."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from sandbox.domain import bank_site, connect, connections, history, manage, sessions, tenants
from sandbox.domain.errors import SandboxError, TransitionRefused, WrongStep
from sandbox.domain.outcome import Exit, OutcomeKind
from sandbox.domain.platform import Platform
from sandbox.domain.progress import NEXT, Step
from sandbox.scenario import load_scenario_text
from sandbox.settings import Settings

CALLBACK = "http://127.0.0.1:3000/callback"
SCENARIO = load_scenario_text(
    "extends: default\nname: flows\nclock: {start: 2026-01-15T09:00:00Z, frozen: true}\n"
)
BANKS = ["rheinwert-bank", "nordlicht-sparbank", "banque-lumiere", "polderbank"]
LOGINS = ["good", "mia.schulz", "locked", "ten-years-history"]
KINDS = ["connect", "multiple", "management", "add_bank_login", "renewal", "history"]


def forbidden_move(error: WrongStep) -> bool:
    """A step that tried a move the table does not have (not a form posted out of turn)."""
    return error.message.startswith("the flow cannot go")


class OneFlow(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.platform = Platform.open(Settings(database_url="sqlite:///:memory:"), SCENARIO)
        self.db = self.platform.db
        self.tenant = tenants.create_tenant(
            self.db, SCENARIO, "flows", tenants.TenantOptions(redirect_uris=[CALLBACK])
        )
        self.session_id = ""
        self.step = Step.BANK
        self.exits: list[tuple[Step, Exit]] = []  # each way back, with the step it left from

    def teardown(self) -> None:
        self.platform.close()

    @initialize(kind=st.sampled_from(KINDS))
    def open(self, kind: str) -> None:
        """A session of any kind, for a user who has one bank login already."""
        login, _ = connections.connect_directly(
            self.db, self.tenant, external_user_id="u1", bank_id=BANKS[1], login=LOGINS[3]
        )
        self.login_id = login.id
        opened = dict(redirect_uri=CALLBACK, state="st")
        if kind == "renewal":
            made = sessions.create_renewal_session(
                self.db, self.tenant, bank_login_id=login.id, **opened
            )
        elif kind == "history":
            made = history.create_history_session(
                self.db, self.tenant, bank_login_id=login.id, days=365, **opened
            )
        else:
            options = {"multiple": kind == "multiple", "add_bank_login": kind == "add_bank_login"}
            made = sessions.create_session(
                self.db, self.tenant, external_user_id="u1", options=options,
                kind="connect" if kind in ("connect", "multiple") else "management", **opened,
            )  # fmt: skip
        self.session_id, self.step = made.id, made.progress.step

    def _do(self, step, *args, **kwargs) -> None:
        """Run one step as a request would: refusals are answers, not failures, except a move
        the table forbids or a bank-login state change its lifecycle forbids."""
        try:
            result = step(self.db, self.session_id, *args, **kwargs)
        except TransitionRefused:
            raise
        except WrongStep as error:
            assert not forbidden_move(error), error.message
            return
        except SandboxError:
            return
        found = result[-1] if isinstance(result, tuple) else result
        if isinstance(found, Exit):
            self.exits.append((self.step, found))

    @property
    def _bank_id(self) -> str:
        return sessions.trace_session(self.db, self.session_id).session.progress.bank_id or ""

    @rule(bank=st.sampled_from(BANKS))
    def choose_bank(self, bank: str) -> None:
        self._do(connect.choose_bank, bank)

    @rule(account_type=st.sampled_from(["checking", "savings", "credit_card"]))
    def choose_account_type(self, account_type: str) -> None:
        self._do(connect.choose_account_type, account_type)

    @rule(login=st.sampled_from(LOGINS), right=st.booleans())
    def log_in(self, login: str, right: bool) -> None:
        self._do(connect.log_in, login, "pass" if right else "nope")

    @rule()
    def choose_sms(self) -> None:
        self._do(connect.choose_sca_method, "sms")

    @rule(right=st.booleans())
    def enter_otp(self, right: bool) -> None:
        self._do(connect.enter_otp, "123456" if right else "000000")

    @rule(approve=st.booleans())
    def decide_at_the_bank(self, approve: bool) -> None:
        self._do(bank_site.bank_decision, approve)

    @rule()
    def cancel_at_the_bank(self) -> None:
        self._do(bank_site.cancel_at_bank, self._bank_id)

    @rule(approve=st.booleans())
    def decide_in_the_app(self, approve: bool) -> None:
        self._do(bank_site.app_decision, self._bank_id, approve)

    @rule()
    def look_at_the_sca(self) -> None:
        self._do(connect.sca_progress)

    @rule()
    def grant_consent(self) -> None:
        def grant(db, session_id):
            """Every account the consent page offers (a form posted out of turn: one key)."""
            flow = connect.load(db, session_id)
            at_consent = flow.progress.step is Step.CONSENT
            keys = [offer.key for offer in connect.consent_offer(flow)] if at_consent else ["main"]
            return connect.grant_consent(db, session_id, keys)

        self._do(grant)

    @rule()
    def share_history(self) -> None:
        self._do(history.share_history)

    @rule()
    def add_a_bank(self) -> None:
        self._do(connect.enter, multiple=False, add_bank_login=True)

    @rule()
    def renew_from_the_list(self) -> None:
        self._do(manage.start_renewal, self.login_id)

    @rule(bank=st.sampled_from(BANKS))
    def do_what_the_page_asks(self, bank: str) -> None:
        """The user at their best: what the current step's page asks for, rightly, so that
        flows get far among the rules that stray."""
        trace = sessions.trace_session(self.db, self.session_id)
        step, approach = self.step, None
        if step is Step.SCA and trace.usable:
            current = connect.sca_progress(self.db, self.session_id)[1]
            approach = current.approach if current is not None else None
        answers = {
            Step.BANK: lambda: self._do(connect.choose_bank, bank),
            Step.ACCOUNT_TYPE: lambda: self._do(connect.choose_account_type, "checking"),
            Step.CREDENTIALS: lambda: self._do(connect.log_in, "good", "pass"),
            Step.BANK_LOGIN: lambda: self._do(connect.log_in, "good", "pass"),
            Step.ALREADY_CONNECTED: lambda: self._do(manage.start_renewal, self.login_id),
            Step.CONSENT: self.grant_consent,
            Step.HISTORY: self.share_history,
            Step.MANAGE: self.add_a_bank,
        }
        if approach == "embedded":
            self._do(connect.choose_sca_method, "sms")
            self._do(connect.enter_otp, "123456")
        elif approach == "redirect":
            self._do(bank_site.bank_decision, True)
        elif approach == "decoupled":
            self._do(bank_site.app_decision, self._bank_id, True)
        elif step in answers:
            answers[step]()

    @rule(how=st.sampled_from([connect.cancel, connect.leave]), now=st.integers(0, 4))
    def give_up(self, how, now: int) -> None:
        """Cancel or leave, now and then (every time, the flow would rarely get far)."""
        if now == 0 or self.step in (Step.FAILED, Step.MANAGE):
            self._do(how)

    @precondition(lambda self: self.step is Step.SCA)
    @rule(minutes=st.integers(min_value=1, max_value=4))
    def wait(self, minutes: int) -> None:
        """Time for a decoupled SCA to run out (the session itself lasts 15 minutes)."""
        self.tenant = tenants.save_clock(
            self.db, self.tenant, self.tenant.clock.advanced(timedelta(minutes=minutes))
        )

    @invariant()
    def the_step_moved_only_along_the_table(self) -> None:
        if not self.session_id:
            return
        now = sessions.trace_session(self.db, self.session_id).session.progress.step
        assert now == self.step or now in NEXT[self.step], f"{self.step} -> {now}"
        self.step = now

    @invariant()
    def a_flow_that_ends_tells_the_outcome_of_its_step(self) -> None:
        for left_from, back in self.exits:
            kind = back.outcome.kind
            assert back.state == "st" and back.redirect_uri == CALLBACK
            if kind is OutcomeKind.ERROR:
                assert back.outcome.error is not None
            elif kind is OutcomeKind.SUCCESS:
                assert back.outcome.bank_login_ids or back.outcome.listed
            else:
                assert left_from not in (Step.FAILED, Step.MANAGE)
        assert len(self.exits) <= 1, "a session is used once"


TestOneFlow = OneFlow.TestCase
TestOneFlow.settings = settings(
    max_examples=100,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
