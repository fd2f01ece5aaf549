"""A hypothesis state machine over the bank-login lifecycle: connect, sync, move the clock,
renew, force a state, end a consent, delete — with personas whose scripted behaviours fire along
the way — checking after every step what must always hold (issue: "Lifecycle", tests), and that
every state change a step made is one the lifecycle's table allows (issue: "State machines as
tables")."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
)

from sandbox.domain import accounts as account_domain
from sandbox.domain import bank_logins, connections, control, tenants
from sandbox.domain.connections import LoginNotUsable
from sandbox.domain.errors import TransitionRefused
from sandbox.domain.fakebank import BankRefusal
from sandbox.domain.lifecycle import NEW, TRANSITIONS, Event, apply
from sandbox.domain.platform import Platform
from sandbox.domain.states import LoginState
from sandbox.errors import SandboxError
from sandbox.scenario import load_scenario_text
from sandbox.settings import Settings
from sandbox.store.schema import accounts, transactions
from sandbox.store.schema import bank_logins as login_table

SCENARIO = load_scenario_text(
    "extends: default\nname: machine\nclock: {start: 2026-01-15T09:00:00Z, frozen: true}\n"
)
PERSONAS = [
    "good",
    "credit-card",
    "multi-currency",
    "wrongpass-on-sync-2",
    "bank-down-on-sync-2",
    "sca-every-sync",
    "new-account-on-sync-2",
    "account-closed-on-sync-2",
]
BANKS = ["rheinwert-bank", "nordlicht-sparbank", "bank-wislany", "polderbank"]
# What each step may do to a login's state, as events of the lifecycle's table.
CLOCK_EVENTS = frozenset({Event.HOLD_LIFTED, Event.CONSENT_EXPIRED})
SYNC_EVENTS = frozenset({Event.SYNCED, Event.REFUSED, Event.RATE_LIMITED})


def after_one(state: LoginState, events: frozenset[Event]) -> set[LoginState]:
    """Every state one of `events` leads to from `state`, by the table."""
    return {
        target
        for event in events
        if state in TRANSITIONS[event].sources
        for target in TRANSITIONS[event].targets
    }


def explained(before: LoginState, after: LoginState, events: frozenset[Event]) -> bool:
    """Whether `after` follows from `before` by at most two of `events` (the clock may lift a
    hold and then find the consent over)."""
    once = after_one(before, events)
    return after == before or after in once or any(after in after_one(s, events) for s in once)


class BankLoginLifecycle(RuleBasedStateMachine):
    logins = Bundle("logins")

    def __init__(self) -> None:
        super().__init__()
        self.platform = Platform.open(Settings(database_url="sqlite:///:memory:"), SCENARIO)
        self.tenant = tenants.create_tenant(self.platform.db, SCENARIO, "machine")
        self.seen: dict[int, LoginState] = {}  # each login's state after the last step
        self.events: frozenset[Event] = frozenset()  # what the last step may have caused

    def teardown(self) -> None:
        self.platform.close()

    @property
    def db(self):
        return self.platform.db

    @rule(target=logins, persona=st.sampled_from(PERSONAS), bank=st.sampled_from(BANKS))
    def connect(self, persona: str, bank: str):
        try:
            login, _ = connections.connect_directly(
                self.db, self.tenant, external_user_id="u1", bank_id=bank, login=persona
            )
        except BankRefusal:
            return -1
        except bank_logins.AlreadyConnected as refused:
            assert self._exists(refused.bank_login_id)
            return -1
        self.seen[login.id] = NEW
        self.events = frozenset({Event.REFUSED})  # its first sync may be refused
        return login.id

    @rule(login_id=logins)
    def sync(self, login_id: int) -> None:
        if login_id < 0 or not self._exists(login_id):
            return
        self.events = SYNC_EVENTS
        before = bank_logins.get_bank_login(self.db, self.tenant, login_id)
        expired = before.consent is None or self.tenant.now() >= before.consent.expires_at
        try:
            connections.refresh(self.db, self.tenant, login_id)
        except (BankRefusal, LoginNotUsable, SandboxError):
            return
        assert not expired, "a sync succeeded on an expired consent"

    @rule(hours=st.integers(min_value=1, max_value=24 * 200))
    def advance(self, hours: int) -> None:
        self.events = CLOCK_EVENTS
        self.tenant = tenants.save_clock(
            self.db, self.tenant, self.tenant.clock.advanced(timedelta(hours=hours))
        )

    @rule(login_id=logins)
    def renew(self, login_id: int) -> None:
        """What follows a passed SCA in the hosted UI: a new consent and a sync."""
        if login_id < 0 or not self._exists(login_id):
            return
        self.events = frozenset({Event.RENEWED, Event.SYNCED})
        login = bank_logins.get_bank_login(self.db, self.tenant, login_id)
        try:
            with self.db.begin() as conn:
                connections.renew(conn, self.tenant, login, None)
        except (BankRefusal, SandboxError):
            return
        renewed = bank_logins.get_bank_login(self.db, self.tenant, login_id)
        assert renewed.consent.expires_at > self.tenant.now()

    @rule(
        login_id=logins,
        state=st.sampled_from(LoginState),
        hours=st.none() | st.integers(min_value=1, max_value=24 * 30),
    )
    def force_state(self, login_id: int, state: LoginState, hours: int | None) -> None:
        """What the control API may do: any state, for a while or until it changes."""
        if login_id < 0 or not self._exists(login_id):
            return
        self.events = frozenset({Event.FORCED})
        until = None if hours is None else self.tenant.now() + timedelta(hours=hours)
        try:
            forced = control.force_state(self.db, self.tenant, login_id, state, until=until)
        except SandboxError:  # a state that syncs while the consent is over
            return
        assert forced.state is state

    @rule(login_id=logins)
    def expire_consent(self, login_id: int) -> None:
        if login_id < 0 or not self._exists(login_id):
            return
        self.events = frozenset({Event.CONSENT_EXPIRED})
        ended = control.expire_consent(self.db, self.tenant, login_id)
        assert ended.state is not LoginState.CONNECTED

    @rule(login_id=logins, active=st.booleans())
    def toggle_an_account(self, login_id: int, active: bool) -> None:
        """Activate or deactivate the login's first account (GDPR consent to share it)."""
        if login_id < 0 or not self._exists(login_id):
            return
        with self.db.connect() as conn:
            first = conn.execute(
                sa.select(accounts.c.id).where(accounts.c.bank_login_id == login_id).limit(1)
            ).scalar_one_or_none()
        if first is None:
            return
        change = account_domain.activate_account if active else account_domain.deactivate_account
        try:
            change(self.db, self.tenant, first)
        except SandboxError:
            return
        if not active:
            with self.db.connect() as conn:
                left = conn.execute(
                    sa.select(sa.func.count()).where(transactions.c.account_id == first)
                ).scalar_one()
            assert left == 0, "deactivating an account keeps no transactions"

    @rule(login_id=consumes(logins))
    def delete(self, login_id: int) -> None:
        if login_id >= 0 and self._exists(login_id):
            bank_logins.delete_bank_login(self.db, self.tenant, login_id)
            assert not self._exists(login_id)

    def _exists(self, login_id: int) -> bool:
        with self.db.connect() as conn:
            query = sa.select(login_table.c.id).where(login_table.c.id == login_id)
            return conn.execute(query).first() is not None

    @invariant()
    def every_state_change_is_in_the_lifecycle_table(self) -> None:
        now = {
            login.id: login.state for login in bank_logins.list_bank_logins(self.db, self.tenant)
        }
        for login_id, after in now.items():
            before = self.seen.get(login_id, after)
            assert explained(before, after, self.events), (
                f"login {login_id} went from {before} to {after} on {sorted(self.events)}"
            )
        self.seen, self.events = now, frozenset()

    @invariant()
    def no_login_is_connected_twice_for_one_user(self) -> None:
        with self.db.connect() as conn:
            keys = conn.execute(
                sa.select(login_table.c.user_id, login_table.c.bank_id, login_table.c.persona_login)
            ).all()
        assert len(keys) == len(set(keys))

    @invariant()
    def every_transaction_has_its_account(self) -> None:
        with self.db.connect() as conn:
            orphans = conn.execute(
                sa.select(sa.func.count())
                .select_from(transactions.outerjoin(accounts))
                .where(accounts.c.id.is_(None))
            ).scalar_one()
        assert orphans == 0

    @invariant()
    def every_account_has_its_bank_login(self) -> None:
        with self.db.connect() as conn:
            orphans = conn.execute(
                sa.select(sa.func.count())
                .select_from(accounts.outerjoin(login_table))
                .where(accounts.c.origin == "bank", login_table.c.id.is_(None))
            ).scalar_one()
        assert orphans == 0

    @invariant()
    def deleted_accounts_are_never_listed_by_default(self) -> None:
        from sandbox.store import accounts as account_rows

        with self.db.connect() as conn:
            listed = account_rows.list_accounts(conn, self.tenant.id)
        assert all(row["deleted_at"] is None for row in listed)

    @invariant()
    def balances_equal_the_chain_of_imported_transactions(self) -> None:
        """Each enabled account's imported transactions chain without gaps or duplicates
        (every balance_after is the one before plus the amount), and the account's balance
        is where the chain ends."""
        with self.db.connect() as conn:
            enabled = conn.execute(
                sa.select(accounts).where(
                    accounts.c.disabled.is_(False), accounts.c.deleted_at.is_(None)
                )
            ).mappings()
            for account in list(enabled):
                rows = conn.execute(
                    sa.select(transactions.c.amount_minor, transactions.c.balance_after_minor)
                    .where(transactions.c.account_id == account["id"])
                    .order_by(transactions.c.bank_ref)
                ).all()
                if not rows:
                    continue
                for (_, before), (amount, after) in itertools.pairwise(rows):
                    assert after == before + amount, f"gap or duplicate in {account['name']}"
                assert account["balance_minor"] == rows[-1][1]


TestBankLoginLifecycle = BankLoginLifecycle.TestCase
TestBankLoginLifecycle.settings = settings(
    max_examples=60,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def test_a_state_change_outside_the_table_is_refused():
    assert apply(LoginState.RATE_LIMITED, Event.SYNCED) is LoginState.CONNECTED
    for state, event, target in [
        (LoginState.SCA_REQUIRED, Event.SYNCED, None),  # the user must act first
        (LoginState.CONNECTED, Event.REFUSED, LoginState.CONNECTED),  # no refusal connects
        (LoginState.WRONG_CREDENTIALS, Event.CONSENT_EXPIRED, LoginState.SCA_REQUIRED),
        (LoginState.CONNECTED, Event.HOLD_LIFTED, None),
        (LoginState.CONNECTED, Event.REFUSED, None),  # which refusal: the bank names it
    ]:
        with pytest.raises(TransitionRefused) as refused:
            apply(state, event, target)
        assert refused.value.details["state"] == state.value
