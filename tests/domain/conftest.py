"""A tenant on the default scenario with a frozen clock, and helpers to walk the connect flow."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest

from sandbox.domain import connect, sessions, tenants
from sandbox.domain.flow import load
from sandbox.domain.platform import Platform
from sandbox.domain.tenants import Tenant
from sandbox.scenario import load_scenario_text
from sandbox.settings import Settings

FROZEN = "extends: default\nname: frozen\nclock: {start: 2026-01-15T09:00:00Z, frozen: true}\n"
CALLBACK = "http://127.0.0.1:3000/callback"


class World:
    """The platform plus one tenant whose clock the test moves."""

    def __init__(self, platform: Platform) -> None:
        self.db = platform.db
        self.tenant = tenants.create_tenant(
            platform.db, load_scenario_text(FROZEN), "frozen",
            tenants.TenantOptions(redirect_uris=[CALLBACK]),
        )  # fmt: skip

    def advance(self, **delta: float) -> Tenant:
        self.tenant = tenants.save_clock(
            self.db, self.tenant, self.tenant.clock.advanced(timedelta(**delta))
        )
        return self.tenant

    def session(self, user: str = "u1", **options: object) -> str:
        made = sessions.create_session(
            self.db, self.tenant, kind="connect", external_user_id=user,
            redirect_uri=CALLBACK, state="s1", options=options,
        )  # fmt: skip
        return made.id

    def to_sca(self, bank: str, login: str, **options: object) -> str:
        """A session at the SCA step for `login` at `bank`."""
        session_id = self.session(**options)
        flow = connect.choose_bank(self.db, session_id, bank)
        if flow.progress.step == "account_type":
            connect.choose_account_type(self.db, session_id, "checking")
        connect.log_in(self.db, session_id, login, "pass")
        return session_id

    def connect(self, bank: str = "rheinwert-bank", login: str = "good", **options: object):
        """A whole embedded connection; returns (flow, redirect URL)."""
        session_id = self.to_sca(bank, login, **options)
        flow = load(self.db, session_id)
        if connect.challenge(self.db, flow).method is None:
            connect.choose_sca_method(self.db, session_id, "sms")
        flow, _ = connect.enter_otp(self.db, session_id, "123456")
        keys = [offer.key for offer in connect.consent_offer(flow)]
        return connect.grant_consent(self.db, session_id, keys)


DATABASES = [pytest.param("sqlite:///:memory:", id="sqlite")]
if os.environ.get("SANDBOX_TEST_DATABASE_URL"):
    DATABASES.append(pytest.param(os.environ["SANDBOX_TEST_DATABASE_URL"], id="postgresql"))


@pytest.fixture(params=DATABASES)
def settings(request: pytest.FixtureRequest) -> Settings:
    """The domain's rules run on SQLite always and on PostgreSQL when CI provides one."""
    return Settings(database_url=request.param, reset=True, allowed_hosts=("testserver",))


@pytest.fixture
def world(platform: Platform) -> World:
    return World(platform)
